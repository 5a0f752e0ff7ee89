"""The book's Pygments styles: every token at least 4.5:1 against its code background (WCAG AA for
normal text), in a light and a dark variant. Debian ships no accessible Pygments style: 'friendly' draws
comments at 2.6:1. tests/book/check_contrast.py measures every token of both styles.

conf.py names them as pygments_style = "bookstyle.BookLight" and pygments_dark_style =
"bookstyle.BookDark"; furo builds its light and dark code CSS from them.
"""
from pygments.style import Style
from pygments.token import (Comment, Error, Generic, Keyword, Name, Number, Operator, Punctuation, String,
                            Text, Token, Whitespace)


class BookLight(Style):
    """Dark ink on a pale grey page: hues kept apart for colour-blind readers by lightness as well."""
    name = "book-light"
    background_color = "#f6f8fa"
    highlight_color = "#fff3b0"
    line_number_color = "#57606a"
    styles = {
        Token: "#1f2328",
        Whitespace: "#57606a",
        Comment: "italic #57606a",
        Comment.Preproc: "noitalic #8a3a00",
        Comment.PreprocFile: "noitalic #0a3069",
        Keyword: "bold #a3161f",
        Keyword.Type: "nobold #0550ae",
        Operator: "#1f2328",
        Operator.Word: "bold #a3161f",
        Punctuation: "#1f2328",
        Name.Builtin: "#0550ae",
        Name.Function: "#6639ba",
        Name.Class: "bold #8a3a00",
        Name.Namespace: "#1f2328",
        Name.Exception: "#8a3a00",
        Name.Decorator: "#6639ba",
        Name.Label: "#8a3a00",
        Name.Tag: "#116329",
        Name.Attribute: "#0550ae",
        Name.Constant: "#0550ae",
        Name.Variable: "#953800",
        String: "#0a3069",
        String.Escape: "bold #0550ae",
        String.Regex: "#116329",
        Number: "#0550ae",
        Generic.Heading: "bold #0550ae",
        Generic.Subheading: "bold #6639ba",
        Generic.Deleted: "#82071e",
        Generic.Inserted: "#116329",
        Generic.Error: "#82071e",
        Generic.Emph: "italic",
        Generic.Strong: "bold",
        Generic.Prompt: "bold #57606a",
        Generic.Output: "#1f2328",
        Generic.Traceback: "#82071e",
        Error: "#82071e",
    }


class BookDark(Style):
    """Light ink on a near-black page, the same roles as BookLight."""
    name = "book-dark"
    background_color = "#161b22"
    highlight_color = "#3b3a1f"
    line_number_color = "#9da7b3"
    styles = {
        Token: "#e6edf3",
        Whitespace: "#9da7b3",
        Comment: "italic #9da7b3",
        Comment.Preproc: "noitalic #ffa657",
        Comment.PreprocFile: "noitalic #a5d6ff",
        Keyword: "bold #ff7b72",
        Keyword.Type: "nobold #79c0ff",
        Operator: "#e6edf3",
        Operator.Word: "bold #ff7b72",
        Punctuation: "#e6edf3",
        Name.Builtin: "#79c0ff",
        Name.Function: "#d2a8ff",
        Name.Class: "bold #ffa657",
        Name.Namespace: "#e6edf3",
        Name.Exception: "#ffa657",
        Name.Decorator: "#d2a8ff",
        Name.Label: "#ffa657",
        Name.Tag: "#7ee787",
        Name.Attribute: "#79c0ff",
        Name.Constant: "#79c0ff",
        Name.Variable: "#ffa657",
        String: "#a5d6ff",
        String.Escape: "bold #79c0ff",
        String.Regex: "#7ee787",
        Number: "#79c0ff",
        Generic.Heading: "bold #79c0ff",
        Generic.Subheading: "bold #d2a8ff",
        Generic.Deleted: "#ffa198",
        Generic.Inserted: "#7ee787",
        Generic.Error: "#ffa198",
        Generic.Emph: "italic",
        Generic.Strong: "bold",
        Generic.Prompt: "bold #9da7b3",
        Generic.Output: "#e6edf3",
        Generic.Traceback: "#ffa198",
        Error: "#ffa198",
    }

"""Plain text of rendered HTML pages, for the book checks."""
import html.parser
import re


class _Text(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def text_of(markup):
    """The visible text of an HTML document (scripts and styles left out)."""
    p = _Text()
    p.feed(markup)
    return "".join(p.parts)


def squash(text):
    """Whitespace folded to single spaces, for comparing text across markup."""
    return re.sub(r"\s+", " ", text).strip()

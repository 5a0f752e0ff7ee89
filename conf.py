# conf.py: Sphinx configuration of the book. The repository root is the source directory; CMake runs
# Sphinx and passes the build tree and the edition in the environment (see book/cmake/Render.cmake).
import os
import sys

ROOT = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(ROOT, "book", "_ext"))

# -- What CMake tells us ---------------------------------------------------------------------------------
book_build_dir = os.environ.get("BOOK_BUILD_DIR", os.path.join(ROOT, "build"))
book_edition = os.environ.get("BOOK_EDITION", "student")  # student | instructor
chapters_built = [c for c in os.environ.get("BOOK_CHAPTERS", "").split(";") if c]
if book_edition not in ("student", "instructor"):
    raise ValueError(f"BOOK_EDITION must be student or instructor, not {book_edition!r}")
tags.add(book_edition)  # noqa: F821 (Sphinx provides tags)

# -- Project ----------------------------------------------------------------------------------------------
project = "Concurrency and Parallelism in C++"
author = "The authors of the executable book"
copyright = "2026, the authors; prose CC BY-SA 4.0, code MIT"
root_doc = "book/index"

# -- Sources: only book/ and chapters/; the student edition never reads book/instructor/ ---------------------
# A chapter is chapters/NN-slug.md, or a folder chapters/NN-slug/ of pages (index.md and its sections).
include_patterns = ["book/**.md", "chapters/*.md", "chapters/*/*.md"]
exclude_patterns = ["book/instructor/**", "book/terms/**", "book/bib/**", "book/AUTHORING.md"]
if chapters_built:
    chapter_names = sorted(f[:-3] if f.endswith(".md") else f for f in os.listdir(os.path.join(ROOT, "chapters")))
    exclude_patterns += [p for c in chapter_names if c not in chapters_built
                         for p in (f"chapters/{c}.md", f"chapters/{c}/**")]

extensions = ["myst_parser", "breathe", "sphinx_copybutton", "bookext", "planner", "offline"]


def _ext_signature():
    """A digest of the book's extension: when its code changes, every page is read again."""
    import hashlib
    digest = hashlib.sha256()
    ext_dir = os.path.join(ROOT, "book", "_ext")
    for name in sorted(os.listdir(ext_dir)):
        if name.endswith(".py"):
            with open(os.path.join(ext_dir, name), "rb") as f:
                digest.update(f.read())
    return digest.hexdigest()[:16]


book_ext_signature = _ext_signature()
myst_enable_extensions = ["colon_fence", "deflist", "dollarmath"]
myst_heading_anchors = 3
nitpicky = True

# -- HTML ---------------------------------------------------------------------------------------------------
html_theme = "furo"
html_title = project + (" (instructor edition)" if book_edition == "instructor" else "")
html_static_path = ["book/_static"]
html_css_files = ["book.css"]
html_js_files = ["book.js"]  # keyboard page turning; nothing on the page depends on it
templates_path = ["book/_templates"]
html_additional_pages = {"index": "redirect.html"}  # build/html/index.html opens the front page
html_copy_source = False  # no _sources: the pages are the book
html_show_sourcelink = False
html_last_updated_fmt = None
# The book's own styles (book/_ext/bookstyle.py): every token at least 4.5:1 on its background.
pygments_style = "bookstyle.BookLight"
pygments_dark_style = "bookstyle.BookDark"

# -- API reference: Doxygen XML through Breathe --------------------------------------------------------------
breathe_projects = {"book": os.environ.get("BOOK_DOXYGEN_XML", os.path.join(book_build_dir, "doxygen", "xml"))}
breathe_default_project = "book"
breathe_show_include = False
breathe_default_members = ("members",)
# Clang's thread-safety annotations (chapter 10) are macros after a member's declaration; Sphinx's C++
# parser takes them as attributes with arguments.
cpp_paren_attributes = ["BOOK_ACQUIRE", "BOOK_RELEASE", "BOOK_TRY_ACQUIRE", "BOOK_REQUIRES",
                        "BOOK_EXCLUDES", "BOOK_GUARDED_BY", "BOOK_CAPABILITY", "BOOK_SCOPED_CAPABILITY",
                        "BOOK_PT_GUARDED_BY", "BOOK_ACQUIRED_BEFORE", "BOOK_ACQUIRED_AFTER"]
cpp_id_attributes = ["BOOK_SCOPED_CAPABILITY", "BOOK_NO_THREAD_SAFETY_ANALYSIS"]

# -- Copy buttons on code listings and commands; never on captured output (which is not a code block) -------
copybutton_selector = "div.highlight pre"
copybutton_prompt_text = r"\$ "
copybutton_prompt_is_regexp = True
copybutton_only_copy_prompt_lines = True

# -- Namespaces are not objects of Sphinx's C++ domain, so the qualifiers in a rendered signature
# (book::measure::summarize) have nothing to link to. Ignore exactly the namespaces Doxygen found,
# and nothing else: a reference to a missing class or function still fails the build.
def _doxygen_namespaces(xml_dir):
    import xml.etree.ElementTree as ET
    index = os.path.join(xml_dir, "index.xml")
    if not os.path.exists(index):
        return []
    return [c.findtext("name") for c in ET.parse(index).getroot().iter("compound") if c.get("kind") == "namespace"]


nitpick_ignore = [("cpp:identifier", ns) for ns in _doxygen_namespaces(breathe_projects["book"])]
# POSIX and C types in signatures are not the book's to document, as std:: types are not (Sphinx's C++
# domain already leaves std:: alone).
nitpick_ignore += [("cpp:identifier", t) for t in (
    "pid_t", "ssize_t", "size_t", "off_t", "uid_t", "gid_t", "mode_t", "pthread_t", "cpu_set_t", "clockid_t",
    "sigset_t", "timespec", "timeval", "rusage", "uint32_t", "uint64_t", "int64_t", "int32_t", "uintptr_t")]

# -- EPUB (target book-epub: the student edition for e-readers) --------------------------------------------
def _version():
    """The date of the commit the book was built from (epubcheck rejects empty version metadata)."""
    import subprocess
    try:
        out = subprocess.run(["git", "-C", ROOT, "log", "-1", "--format=%cs"], capture_output=True,
                             text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        out = ""
    return out or "unreleased"


version = release = _version()
epub_title = project
epub_author = author
epub_publisher = author
epub_copyright = copyright
epub_language = "en"
epub_scheme = "unknown"
epub_identifier = epub_uid = "concurrency-and-parallelism-in-cpp"  # the same book in every build
epub_show_urls = "no"
epub_theme = "epub"
epub_description = ("Processes, threads, coroutines, green threads, event loops, goroutines and "
                    "parallelism in C++20, every program run and measured by the build.")
epub_exclude_files = ["search.html", "genindex.html", "index.xhtml"]  # index: the HTML redirect

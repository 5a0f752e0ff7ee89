"""The offline editions: an EPUB that epubcheck accepts, and the front page's links to the EPUB
and the PDF when the build has made them.

- ``{offline-editions}``: links to build/epub/*.epub and build/book.pdf when they exist.
- The epub builder, adjusted for a book whose root document is not at the top of the source
  folder (``book/index``): Sphinx 5.3 prefixes the table of contents' links with the root's
  folder without normalising them (``book/../chapters/...``), so spine and navigation point at
  nothing. Also: SVG figures lose their DOCTYPE (EPUB 3 forbids external entities), duplicate
  ids (Breathe repeats its section ids on a page) get a suffix, and the HTML redirect page is
  left out.
- For every builder: a code block that Breathe put inside a paragraph (a Doxygen @code in a
  description) is moved out of it, since a <div> may not sit inside a <p>.
"""
import os
import posixpath
import re

from docutils import nodes
from sphinx.builders.epub3 import Epub3Builder
from sphinx.util.docutils import SphinxDirective


class OfflineEditions(SphinxDirective):
    """{offline-editions}: links to the EPUB and the PDF of the book when this build has made
    them (targets book-epub and book-pdf), and says how to make them otherwise."""

    def run(self):
        from sphinx import addnodes
        build = self.env.config.book_build_dir
        doc_dir = os.path.dirname(self.env.doc2path(self.env.docname))
        found = []
        epubs = sorted(os.path.join(build, "epub", f) for f in os.listdir(os.path.join(
            build, "epub")) if f.endswith(".epub")) if os.path.isdir(os.path.join(build, "epub")) \
            else []
        for label, path in (("EPUB", epubs[0] if epubs else os.path.join(build, "epub", "x.epub")),
                            ("PDF", os.path.join(build, "book.pdf"))):
            # A missing file is a dependency too: the page is read again until it appears.
            self.env.note_dependency(path)
            if os.path.exists(path):
                found.append((label, path))
        para = nodes.paragraph()
        if not found or self.env.app.builder.name != "html":
            para += nodes.Text("Offline editions: build an EPUB with `cmake --build --preset "
                               "default --target book-epub` and a PDF for print with "
                               "`--target book-pdf` (see the README).")
            return [para]
        para += nodes.Text("Read offline: ")
        for i, (label, path) in enumerate(found):
            if i:
                para += nodes.Text(" or ")
            ref = addnodes.download_reference("", "", refdoc=self.env.docname,
                                              reftarget=os.path.relpath(path, doc_dir),
                                              refexplicit=True, refdomain="", reftype="download")
            ref += nodes.literal(label, f"the {label}")
            para += ref
        para += nodes.Text(" of this build (student edition; in the EPUB downloads are plain "
                           "text and figures are in their light version).")
        return [para]


class BookEpubBuilder(Epub3Builder):
    """Sphinx's EPUB 3 builder for a root document in a subfolder (see the module comment)."""

    _depth = 0

    def get_refnodes(self, doctree, result):
        self._depth += 1
        try:
            result = super().get_refnodes(doctree, result)
        finally:
            self._depth -= 1
        if self._depth == 0:
            base = posixpath.dirname(self.config.root_doc)
            for item in result:
                if item.get("book_normalised"):
                    continue
                path, hashmark, fragment = item["refuri"].partition("#")
                item["refuri"] = posixpath.normpath(posixpath.join(base, path)) + hashmark + fragment
                item["book_normalised"] = True
        return result

    def get_toc(self):
        doctree = self.env.get_and_resolve_doctree(self.config.root_doc, self,
                                                   prune_toctrees=False, includehidden=True)
        self.refnodes = self.get_refnodes(doctree, [])
        self.toc_add_files(self.refnodes)

    def build_epub(self):
        for dirpath, _, files in os.walk(self.outdir):
            for name in files:
                path = os.path.join(dirpath, name)
                if name.endswith(".svg"):
                    strip_doctype(path)
                elif name.endswith(".xhtml"):
                    unique_ids(path)
        super().build_epub()


def strip_doctype(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    fixed = re.sub(r"<!DOCTYPE[^>\[]*(\[.*?\])?\s*>", "", text, count=1, flags=re.S)
    if fixed != text:
        with open(path, "w", encoding="utf-8") as f:
            f.write(fixed)


def unique_ids(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    seen = {}

    def rename(m):
        ident = m.group(2)
        seen[ident] = seen.get(ident, 0) + 1
        if seen[ident] == 1:
            return m.group(0)
        return f'{m.group(1)}{ident}-{seen[ident]}"'

    fixed = re.sub(r'(\sid=")([^"]+)"', rename, text)
    if fixed != text:
        with open(path, "w", encoding="utf-8") as f:
            f.write(fixed)


BLOCKS = (nodes.literal_block, nodes.Sequential, nodes.table, nodes.container, nodes.block_quote,
          nodes.definition_list, nodes.field_list, nodes.admonition)


def lift_blocks_out_of_paragraphs(app, doctree, docname):
    """A block (code, a list, a table) inside a paragraph becomes paragraph, block, paragraph."""
    for para in list(doctree.findall(nodes.paragraph)):
        if not any(isinstance(c, BLOCKS) for c in para.children):
            continue
        pieces, current = [], nodes.paragraph()
        for child in list(para.children):
            if isinstance(child, BLOCKS):
                if len(current):
                    pieces.append(current)
                pieces.append(child.deepcopy())
                current = nodes.paragraph()
            else:
                current += child.deepcopy()
        if len(current) and current.astext().strip():
            pieces.append(current)
        para.replace_self(pieces)


def setup(app):
    app.add_directive("offline-editions", OfflineEditions)
    app.add_builder(BookEpubBuilder, override=True)
    app.connect("doctree-resolved", lift_blocks_out_of_paragraphs)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

"""markdown-it-pyrs' syntax tree -> the normalized tree: the default parser (markdown-it.rs).

Its source maps are byte offsets, turned into lines once per file. It hides the paragraphs of tight
list items, which markdown-it-py keeps, so consecutive inline nodes of an item become a paragraph
here. Block text is cut from the source the way markdown-it-py's getLines cuts it, so both parsers
give the model the same strings.
"""

from __future__ import annotations

import bisect
import re

from markdown_it_pyrs import MarkdownIt
from markdown_it_pyrs import Node as RsNode

from forgea_hooks.documents.parsers import autolinks
from forgea_hooks.documents.tree import MAX_NESTING, Definition, Node, Tree, strip_indent

NAME = "markdown-it-pyrs"

# Not its autolink_ext: it slices non-ASCII text at byte offsets (it drops or repeats text, and it
# panics), so bare URLs are found by parsers/autolinks.py on text nodes, as with the fallback.
_PARSER = MarkdownIt("commonmark").enable("table")

_BLOCK_KINDS = {
    "heading": "heading",
    "lheading": "heading",
    "paragraph": "paragraph",
    "bullet_list": "bullet_list",
    "ordered_list": "ordered_list",
    "list_item": "list_item",
    "table": "table",
    "thead": "thead",
    "tbody": "tbody",
    "trow": "row",
    "tcell": "cell",
    "blockquote": "blockquote",
    "html_block": "html_block",
    "fence": "code",
    "code_block": "code",
    "hr": "other",
}
_INLINE_LINKS = {"link": "link", "image": "image", "autolink": "autolink"}
# A line whose container prefix (indentation, list markers, ``>``) is this long may nest deeper than
# markdown-it.rs' recursion survives (it overflows the native stack at some 20,000 levels); such a doc
# goes to the fallback parser, which stops at MAX_NESTING like this adapter does.
_DEEP_PREFIX = re.compile(r"^[ \t>*+\-0-9.)]{1000}", re.MULTILINE)
_ATX = re.compile(r" {0,3}#{1,6}(?:[ \t]|$)")
_ESCAPED_PIPE = re.compile(r"(?<!\\)((?:\\\\)*)\\\|")


def parse(text: str) -> Tree:
    if _DEEP_PREFIX.search(text):
        from forgea_hooks.documents.parsers import pure

        return pure.parse(text)
    return _Adapter(text).tree()


class _Adapter:
    def __init__(self, text: str) -> None:
        self.text = text
        self.ascii = text.isascii()
        self.data = b"" if self.ascii else text.encode("utf-8")
        self.lines = text.split("\n")
        self.starts = [0]  # the byte offset where each line starts
        offset = 0
        for line in self.lines[:-1]:
            offset += (len(line) if self.ascii else len(line.encode("utf-8"))) + 1
            self.starts.append(offset)
        self.result = Tree(Node("root", 1, len(self.lines)))
        self.stopped = False
        # The same test as the fallback's for which blocks can hold a link (see pure.py).
        self.references = "]:" in text

    def tree(self) -> Tree:
        try:
            rs_root = _PARSER.tree(self.text)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException:
            from forgea_hooks.documents.parsers import pure

            return pure.parse(self.text)
        self._children(rs_root, self.result.root, 0, -1)
        return self.result

    def line_of(self, offset: int) -> int:
        """The 1-based line of a byte offset."""
        return bisect.bisect_right(self.starts, offset)

    def _children(self, rs_parent: RsNode, parent: Node, level: int, item: int) -> None:
        """``item``: the byte offset of the list item's marker that holds these blocks, or -1."""
        pending: list[RsNode] = []
        for rs in rs_parent.children:
            name = rs.name
            kind = _BLOCK_KINDS.get(name)
            if kind is not None:
                if pending:
                    self._tight_paragraph(pending, parent, item, rs)
                    pending = []
                self._block(rs, name, parent, level, item)
                if self.stopped:
                    return
            elif name == "definition":
                line = self.line_of(_span(rs)[0])
                self.result.definitions.append(Definition(str(rs.meta["destination"]), line))
            else:
                pending.append(rs)
        if pending:
            self._tight_paragraph(pending, parent, item, None)

    def _block(self, rs: RsNode, name: str, parent: Node, level: int, item: int) -> None:
        kind = _BLOCK_KINDS[name]
        start, end = _span(rs)
        first = self.line_of(start)
        node = Node(kind, first, self.line_of(end - 1) if end > start else first)
        parent.children.append(node)
        if kind == "paragraph":
            node.text = self._block_text(start, node.end, item)
            if self._may_link(node.text):
                node.inlines = self._inlines(rs)
        elif kind == "heading":
            node.level = int(rs.meta["level"])
            node.text = self._heading_text(node, start, item, name == "heading")
            if self._may_link(node.text):
                node.inlines = self._inlines(rs)
        elif kind == "cell":
            node.text = _ESCAPED_PIPE.sub(r"\1|", self._slice(start, end)).strip()
            if self._may_link(node.text):
                node.inlines = self._inlines(rs)
        elif kind == "html_block":
            node.text = str(rs.meta.get("content", ""))
        elif kind in {"list_item", "blockquote"}:
            if level >= MAX_NESTING - 1:
                self.result.stopped_at = first
                self.stopped = True
                return
            self._children(rs, node, level + 1, start if kind == "list_item" else item)
        elif kind != "code":
            self._children(rs, node, level + 1, item)

    def _may_link(self, text: str) -> bool:
        return "://" in text or "www." in text or (self.references and "]" in text)

    def _tight_paragraph(self, inline: list[RsNode], parent: Node, item: int, after: RsNode | None) -> None:
        """The hidden paragraph of a tight list item: from its first inline node to the line before
        the next block (or the item's end), trailing blank lines left out."""
        start = _span(inline[0])[0]
        first = self.line_of(start)
        last = self.line_of(_span(after)[0]) - 1 if after is not None else parent.end
        while last > first and not self.lines[last - 1].strip():
            last -= 1
        node = Node("paragraph", first, last)
        node.text = self._block_text(start, last, item)
        if self._may_link(node.text):
            node.inlines = [found for rs in inline for found in self._inline(rs)]
        parent.children.append(node)

    def _slice(self, start: int, end: int) -> str:
        if self.ascii:
            return self.text[start:end]
        return self.data[start:end].decode("utf-8", "replace")

    def _line_rest(self, start: int) -> str:
        """The source from a byte offset to the end of its line."""
        line = self.line_of(start)
        if self.ascii:
            return self.lines[line - 1][start - self.starts[line - 1] :]
        return self.data[start : self.starts[line - 1] + len(self.lines[line - 1].encode("utf-8"))].decode(
            "utf-8", "replace"
        )

    def _block_text(self, start: int, last: int, item: int) -> str:
        """A paragraph's inline source: its first line from where the paragraph starts, each later
        line less the list item's indentation, stripped (markdown-it's getLines)."""
        head = self._line_rest(start)
        first = self.line_of(start)
        if last <= first:
            return head.strip()
        indent = self._item_indent(item) if item >= 0 else 0
        rest = [strip_indent(line, indent) for line in self.lines[first:last]]
        return "\n".join([head, *rest]).strip()

    def _heading_text(self, node: Node, start: int, item: int, atx: bool) -> str:
        if atx:
            body = self._line_rest(start).lstrip(" ").lstrip("#").rstrip(" \t")
            closing = body.rstrip("#")
            if len(closing) < len(body) and (not closing or closing[-1] in " \t"):
                body = closing
            return body.strip()
        # A setext heading: its text lines without the underline.
        return self._block_text(start, node.end - 1, item)

    def _item_indent(self, marker: int) -> int:
        """The column where a list item's content starts (CommonMark: after the marker and 1-4
        columns of space, or 1 past the marker when the rest of the line is blank or indented code)."""
        number = self.line_of(marker)
        line = self.lines[number - 1]
        offset = len(self._slice(self.starts[number - 1], marker))
        position = offset
        while position < len(line) and line[position].isdigit():
            position += 1
        position += 1  # the bullet, or the ordered list's delimiter
        before = _columns(line[:position])
        rest = line[position:]
        after = _columns(line[:position] + rest[: len(rest) - len(rest.lstrip(" \t"))]) - before
        if not rest.strip() or after > 4 or after == 0:
            return before + 1
        return before + after

    def _inlines(self, rs: RsNode) -> list[Node]:
        return [found for child in rs.children for found in self._inline(child)]

    def _inline(self, rs: RsNode) -> list[Node]:
        name = rs.name
        kind = _INLINE_LINKS.get(name)
        if kind is not None:
            line = self.line_of(_span(rs)[0])
            node = Node(kind, line, line)
            node.url = str(rs.meta.get("url", ""))
            # A link's text can hold images but no links of its own.
            return [node, *(found for child in rs.children for found in self._inline(child) if found.kind == "image")]
        if name == "html_inline":
            content = str(rs.meta.get("content", ""))
            line = self.line_of(_span(rs)[0])
            return [Node("html", line, line + content.count("\n"), content)]
        if name == "text":
            content = str(rs.meta.get("content", ""))
            if "://" in content or "www." in content:
                line = self.line_of(_span(rs)[0])
                return [_autolink(url, line) for url in autolinks.find(content)]
            return []
        if name == "code_inline":
            return []
        return [found for child in rs.children for found in self._inline(child)]


def _autolink(url: str, line: int) -> Node:
    node = Node("autolink", line, line)
    node.url = url
    return node


def _span(rs: RsNode) -> tuple[int, int]:
    return rs.srcmap or (0, 0)


def _columns(text: str) -> int:
    column = 0
    for char in text:
        column += 4 - column % 4 if char == "\t" else 1
    return column

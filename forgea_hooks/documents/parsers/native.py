"""markdown-it-pyrs' syntax tree -> the normalized tree: the default parser (markdown-it.rs).

Its source maps are byte offsets, turned into lines once per node. It hides the paragraphs of tight
list items, which markdown-it-py keeps, so consecutive inline nodes of an item become a paragraph
here. Block text is cut from the source the way markdown-it-py's getLines cuts it, so both parsers
give the model the same strings.

The walk is the cost of the parse that is ours (markdown-it.rs' own is about a third of it): one
loop per container with the common blocks handled in it, a line found by one ``bisect`` on the
lines' byte offsets, and a single-line paragraph's text cut from its line without joining lines.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate
from operator import add

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
_LINK_KINDS = frozenset({"link", "image", "autolink"})
# A line whose container prefix (indentation, list markers, ``>``) is this long may nest deeper than
# markdown-it.rs' recursion survives (it overflows the native stack at some 20,000 levels); such a doc
# goes to the fallback parser, which stops at MAX_NESTING like this adapter does.
_DEEP = 1000
_PREFIX_CHARACTERS = " \t>*+-0123456789.)"
_ESCAPED_PIPE = re.compile(r"(?<!\\)((?:\\\\)*)\\\|")


def parse(text: str) -> Tree:
    adapter = _Adapter(text)
    if max(map(len, adapter.lines)) >= _DEEP and any(_too_deep(line) for line in adapter.lines):
        from forgea_hooks.documents.parsers import pure

        return pure.parse(text)
    return adapter.tree()


def _too_deep(line: str) -> bool:
    return len(line) - len(line.lstrip(_PREFIX_CHARACTERS)) >= _DEEP


class _Adapter:
    __slots__ = ("ascii", "data", "encoded", "lines", "references", "result", "starts", "stopped", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.ascii = text.isascii()
        self.lines = text.split("\n")
        # What the source maps count in: the text itself when it is ASCII, else its UTF-8 bytes.
        self.data = b"" if self.ascii else text.encode("utf-8")
        self.encoded = [] if self.ascii else self.data.split(b"\n")
        # The byte offset where each line starts: the lengths before it plus one newline per line.
        lengths = map(len, self.lines if self.ascii else self.encoded)
        self.starts: list[int] = list(map(add, accumulate(lengths, initial=0), range(len(self.lines))))
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

    def _children(self, rs_parent: RsNode, parent: Node, level: int, item: int) -> None:
        """``item``: the byte offset of the list item's marker that holds these blocks, or -1."""
        starts = self.starts
        references = self.references
        siblings: list[Node] = []
        parent.children = siblings
        kids = rs_parent.children
        run = -1  # where the inline nodes of a hidden paragraph start in ``kids``, while in one
        for index, rs in enumerate(kids):
            name = rs.name
            kind = _BLOCK_KINDS.get(name)
            if kind is None:
                if name == "definition":
                    line = bisect_right(starts, _start(rs))
                    self.result.definitions.append(Definition(str(rs.meta["destination"]), line))
                elif run < 0:
                    run = index
                continue
            start, end = rs.srcmap or (0, 0)
            if run >= 0:
                siblings.append(self._tight_paragraph(kids[run:index], parent.end, item, start))
                run = -1
            first = bisect_right(starts, start)
            node = Node(kind, first, bisect_right(starts, end - 1) if end > start else first)
            siblings.append(node)
            if kind == "paragraph":
                text = node.text = self._block_text(start, first, node.end, item)
                # The same test as the fallback's for which blocks can hold a link (see pure.py).
                if "://" in text or "www." in text or (references and "]" in text):
                    node.inlines = self._inlines(rs.children)
            elif kind in ("list_item", "blockquote"):
                if level >= MAX_NESTING - 1:
                    self.result.stopped_at = first
                    self.stopped = True
                    return
                self._children(rs, node, level + 1, start if kind == "list_item" else item)
                if self.stopped:
                    return
            elif kind == "heading":
                node.level = int(rs.meta["level"])
                text = node.text = self._heading_text(node, start, first, item, name == "heading")
                if "://" in text or "www." in text or (references and "]" in text):
                    node.inlines = self._inlines(rs.children)
            elif kind == "cell":
                text = self._slice(start, end)
                text = node.text = (_ESCAPED_PIPE.sub(r"\1|", text) if "\\|" in text else text).strip()
                if "://" in text or "www." in text or (references and "]" in text):
                    node.inlines = self._inlines(rs.children)
            elif kind == "html_block":
                node.text = str(rs.meta.get("content", ""))
            elif kind != "code":
                self._children(rs, node, level + 1, item)
                if self.stopped:
                    return
        if run >= 0:
            siblings.append(self._tight_paragraph(kids[run:], parent.end, item, -1))

    def _tight_paragraph(self, inline: Sequence[RsNode], last: int, item: int, after: int) -> Node:
        """The hidden paragraph of a tight list item: from its first inline node to the line before
        the next block (starting at byte ``after``), or to ``last``, the item's last line, when no
        block follows (``after`` -1); trailing blank lines left out. ``inline`` may hold reference
        definitions, which hold no link to read."""
        span = inline[0].srcmap
        start = span[0] if span else 0
        first = bisect_right(self.starts, start)
        if after >= 0:
            last = bisect_right(self.starts, after) - 1
        lines = self.lines
        while last > first and not lines[last - 1].strip():
            last -= 1
        text = self._block_text(start, first, last, item)
        node = Node("paragraph", first, last, text)
        if "://" in text or "www." in text or (self.references and "]" in text):
            node.inlines = self._inlines(inline)
        return node

    def _slice(self, start: int, end: int) -> str:
        if self.ascii:
            return self.text[start:end]
        return self.data[start:end].decode("utf-8", "replace")

    def _line_rest(self, start: int, line: int) -> str:
        """The source from a byte offset to the end of its line (``line``, 1-based)."""
        if self.ascii:
            return self.lines[line - 1][start - self.starts[line - 1] :]
        return self.encoded[line - 1][start - self.starts[line - 1] :].decode("utf-8", "replace")

    def _block_text(self, start: int, first: int, last: int, item: int) -> str:
        """A paragraph's inline source: its first line from where the paragraph starts, each later
        line less the list item's indentation, stripped (markdown-it's getLines)."""
        if self.ascii:
            head = self.lines[first - 1][start - self.starts[first - 1] :]
        else:
            head = self.encoded[first - 1][start - self.starts[first - 1] :].decode("utf-8", "replace")
        if last <= first:
            return head.strip()
        indent = self._item_indent(item) if item >= 0 else 0
        rest = [strip_indent(line, indent) for line in self.lines[first:last]]
        return "\n".join([head, *rest]).strip()

    def _heading_text(self, node: Node, start: int, first: int, item: int, atx: bool) -> str:
        if atx:
            body = self._line_rest(start, first).lstrip(" ").lstrip("#").rstrip(" \t")
            closing = body.rstrip("#")
            if len(closing) < len(body) and (not closing or closing[-1] in " \t"):
                body = closing
            return body.strip()
        # A setext heading: its text lines without the underline.
        return self._block_text(start, first, node.end - 1, item)

    def _item_indent(self, marker: int) -> int:
        """The column where a list item's content starts (CommonMark: after the marker and 1-4
        columns of space, or 1 past the marker when the rest of the line is blank or indented code)."""
        number = bisect_right(self.starts, marker)
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

    def _inlines(self, children: Sequence[RsNode]) -> list[Node]:
        found: list[Node] = []
        for rs in children:
            self._inline(rs, found, False)
        return found

    def _inline(self, rs: RsNode, found: list[Node], in_link: bool) -> None:
        """Add the links, images, autolinks and inline HTML of ``rs`` to ``found``; inside a link's
        text (``in_link``) only images, since a link's text can hold images but no links."""
        name = rs.name
        if name in _LINK_KINDS:
            if name == "image" or not in_link:
                line = bisect_right(self.starts, _start(rs))
                node = Node(name, line, line)
                node.url = str(rs.meta.get("url", ""))
                found.append(node)
            for child in rs.children:
                self._inline(child, found, True)
        elif name == "text":
            if not in_link:
                content = str(rs.meta.get("content", ""))
                if "://" in content or "www." in content:
                    line = bisect_right(self.starts, _start(rs))
                    found.extend(_autolink(url, line) for url in autolinks.find(content))
        elif name == "html_inline":
            if not in_link:
                content = str(rs.meta.get("content", ""))
                line = bisect_right(self.starts, _start(rs))
                found.append(Node("html", line, line + content.count("\n"), content))
        elif name != "code_inline":
            for child in rs.children:
                self._inline(child, found, in_link)


def _autolink(url: str, line: int) -> Node:
    node = Node("autolink", line, line)
    node.url = url
    return node


def _start(rs: RsNode) -> int:
    span = rs.srcmap
    return span[0] if span else 0


def _columns(text: str) -> int:
    column = 0
    for char in text:
        column += 4 - column % 4 if char == "\t" else 1
    return column

"""The normalized node tree the model is built from, whichever parser made it.

Both adapters (``parsers/native.py`` over markdown-it-pyrs, ``parsers/pure.py`` over markdown-it-py)
produce this tree and nothing above them knows which one ran: a differential test keeps their trees'
models equal. A block's ``text`` is its inline source (markup kept, as the model's values are written),
its lines are 1-based and inclusive; inline nodes are kept only for what links are read from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

# Block nesting deeper than this is not parsed: markdown-it-py would recurse past Python's stack and
# markdown-it.rs past the native one. Deeper content is reported (file-invalid), never dropped silently.
MAX_NESTING = 100

# Inline kinds that carry a URL in ``meta``; "html" carries raw HTML in ``text``.
LINK_KINDS = ("link", "image", "autolink")


class Node:
    """One node. Block kinds: root, heading, paragraph, bullet_list, ordered_list, list_item, table,
    thead, tbody, row, cell, html_block, code, blockquote, other. Inline kinds: link, image,
    autolink (``url`` in ``meta``; a bare URL or ``www.`` link is an autolink too) and html.

    A node without children or inlines shares the empty tuple: a doc's tree is a hundred nodes, most
    of them leaves, and two empty lists each were a third of the allocations of a whole-tree run's
    parse. The adapters give a node its own list when it gets some."""

    __slots__ = ("children", "end", "inlines", "kind", "level", "line", "text", "url")

    def __init__(self, kind: str, line: int, end: int, text: str = "", level: int = 0) -> None:
        self.kind = kind
        self.line = line
        self.end = end
        self.text = text
        self.level = level
        self.url = ""
        self.children: Sequence[Node] = ()
        # A text-bearing block's links and inline HTML, in source order; empty when it has none.
        self.inlines: Sequence[Node] = ()

    def to_json(self) -> dict[str, object]:
        """For the differential test's messages and for debugging: the tree as plain data."""
        return {
            "kind": self.kind,
            "lines": [self.line, self.end],
            "text": self.text,
            "level": self.level,
            "url": self.url,
            "inlines": [node.to_json() for node in self.inlines],
            "children": [node.to_json() for node in self.children],
        }


@dataclass
class Definition:
    """``[label]: url`` (a link reference definition) and its line."""

    url: str
    line: int


@dataclass
class Tree:
    root: Node
    definitions: list[Definition] = field(default_factory=list)
    # The line where block parsing stopped at MAX_NESTING, or 0 when it read the whole text.
    stopped_at: int = 0
    # Why the parser read nothing of the text (it raised), or "" when it read it.
    failed: str = ""


def strip_indent(line: str, indent: int, position: int = 0, origin: int | None = None) -> str:
    """``line`` from ``position`` on without up to ``indent`` columns of leading white space, as
    markdown-it's getLines does: tabs stop every 4 columns of the line, the columns are counted from
    ``origin`` (by default where ``position`` stands), and a tab that straddles the limit leaves
    spaces for its remainder."""
    column = 0
    for char in line[:position]:
        column += 4 - column % 4 if char == "\t" else 1
    start = column if origin is None else origin
    while position < len(line) and max(column - start, 0) < indent:
        char = line[position]
        if char == "\t":
            column += 4 - column % 4
        elif char == " ":
            column += 1
        else:
            break
        position += 1
    rest = line[position:]
    return " " * (column - start - indent) + rest if column - start > indent else rest

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

from forgea_hooks.documents.parsers import autolinks, hosts
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
_QUOTE = -1  # a block quote among a block's containers (a list item is its marker's offset)
_CONTAINER_KINDS = frozenset({"bullet_list", "ordered_list", "list_item", "blockquote"})


def parse(text: str) -> Tree:
    adapter = _Adapter(text)
    if (max(map(len, adapter.lines)) >= _DEEP and any(_too_deep(line) for line in adapter.lines)) or (
        "`" in text and "[" in text and _may_panic(adapter.lines)
    ):
        from forgea_hooks.documents.parsers import pure

        return pure.parse(text)
    return adapter.tree()


# markdown-it.rs 0.6 panics (code_pair.rs:87, an index past its cache of backtick-run lengths) when
# a backtick run whose code span never closes is scanned a second time: a link label scan (after a
# ``[``) looks ahead through it, then the normal pass reaches it again. The panic is caught, but Rust
# prints it (and a backtrace under RUST_BACKTRACE) to stderr first, so such docs go to the fallback.
# No scan fails when every run closes: in each piece of inline text, the runs pair the way code spans
# pair (an opener with the next run of its length), and no run outside a span can be taken by
# something else first (an escape, an entity, inline HTML or an autolink, a link's destination or
# title). _may_panic checks that per piece; a piece is a line cut at ``|`` (as table cells are),
# joined with the next line only where that line surely continues its paragraph.
_TOKENS = re.compile(r"`+|\]\(|<|\|")
_UNSAFE = frozenset("`'\"<\\|")  # in a tag or link destination: it may hold or hide a backtick
# A paragraph's items: backtick run lengths, and these two.
_HAZARD = 0  # a tag, autolink or link destination that may take a backtick run (or hide its end)
_PIPE = -(10**9)  # a ``|``: a table's cells are inline text of their own
_PREFIX_STARTS = frozenset(" \t>-*+0123456789")


def _may_panic(lines: list[str]) -> bool:
    """Whether a backtick run may open no code span in the doc's inline text (a superset of what
    panics markdown-it.rs). One pass; only lines with a backtick, ``<`` or ``](`` are tokenized."""
    items: list[int] = []  # the current piece's run lengths and hazards, in order
    hazard = False  # a hazard outside code spans earlier in the paragraph
    fence = ""  # the opening fence of the fenced code block the line is in
    blank = True  # the previous line is blank, or there is none
    joinable = False  # the previous line is one a paragraph's next line surely goes on from
    table = False  # a table's delimiter row was seen in this paragraph: each line is a row
    for number, line in enumerate(lines):
        stripped = line.lstrip(" \t")
        if not stripped:
            if _unpaired(items, hazard)[0]:
                return True
            items, hazard, blank, joinable, table = [], False, True, False, False
            continue
        content, indent, interrupts, marked = _container_prefix(line)
        if _delimiter_row(content):
            table = True
        # Above a delimiter row, any line is a table's header row, a block of its own (markdown-it.rs
        # takes one with no ``|``, in a list item too). Loosely: any container prefix before it.
        following = lines[number + 1] if number + 1 < len(lines) else ""
        header = "-" in following and not following.strip(" \t>-:|*+.)0123456789")
        if fence:
            # Indented 4 columns after a paragraph's line, it may be that paragraph's lazy line.
            fenced = content.startswith(fence) and not content.strip(fence[0] + " \t") and (indent <= 3 or not joinable)
            if fenced:
                fence = ""
        else:
            fenced = content.startswith(("```", "~~~")) and (blank or (indent <= 3 and interrupts)) and not header
            if fenced:
                fence = content[: len(content) - len(content.lstrip(content[0]))]
                if fence[0] == "`" and "`" in content[len(fence) :]:  # not a fence: inline text
                    fenced = False
                    fence = ""
        if fenced or header or not joinable or marked or _interrupts(stripped):
            failed, hazard = _unpaired(items, hazard)
            if failed:
                return True
            items = []
        blank = False
        if fenced:
            joinable = False
            continue
        if "`" in line or "<" in line or "](" in line:
            _tokens(line, items)
        # Not a paragraph line, or maybe not: a heading, a table row, a reference definition, a
        # thematic break or setext underline, indented code, or an HTML block's first or last line
        # (one may go on over blank lines to a line with its end, a ``>``).
        joinable = not (
            table
            or content[:1] in ("#", "<")
            or ">" in line
            or "|" in line
            or "]:" in line
            or not stripped.strip("=-*_ \t")
            or indent >= 4
        )
    return _unpaired(items, hazard)[0]


def _delimiter_row(content: str) -> bool:
    return "-" in content and not content.strip("-:| \t")


def _interrupts(stripped: str) -> bool:
    """Whether a line (less its leading space) may start a block rather than go on with a paragraph."""
    return (
        stripped[0] in ">#<|"
        or stripped.startswith(("```", "~~~"))
        or "|" in stripped
        or not stripped.strip("=-*_ \t")
        or _delimiter_row(stripped)
    )


def _tokens(line: str, items: list[int]) -> None:
    """Add the line's backtick runs (negative when an escape or entity may take the first backtick)
    and its hazards to ``items``; a ``|`` ends the piece."""
    position = 0
    length = len(line)
    while position < length:
        match = _TOKENS.search(line, position)
        if match is None:
            return
        start = match.start()
        token = match.group()
        position = match.end()
        if token[0] == "`":
            items.append(-len(token) if start and line[start - 1] in "\\;" else len(token))
        elif token == "|":
            items.append(_PIPE)
        elif token == "<":
            after = line[position : position + 1]
            if not (after.isalpha() or after in ("/", "!", "?")):
                # No tag starts so, only an email autolink: no space or newline before its ">".
                end = line.find(">", position)
                inside = line[position:end]
                if end >= 0 and " " not in inside and "\t" not in inside and not _UNSAFE.isdisjoint(inside):
                    items.append(_HAZARD)
                continue
            if line.startswith("!--", position):  # a comment ends at its first -->, whatever it holds
                end = line.find("-->", position + 1)
                inside = line[position:end]
                if end < 0 or "`" in inside or "|" in inside:
                    items.append(_HAZARD)
                continue
            end = line.find(">", position)
            if end < 0 or line[position : position + 1] in ("!", "?") or not _UNSAFE.isdisjoint(line[position:end]):
                items.append(_HAZARD)
        else:  # a link destination and title, to their ``)``
            depth = 1
            end = position
            while end < length and depth:
                char = line[end]
                if char in _UNSAFE:
                    break
                depth += (char == "(") - (char == ")")
                end += 1
            if depth:
                items.append(_HAZARD)


def _unpaired(items: list[int], hazard: bool) -> tuple[bool, bool]:
    """Whether a run in a paragraph's ``items`` may open no code span (code spans pair a run with the
    next run of its length; what lies between is the span's text) or may be taken by a hazard before
    it outside spans (``hazard``: one was in the paragraph's earlier pieces); and the new ``hazard``.
    A ``_PIPE`` item ends a piece, so no span reaches over it."""
    if not items:
        return False, hazard
    following = [-1] * len(items)
    later: dict[int, int] = {}
    for index in range(len(items) - 1, -1, -1):
        item = items[index]
        if item == _PIPE:
            later = {}
        elif item != _HAZARD:
            following[index] = later.get(abs(item), -1)
            later[abs(item)] = index
    index = 0
    while index < len(items):
        item = items[index]
        if item == _HAZARD:
            hazard = True
        elif item != _PIPE:
            if hazard or item < 0 or following[index] < 0:
                return True, hazard
            index = following[index]
        index += 1
    return False, hazard


def _container_prefix(line: str) -> tuple[str, int, bool, bool]:
    """The line less its blockquote and list markers; the most columns of space before a marker or
    that rest (4 may make the line indented code or a paragraph's lazy continuation); whether
    the rest, if a fence, surely starts one (a fence interrupts a paragraph, but after an ordered
    marker other than 1 the line may be a paragraph's lazy continuation); whether it had a marker."""
    if line[:1] not in _PREFIX_STARTS:  # most lines: no prefix to take off
        return line, 0, True, False
    position = 0
    length = len(line)
    interrupts = True
    marked = False
    widest = 0
    while True:
        start = position
        while position < length and line[position] in " \t":
            position += 1
        widest = max(widest, sum(4 if char == "\t" else 1 for char in line[start:position]))
        if position < length and line[position] == ">":
            position += 1
            marked = True
            continue
        if position + 1 < length and line[position] in "-*+" and line[position + 1] in " \t":
            position += 2
            marked = True
            continue
        digits = position
        while digits < length and digits - position < 9 and line[digits].isdigit():
            digits += 1
        if digits > position and digits + 1 < length and line[digits] in ".)" and line[digits + 1] in " \t":
            interrupts = interrupts and line[position:digits] == "1"
            position = digits + 2
            marked = True
            continue
        return line[position:], widest, interrupts, marked


def _too_deep(line: str) -> bool:
    return len(line) - len(line.lstrip(_PREFIX_CHARACTERS)) >= _DEEP


class _Adapter:
    __slots__ = ("ascii", "data", "encoded", "labels", "lines", "references", "result", "starts", "stopped", "text")

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
        # Whether the doc defines a reference: the fallback's test for which blocks can hold a link
        # (see pure.py). Known once the doc is parsed; a doc without "]:" surely defines none.
        self.references = "]:" in text
        self.labels: set[str] = set()

    def tree(self) -> Tree:
        try:
            rs_root = _PARSER.tree(self.text)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException:
            from forgea_hooks.documents.parsers import pure

            return pure.parse(self.text)
        self.references = self.references and _defines(rs_root)
        self._children(rs_root, self.result.root, 0, ())
        return self.result

    def _children(self, rs_parent: RsNode, parent: Node, level: int, containers: tuple[int, ...]) -> None:
        """``containers``: the list items (each by the byte offset of its marker) and block quotes
        (``_QUOTE``) that hold these blocks, the outermost first."""
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
                    # The first definition of a label is the one links use, and the only one the
                    # fallback keeps.
                    label = _label_key(str(rs.meta.get("label", "")))
                    if label not in self.labels:
                        self.labels.add(label)
                        line = bisect_right(starts, _start(rs))
                        destination = hosts.readable(str(rs.meta["destination"]))
                        self.result.definitions.append(Definition(destination, line))
                elif run < 0:
                    run = index
                continue
            start, end = rs.srcmap or (0, 0)
            if run >= 0:
                siblings.append(self._tight_paragraph(kids[run:index], parent.end, containers, start, run == 0))
                run = -1
            first = bisect_right(starts, start)
            node = Node(kind, first, bisect_right(starts, end - 1) if end > start else first)
            siblings.append(node)
            if kind == "paragraph":
                text = node.text = self._block_text(start, first, node.end, containers)
                # The same test as the fallback's for which blocks can hold a link (see pure.py).
                if "://" in text or "www." in text or (references and "]" in text):
                    node.inlines = self._inlines(rs.children)
            elif kind in ("list_item", "blockquote"):
                if level >= MAX_NESTING - 1:
                    self.result.stopped_at = first
                    self.stopped = True
                    return
                self._children(rs, node, level + 1, (*containers, start if kind == "list_item" else _QUOTE))
                if self.stopped:
                    return
            elif kind == "heading":
                node.level = int(rs.meta["level"])
                text = node.text = self._heading_text(node, start, first, containers, name == "heading")
                if "://" in text or "www." in text or (references and "]" in text):
                    node.inlines = self._inlines(rs.children)
            elif kind == "cell":
                text = self._slice(start, end)
                # As markdown-it splits a row: a | after a backslash is the cell's, whatever is
                # before that backslash, and loses the backslash.
                text = node.text = text.replace("\\|", "|").strip()
                if "://" in text or "www." in text or (references and "]" in text):
                    node.inlines = self._inlines(rs.children)
            elif kind == "html_block":
                node.text = str(rs.meta.get("content", ""))
            elif kind != "code":
                self._children(rs, node, level + 1, containers)
                if self.stopped:
                    return
        if run >= 0:
            siblings.append(self._tight_paragraph(kids[run:], parent.end, containers, -1, run == 0))

    def _tight_paragraph(
        self, inline: Sequence[RsNode], last: int, containers: tuple[int, ...], after: int, leading: bool
    ) -> Node:
        """The hidden paragraph of a tight list item: from its first inline node to the line before
        the next block (starting at byte ``after``), or to ``last``, the item's last line, when no
        block follows (``after`` -1); trailing blank lines left out. ``leading``: it is the item's
        first block. ``inline`` may hold reference definitions, which hold no link to read."""
        head = inline[0]
        span = head.srcmap
        start = span[0] if span else 0
        if head.children:
            # markdown-it.rs misplaces the start of emphasis (by a few bytes either way, or below
            # zero) when it runs onto the next line or ends in more delimiters than it opened with,
            # but not that of its text. An item's first paragraph starts where the item's content
            # does: past its marker, right after white space, which a misplaced start is not.
            if leading and not (start > containers[-1] and self._after_blank(start)):
                start = self._after_marker(containers[-1])  # -1: the content is on a later line
            if (start < 0 or not leading) and span and self._misplaced(span[0], span[1]):
                number = bisect_right(self.starts, _start(_first_leaf(head)))
                start = self.starts[number - 1] + self._content_start(number, containers)
            elif start < 0:
                start = span[0] if span else 0
        first = bisect_right(self.starts, start)
        if after >= 0:
            last = bisect_right(self.starts, after) - 1
        lines = self.lines
        while last > first and not lines[last - 1].strip():
            last -= 1
        text = self._block_text(start, first, last, containers)
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

    def _block_text(self, start: int, first: int, last: int, containers: tuple[int, ...]) -> str:
        """A paragraph's inline source: its first line from where the paragraph starts, each later
        line less its containers' markers and indentation, stripped (markdown-it's getLines)."""
        if self.ascii:
            head = self.lines[first - 1][start - self.starts[first - 1] :]
        else:
            head = self.encoded[first - 1][start - self.starts[first - 1] :].decode("utf-8", "replace")
        if last <= first:
            return head.strip()
        indent = self._indent(containers)
        lines = self.lines[first:last]
        if _QUOTE in containers:
            rest = []
            for line in lines:
                position = _after_quotes(line, containers)
                rest.append(strip_indent(line, indent, position, _origin(line, position)))
        else:
            rest = [strip_indent(line, indent) for line in lines] if indent else lines
        return "\n".join([head, *rest]).strip()

    def _heading_text(self, node: Node, start: int, first: int, containers: tuple[int, ...], atx: bool) -> str:
        if atx:
            body = self._line_rest(start, first).lstrip(" ").lstrip("#").rstrip(" \t")
            closing = body.rstrip("#")
            if len(closing) < len(body) and (not closing or closing[-1] in " \t"):
                body = closing
            return body.strip()
        # A setext heading: its text lines without the underline.
        return self._block_text(start, first, node.end - 1, containers)

    def _indent(self, containers: tuple[int, ...]) -> int:
        """The indentation markdown-it strips from a paragraph's later lines after their block
        quote markers (its blkIndent): the innermost list item's content column, counted from the
        end of the quote markers on the item's first line, or 0 when a quote is innermost."""
        if not containers or containers[-1] == _QUOTE:
            return 0
        marker = containers[-1]
        if _QUOTE not in containers:
            return self._item_indent(marker)
        line = self.lines[bisect_right(self.starts, marker) - 1]
        return self._item_indent(marker) - _origin(line, _after_quotes(line, containers[:-1]))

    def _after_blank(self, offset: int) -> bool:
        """Whether the byte at ``offset`` starts a word that white space comes right before."""
        if not 0 < offset < len(self.data or self.text):
            return False
        if self.ascii:
            before, at = self.text[offset - 1], self.text[offset]
        else:
            before, at = chr(self.data[offset - 1]), chr(self.data[offset])
        return before in " \t" and at not in " \t\n"

    def _misplaced(self, start: int, end: int) -> bool:
        """Whether an inline node's span may be one markdown-it.rs misplaced: past its end or the
        doc's, or over more than one line."""
        if start > end or start >= len(self.data or self.text):
            return True
        return bisect_right(self.starts, start) != bisect_right(self.starts, end - 1)

    def _after_marker(self, marker: int) -> int:
        """The byte offset where the content of the list item whose marker is at byte ``marker``
        starts on the marker's line, or -1 when the rest of that line is blank (its content starts
        on a later line)."""
        number = bisect_right(self.starts, marker)
        line = self.lines[number - 1]
        # What comes before the content on its line (container markers, the item's marker, white
        # space) is ASCII: a count of its characters is a count of its bytes.
        position = marker - self.starts[number - 1]
        while position < len(line) and line[position] in "0123456789":
            position += 1
        position += 1  # the bullet, or the ordered list's delimiter
        while position < len(line) and line[position] in " \t":
            position += 1
        return self.starts[number - 1] + position if position < len(line) else -1

    def _content_start(self, number: int, containers: tuple[int, ...]) -> int:
        """Where line ``number``'s containers end: past its quote markers, and on the innermost list
        item's first line past the item's marker too (as a character offset)."""
        line = self.lines[number - 1]
        if containers and containers[-1] != _QUOTE and bisect_right(self.starts, containers[-1]) == number:
            content = self._item_indent(containers[-1])
            position = column = 0
            while position < len(line):
                column += 4 - column % 4 if line[position] == "\t" else 1
                if column > content:
                    break
                position += 1
            return position
        return _after_quotes(line, containers)

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
                node.url = hosts.readable(str(rs.meta.get("url", "")))
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


def _after_quotes(line: str, containers: tuple[int, ...]) -> int:
    """Where ``line`` goes on past the markers of the block quotes in ``containers``, as
    markdown-it's blockquote rule reads a continued line: white space, ``>`` and one space. A line
    that lacks a quote's marker (a lazy continuation line) ends the reading there."""
    position = 0
    for container in containers:
        if container != _QUOTE:
            continue
        at = position
        while at < len(line) and line[at] in " \t":
            at += 1
        if at >= len(line) or line[at] != ">":
            break
        position = at + 1
        if position < len(line):
            if line[position] == " ":
                position += 1
            elif line[position] == "\t" and _columns(line[:position]) % 4 == 3:
                # A tab right after the marker is its space only where it takes one column.
                position += 1
    return position


def _origin(line: str, position: int) -> int:
    """The column a quote's content starts at, ``position`` being where _after_quotes stopped: a
    tab right after ``>`` that was not taken whole gives its first column to the marker's space."""
    column = _columns(line[:position])
    if 0 < position < len(line) and line[position - 1] == ">" and line[position] == "\t":
        return column + 1
    return column


def _defines(rs: RsNode) -> bool:
    """Whether a reference definition is among these blocks (they are found in containers only)."""
    for child in rs.children:
        name = child.name
        if name == "definition" or (name in _CONTAINER_KINDS and _defines(child)):
            return True
    return False


def _label_key(label: str) -> str:
    # markdown-it's normalizeReference: white space collapsed, case folded both ways. (str.split
    # also splits at U+001C-U+001F and U+0085, which markdown-it leaves: no label has them.)
    return " ".join(label.split()).lower().upper()


def _first_leaf(rs: RsNode) -> RsNode:
    while rs.children:
        rs = rs.children[0]
    return rs


def _columns(text: str) -> int:
    column = 0
    for char in text:
        column += 4 - column % 4 if char == "\t" else 1
    return column

"""markdown-it-py's tokens -> the normalized tree: the fallback parser, pure Python.

Block structure is parsed in full, as CommonMark says; the inline pass (a quarter of the parse) runs
only on the blocks that can hold a link to read (an absolute URL, ``www.``, or a reference when the
doc defines some), since the model takes every other block's inline source as it is written.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from typing import Any

from markdown_it import MarkdownIt, rules_inline
from markdown_it.rules_block.html_block import HTML_SEQUENCES
from markdown_it.rules_block.state_block import StateBlock
from markdown_it.rules_block.table import table as markdown_it_table
from markdown_it.rules_inline.state_inline import StateInline
from markdown_it.token import Token

from forgea_hooks.documents.parsers import autolinks, hosts
from forgea_hooks.documents.tree import MAX_NESTING, Definition, Node, Tree

NAME = "markdown-it-py"

# The openings of CommonMark's HTML blocks of kinds 1 to 6, those that may interrupt a paragraph.
_HTML_BLOCK_OPENINGS = tuple(opening for opening, _, interrupts in HTML_SEQUENCES if interrupts)


def _table(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """markdown-it-py's table rule, except on a line that opens an HTML block of kinds 1 to 6: as
    in GFM and markdown-it.rs, ``<p>a | b`` over a delimiter row is that HTML block, not a table's
    header."""
    position = state.bMarks[start] + state.tShift[start]
    if state.src.startswith("<", position) and not state.is_code_block(start):
        line = state.src[position : state.eMarks[start]]
        if any(opening.search(line) for opening in _HTML_BLOCK_OPENINGS):
            return False
    return markdown_it_table(state, start, end, silent)


_PARSER = MarkdownIt("commonmark", {"html": True, "maxNesting": MAX_NESTING}).enable("table")
# Replacing a rule drops its chains: the table interrupts a paragraph and a reference, as before.
_PARSER.block.ruler.at("table", _table, {"alt": ["paragraph", "reference"]})
_PARSER.disable(["inline", "text_join"])

# Where in the inline source a token was written, for the tokens whose source may hold line breaks
# that no softbreak token stands for: a code span's and an image's, a link's destination and title.
_SPAN = "forgea_hooks_span"


def _spanned(
    rule: Callable[[StateInline, bool], bool], opening: str, kinds: frozenset[str]
) -> Callable[[StateInline, bool], bool]:
    def spanned(state: StateInline, silent: bool) -> bool:
        start, count = state.pos, len(state.tokens)
        # The rule's own first test, made here: most positions it is tried at open nothing.
        if state.src[start] != opening or not rule(state, silent):
            return False
        for token in state.tokens[count:]:
            if token.type in kinds and _SPAN not in token.meta:
                token.meta[_SPAN] = (start, state.pos)
        return True

    return spanned


_PARSER.inline.ruler.at("backticks", _spanned(rules_inline.backtick, "`", frozenset({"code_inline"})))
_PARSER.inline.ruler.at("link", _spanned(rules_inline.link, "[", frozenset({"link_open", "link_close"})))
_PARSER.inline.ruler.at("image", _spanned(rules_inline.image, "!", frozenset({"image"})))

_BLOCK_KINDS = {
    "heading": "heading",
    "paragraph": "paragraph",
    "bullet_list": "bullet_list",
    "ordered_list": "ordered_list",
    "list_item": "list_item",
    "table": "table",
    "thead": "thead",
    "tbody": "tbody",
    "tr": "row",
    "th": "cell",
    "td": "cell",
    "blockquote": "blockquote",
    "html_block": "html_block",
    "fence": "code",
    "code_block": "code",
}
_CONTAINERS = ("list_item_open", "blockquote_open")


def parse(text: str) -> Tree:
    try:
        return _parse(text)
    except Exception as error:
        # markdown-it-py has bugs a doc can reach (an IndexError on ``>1. <!--`` and a bare
        # ``>`` line after it): that doc is reported unread, and the run goes on to the others.
        tree = Tree(Node("root", 1, text.count("\n") + 1))
        tree.failed = f"{NAME} raised {type(error).__name__}"
        return tree


def _parse(text: str) -> Tree:
    env: MutableMapping[str, Any] = {}
    tokens = _PARSER.parse(text, env)
    references = env.get("references", {})
    root = Node("root", 1, text.count("\n") + 1)
    tree = Tree(root)
    # Each open node with the list its children go to (a node that gets none keeps the empty tuple).
    stack: list[tuple[Node, list[Node]]] = []
    parent = root
    siblings: list[Node] = []
    root.children = siblings
    for token in tokens:
        nesting = token.nesting
        if nesting == 1:
            # A table cell's token has no map of its own: it is on its row's line.
            lines = token.map or [parent.line - 1, parent.end]
            node = Node(_BLOCK_KINDS.get(token.type[:-5], "other"), lines[0] + 1, lines[1])
            if token.type == "heading_open":
                node.level = int(token.tag[1])
            if token.type in _CONTAINERS and token.level >= MAX_NESTING - 1 and not tree.stopped_at:
                tree.stopped_at = node.line
            siblings.append(node)
            stack.append((parent, siblings))
            parent = node
            siblings = []
            node.children = siblings
        elif nesting == -1:
            parent, siblings = stack.pop()
        elif token.type == "inline":
            content = token.content
            parent.text = content.strip()
            # A link to read needs an absolute URL, a www. autolink or a defined reference.
            if "://" in content or "www." in content or (references and "]" in content):
                parent.inlines = _inlines(content, parent.line, env)
        else:
            lines = token.map or [parent.line - 1, parent.end]
            kind = _BLOCK_KINDS.get(token.type, "other")
            node = Node(kind, lines[0] + 1, lines[1], token.content if kind == "html_block" else "")
            siblings.append(node)
    for reference in references.values():
        tree.definitions.append(Definition(hosts.readable(reference["href"]), reference.get("map", [0])[0] + 1))
    return tree


def _inlines(content: str, first: int, env: MutableMapping[str, Any]) -> list[Node]:
    """Links, images, autolinks and inline HTML of one block's inline source, each with its line
    (the block's first line plus the line breaks before it)."""
    children: list[Token] = []
    _PARSER.inline.parse(content, _PARSER, env, children)
    breaks = "\n" in content
    # The line breaks before ``counted_to``, counted once: each span's are added as the walk gets
    # there (spans come in source order), so a paragraph of many code spans stays linear.
    counted_to = counted = 0
    found: list[Node] = []
    in_link = 0
    line = first
    for token in children:
        kind = token.type
        span: tuple[int, int] | None = token.meta.get(_SPAN) if token.meta else None
        if kind in ("softbreak", "hardbreak"):
            line += 1
        elif kind == "link_open":
            in_link += 1
            url = hosts.readable(str(token.attrs["href"]))
            found.append(_inline("autolink" if token.markup == "autolink" else "link", line, url))
        elif kind == "link_close":
            in_link -= 1
        elif kind == "image":
            found.append(_inline("image", line, hosts.readable(str(token.attrs["src"]))))
        elif kind == "html_inline":
            node = Node("html", line, line + token.content.count("\n"), token.content)
            found.append(node)
            line = node.end
        elif kind == "text" and not in_link and ("://" in token.content or "www." in token.content):
            found.extend(_linkify(token.content, line))
        if span is not None and breaks and kind != "link_open" and span[1] > counted_to:
            # Past a code span, an image or a link's end: its line breaks counted from the source.
            counted += content.count("\n", counted_to, span[1])
            counted_to = span[1]
            line = first + counted
    return found


def _inline(kind: str, line: int, url: str) -> Node:
    node = Node(kind, line, line)
    node.url = url
    return node


def _linkify(text: str, line: int) -> list[Node]:
    """Bare URLs and ``www.`` links (GFM's extended autolinks) in a text token."""
    return [_inline("autolink", line, url) for url in autolinks.find(text)]

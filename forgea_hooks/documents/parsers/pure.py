"""markdown-it-py's tokens -> the normalized tree: the fallback parser, pure Python.

Block structure is parsed in full, as CommonMark says; the inline pass (a quarter of the parse) runs
only on the blocks that can hold a link to read (an absolute URL, ``www.``, or a reference when the
doc defines some), since the model takes every other block's inline source as it is written.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from forgea_hooks.documents.parsers import autolinks, hosts
from forgea_hooks.documents.tree import MAX_NESTING, Definition, Node, Tree

NAME = "markdown-it-py"

_PARSER = MarkdownIt("commonmark", {"html": True, "maxNesting": MAX_NESTING}).enable("table")
_PARSER.disable(["inline", "text_join"])

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


def _inlines(content: str, line: int, env: MutableMapping[str, Any]) -> list[Node]:
    """Links, images, autolinks and inline HTML of one block's inline source, each with its line
    (the block's first line plus the line breaks before it)."""
    children: list[Token] = []
    _PARSER.inline.parse(content, _PARSER, env, children)
    found: list[Node] = []
    in_link = 0
    for token in children:
        kind = token.type
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
    return found


def _inline(kind: str, line: int, url: str) -> Node:
    node = Node(kind, line, line)
    node.url = url
    return node


def _linkify(text: str, line: int) -> list[Node]:
    """Bare URLs and ``www.`` links (GFM's extended autolinks) in a text token."""
    return [_inline("autolink", line, url) for url in autolinks.find(text)]

"""The links a doc holds, read once from the normalized tree, so both parsers give the same URLs.

Links and images (reference links already resolved by the parser), autolinks (``<https://…>``, bare
URLs and ``www.`` links as GFM reads them) and ``href``/``src`` attributes in inline and block HTML,
read with the standard library's ``html.parser`` (entities decoded, comments skipped). Only absolute
``http(s)`` URLs are links to check; code, link titles and HTML comments hold none. ``srcset``
(``<picture><source srcset=…>``, common in README headers) gives each of its candidates' URLs.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING

from forgea_hooks.documents.tree import LINK_KINDS, Node, Tree
from forgea_hooks.model import Link

if TYPE_CHECKING:
    from html.parser import HTMLParser

_SCHEMES = ("http://", "https://")
_ATTRIBUTES = frozenset({"href", "src", "srcset"})


def extract(tree: Tree) -> list[Link]:
    found: list[Link] = []
    _walk(tree.root, found)
    return found


def urls(block: Node) -> list[str]:
    """The URLs of one text-bearing block's links, in order (what a field's value links to)."""
    found: list[Link] = []
    _inline_links(block, found)
    return [link.url for link in found]


def _inline_links(node: Node, found: list[Link]) -> None:
    for inline in node.inlines:
        if inline.kind in LINK_KINDS:
            if inline.url[:8].lower().startswith(_SCHEMES):
                found.append(Link(inline.url, inline.line))
        elif "://" in inline.text:
            found.extend(_html_links(inline.text, inline.line))


def _walk(parent: Node, found: list[Link]) -> None:
    for node in parent.children:
        if node.kind == "html_block":
            if "://" in node.text:
                found.extend(_html_links(node.text, node.line))
        elif node.inlines:
            _inline_links(node, found)
        if node.children:
            _walk(node, found)


def _html_links(html: str, line: int) -> list[Link]:
    urls: list[tuple[str, int]] = []
    reader = _reader_class()(urls)
    reader.feed(html)
    reader.close()
    return [Link(url, line + offset) for url, offset in urls]


@functools.cache
def _reader_class() -> Callable[[list[tuple[str, int]]], HTMLParser]:
    """An HTML reader that adds every absolute ``href``, ``src`` and ``srcset`` URL, with its line
    offset in the piece, to a list. html.parser is imported here, by the runs that meet HTML with a
    URL in it: a pre-commit run over a few docs without any should not pay for it."""
    from html.parser import HTMLParser

    class Reader(HTMLParser):
        def __init__(self, urls: list[tuple[str, int]]) -> None:
            super().__init__(convert_charrefs=True)
            self.urls = urls

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            for name, value in attrs:
                if name in _ATTRIBUTES and value:
                    for url in _srcset(value) if name == "srcset" else [value.strip()]:
                        if url[:8].lower().startswith(_SCHEMES):
                            self.urls.append((url, self.getpos()[0] - 1))

        handle_startendtag = handle_starttag

    return Reader


def _srcset(value: str) -> list[str]:
    """The URLs of a ``srcset``: candidates ``URL [descriptor]`` apart by commas (the HTML standard's
    parsing, less its error cases: a URL runs to white space, a descriptor to the next comma)."""
    urls: list[str] = []
    position = 0
    end = len(value)
    while position < end:
        while position < end and (value[position].isspace() or value[position] == ","):
            position += 1
        start = position
        while position < end and not value[position].isspace():
            position += 1
        url = value[start:position]
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            comma = value.find(",", position)
            position = end if comma < 0 else comma + 1
        if url:
            urls.append(url)
    return urls

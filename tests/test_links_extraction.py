"""Links read by the parser (documents/links.py), the same through both parsers: the cases real
READMEs and changelogs hold that a URL regex got wrong."""

from __future__ import annotations

import pytest

from forgea_hooks.documents import markdown, parsers
from forgea_hooks.documents.parsers import pure

PARSERS = [pytest.param(pure.parse, id="pure")]
try:
    from forgea_hooks.documents.parsers import native
except ImportError:  # the fallback alone, where no native wheel installs
    pass
else:
    PARSERS.append(pytest.param(native.parse, id="native"))


def links(parse: parsers.Parse, text: str) -> list[tuple[str, int]]:
    original = parsers.parse
    parsers.parse = parse
    try:
        doc = markdown.parse(text, "doc.md", "doc.md", "official-doc")[0]
    finally:
        parsers.parse = original
    return [(link.url, link.line) for link in doc.links]


CASES = [
    (
        "reference link",
        "Intro\n\nSee [docs][ref].\n\n[ref]: https://ref.example/docs\n",
        [("https://ref.example/docs", 3)],
    ),
    ("collapsed reference", "[Docs][]\n\n[docs]: https://ref.example/\n", [("https://ref.example/", 1)]),
    (
        "field with a reference",
        "- Official source: [Prisma docs][p]\n\n[p]: https://www.prisma.io/docs\n",
        [("https://www.prisma.io/docs", 1)],
    ),
    (
        "HTML block badges",
        '<p align="center">\n  <a href="https://ci.example/?a=1&amp;b=2"><img src="https://badge.example/b.svg"></a>\n</p>\n',
        [("https://ci.example/?a=1&b=2", 2), ("https://badge.example/b.svg", 2)],
    ),
    (
        "picture srcset",
        '<picture>\n<source srcset="https://img.example/dark.svg 1x, https://img.example/dark2.svg 2x">\n</picture>\n',
        [("https://img.example/dark.svg", 2), ("https://img.example/dark2.svg", 2)],
    ),
    ("inline HTML", 'Go <a href="https://inline.example/">here</a>.\n', [("https://inline.example/", 1)]),
    ("www autolink", "Visit www.commonmark.org/help.\n", [("http://www.commonmark.org/help", 1)]),
    (
        "parentheses",
        "See https://en.wikipedia.org/wiki/Foo_(bar) now\n",
        [("https://en.wikipedia.org/wiki/Foo_(bar)", 1)],
    ),
    ("parenthesised URL", "(see https://x.example/a)\n", [("https://x.example/a", 1)]),
    ("angle destination with spaces", "[a](<https://x.example/a b>)\n", [("https://x.example/a%20b", 1)]),
    ("entity in a destination", "[a](https://x.example/?a=1&amp;b=2)\n", [("https://x.example/?a=1&b=2", 1)]),
    ("trailing backslash", "https://x.example/path\\\nnext line\n", [("https://x.example/path", 1)]),
    (
        "trailing punctuation",
        "Read https://x.example/a, https://x.example/b. Or https://x.example/c!\n",
        [
            ("https://x.example/a", 1),
            ("https://x.example/b", 1),
            ("https://x.example/c", 1),
        ],
    ),
    ("title is no link", '[a](https://x.example/ "see https://title.example/")\n', [("https://x.example/", 1)]),
    ("double backtick code span", "``code `with` https://code.example/`` and text\n", []),
    ("fenced code", "```\nhttps://fenced.example/\n```\n", []),
    ("HTML comment", "<!-- https://comment.example/ -->\n", []),
    ("relative links are not checked here", "[a](docs/a.md) ![b](img.png) [c](#anchor)\n", []),
    (
        "image inside a link",
        "[![badge](https://b.example/b.svg)](https://c.example/)\n",
        [
            ("https://c.example/", 1),
            ("https://b.example/b.svg", 1),
        ],
    ),
    ("line of a link in a paragraph", "first line\nsecond [x](https://x.example/)\n", [("https://x.example/", 2)]),
    ("table cell", "| a | b |\n|---|---|\n| 1 | <https://cell.example/> |\n", [("https://cell.example/", 3)]),
]


@pytest.mark.parametrize("parse", PARSERS)
@pytest.mark.parametrize(
    ("text", "expected"), [pytest.param(text, expected, id=name) for name, text, expected in CASES]
)
def test_links(parse: parsers.Parse, text: str, expected: list[tuple[str, int]]) -> None:
    assert links(parse, text) == expected


@pytest.mark.parametrize("parse", PARSERS)
def test_an_official_source_written_as_a_reference_link_is_its_definitions_url(parse: parsers.Parse) -> None:
    from forgea_hooks.views import source_refs

    text = (
        "- Technology: Prisma\n- Exact version requirement: 7.3.0\n- Official source: [Prisma docs][p]\n"
        "- Status: approved\n\n[p]: https://www.prisma.io/docs/orm\n"
    )
    original = parsers.parse
    parsers.parse = parse
    try:
        doc = markdown.parse(text, "doc.md", "doc.md", "official-doc")[0]
    finally:
        parsers.parse = original
    assert [(ref.url, ref.line) for ref in source_refs(doc)] == [("https://www.prisma.io/docs/orm", 3)]
    assert doc.metadata["official source"].value == "[Prisma docs][p]"

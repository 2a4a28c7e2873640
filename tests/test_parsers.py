"""Both parsers build the same tree and the same model: markdown-it-pyrs (native, the default) and
markdown-it-py (the fallback). Any difference is a bug in an adapter (documents/parsers/), fixed there.

The differential cases: every CommonMark and GFM spec example (tests/fixtures/spec/examples.json,
made by tests/make_spec_examples.py), the test fixtures, the shared corpus when ../shared is present,
and a few hundred generated docs, whose pieces include what public docs showed (kubernetes/community,
rust-lang/book, lycheeverse/lychee, markdown-it-py's own fixtures). One known case differs, named
below (test_a_table_right_after_a_quote_is_lazy_text_in_the_quote).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forgea_hooks.documents import markdown, parsers
from forgea_hooks.documents.parsers import hosts, pure
from forgea_hooks.documents.tree import MAX_NESTING, Node
from tests import fresh
from tests.conftest import CORPUS, REPO, TREES, copy_tree

native = pytest.importorskip("forgea_hooks.documents.parsers.native", reason="markdown-it-pyrs is not installed")

SPEC = json.loads((REPO / "tests" / "fixtures" / "spec" / "examples.json").read_text(encoding="utf-8"))
KINDS = ("official-doc", "registry", "gatekeeper-report", "task")
FIXTURES = sorted(path for path in (REPO / "tests").rglob("*.md"))


def model(parse: parsers.Parse, text: str, kind: str) -> str:
    """The model JSON (what ``forgea-hooks dump`` prints) and the parse problems, as one string."""
    original = parsers.parse
    parsers.parse = parse
    try:
        doc, problems = markdown.parse(text, "doc.md", "doc.md", kind)
    finally:
        parsers.parse = original
    return json.dumps([doc.to_json(), problems], sort_keys=True, ensure_ascii=False)


def tree(parse: parsers.Parse, text: str) -> object:
    """The normalized tree as plain data, but for where blocks end: markdown-it-py ends a list after
    the blank lines that follow it and a table's head after its delimiter row, markdown-it.rs before
    them, and nothing above the adapters reads where a block ends."""

    def without_ends(node: dict[str, object]) -> dict[str, object]:
        lines = node["lines"]
        assert isinstance(lines, list)
        children = node["children"]
        assert isinstance(children, list)
        return {**node, "lines": lines[0], "children": [without_ends(child) for child in children]}

    parsed = parse(text)
    definitions = [(definition.url, definition.line) for definition in parsed.definitions]
    return without_ends(parsed.root.to_json()), definitions, parsed.stopped_at


def differences(texts: list[tuple[str, str]]) -> list[str]:
    """The names of the texts whose trees or models differ, for any kind."""
    return [
        name
        for name, text in texts
        if tree(native.parse, text) != tree(pure.parse, text)
        or any(model(native.parse, text, kind) != model(pure.parse, text, kind) for kind in KINDS)
    ]


def test_every_spec_example_gives_one_model() -> None:
    assert len(SPEC) == 1325  # 652 CommonMark 0.31.2 examples, 673 GFM 0.29 examples with its extensions
    texts = [(f"{item['spec']} example {item['example']} ({item['section']})", item["markdown"]) for item in SPEC]
    assert differences(texts) == []


def test_every_fixture_gives_one_model() -> None:
    assert differences([(str(path), path.read_text(encoding="utf-8", errors="replace")) for path in FIXTURES]) == []


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus (../shared/corpus) is not beside this clone")
def test_the_shared_corpus_gives_one_model() -> None:
    paths = sorted(CORPUS.rglob("*.md"))
    assert paths
    assert differences([(str(path), path.read_text(encoding="utf-8", errors="replace")) for path in paths]) == []


# Pieces of docs as people write them: fields, nested lists, tables, links of every kind, HTML,
# code, quotes, and the spacing variants (indents of 2-4 columns, tabs, lazy lines) between them.
PIECES = [
    "# Title",
    "## REQUIRED OFFICIAL DOCUMENTATION",
    "### Documentation coverage decision",
    "Setext title\n---",
    "Documentation complete",
    "- Technology: `Postgres` 16.2",
    "- **Version pin**: 1.2.3",
    "- Path: docs/a.md (new)",
    "  - Official source: https://example.org/wiki/Foo_(bar).",
    "   - Exact version requirement: >= 2, see [docs][ref]",
    "    - deep: `https://in.code/x`",
    "\t- tab: www.example.com/a_(b)),",
    "1. Key: value\n   continued on a second line",
    "2) Other: https://a.example/x?y=1&amp;z=2;",
    '* plain item with [a link](https://l.example/p "title https://not.a.link")',
    "+ `concept:` https://s.example/ — approved",
    "lazy continuation https://lazy.example/",
    "[ref]: https://ref.example/path",
    "[Ref2]: <https://angle.example/a b> 'title'",
    "See [two][ref2] and [ref] and <https://auto.example/x>.",
    '<a href="https://h.example/?a=1&amp;b=2">x</a> <img src="https://i.example/p.png">',
    '<div>\n<a href="https://block.example/">b</a>\n</div>',
    "<!-- forgea-hooks: disable=pin-unknown -->",
    "<!-- https://comment.example/ -->",
    "| Technology | Version | Source |\n|---|---|---|\n| X | 1.2 | [s](https://t.example/) |\n| Y \\| Z | `a|b` |",
    "```\nhttps://fenced.example/\n- Technology: no\n```",
    "    indented code https://indented.example/",
    # A blank line after it: see test_a_table_right_after_a_quote_is_lazy_text_in_the_quote.
    "> quoted https://quote.example/\n> - Technology: Q\n",
    "![img](https://img.example/x.png) [![badge](https://b.example/b.svg)](https://c.example/)",
    "text with trailing backslash https://slash.example/\\",
    "***",
    "Ünïcödé — https://ü.example/ä and `code` www.wiki.example/Foo_(bar)_baz",
    # Found in real docs: a quote's later lines, emphasis running onto an item's next line, a code
    # span or a link's destination across a line break, hosts beyond ASCII, an HTML block's first
    # line over a delimiter row, a backslash before an escaped pipe, a label defined twice.
    "> **Note:** a quoted paragraph\n> on two lines https://q2.example/\n",
    "- **Key: value running\n  onto the next line**, https://em.example/\n  more",
    "> - quoted item\n>   continued\n",
    "a `code span\nacross lines` then https://after.example/",
    "[link](\nhttps://next-line.example/ 'title\nacross') then https://later.example/",
    "[IDN](https://münchen.example/straße) <http://☃.example/> ![v6](http://[::1]:8080/x) [r3]",
    "[r3]: https://bücher.example/\n[R3]: https://second.example/",
    "<p>a | b\n|---|---|",
    "> - **a tab\n>\t  after** the marker https://tab.example/\n",
    "| a | b |\n|---|---|\n| `c\\\\|` | d |",
]
docs = st.lists(st.sampled_from(PIECES), min_size=1, max_size=14).flatmap(
    lambda pieces: st.lists(st.sampled_from(["\n", "\n\n", "\n\n\n"]), min_size=len(pieces), max_size=len(pieces)).map(
        lambda breaks: "".join(piece + gap for piece, gap in zip(pieces, breaks, strict=True))
    )
)


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(docs)
def test_generated_docs_give_one_model(text: str) -> None:
    assert tree(native.parse, text) == tree(pure.parse, text)
    for kind in KINDS:
        assert model(native.parse, text, kind) == model(pure.parse, text, kind)


def test_a_table_right_after_a_quote_is_lazy_text_in_the_quote() -> None:
    """The one known difference, left as it is. Table lines right after a quote's list item, with no
    blank line between, are lazy continuation text of the item's paragraph for CommonMark, cmark-gfm
    and markdown-it-py; markdown-it.rs ends the quote and starts a table there. The fallback follows
    GFM; the native adapter does not yet (it would have to rebuild the quote's paragraph from the
    table's lines), so the generated docs always put a blank line after a quote."""
    text = "> - Technology: Q\n| Technology | Version |\n|---|---|\n| X | 1.2 |\n"
    native_model = json.loads(model(native.parse, text, "registry"))[0]
    pure_model = json.loads(model(pure.parse, text, "registry"))[0]
    assert pure_model["table"] is None
    assert native_model["table"] is not None


@pytest.mark.parametrize("parse", [native.parse, pure.parse], ids=["native", "pure"])
def test_nesting_past_the_old_limit_keeps_the_rest_of_the_file(parse: parsers.Parse) -> None:
    text = "".join("  " * level + f"- Key{level}: v\n" for level in range(30)) + "\n# After\n\n- Technology: X\n"
    doc = json.loads(model(parse, text, "official-doc"))
    assert doc[1] == []
    assert [section["title"] for section in doc[0]["section_list"]] == ["", "After"]


@pytest.mark.parametrize("parse", [native.parse, pure.parse], ids=["native", "pure"])
def test_nesting_past_the_limit_is_reported_where_parsing_stopped(parse: parsers.Parse) -> None:
    levels = MAX_NESTING // 2 + 10
    text = "".join("  " * level + f"- Key{level}: v\n" for level in range(levels)) + "\n# After\n"
    _, problems = json.loads(model(parse, text, "official-doc"))
    assert [line for line, _ in problems] == [MAX_NESTING // 2]
    assert "nothing from this line on was read" in problems[0][1]


def test_a_doc_nested_deeper_than_the_native_stack_is_parsed_by_the_fallback() -> None:
    # markdown-it.rs overflows the native stack near 20,000 nested containers: a crash, not an error.
    text = ">" * 30000 + " deep\n"
    _, problems = json.loads(model(native.parse, text, "official-doc"))
    assert [line for line, _ in problems] == [1]


def run_blocked(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """The CLI in a fresh interpreter where markdown-it-pyrs cannot be imported, as where no wheel installs."""
    return fresh.cli(args, cwd, blocked="markdown_it_pyrs")


def test_without_the_native_parser_the_fallback_runs_and_says_so(tmp_path: Path) -> None:
    assert "(parser: markdown-it-py," in run_blocked(["--version"], tmp_path).stdout


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus (../shared/corpus) is not beside this clone")
def test_without_the_native_parser_the_corpus_gives_the_same_findings(tmp_path: Path) -> None:
    import shutil

    tree = tmp_path / "invalid"
    shutil.copytree(CORPUS / "invalid", tree)
    blocked = run_blocked(["check", "--format", "json", "--no-cache"], tree)
    default = fresh.cli(["check", "--format", "json", "--no-cache"], tree)
    assert blocked.returncode == default.returncode == 1, blocked.stderr
    assert json.loads(blocked.stdout)["findings"] == json.loads(default.stdout)["findings"]
    assert json.loads(blocked.stdout)["findings"]


BOTH = pytest.mark.parametrize("parse", [native.parse, pure.parse], ids=["native", "pure"])


def links_of(parse: parsers.Parse, text: str) -> list[tuple[str, int, str]]:
    found: list[tuple[str, int, str]] = []

    def walk(node: Node) -> None:
        found.extend((inline.kind, inline.line, inline.url) for inline in node.inlines)
        for child in node.children:
            walk(child)

    parsed = parse(text)
    walk(parsed.root)
    return found + [("definition", definition.line, definition.url) for definition in parsed.definitions]


def texts_of(parse: parsers.Parse, text: str) -> list[str]:
    found: list[str] = []

    def walk(node: Node) -> None:
        if node.kind == "paragraph":
            found.append(node.text)
        for child in node.children:
            walk(child)

    walk(parse(text).root)
    return found


@BOTH
@pytest.mark.parametrize(
    ("written", "url"),
    [
        ("http://☃.net/", "http://xn--n3h.net/"),
        ("https://münchen.de/straße", "https://xn--mnchen-3ya.de/stra%C3%9Fe"),
        ("http://xn--γ.com/", "http://xn--xn---emd.com/"),
        ("http://user:pw@☃.net:8080/a", "http://user:pw@xn--n3h.net:8080/a"),
        ("mailto:user@☃.net", "mailto:user@xn--n3h.net"),
        ("//☃.net/", "//xn--n3h.net/"),
        ("http://[::1]:8080/a?b=[c]", "http://[::1]:8080/a?b=%5Bc%5D"),
        ("http://%E2%98%83.net/", "http://xn--n3h.net/"),
    ],
)
def test_a_links_host_comes_in_its_ascii_form(parse: parsers.Parse, written: str, url: str) -> None:
    """As a URL library and DNS read it (markdown-it.rs percent-encodes a host, markdown-it-py
    gives punycode and IPv6 brackets): a link to an IDN or IPv6 host can be fetched and matched."""
    autolink = f" <{written}>" if ":" in written else ""  # an autolink names its scheme
    text = f"[a]({written}){autolink} ![i]({written}) [d]\n\n[d]: {written}\n"
    assert [found_url for _, _, found_url in links_of(parse, text)] == [url] * (5 if autolink else 4)


@pytest.mark.parametrize(
    "url",
    [
        "http://[fe80::1%25eth0]/",  # an IPv6 zone stays escaped, as RFC 6874 writes it
        "http://a%2Fb.example/",  # an escape that decodes to a delimiter
        "http://%FF.example/",  # not UTF-8
        "ftp://%E2%98%83.net/",  # markdown-it recodes the hosts of http(s), mailto and // only
        "http://%5Bnot-v6%5D/",
        "http://host.example/%E2%98%83",  # the path is no host
        "relative/%E2%98%83",
    ],
)
def test_a_host_that_does_not_decode_to_a_domain_is_left_as_written(url: str) -> None:
    assert hosts.readable(url) == url


@given(st.text(alphabet="%25EAB9F[]:@/?#.aé☃-x", max_size=40).map(lambda rest: "http://" + rest))
def test_reading_a_host_never_raises_and_reads_once(url: str) -> None:
    readable = hosts.readable(url)
    assert hosts.readable(readable) == readable


@BOTH
@pytest.mark.parametrize("opening", ["<p>a", "<div> a", "<!-- a", "<script>a", "</div> a", "<?php a", "<!DOCTYPE a"])
def test_a_line_that_opens_an_html_block_heads_no_table(parse: parsers.Parse, opening: str) -> None:
    """GFM and markdown-it.rs: the HTML block's (markdown-it-py made such a line a table's header)."""
    assert [node.kind for node in parse(f"{opening} | b\n| - | - |\n").root.children] == ["html_block"]


@BOTH
@pytest.mark.parametrize(
    ("text", "paragraphs"),
    [
        ("> a\n>    b\n", ["a\n   b"]),
        ("> > a\n> b\n", ["a\nb"]),
        ("  > a\n  >  b\n", ["a\n b"]),
        ("> - a\n>     b\n", ["a\n  b"]),
        ("- > a\n  > b\n", ["a\nb"]),
        ("- a\n\n  > q\n  > r\n", ["a", "q\nr"]),
        ("* **Key: a\n  b**, c\n", ["**Key: a\nb**, c"]),
        ("- x\n- **a\n  b**\n", ["x", "**a\nb**"]),
        ("1. ***a\n   b***\n", ["***a\nb***"]),
        ("- **Note: this\n  is very\n important** x\n", ["**Note: this\nis very\nimportant** x"]),
        ("- **Version pin***: 1.2.3\n", ["**Version pin***: 1.2.3"]),
        (">1. e\n>\td\n", ["e\nd"]),
        ("> - a\n>\t  b\n", ["a\n  b"]),
    ],
)
def test_a_paragraphs_later_lines_lose_their_containers_markers(
    parse: parsers.Parse, text: str, paragraphs: list[str]
) -> None:
    """markdown-it's inline source of a paragraph: each later line without its quote markers and
    list indentation (the native adapter kept ``> `` on a quote's later lines, and markdown-it.rs
    places emphasis that runs onto the next line of a tight item at the wrong offset)."""
    assert texts_of(parse, text) == paragraphs


@BOTH
@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("a `code\nspan` b\nsee https://a.example/\n", 3),
        ("![alt\ntext](http://i.example/x.png) then\nhttps://a.example/\n", 3),
        ("[x](\nhttp://c.example/ 'ti\ntle') and\nhttps://a.example/\n", 4),
        ("- **Note: this\n  is very\n important** https://a.example/\n", 3),
    ],
)
def test_a_link_after_a_line_break_inside_a_code_span_or_link_keeps_its_line(
    parse: parsers.Parse, text: str, line: int
) -> None:
    """The fallback counted softbreak tokens only, and a code span, an image or a link's
    destination holds its line breaks without one."""
    assert links_of(parse, text)[-1] == ("autolink", line, "https://a.example/")


@BOTH
def test_a_backslash_before_an_escaped_pipe_stays_in_the_cell(parse: parsers.Parse) -> None:
    table = parse("| a | b |\n| - | - |\n| `c\\\\|` | d |\n").root.children[0]
    body_row = table.children[1].children[0]
    assert [cell.text for cell in body_row.children] == ["`c\\|`", "d"]


@BOTH
def test_the_first_definition_of_a_label_is_the_one_kept(parse: parsers.Parse) -> None:
    text = "[x]\n\n[x]: https://first.example/\n[ X ]: https://second.example/\n"
    assert links_of(parse, text) == [("link", 1, "https://first.example/"), ("definition", 3, "https://first.example/")]


def test_the_real_docs_script_names_a_doc_the_parsers_read_apart(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests import differential_docs

    (tmp_path / "same.md").write_text("> quoted\n> lines https://a.example/\n", encoding="utf-8")
    assert differential_docs.main([str(tmp_path)]) == 0
    (tmp_path / "apart.md").write_text("> - Technology: Q\n| a | b |\n|---|---|\n| X | 1 |\n", encoding="utf-8")
    assert differential_docs.main([str(tmp_path)]) == 1
    assert capsys.readouterr().out.splitlines() == [str(tmp_path / "apart.md")]


def test_a_doc_the_fallback_parser_fails_on_is_reported_and_the_run_goes_on(tmp_path: Path) -> None:
    """markdown-it-py raises IndexError on ``>1. <!--`` followed by a bare ``>`` line: that doc gets
    a file-invalid finding and the other docs are still checked, with no internal error."""
    assert pure.parse(">1. <!--\n>").failed == "markdown-it-py raised IndexError"
    root = copy_tree(TREES["valid"], tmp_path / "tree")
    broken = root / "docs" / "official-docs" / "EPIC-B" / "broken.md"
    broken.write_text("# Purpose\n\n>1. <!--\n>", encoding="utf-8")
    done = run_blocked(["check", "--format", "json", "--no-cache"], root)
    assert done.returncode == 1, done.stderr
    findings = json.loads(done.stdout)["findings"]
    unread = [f for f in findings if f["rule"] == "file-invalid"]
    assert [(f["path"], f["line"]) for f in unread] == [("docs/official-docs/EPIC-B/broken.md", 1)]
    assert "could not read this doc (markdown-it-py raised IndexError)" in unread[0]["message"]
    assert {f["path"] for f in findings} == {"docs/official-docs/EPIC-B/broken.md"}

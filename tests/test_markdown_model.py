"""The document model: every entry form of the spec parses to the same model, with lines."""

from __future__ import annotations

import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forgea_hooks.documents.markdown import decision_value, heading_name, parse
from forgea_hooks.model import Document, Entry

FIELDS = [
    ("technology", "PostgreSQL"),
    ("concept", "Enums"),
    ("official source", "https://www.postgresql.org/docs/16/"),
    ("exact version requirement", "16.4"),
]

NESTED_BULLET = """\
### REQUIRED OFFICIAL DOCUMENTATION

- Technology: PostgreSQL
  - Concept: Enums
  - Official source: https://www.postgresql.org/docs/16/
  - Exact version requirement: 16.4
"""
NESTED_NUMBERED = """\
### REQUIRED OFFICIAL DOCUMENTATION

1. Technology: PostgreSQL
   - Concept: Enums
   - Official source: https://www.postgresql.org/docs/16/
   - Exact version requirement: 16.4
"""
SEPARATE_LIST_NUMBERED = """\
### REQUIRED OFFICIAL DOCUMENTATION

1. Technology: PostgreSQL

- Concept: Enums
- Official source: https://www.postgresql.org/docs/16/
- Exact version requirement: 16.4
"""
SEPARATE_LIST_BULLET = """\
### REQUIRED OFFICIAL DOCUMENTATION

- Technology: PostgreSQL

- Concept: Enums
- Official source: https://www.postgresql.org/docs/16/
- Exact version requirement: 16.4
"""
MARKUP_KEYS = """\
### REQUIRED OFFICIAL DOCUMENTATION

- **Technology:** PostgreSQL
  - `concept:` Enums
  - __Official source__: https://www.postgresql.org/docs/16/
  - **Version pin**: 16.4
"""


def gatekeeper(text: str) -> Document:
    return parse(text, "r.md", "r.md", "gatekeeper-report")[0]


def only_entry(doc: Document) -> Entry:
    section = doc.reports[0].section("required official documentation")
    assert section is not None
    assert len(section.entries) == 1
    return section.entries[0]


@pytest.mark.parametrize(
    "text", [NESTED_BULLET, NESTED_NUMBERED, SEPARATE_LIST_NUMBERED, SEPARATE_LIST_BULLET, MARKUP_KEYS]
)
def test_every_entry_form_gives_the_same_fields(text: str) -> None:
    entry = only_entry(gatekeeper(text))
    assert [(field.key, field.value) for field in entry.fields] == FIELDS
    assert entry.line == 3


def test_field_lines_are_source_lines() -> None:
    entry = only_entry(gatekeeper(SEPARATE_LIST_NUMBERED))
    assert [field.line for field in entry.fields] == [3, 5, 6, 7]


def test_nested_list_value_and_continuation_lines() -> None:
    doc = gatekeeper(
        textwrap.dedent(
            """\
            ## REQUIRED OFFICIAL DOCUMENTATION

            - Technology: Terraform
              - Official sources:
                - Terraform: https://developer.hashicorp.com/terraform/v1.9.8
                - Provider: https://registry.terraform.io/providers/x
              - Why required: state must
                survive the migration.
            """
        )
    )
    entry = only_entry(doc)
    sources = entry.get("official source")
    assert sources is not None and sources.value == ""
    assert [(item.key, item.value, item.line) for item in sources.items] == [
        ("terraform", "https://developer.hashicorp.com/terraform/v1.9.8", 5),
        ("provider", "https://registry.terraform.io/providers/x", 6),
    ]
    why = entry.get("why required")
    assert why is not None and why.value == "state must survive the migration."


def test_code_fences_and_html_comments_are_never_structure() -> None:
    doc = gatekeeper(
        textwrap.dedent(
            """\
            ### REQUIRED OFFICIAL DOCUMENTATION

            ```markdown
            - Technology: Ignored
              - Exact version requirement: VERSION UNKNOWN
            ```

            <!--
            - Technology: AlsoIgnored
            -->

                - Technology: IndentedCode
            """
        )
    )
    section = doc.reports[0].section("required official documentation")
    assert section is not None and section.entries == []


def test_setext_heading_under_a_paragraph_line() -> None:
    doc = parse("Intro line\n---\n\nBody\n", "t.md", "t.md", "task")[0]
    assert [section.name for section in doc.sections] == ["", "intro line"]
    assert doc.sections[1].line == 1


def test_heading_matching_ignores_case_emphasis_emoji_and_suffix() -> None:
    assert heading_name("**Internal docs to add  or extend** (required)") == "internal docs to add or extend"
    assert heading_name("✅ _Required Official Documentation_") == "required official documentation"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("✅ DOCUMENTATION COMPLETE", "complete"),
        ("DOCUMENTATION COMPLETE", "complete"),
        ("⚠️ DOCUMENTATION PARTIAL — EXTENSION REQUIRED", "partial"),
        ("DOCUMENTATION PARTIAL -- EXTENSION REQUIRED", "partial"),
        ("❌ DOCUMENTATION MISSING - BLOCKED", "missing"),
        ("DOCUMENTATION MOSTLY FINE", None),
    ],
)
def test_decision_values(text: str, value: str | None) -> None:
    assert decision_value(text) == value


def test_front_matter_keeps_strings_and_key_lines() -> None:
    doc = parse(
        "---\ntechnology: PostgreSQL\nversion: 16.10\nofficial_source: https://www.postgresql.org/docs/16/\n---\n"
        "\n## Purpose\n\nx\n",
        "p.md",
        "p.md",
        "official-doc",
    )[0]
    version = doc.metadata["exact version requirement"]
    assert (version.value, version.line) == ("16.10", 3)
    assert doc.section("purpose") is not None and doc.section("purpose").line == 7  # type: ignore[union-attr]


def test_official_doc_metadata_from_first_field_list() -> None:
    doc = parse(
        "# Prisma\n\n- Technology: Prisma\n- Version pin: 7.3.0\n- Official source: https://www.prisma.io/docs\n",
        "p.md",
        "p.md",
        "official-doc",
    )[0]
    assert {key: (field.value, field.line) for key, field in doc.metadata.items()} == {
        "technology": ("Prisma", 3),
        "exact version requirement": ("7.3.0", 4),
        "official source": ("https://www.prisma.io/docs", 5),
    }


@pytest.mark.parametrize(
    "front",
    [
        "---\na: &x [1, 2]\nb: *x\n---\n",
        "---\n: : bad\n  - [\n---\n",
        "---\n- just\n- a list\n---\n",
    ],
)
def test_bad_front_matter_is_a_problem_not_an_exception(front: str) -> None:
    doc, problems = parse(front + "\n## Purpose\n", "p.md", "p.md", "official-doc")
    assert problems and doc.front_matter is None


def test_several_reports_in_one_file() -> None:
    text = (
        "Referencing /docs/a.md\n\n## REQUIRED OFFICIAL DOCUMENTATION\n\n- Technology: A\n\n"
        "## DOCUMENTATION COVERAGE DECISION\n\nDOCUMENTATION COMPLETE\n\n"
        "Reference: /docs/b.md\n\n## REQUIRED OFFICIAL DOCUMENTATION\n\n- Technology: B\n"
    )
    doc = gatekeeper(text)
    assert [report.line for report in doc.reports] == [3, 13]
    assert [block.text for block in doc.reports[1].references] == ["Reference: /docs/b.md"]
    assert doc.reports[0].decision is not None and doc.reports[0].decision.value == "complete"
    assert doc.reports[1].decision is None


def test_registry_table_and_status_lines() -> None:
    doc = parse(
        "| Technology | Official source | Version | Status |\n| --- | --- | --- | --- |\n"
        "| PostgreSQL | https://www.postgresql.org/docs/16/ | 16.4 | approved |\n\n"
        "- `env-manifest:` https://github.com/motdotla/dotenv — approved\n"
        "- `postgres-triggers:` missing — `missing`\n",
        "r.md",
        "r.md",
        "registry",
    )[0]
    assert doc.table is not None
    assert doc.table.rows[0].cells["version"] == "16.4" and doc.table.rows[0].line == 3
    assert [(s.concept, s.source, s.status, s.line) for s in doc.status_lines] == [
        ("env-manifest", "https://github.com/motdotla/dotenv", "approved", 5),
        ("postgres-triggers", "missing", "missing", 6),
    ]


@pytest.mark.parametrize(
    ("item", "status"),
    [
        ("- `a:` https://a.example/ — approved", "approved"),
        ("- `a:` https://a.example/ -- `Pending`.", "pending"),
        ("- a: missing - MISSING.", "missing"),
        ("- `a:` https://a.example/ — `deprecated`", "deprecated"),
        ("- `a:` https://a.example/ — approved by ops", None),
        ("- Technology: approved", None),
    ],
)
def test_status_line_endings(item: str, status: str | None) -> None:
    doc = parse(item + "\n", "r.md", "r.md", "registry")[0]
    assert [line.status for line in doc.status_lines] == ([status] if status else [])


def test_muted_rule_logging_drops_debug_calls_unless_a_logger_is_enabled_for_debug(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    import logging

    from forgea_hooks.documents import markdown, parsers
    from forgea_hooks.documents.parsers import pure

    # Only the fallback parser logs from its rules.
    monkeypatch.setattr(parsers, "NAME", pure.NAME)
    monkeypatch.setattr(parsers, "parse", pure.parse)

    heading = logging.getLogger("markdown_it.rules_block.heading")
    heading.setLevel(logging.DEBUG)
    try:
        markdown.mute_rule_debug_logging()
        with caplog.at_level(logging.DEBUG, logger="markdown_it.rules_block.paragraph"):
            parse("# Title\n\ntext\n", "t.md", "t.md", "task")
        assert "entering heading" in caplog.text
        assert "entering paragraph" not in caplog.text
    finally:
        heading.setLevel(logging.NOTSET)
        for name in list(logging.root.manager.loggerDict):
            if name.startswith("markdown_it."):
                logging.getLogger(name).__dict__.pop("debug", None)  # the rest of the suite logs as usual


def test_inline_disable_comment_targets_the_next_line() -> None:
    doc = gatekeeper("<!-- forgea-hooks: disable=pin-unknown, source-missing -->\n- Technology: X\n")
    assert doc.disabled == {2: frozenset({"pin-unknown", "source-missing"})}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Prisma (ORM & Migrations): 7.3.0", ("Prisma (ORM & Migrations)", "7.3.0")),
        ("**Official source:** https://x.example/", ("Official source", "https://x.example/")),
        ("`official source:` https://x.example/", ("official source", "https://x.example/")),
        ("Why required: `ALTER TYPE` rules", ("Why required", "`ALTER TYPE` rules")),
        ("https://x.example/a: b", None),
        ("See https://x.example/docs (v2): notes", None),
        ("`/docs/tasks/task-B3-2026-11-20.md` — the task", None),
    ],
)
def test_split_key(text: str, expected: tuple[str, str] | None) -> None:
    from forgea_hooks.documents.markdown import split_key

    assert split_key(text) == expected


def _split_key_by_regex(text: str) -> tuple[str, str] | None:
    """What split_key said before its plain keys skipped the regex: the reference it must agree with."""
    from forgea_hooks.documents.markdown import _KEY

    match = _KEY.match(text) if ":" in text else None
    if match is None or "//" in match["key"] or match["key"].strip().casefold() in ("http", "https"):
        return None
    return match["key"].strip(), text[match.end() :].strip()


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=" \t\u00a0\u2003:/*_`[]<>ahHtpsé(.)-", max_size=100))
def test_split_key_agrees_with_the_key_regex(text: str) -> None:
    from forgea_hooks.documents.markdown import split_key

    assert split_key(text) == _split_key_by_regex(text)


@pytest.mark.parametrize(
    "text",
    ["a" * 80 + ": v", "a" * 81 + ": v", "Key \u2003: v", " Key: v", "Key:// v", "Key: //v", "HTTPS: x", "x y:"],
)
def test_split_key_agrees_with_the_key_regex_at_its_edges(text: str) -> None:
    from forgea_hooks.documents.markdown import split_key

    assert split_key(text) == _split_key_by_regex(text)

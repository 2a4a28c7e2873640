"""Issue #10, "Precision on real reports": each case seen on a real report, on a fixture written
here, run through the CLI (spec: Rules, Pins, Configuration)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import run_json


def write(root: Path, relpath: str, text: str) -> Path:
    path = root / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def check(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> list[dict[str, Any]]:
    code, data = run_json(capsys, ["check", "--root", str(root), "--no-cache", "--format", "json", *args])
    assert code in (0, 1)
    findings: list[dict[str, Any]] = data["findings"]
    for finding in findings:
        # Paths are shown relative to the working folder; the tests name them relative to the root.
        finding["path"] = (Path.cwd() / finding["path"]).resolve().relative_to(root.resolve()).as_posix()
    return findings


def of_rule(findings: list[dict[str, Any]], rule: str) -> list[tuple[int, str]]:
    return sorted((f["line"], f["message"]) for f in findings if f["rule"] == rule)


ENTRY = """\
- Technology: {technology}
  - Concept: Enums
  - Official source: {source}
  - Exact version requirement: {pin}
  - Why required: Enum changes need their own migration.
  - What decision it informs: Migration layout.
  - What breaks without it: Failed deploys.
"""


def report(
    *, decision: str = "⚠️ DOCUMENTATION PARTIAL — EXTENSION REQUIRED", after: str = "", more: str = "", **entry: str
) -> str:
    fields = {"technology": "PostgreSQL", "source": "https://www.postgresql.org/docs/16/", "pin": "16.4"}
    fields.update(entry)
    return (
        "# REQUIRED OFFICIAL DOCUMENTATION\n\n"
        + ENTRY.format(**fields)
        + more
        + f"\n# DOCUMENTATION COVERAGE DECISION\n\n{decision}\n\n"
        + after
    )


# --- path-missing: an item's own marker decides before the list's introduction ------------------

DECISION_LIST = """\
Documents to extend:

- `docs/a.md` — NEW: enum migration patterns
- `docs/b.md` — new doc for triggers
- `docs/c.md` (new) — rollback notes
- `docs/d.md` — to be created by infra
- `docs/e.md` — the existing guide
- `docs/f.md` — EXTEND with the 16.4 notes
"""

INTERNAL = """\
# INTERNAL DOCS TO ADD OR EXTEND

- Path: /docs/g.md
  - Purpose: NEW doc for enum patterns.
  - Exact knowledge to add: Enum migrations.
  - Required version pin: 16.4
- Path: /docs/h.md (extend)
  - Purpose: Enum patterns.
  - Exact knowledge to add: Enum migrations.
  - Required version pin: 16.4
- Path: /docs/i.md
  - Purpose: EXTEND the existing notes.
  - Exact knowledge to add: Enum migrations.
  - Required version pin: 16.4
- Path: /docs/j.md
  - Purpose: Enum patterns.
  - Exact knowledge to add: Enum migrations.
  - Required version pin: 16.4
"""


def test_path_missing_reads_an_items_own_marker_first(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = report(after=DECISION_LIST + "\n" + INTERNAL)
    write(tmp_path, "docs/gatekeeper/r.md", text)
    lines = text.split("\n")
    missing = of_rule(check(capsys, tmp_path), "path-missing")
    # The list says "extend", but a/b/c/d say they are new; e and f must exist; so must h and i,
    # marked in the path or in the entry's text; g is new and j is unmarked.
    named = [message.split("'")[1] for _, message in missing]
    assert named == ["docs/e.md", "docs/f.md", "/docs/h.md", "/docs/i.md"]
    assert [line for line, _ in missing] == [
        lines.index(line) + 1
        for line in (
            "- `docs/e.md` — the existing guide",
            "- `docs/f.md` — EXTEND with the 16.4 notes",
            "- Path: /docs/h.md (extend)",
            "- Path: /docs/i.md",
        )
    ]


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet="newNEWcreatdxCRATDX()_ \u0130\u212a\u017f", max_size=40))
def test_an_items_own_marker_is_what_its_regexes_say(text: str) -> None:
    from forgea_hooks.rules.paths import _EXTEND_MARKER, _NEW_MARKER, _own_marker

    expected = False if _NEW_MARKER.search(text) else True if _EXTEND_MARKER.search(text) else None
    assert _own_marker(text) is expected


def test_the_path_missing_hint_names_a_marker_that_works(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = report(after=DECISION_LIST.replace("docs/a.md` — NEW: ", "docs/a.md` — "))
    write(tmp_path, "docs/gatekeeper/r.md", before)
    found = [f for f in check(capsys, tmp_path) if f["rule"] == "path-missing"]
    assert [f["message"].split("'")[1] for f in found] == ["docs/a.md", "docs/e.md", "docs/f.md"]
    hint = found[0]["hint"]
    assert "NEW" in hint and "(new)" in hint
    # Following the hint with either marker it names clears the finding.
    for marker in ("NEW", "(new)"):
        write(tmp_path, "docs/gatekeeper/r.md", before.replace("docs/a.md` — ", f"docs/a.md` {marker} — "))
        named = [f["message"].split("'")[1] for f in check(capsys, tmp_path) if f["rule"] == "path-missing"]
        assert named == ["docs/e.md", "docs/f.md"]


def test_an_existing_doc_to_extend_is_not_missing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("e", "f", "h", "i"):
        write(tmp_path, f"docs/{name}.md", "# notes\n")
    write(tmp_path, "docs/gatekeeper/r.md", report(after=DECISION_LIST + "\n" + INTERNAL))
    assert of_rule(check(capsys, tmp_path), "path-missing") == []


# --- path-absolute: ~/ is a generic location; trailing punctuation is not part of a path -----------


def test_home_relative_paths_are_generic_except_where_a_repo_path_belongs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    internal = INTERNAL.replace("- Path: /docs/j.md", "- Canonical path: ~/docs/j.md")
    text = report(
        after=(
            "Poetry keeps its settings in ~/.config/pypoetry, and `~/.npmrc` holds the token.\n\n"
            "The notes live in /home/ana/notes/pg.md. Windows: C:\\Users\\ana\\pg.md, and /Users/ana/pg.md;\n\n"
            "Install into C:\\Program Files\\PostgreSQL\\16 as usual.\n\n" + internal
        )
    )
    write(tmp_path, "docs/gatekeeper/r.md", text)
    for name in ("h", "i"):
        write(tmp_path, f"docs/{name}.md", "# notes\n")
    lines = text.split("\n")
    found = of_rule(check(capsys, tmp_path), "path-absolute")
    assert found == [
        (
            lines.index(
                "The notes live in /home/ana/notes/pg.md. Windows: C:\\Users\\ana\\pg.md, and /Users/ana/pg.md;"
            )
            + 1,
            "machine-local path '/home/ana/notes/pg.md' resolves on one machine only",
        ),
        (
            lines.index("- Canonical path: ~/docs/j.md") + 1,
            "machine-local path '~/docs/j.md' resolves on one machine only",
        ),
    ]


@pytest.mark.parametrize(
    ("sentence", "path"),
    [
        ("See C:\\Users\\ana\\pg.md, then run it.", "C:\\Users\\ana\\pg.md"),
        ("It is in /Users/ana/pg.md; read it!", "/Users/ana/pg.md"),
        ("Is it at /home/ana/pg?", "/home/ana/pg"),
        ("Saved to /home/ana/.", "/home/ana/"),
    ],
)
def test_a_paths_trailing_sentence_punctuation_is_not_part_of_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], sentence: str, path: str
) -> None:
    write(tmp_path, "docs/gatekeeper/r.md", report(decision="✅ DOCUMENTATION COMPLETE", after=sentence + "\n"))
    found = of_rule(check(capsys, tmp_path), "path-absolute")
    assert [message for _, message in found] == [f"machine-local path '{path}' resolves on one machine only"]


# --- official sources: labels, several URLs, hosts with no per-version pages ---------------------


@pytest.mark.parametrize(
    "source",
    [
        "REGULATION (EU) 2016/679 (GDPR) — https://eur-lex.europa.eu/eli/reg/2016/679/oj",
        "OWASP Logging Cheat Sheet — https://cheatsheetseries.owasp.org/cheatsheets/Logging_Cheat_Sheet.html",
        "https://cheatsheetseries.owasp.org/cheatsheets/Logging_Cheat_Sheet.html (OWASP Logging Cheat Sheet)",
        "[OWASP Logging Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Logging_Cheat_Sheet.html).",
        "<https://en.wikipedia.org/wiki/Syslog_(protocol)>",
    ],
)
def test_a_labelled_official_source_is_a_source(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], source: str
) -> None:
    write(
        tmp_path,
        "docs/gatekeeper/r.md",
        report(decision="✅ DOCUMENTATION COMPLETE", technology="OWASP", source=source, pin="N/A (guidance)"),
    )
    assert check(capsys, tmp_path) == []


def test_several_urls_in_one_field_are_each_checked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = "https://www.postgresql.org/docs/16/ddl.html and http://www.postgresql.org/docs/15/ and https://x.example/"
    write(tmp_path, ".forgea-hooks.yaml", "technologies:\n  PostgreSQL:\n    official-domains: [postgresql.org]\n")
    write(tmp_path, "docs/gatekeeper/r.md", report(decision="✅ DOCUMENTATION COMPLETE", source=source))
    found = sorted((f["rule"], f["message"]) for f in check(capsys, tmp_path))
    assert found == [
        ("source-insecure", "official source 'http://www.postgresql.org/docs/15/' is plain http"),
        ("source-not-official", "official source host 'x.example' is not an official domain of PostgreSQL"),
        (
            "source-unpinned-url",
            "official source 'http://www.postgresql.org/docs/15/' is for version 15, not the pinned 16.4",
        ),
    ]


AWS = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_PostgreSQL.html"
AZURE = "https://learn.microsoft.com/en-us/azure/latest/storage/"


def test_latest_is_no_finding_on_a_host_with_no_per_version_pages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    more = ENTRY.format(technology="Azure Storage", source=AZURE, pin="2024-08-04")
    doc = report(decision="✅ DOCUMENTATION COMPLETE", technology="Amazon RDS", source=AWS, more=more)
    write(tmp_path, "docs/gatekeeper/r.md", doc)
    found = [(f["rule"], f["message"]) for f in check(capsys, tmp_path)]
    assert found == [("source-unpinned-url", f"official source '{AZURE}' follows a moving version ('/latest/')")]
    # Config marks a technology's site as unversioned.
    write(tmp_path, ".forgea-hooks.yaml", "technologies:\n  Azure Storage:\n    unversioned-docs: true\n")
    assert check(capsys, tmp_path) == []


# --- pins that defer to another place; a registry row with TBD -----------------------------------

REGISTRY = "docs/official-docs-registry.md"


def registry(*rows: tuple[str, str, str]) -> str:
    lines = ["# Registry", "", "| Technology | Official source | Version | Status |", "| --- | --- | --- | --- |"]
    lines += [f"| {name} | https://docs.example.com/ | {version} | {status} |" for name, version, status in rows]
    return "\n".join(lines) + "\n"


DEFERRING = "`prisma`/`@prisma/client` 7.3.0 and `Postgres` version (see registry)"


def test_a_pin_deferring_to_the_registry_takes_the_class_of_its_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    prisma = {"technology": "Prisma", "source": "https://www.prisma.io/docs/orm", "pin": DEFERRING}
    write(tmp_path, "docs/gatekeeper/r.md", report(decision="✅ DOCUMENTATION COMPLETE", **prisma))
    write(tmp_path, REGISTRY, registry(("PostgreSQL", "16.4", "approved")))
    assert [f for f in check(capsys, tmp_path) if f["rule"].startswith("pin-")] == []

    write(tmp_path, REGISTRY, registry(("PostgreSQL", "TBD", "approved")))
    found = sorted((f["path"], f["rule"], f["message"]) for f in check(capsys, tmp_path))
    assert found == [
        (
            "docs/gatekeeper/r.md",
            "decision-inconsistent",
            "the decision is COMPLETE but these pins are not concrete: Prisma",
        ),
        (
            "docs/gatekeeper/r.md",
            "pin-unknown",
            "the Prisma pin '`Postgres` version (see registry)' defers to the registry, "
            "whose Postgres pin 'TBD' has no version",
        ),
        (REGISTRY, "pin-unknown", "the PostgreSQL pin 'TBD' has no version"),
    ]

    write(tmp_path, REGISTRY, registry(("Postgres", "^16", "approved")))
    deferring = [f for f in check(capsys, tmp_path) if " defers to " in f["message"]]
    assert [(f["rule"], f["message"].split(" defers to ")[1]) for f in deferring] == [
        ("pin-range", "the registry, whose Postgres pin '^16' is a range or moving target, not a pin")
    ]


def task(pin: str) -> str:
    sections = ["Required schema changes", "Migration strategy", "Rollback", "Acceptance criteria"]
    body = "".join(f"## {name}\n\nNone.\n\n" for name in sections)
    return f"# Task\n\n{body}## Required version pins\n\n- PostgreSQL: {pin}\n"


def official(version: str) -> str:
    return (
        f"---\ntechnology: PostgreSQL\nversion: '{version}'\nofficial_source: https://www.postgresql.org/docs/16/\n"
        "---\n\n# PostgreSQL\n\n## Purpose\n\nEnums.\n"
    )


def test_without_a_registry_row_a_deferring_pin_takes_the_one_pin_the_tree_agrees_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = task("pinned Postgres version")
    write(tmp_path, "docs/tasks/task-A1-2026-01-02.md", text)
    found = [(f["rule"], f["line"], f["message"]) for f in check(capsys, tmp_path)]
    assert found == [
        (
            "pin-unknown",
            text.split("\n").index("- PostgreSQL: pinned Postgres version") + 1,
            "the PostgreSQL pin 'pinned Postgres version' defers to the registry, which has no Postgres row, "
            "and no doc pins Postgres",
        )
    ]

    write(tmp_path, "docs/official-docs/pg.md", official("16.4"))
    assert check(capsys, tmp_path) == []

    write(tmp_path, "docs/official-docs/pg15.md", official("15.8"))
    messages = [f["message"] for f in check(capsys, tmp_path) if f["rule"] == "pin-unknown"]
    assert messages == [
        "the PostgreSQL pin 'pinned Postgres version' defers to the registry, which has no Postgres row, "
        "and the docs' pins of Postgres do not agree on one (16.4, 15.8)"
    ]


def test_a_registry_row_with_tbd_is_pin_unknown_and_appears_in_pins(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, REGISTRY, registry(("Redis", "TBD", "approved"), ("PostgreSQL", "16.4", "approved")))
    assert [(f["rule"], f["line"]) for f in check(capsys, tmp_path)] == [("pin-unknown", 5)]
    code, table = run_json(capsys, ["pins", "--root", str(tmp_path), "--format", "json"])
    assert code == 0
    rows = {row["technology"]: row for row in table["technologies"]}
    assert rows["Redis"]["registry"]["pin"] == "TBD"
    assert rows["Redis"]["registry"]["class"] == "unknown"
    assert rows["Redis"]["status"] == "pin-unknown"
    assert rows["PostgreSQL"]["status"] == "ok"


@pytest.mark.parametrize(
    ("source", "pin", "finding"),
    [
        ("https://eur-lex.europa.eu/eli/reg/2016/679/oj", "2016/679 (regulation identifier)", None),
        ("https://csrc.nist.gov/publications/detail/fips/180/4/final", "FIPS 180-4", None),
        ("https://pubs.opengroup.org/onlinepubs/9699919799/", "IEEE Std 1003.1-2017", None),
        ("https://www.postgresql.org/docs/15/", "16.4", "is for version 15, not the pinned 16.4"),
        ("https://eur-lex.europa.eu/eli/reg/2015/679/oj", "2016/679", "is for version 2015, not the pinned 2016/679"),
    ],
)
def test_an_identifier_spelt_across_url_segments_is_the_pinned_version(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], source: str, pin: str, finding: str | None
) -> None:
    write(tmp_path, "docs/gatekeeper/r.md", report(decision="✅ DOCUMENTATION COMPLETE", source=source, pin=pin))
    found = [f["message"] for f in check(capsys, tmp_path) if f["rule"] == "source-unpinned-url"]
    assert found == ([f"official source '{source}' {finding}"] if finding else [])


@pytest.mark.parametrize(
    "lead",
    ["Docs to create/extend:", "Docs to extend/produce:", "Required new/extended docs:", "Docs to extend or add:"],
)
def test_an_introduction_that_also_speaks_of_creating_marks_no_item(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lead: str
) -> None:
    write(tmp_path, "docs/gatekeeper/r.md", report(after=f"{lead}\n\n- `docs/e.md` — the guide\n"))
    assert of_rule(check(capsys, tmp_path), "path-missing") == []
    write(tmp_path, "docs/gatekeeper/r.md", report(after="Docs to extend:\n\n- `docs/e.md` — the guide\n"))
    assert [message for _, message in of_rule(check(capsys, tmp_path), "path-missing")] == [
        "'docs/e.md' is to be extended but does not exist"
    ]


@pytest.mark.parametrize(
    "sentence", ["The cache is in C:\\Users\\<username>\\AppData\\Local\\pypoetry.", "Run it from /home/$USER/work."]
)
def test_a_placeholder_user_folder_is_a_generic_location(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], sentence: str
) -> None:
    write(tmp_path, "docs/gatekeeper/r.md", report(decision="✅ DOCUMENTATION COMPLETE", after=sentence + "\n"))
    assert of_rule(check(capsys, tmp_path), "path-absolute") == []

"""The offline official-source rules, through the CLI on small trees."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_json

REGISTRY = """\
# Registry

| Technology | Official source | Version | Status | Official domains |
| --- | --- | --- | --- | --- |
| PostgreSQL | https://www.postgresql.org/docs/16/ | 16.4 | approved | postgresql.org |
| Node.js | https://nodejs.org/docs/v22.11.0/api/ | 22.11.0 | approved | nodejs.org |
| Stripe API | https://docs.stripe.com/api | 2025-09-30 | approved | stripe.com |
"""


def official(technology: str, pin: str, source: str) -> str:
    fields = f"- Technology: {technology}\n- Version pin: {pin}\n- Official source: {source}\n"
    return f"# {technology}\n\n{fields}\n## Purpose\n\nx\n"


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "docs/official-docs").mkdir(parents=True)
    (tmp_path / "docs/official-docs-registry.md").write_text(REGISTRY, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return tmp_path


def source_findings(capsys: pytest.CaptureFixture[str], doc: Path) -> list[tuple[int, str, str]]:
    _, report = run_json(capsys, ["check", "--format", "json", str(doc)])
    found: list[dict[str, Any]] = report["findings"]
    return [(f["line"], f["rule"], f["severity"]) for f in found if f["rule"].startswith("source-")]


@pytest.mark.parametrize(
    ("technology", "pin", "url", "expected"),
    [
        ("PostgreSQL", "16.4", "https://www.postgresql.org/docs/16/ddl.html", []),
        ("PostgreSQL", "16.4", "https://www.postgresql.org/docs/16.4/ddl.html", []),
        ("PostgreSQL", "16", "https://www.postgresql.org/docs/16.4/", []),
        ("PostgreSQL", "16.4", "https://www.postgresql.org/docs/15/ddl.html", [(5, "source-unpinned-url", "error")]),
        ("PostgreSQL", "16.4", "https://www.postgresql.org/docs/current/", [(5, "source-unpinned-url", "error")]),
        ("PostgreSQL", "TBD", "https://www.postgresql.org/docs/main/", [(5, "source-unpinned-url", "error")]),
        ("PostgreSQL", "TBD", "https://www.postgresql.org/docs/15/", []),
        ("Node.js", "22.11.0", "https://nodejs.org/docs/v22.11.0/api/", []),
        ("Node.js", "22.11.0", "https://nodejs.org/docs/v20.18.1/api/", [(5, "source-unpinned-url", "error")]),
        ("Stripe API", "2025-09-30", "https://docs.stripe.com/api/versioning/2025-09-30", []),
        ("PostgreSQL", "16.4", "http://www.postgresql.org/docs/16/", [(5, "source-insecure", "error")]),
        ("PostgreSQL", "16.4", "https://postgresql.org.evil.example/docs/16/", [(5, "source-not-official", "error")]),
        ("PostgreSQL", "16.4", "https://notpostgresql.org/docs/16/", [(5, "source-not-official", "error")]),
        ("Postgres", "16.4", "https://pg.example.net/docs/16/", [(5, "source-not-official", "error")]),
        ("Unlisted", "1.0.0", "https://anywhere.example/docs/1.0.0/", []),
        ("PostgreSQL", "16.4", "missing", [(5, "source-missing", "error")]),
    ],
)
def test_official_doc_sources(
    tree: Path,
    capsys: pytest.CaptureFixture[str],
    *,
    technology: str,
    pin: str,
    url: str,
    expected: list[tuple[int, str, str]],
) -> None:
    doc = tree / "docs/official-docs/doc.md"
    doc.write_text(official(technology, pin, url), encoding="utf-8")
    assert source_findings(capsys, doc) == expected


def test_config_official_domains_add_to_the_registry(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tree / ".forgea-hooks.yaml").write_text(
        "technologies:\n  PostgreSQL:\n    official-domains: [postgres-mirror.example]\n", encoding="utf-8"
    )
    doc = tree / "docs/official-docs/doc.md"
    doc.write_text(official("PostgreSQL", "16.4", "https://docs.postgres-mirror.example/16/"), encoding="utf-8")
    assert source_findings(capsys, doc) == []


def test_gatekeeper_sources_warn_and_nested_lists_are_each_checked(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tree / "docs/gatekeeper/r.md"
    report.parent.mkdir(parents=True)
    report.write_text(
        "## REQUIRED OFFICIAL DOCUMENTATION\n\n"
        "- Technology: PostgreSQL\n"
        "  - Concept: Enums\n"
        "  - Official sources:\n"
        "    - Enums: https://www.postgresql.org/docs/16/datatype-enum.html\n"
        "    - DDL: http://www.postgresql.org/docs/latest/ddl.html\n"
        "  - Exact version requirement: 16.4\n"
        "  - Why required: x\n  - What decision it informs: x\n  - What breaks without it: x\n\n"
        "## DOCUMENTATION COVERAGE DECISION\n\nDOCUMENTATION COMPLETE\n",
        encoding="utf-8",
    )
    assert source_findings(capsys, report) == [
        (7, "source-insecure", "warning"),
        (7, "source-unpinned-url", "warning"),
    ]

"""Whole trees: every expected finding of the invalid tree, and silence on the valid tree.

Each test runs on the project's own trees (tests/fixtures/trees/invalid and the README's example) and
on the shared corpus when ../shared is beside the repository (CI); without it those runs skip."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_json


@pytest.fixture(params=["own", "shared"])
def corpus_copy(request: pytest.FixtureRequest) -> Path:
    """Overrides conftest's: the same tests over both corpora."""
    copy: Path = request.getfixturevalue("corpus_copy" if request.param == "own" else "shared_corpus_copy")
    return copy


@pytest.fixture
def expected(corpus_copy: Path) -> dict[str, list[list[object]]]:
    loaded: dict[str, list[list[object]]] = json.loads((corpus_copy / "invalid" / "expected.json").read_text("utf-8"))
    return loaded


@pytest.fixture
def invalid_findings(
    corpus_copy: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> tuple[int, list[dict[str, object]]]:
    monkeypatch.chdir(corpus_copy / "invalid")
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    code, report = run_json(capsys, ["check", "--format", "json"])
    findings = report["findings"]
    assert isinstance(findings, list)
    return code, findings


@pytest.mark.parametrize("group", ["core", "sources", "cross"])
def test_invalid_tree_reports_every_expected_finding(
    invalid_findings: tuple[int, list[dict[str, object]]], expected: dict[str, list[list[object]]], group: str
) -> None:
    code, findings = invalid_findings
    assert code == 1
    missing = [
        (path, line, rule)
        for path, line, rule in expected[group]
        if not any(
            found["path"] == path and found["rule"] == rule and (line is None or found["line"] == line)
            for found in findings
        )
    ]
    assert missing == []


def test_nothing_is_reported_inside_the_code_fence(
    invalid_findings: tuple[int, list[dict[str, object]]],
) -> None:
    _, findings = invalid_findings
    fence = [
        found
        for found in findings
        if found["path"] == "docs/gatekeeper/C4-billing.md" and 20 <= int(str(found["line"])) <= 23
    ]
    assert fence == []


def test_valid_tree_has_no_error_or_warning(
    corpus_copy: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(corpus_copy / "valid")
    code, report = run_json(capsys, ["check", "--format", "json"])
    findings = report["findings"]
    assert isinstance(findings, list)
    loud = [found for found in findings if found["severity"] in ("error", "warning")]
    assert loud == []
    assert code == 0


def test_a_tree_where_the_cache_cannot_be_written_is_checked_uncached(
    corpus_copy: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read-only checkout (simulated with a file in the cache folder's place: root may write
    anywhere) still gets every finding."""
    monkeypatch.chdir(corpus_copy / "invalid")
    (corpus_copy / "invalid" / ".forgea-hooks-cache").write_text("not a folder")
    first = run_json(capsys, ["check", "--format", "json"])
    second = run_json(capsys, ["check", "--format", "json"])
    assert first == second and first[0] == 1


def test_sarif_of_the_invalid_tree_validates_against_the_published_schema(
    corpus_copy: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import jsonschema

    schema = json.loads((Path(__file__).parent / "fixtures" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    monkeypatch.chdir(corpus_copy / "invalid")
    code, sarif = run_json(capsys, ["check", "--format", "sarif"])
    assert code == 1
    jsonschema.Draft4Validator(schema).validate(sarif)
    results = sarif["runs"][0]["results"]
    locations = {(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["ruleId"]) for r in results}
    assert ("docs/gatekeeper/C4-billing.md", "decision-invalid") in locations
    assert {rule["id"] for rule in sarif["runs"][0]["tool"]["driver"]["rules"]} >= {"pin-unknown", "link-dead"}


def test_parallel_batches_find_what_one_run_finds(
    corpus_copy: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """pre-commit splits the file list over several processes: no finding may depend on seeing
    every file in one run."""
    root = corpus_copy / "invalid"
    monkeypatch.chdir(root)
    files = sorted(path.relative_to(root).as_posix() for path in root.rglob("*.md"))
    _, whole = run_json(capsys, ["check", "--format", "json", *files])
    batches = [files[index::3] for index in range(3)]
    parts = [run_json(capsys, ["check", "--format", "json", *batch])[1]["findings"] for batch in batches]
    merged = sorted((f for part in parts for f in part), key=lambda f: (f["path"], f["line"], f["rule"], f["message"]))
    expected = sorted(whole["findings"], key=lambda f: (f["path"], f["line"], f["rule"], f["message"]))
    assert merged == expected

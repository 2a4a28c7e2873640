"""Messages a person can act on: every finding says how to fix it."""

from __future__ import annotations

from pathlib import Path

import pytest

from forgea_hooks.rules import hints
from tests.conftest import run_json


def test_every_finding_of_the_invalid_tree_has_a_hint(
    corpus_copy: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(corpus_copy / "invalid")
    _, report = run_json(capsys, ["check", "--format", "json", "--no-cache"])
    assert report["findings"]
    assert sorted({finding["rule"] for finding in report["findings"] if not finding["hint"]}) == []


def test_the_structure_rules_have_default_hints() -> None:
    for rule in ("file-invalid", "section-missing", "field-missing", "field-invalid", "path-placeholder"):
        assert hints().get(rule), rule


def test_columns_point_at_the_offending_value_in_every_format(
    corpus_copy: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = corpus_copy / "invalid"
    monkeypatch.chdir(root)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    registry = "docs/official-docs-registry.md"
    row = (root / registry).read_text(encoding="utf-8").splitlines()[6]  # | Redis | http://redis.io/docs/ | ^7.2 |
    pin, url = row.index("^7.2") + 1, row.index("http://") + 1
    assert pin > 1 and url > 1

    _, report = run_json(capsys, ["check", "--format", "json", "--no-cache", registry])
    at = {(f["rule"], f["line"]): f["column"] for f in report["findings"]}
    assert at[("pin-range", 7)] == pin and at[("source-insecure", 7)] == url

    from forgea_hooks.cli import main

    main(["check", "--format", "github", "--no-cache", registry])
    assert f"file={registry},line=7,col={pin}," in capsys.readouterr().out
    _, sarif = run_json(capsys, ["check", "--format", "sarif", "--no-cache", registry])
    regions = {
        (r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startColumn"])
        for r in sarif["runs"][0]["results"]
    }
    assert ("pin-range", pin) in regions and ("source-insecure", url) in regions
    main(["check", "--no-cache", registry])
    assert f"{registry}:7:{pin}: error pin-range" in capsys.readouterr().out

"""SARIF 2.1.0 output, validated against the published OASIS schema.

tests/fixtures/sarif-schema-2.1.0.json is vendored from github.com/oasis-tcs/sarif-spec,
Schemata/sarif-schema-2.1.0.json at commit 0a8091f7d4057e57b6d8d9b56129e5f918747b34
(see tests/fixtures/sarif-schema-2.1.0.source.txt).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from forgea_hooks.findings import Finding, Severity
from forgea_hooks.reporters import sarif
from forgea_hooks.reporters.sarif import FINGERPRINT_KEY, artifact_uri, render

SCHEMA = json.loads((Path(__file__).parent / "fixtures" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
RULES = {
    "pin-unknown": "a version field with no version",
    "pin-range": "a range or moving target instead of a pin",
    "section-missing": "a required section is absent",
}


def _finding(path: str = "docs/a.md", line: int = 5, rule: str = "pin-unknown", **kw: Any) -> Finding:
    return Finding(
        path=path,
        line=line,
        column=kw.get("column", 1),
        rule=rule,
        severity=kw.get("severity", Severity.ERROR),
        message=kw.get("message", "Redis: the version is unknown"),
        hint=kw.get("hint", ""),
    )


def _log(findings: list[Finding]) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(render(findings, RULES, "0.1.0"))
    return data


def _validate(log: dict[str, Any]) -> None:
    validator = jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert [f"{list(e.path)}: {e.message}" for e in errors] == []


def test_the_vendored_schema_is_itself_a_valid_draft4_schema() -> None:
    jsonschema.Draft4Validator.check_schema(SCHEMA)


def test_a_log_with_every_severity_validates() -> None:
    findings = [
        _finding(severity=Severity.ERROR),
        _finding(
            path="docs/tasks/task-C2-<YYYY-MM-DD>.md",
            line=0,
            column=0,
            rule="section-missing",
            severity=Severity.WARNING,
            message="missing: Rollback",
            hint="add a Rollback section",
        ),
        _finding(path="docs/with space.md", rule="unlisted-rule", severity=Severity.INFO, line=3, column=9),
    ]
    log = _log(findings)
    _validate(log)
    results = log["runs"][0]["results"]
    assert [r["level"] for r in results] == ["error", "warning", "note"]


def test_an_empty_log_validates_and_still_lists_the_rules() -> None:
    log = _log([])
    _validate(log)
    run = log["runs"][0]
    assert run["results"] == []
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == sorted(RULES)


def test_tool_and_rules() -> None:
    driver = _log([_finding()])["runs"][0]["tool"]["driver"]
    assert driver["name"] == "forgea-hooks"
    assert driver["version"] == "0.1.0"
    pin = next(r for r in driver["rules"] if r["id"] == "pin-unknown")
    assert pin["shortDescription"]["text"] == "A version field with no version"


def test_rule_index_points_at_the_rule_even_for_a_rule_outside_the_catalog() -> None:
    log = _log([_finding(rule="pin-range"), _finding(rule="unlisted-rule")])
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    for result in log["runs"][0]["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_locations_are_repo_relative_with_a_uri_base_and_a_region() -> None:
    finding = _finding(path="docs/tasks/task-C2-<YYYY-MM-DD>.md", line=18, column=4)
    location = _log([finding])["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {
        "uri": "docs/tasks/task-C2-%3CYYYY-MM-DD%3E.md",
        "uriBaseId": "%SRCROOT%",
    }
    assert location["region"] == {"startLine": 18, "startColumn": 4}


def test_a_whole_file_finding_points_at_line_one() -> None:
    region = _log([_finding(line=0, column=0)])["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 1}


@pytest.mark.parametrize(
    ("path", "uri"),
    [("./docs/a b.md", "docs/a%20b.md"), ("docs/100%.md", "docs/100%25.md"), ("docs\\win.md", "docs/win.md")],
)
def test_artifact_uris_are_encoded(path: str, uri: str) -> None:
    assert artifact_uri(path) == uri


def _prints(findings: list[Finding]) -> list[str]:
    return [r["partialFingerprints"][FINGERPRINT_KEY] for r in _log(findings)["runs"][0]["results"]]


def test_fingerprints_survive_lines_moving() -> None:
    before = _prints([_finding(line=5, column=3)])
    after = _prints([_finding(line=42, column=7)])
    assert before == after


def test_fingerprints_tell_problems_apart() -> None:
    prints = _prints(
        [
            _finding(),
            _finding(path="docs/b.md"),
            _finding(rule="pin-range"),
            _finding(message="Postgres: the version is unknown"),
        ]
    )
    assert len(set(prints)) == 4


def test_identical_problems_in_one_file_get_numbered_by_order() -> None:
    prints = _prints([_finding(line=30), _finding(line=10)])
    assert prints[1].endswith(":1") and prints[0].endswith(":2")
    assert prints[0].split(":")[0] == prints[1].split(":")[0]


def test_fingerprints_ignore_white_space_changes_in_the_message() -> None:
    assert _prints([_finding(message="Redis:  the version\nis unknown")]) == _prints([_finding()])


def test_hint_is_part_of_the_message_text() -> None:
    text = _log([_finding(hint="pin it")])["runs"][0]["results"][0]["message"]["text"]
    assert text == "Redis: the version is unknown\nHint: pin it"


def test_rules_carry_what_the_alert_page_shows() -> None:
    from forgea_hooks.api import rule_catalog

    log = json.loads(render([_finding()], rule_catalog(), "0.1.0"))
    _validate(log)
    rules = {rule["id"]: rule for rule in log["runs"][0]["tool"]["driver"]["rules"]}
    for rule in rules.values():
        text = rule["shortDescription"]["text"]
        assert len(text) <= 120 and "\n" not in text and "`" not in text, text
        assert rule["fullDescription"]["text"]
        assert rule["helpUri"].endswith(f"docs/format.md#{rule['id']}")
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
    pin_range = rules["pin-range"]
    assert "Fails:" in pin_range["help"]["markdown"] and "Passes:" in pin_range["help"]["markdown"]
    assert "`" in pin_range["help"]["markdown"] and "`" not in pin_range["help"]["text"]
    assert rules["path-absolute"]["defaultConfiguration"]["level"] == "error"


def test_the_shipped_rule_help_matches_docs_format_md() -> None:
    from forgea_hooks.reporters.ruledocs import help_markdown, sections

    format_md = Path(__file__).resolve().parent.parent / "docs" / "format.md"
    assert dict(help_markdown()) == sections(format_md.read_text(encoding="utf-8")), (
        "run: python -m forgea_hooks.reporters.ruledocs docs/format.md"
    )


def test_at_most_25000_results_errors_first_with_a_notification() -> None:
    findings = [_finding(line=n, severity=Severity.WARNING, message=f"w{n}") for n in range(1, 25_001)]
    findings += [_finding(line=n, path="docs/b.md", message=f"e{n}") for n in range(1, 11)]
    log = _log(findings)
    run = log["runs"][0]
    assert len(run["results"]) == 25_000
    assert sum(1 for r in run["results"] if r["level"] == "error") == 10
    [note] = run["invocations"][0]["toolExecutionNotifications"]
    assert "10 of 25,010 findings are not in this log" in note["message"]["text"]
    assert all(r["partialFingerprints"][FINGERPRINT_KEY] for r in run["results"])


def test_a_capped_log_validates(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sarif, "MAX_RESULTS", 3)
    log = _log([_finding(line=n, severity=Severity.WARNING) for n in range(1, 6)] + [_finding(line=9)])
    assert [r["level"] for r in log["runs"][0]["results"]] == ["warning", "warning", "error"]
    assert log["runs"][0]["invocations"][0]["executionSuccessful"] is True
    _validate(log)


def test_no_notification_under_the_cap() -> None:
    assert "invocations" not in _log([_finding()])["runs"][0]

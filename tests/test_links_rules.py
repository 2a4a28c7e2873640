"""The link rules: defaults, findings at every citation, user-facing text; settings from config."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from forgea_hooks.findings import KINDS, Severity
from forgea_hooks.links.model import LinkResult, LinkRun, LinkSettings, parse_duration, settings_from_config
from forgea_hooks.rules import links as rules

DEAD = LinkResult("https://a.example/x", "dead", 404, "the server answered 404 Not Found")
MOVED = LinkResult(
    "https://b.example/",
    "redirect",
    200,
    "it has moved permanently to https://c.example/",
    "https://c.example/",
)
WALL = LinkResult("https://d.example/", "unverified", 403, "the site answered with a bot challenge instead of the page")
BLOCKED = LinkResult("http://10.0.0.1/", "blocked", None, "10.0.0.1 is a private address")
FINE = LinkResult("https://e.example/", "ok", 200, "the server answered 200 OK")
SKIPPED = LinkResult("https://f.example/", "excluded", None, "matches the exclude pattern 'f'; not checked")


def defaults(rule: str, kind: str) -> Severity | None:
    return rules.RULES[rule][kind]


def test_default_severities_follow_the_spec() -> None:
    assert set(rules.RULES) == {"link-dead", "link-redirect", "link-unverified", "link-blocked"}
    for rule, table in rules.RULES.items():
        assert set(table) == set(KINDS)
        expected = Severity.ERROR if rule == "link-dead" else Severity.WARNING
        assert set(table.values()) == {expected}


def test_docstring_documents_each_rule_on_its_own_line() -> None:
    doc = rules.__doc__ or ""
    for rule in rules.RULES:
        assert any(line.startswith(f"``{rule}``: ") for line in doc.splitlines()), rule


def test_a_finding_at_every_citation() -> None:
    citations = {
        DEAD.url: [("docs/tasks/t.md", 9, 3, "task"), ("docs/official-docs-registry.md", 4, 20, "registry")],
        FINE.url: [("docs/tasks/t.md", 10, 3, "task")],
    }
    found = rules.findings_for({DEAD.url: DEAD, FINE.url: FINE}, citations, defaults)
    assert [(f.path, f.line, f.column, f.rule, f.severity) for f in found] == [
        ("docs/official-docs-registry.md", 4, 20, "link-dead", Severity.ERROR),
        ("docs/tasks/t.md", 9, 3, "link-dead", Severity.ERROR),
    ]
    assert found[0].message == "Dead link https://a.example/x: the server answered 404 Not Found."


def test_each_outcome_to_its_rule_with_plain_messages() -> None:
    results = {r.url: r for r in (DEAD, MOVED, WALL, BLOCKED, FINE, SKIPPED)}
    citations = {url: [(f"doc{n}.md", 1, 1, "gatekeeper-report")] for n, url in enumerate(results)}
    found = {f.rule: f for f in rules.findings_for(results, citations, defaults)}
    assert set(found) == {"link-dead", "link-redirect", "link-unverified", "link-blocked"}
    assert found["link-redirect"].message == "The link https://b.example/ has moved permanently."
    assert found["link-redirect"].hint == "Cite the new address: https://c.example/"
    assert found["link-unverified"].severity is Severity.WARNING
    assert "open the link in a browser" in found["link-unverified"].hint
    assert found["link-blocked"].message == "The link http://10.0.0.1/ was not fetched: 10.0.0.1 is a private address."
    assert "allow-private" in found["link-blocked"].hint


def test_configured_severity_and_off() -> None:
    def configured(rule: str, kind: str) -> Severity | None:
        if rule == "link-redirect":
            return None
        return Severity.INFO if kind == "gatekeeper-report" else defaults(rule, kind)

    results = {DEAD.url: DEAD, MOVED.url: MOVED}
    citations = {
        DEAD.url: [("a.md", 1, 1, "gatekeeper-report"), ("b.md", 1, 1, "task")],
        MOVED.url: [("a.md", 2, 1, "task")],
    }
    found = rules.findings_for(results, citations, configured)
    assert [(f.path, f.rule, f.severity) for f in found] == [
        ("a.md", "link-dead", Severity.INFO),
        ("b.md", "link-dead", Severity.ERROR),
    ]


def test_a_link_run_is_the_mapping_findings_for_takes() -> None:
    run = LinkRun({DEAD.url: DEAD}, ["a warning"])
    assert dict(run) == {DEAD.url: DEAD}
    found = rules.findings_for(run, {DEAD.url: [("a.md", 1, 1, "task")]}, defaults)
    assert [f.rule for f in found] == ["link-dead"]


def test_settings_from_config(tmp_path: Path) -> None:
    made = settings_from_config(
        {
            "max-in-flight": 16,
            "per-host": 2,
            "timeout": {"connect": 2, "read": 7.5},
            "retries": 0,
            "accept": ["200-299", "403"],
            "exclude": [r"^https://internal\."],
            "cache": {"path": "cache/links.json", "ttl": "12h"},
            "check-fragments": True,
            "max-body": 4096,
        },
        root=tmp_path,
        github_token="t",
    )
    assert made == LinkSettings(
        max_in_flight=16,
        per_host=2,
        connect_timeout=2.0,
        read_timeout=7.5,
        retries=0,
        accept=((200, 299), (403, 403)),
        exclude=(r"^https://internal\.",),
        cache_path=tmp_path / "cache/links.json",
        cache_root=tmp_path,
        cache_ttl=43200.0,
        check_fragments=True,
        body_cap=4096,
        github_token="t",
    )
    assert settings_from_config({}, root=tmp_path) == LinkSettings(
        cache_path=tmp_path / ".forgea-hooks-cache/links.json", cache_root=tmp_path
    )
    assert settings_from_config({}, root=tmp_path, allow_private=True).allow_private


@pytest.mark.parametrize(
    ("text", "seconds"), [(90, 90.0), ("45s", 45.0), ("90m", 5400.0), ("1d", 86400.0), ("2w", 1209600.0)]
)
def test_durations(text: str | float, seconds: float) -> None:
    assert parse_duration(text) == seconds


def test_offline_imports_do_not_load_requests() -> None:
    code = "import sys, forgea_hooks.links, forgea_hooks.rules.links; print('requests' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "False"

"""`check --online` and `pins --online` end to end, against loopback stand-ins of both sources."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest

from forgea_hooks.cli import main
from tests.conftest import run_json
from tests.linkserver import LinkServer, Reply
from tests.online_standin import JSON, body, config, endoflife, github

ONLINE_RULES = ("pin-eol", "pin-unreleased", "pin-behind", "release-data-unavailable")
REGISTRY = """# Registry

| Technology | Official source | Version | Status |
| --- | --- | --- | --- |
| PostgreSQL | https://www.postgresql.org/docs/16/ | 16.4-alpine | approved |
| Redis | https://redis.io/docs/ | 7.9.1 | approved |
| Node.js | https://nodejs.org/docs/v22.13.0/api/ | v22.13.0 | approved |
| Acme Widgets | https://acme.example/docs/ | 3.1.4 | approved |
| Docker Compose | https://docs.docker.com/compose/ | 2.29.5 | approved |
| Python | https://docs.python.org/3.12/ | 3.12.8 | approved |
"""
TASK = """# Task

## Required schema changes

None.

## Migration strategy

None.

## Rollback

None.

## Acceptance criteria

- It works.

## Required version pins

- Postgres: 11.22
- Node.js: 16
"""


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "docs/tasks").mkdir(parents=True)
    (tmp_path / "docs/official-docs-registry.md").write_text(REGISTRY, encoding="utf-8")
    (tmp_path / "docs/tasks/task-A1-2026-11-20.md").write_text(TASK, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    return tmp_path


def online(report: dict[str, Any]) -> dict[tuple[str, int], tuple[str, str, str]]:
    return {
        (f["path"], f["line"]): (f["rule"], f["severity"], f["message"])
        for f in report["findings"]
        if f["rule"] in ONLINE_RULES
    }


def check(capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, dict[str, Any]]:
    return run_json(capsys, ["check", "--online", "--allow-private", "--format", "json", *extra])


def test_pins_are_judged_against_both_sources(
    tree: Path, server: LinkServer, capsys: pytest.CaptureFixture[str]
) -> None:
    endoflife(server)
    github(server)
    (tree / ".forgea-hooks.yaml").write_text(config(server), encoding="utf-8")
    code, report = check(capsys, "--no-cache")
    registry, task = "docs/official-docs-registry.md", "docs/tasks/task-A1-2026-11-20.md"
    found = online(report)
    assert found == {
        (registry, 5): ("pin-behind", "info", "PostgreSQL 16.4-alpine: 16.9 is the latest patch of 16"),
        (registry, 6): ("pin-unreleased", "error", "Redis 7.9.1: no release has that version; the newest 7.x is 7.4.2"),
        (registry, 9): ("pin-behind", "info", "Docker Compose 2.29.5: 2.29.7 is the latest patch of 2.29"),
        (task, 21): found[(task, 21)],
        (task, 22): found[(task, 22)],
    }
    assert found[(task, 21)][:2] == ("pin-eol", "error")  # end of life is an error in a task
    assert found[(task, 21)][2].startswith("Postgres 11.22: cycle 11 reached end of life on 2023-11-09; ")
    assert found[(task, 22)][:2] == ("pin-eol", "error")
    assert code == 1
    # One request per product (GitHub: per page), none for Acme Widgets, which has no release data.
    assert server.count("/api/v1/products/postgresql/") == 1
    assert server.count("/api/v1/products/python/") == 1
    assert server.count("/api/python.json") == 1  # the older form answered where v1 did not
    assert server.count("/repos/docker/compose/releases?per_page=100&page=2") == 1
    assert server.count() == 7


def test_a_warm_rerun_asks_nothing(tree: Path, server: LinkServer, capsys: pytest.CaptureFixture[str]) -> None:
    endoflife(server)
    github(server)
    (tree / ".forgea-hooks.yaml").write_text(config(server), encoding="utf-8")
    _, first = check(capsys)
    asked = server.count()
    _, second = check(capsys)
    assert server.count() == asked
    assert online(second) == online(first)
    assert (tree / ".forgea-hooks-cache/release-data.json").is_file()


def test_429_then_200_is_retried_after_retry_after(
    tree: Path, server: LinkServer, capsys: pytest.CaptureFixture[str]
) -> None:
    endoflife(server)
    server.route(
        "/api/v1/products/redis/",
        Reply(429, {"Retry-After": "1"}),
        Reply(200, JSON, body("endoflife-v1-redis.json")),
    )
    (tree / ".forgea-hooks.yaml").write_text(config(server), encoding="utf-8")
    _, report = check(capsys, "--no-cache")
    assert online(report)[("docs/official-docs-registry.md", 6)][0] == "pin-unreleased"
    assert server.count("/api/v1/products/redis/") == 2


def test_a_source_that_is_down_is_a_warning_never_unreleased(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    down = f"http://127.0.0.1:{port}"
    (tree / ".forgea-hooks.yaml").write_text(
        f'online:\n  sources: {{endoflife: "{down}", github: "{down}"}}\nlinks: {{retries: 0}}\n', encoding="utf-8"
    )
    _, report = check(capsys, "--no-cache")
    found = online(report)
    assert {rule for rule, _, _ in found.values()} == {"release-data-unavailable"}
    assert {severity for _, severity, _ in found.values()} == {"warning"}
    redis = found[("docs/official-docs-registry.md", 6)][2]
    assert redis.startswith("Redis 7.9.1: not checked online, endoflife.date product redis gave no release data: ")
    assert "refused" in redis
    assert not (tree / ".forgea-hooks-cache/release-data.json").exists()  # failures are never cached


def test_config_maps_and_unmaps_technologies(
    tree: Path, server: LinkServer, capsys: pytest.CaptureFixture[str]
) -> None:
    endoflife(server)
    server.route("/repos/acme/widgets/releases?per_page=100", Reply(200, JSON, b'[{"tag_name": "v3.1.5"}]'))
    extra = (
        "technologies:\n"
        "  Acme Widgets: {release-data: {github: acme/widgets}}\n"
        "  Redis: {release-data: false}\n"
        "  Docker Compose: {release-data: false}\n"
    )
    (tree / ".forgea-hooks.yaml").write_text(config(server, extra), encoding="utf-8")
    _, report = check(capsys, "--no-cache")
    found = online(report)
    assert found[("docs/official-docs-registry.md", 8)][:2] == ("pin-unreleased", "error")
    assert ("docs/official-docs-registry.md", 6) not in found
    assert server.count("/api/v1/products/redis/") == 0


def test_a_product_the_source_does_not_have(tree: Path, server: LinkServer, capsys: pytest.CaptureFixture[str]) -> None:
    endoflife(server)
    github(server)
    extra = "technologies:\n  Acme Widgets: {release-data: {endoflife: acme-widgets}}\n"
    (tree / ".forgea-hooks.yaml").write_text(config(server, extra), encoding="utf-8")
    _, report = check(capsys, "--no-cache")
    rule, severity, message = online(report)[("docs/official-docs-registry.md", 8)]
    assert (rule, severity) == ("release-data-unavailable", "warning")
    assert "endoflife.date has no product 'acme-widgets'" in message


def test_a_bad_release_data_key_is_exit_2(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tree / ".forgea-hooks.yaml").write_text("technologies:\n  Redis: {release-data: {pypi: redis}}\n")
    assert main(["check", "--online"]) == 2
    assert "release-data" in capsys.readouterr().err


def test_without_online_nothing_is_asked(tree: Path, server: LinkServer, capsys: pytest.CaptureFixture[str]) -> None:
    endoflife(server)
    (tree / ".forgea-hooks.yaml").write_text(config(server), encoding="utf-8")
    _, report = run_json(capsys, ["check", "--format", "json", "--no-cache"])
    assert online(report) == {}
    assert server.count() == 0


def test_pins_online_shows_what_each_pin_is_checked_against(
    tree: Path, server: LinkServer, capsys: pytest.CaptureFixture[str]
) -> None:
    endoflife(server)
    github(server)
    (tree / ".forgea-hooks.yaml").write_text(config(server), encoding="utf-8")
    assert main(["pins", "--online", "--allow-private", "--no-cache", "--format", "json"]) == 0
    rows = {row["technology"]: row for row in json.loads(capsys.readouterr().out)["technologies"]}
    assert rows["PostgreSQL"]["release_data"]["source"] == {"kind": "endoflife", "name": "postgresql"}
    assert rows["PostgreSQL"]["release_data"]["supported"][-1] == "18"
    assert rows["Docker Compose"]["release_data"]["newest"] == "2.30.3"
    assert rows["Acme Widgets"]["release_data"]["source"] is None
    assert "pin-unreleased" in rows["Redis"]["status"]
    assert main(["pins", "--online", "--allow-private"]) == 0
    text = capsys.readouterr().out
    assert "checked against endoflife.date product postgresql: supported cycles" in text
    assert "checked against nothing: no release data is mapped" in text


def test_the_action_checks_online_unless_told_not_to() -> None:
    from forgea_hooks.action.settings import from_env

    assert from_env({}).online is True
    assert from_env({"FORGEA_ONLINE": "false"}).online is False


def test_the_action_summary_lists_end_of_life_pins_in_their_own_block() -> None:
    from forgea_hooks.action import summary
    from forgea_hooks.findings import Finding, Severity

    ctx = summary.SummaryContext(
        scope="whole tree",
        files_checked=2,
        comment="",
        tool_warnings=[],
        report_path="/tmp/report.json",
        server_url="https://github.example",
        repository="o/r",
        sha="a" * 40,
    )
    eol = "PostgreSQL 11.22: cycle 11 reached end of life on 2023-11-09; supported cycles: 15, 16, 17, 18"
    findings = [
        Finding("docs/official-docs-registry.md", 7, 1, "pin-eol", Severity.WARNING, eol),
        Finding("docs/official-docs-registry.md", 8, 1, "pin-behind", Severity.INFO, "PostgreSQL 16.4: 16.9 is ..."),
    ]
    block = summary.render(findings, ctx).split("### Pins past their end of life")[1]
    assert "cycle 11 reached end of life" in block
    assert "16.9" not in block

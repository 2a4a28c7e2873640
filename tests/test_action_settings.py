"""Reading the Action's inputs from the environment, and choosing which changed files to check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from forgea_hooks.action.changes import select_docs
from forgea_hooks.action.run import exit_code
from forgea_hooks.action.settings import FailOn, PullRequest, from_env
from forgea_hooks.api import ConfigError
from forgea_hooks.findings import Finding, Severity


def test_defaults_match_the_action_defaults() -> None:
    settings = from_env({})
    assert settings.paths == ()
    assert settings.links is True and settings.comment is True
    assert settings.fail_on is FailOn.ERROR
    assert settings.api_url == "https://api.github.com"
    assert settings.pull_request is None
    assert settings.config is None and settings.sarif_file is None and settings.step_summary is None


@pytest.mark.parametrize(("raw", "value"), [("true", True), ("False", False), (" yes ", True), ("0", False)])
def test_flags(raw: str, value: bool) -> None:
    assert from_env({"FORGEA_LINKS": raw}).links is value


def test_paths_are_split_like_a_shell_would() -> None:
    assert from_env({"FORGEA_PATHS": 'docs/a.md\n"docs/with space"  docs/b'}).paths == (
        "docs/a.md",
        "docs/with space",
        "docs/b",
    )


@pytest.mark.parametrize(
    "env",
    [
        {"FORGEA_FAIL_ON": "sometimes"},
        {"FORGEA_COMMENT": "perhaps"},
        {"FORGEA_PATHS": '"open'},
        {"GITHUB_EVENT_PATH": "/nonexistent/event.json"},
    ],
)
def test_bad_values_are_config_errors_naming_the_variable(env: dict[str, str]) -> None:
    with pytest.raises(ConfigError, match=next(iter(env))):
        from_env(env)


def test_pull_request_comes_from_the_event_payload(tmp_path: Path) -> None:
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 3, "base": {"sha": "b"}, "head": {"sha": "h"}}}))
    env = {"GITHUB_EVENT_NAME": "pull_request_target", "GITHUB_EVENT_PATH": str(event)}
    assert from_env(env).pull_request == PullRequest(3, "b", "h")
    event.write_text(json.dumps({"pull_request": {"number": 3}}))
    with pytest.raises(ConfigError, match="lacks"):
        _ = from_env(env).pull_request


def test_run_url() -> None:
    settings = from_env({"GITHUB_SERVER_URL": "https://ghe.example/", "GITHUB_REPOSITORY": "o/r", "GITHUB_RUN_ID": "9"})
    assert settings.run_url == "https://ghe.example/o/r/actions/runs/9"


def test_select_docs_keeps_existing_markdown_inside_the_limits(tmp_path: Path) -> None:
    for name in ("docs/a.md", "docs/sub/b.MD", "other/c.md", "docs/notes.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    names = ["docs/a.md", "./docs/sub/b.MD", "other/c.md", "docs/notes.txt", "docs/deleted.md", "docs/a.md"]
    assert select_docs(names, [], tmp_path) == ("docs/a.md", "docs/sub/b.MD", "other/c.md")
    assert select_docs(names, ["docs/"], tmp_path) == ("docs/a.md", "docs/sub/b.MD")
    assert select_docs(names, ["other/c.md", "docs/sub"], tmp_path) == ("docs/sub/b.MD", "other/c.md")


def _f(severity: Severity) -> Finding:
    return Finding("docs/a.md", 1, 1, "pin-unknown", severity, "m")


@pytest.mark.parametrize(
    ("severities", "fail_on", "code"),
    [
        ([Severity.ERROR], FailOn.ERROR, 1),
        ([Severity.WARNING, Severity.INFO], FailOn.ERROR, 0),
        ([Severity.WARNING], FailOn.WARNING, 1),
        ([Severity.INFO], FailOn.WARNING, 0),
        ([Severity.ERROR], FailOn.NEVER, 0),
        ([], FailOn.WARNING, 0),
    ],
)
def test_exit_code_by_fail_on(severities: list[Severity], fail_on: FailOn, code: int) -> None:
    assert exit_code([_f(s) for s in severities], fail_on) == code

"""What a run of ``forgea-hooks action`` is told: the action's inputs and GitHub's environment.

Inputs arrive as ``FORGEA_*`` variables (action.yml maps them; nothing is spliced into a script),
so the command behaves the same inside the action and when run by hand with the same variables.
"""

from __future__ import annotations

import enum
import json
import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from forgea_hooks.api import ConfigError

PR_EVENTS = frozenset({"pull_request", "pull_request_target"})

_TRUE = frozenset({"true", "yes", "on", "1"})
_FALSE = frozenset({"false", "no", "off", "0"})


class CommentMode(str, enum.Enum):
    UPDATE = "update"  # edit the one comment in place
    RECREATE = "recreate"  # delete it and post anew, so a changed verdict lands at the bottom
    OFF = "off"


class FailOn(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    NEVER = "never"


@dataclass(frozen=True)
class PullRequest:
    number: int
    base_sha: str
    head_sha: str


@dataclass(frozen=True)
class Settings:
    paths: tuple[str, ...]
    links: bool
    comment: bool
    fail_on: FailOn
    config: Path | None
    sarif_file: Path | None
    token: str
    event_name: str
    event: Mapping[str, Any]
    repository: str
    api_url: str
    server_url: str
    run_id: str
    sha: str
    workspace: Path | None
    step_summary: Path | None
    output: Path | None
    runner_temp: Path | None
    online: bool = True
    comment_mode: CommentMode = CommentMode.UPDATE
    review: bool = False  # inline review comments on changed lines, with suggestions
    artifact_name: str = ""  # the artifact the action uploads the JSON report and SARIF to

    @property
    def pull_request(self) -> PullRequest | None:
        """The PR this run is for, or None on events that are not about a PR."""
        if self.event_name not in PR_EVENTS:
            return None
        pr = self.event.get("pull_request")
        if not isinstance(pr, Mapping):
            raise ConfigError(f"the {self.event_name} event payload has no pull_request object")
        try:
            return PullRequest(
                number=int(pr["number"]),
                base_sha=str(pr["base"]["sha"]),
                head_sha=str(pr["head"]["sha"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigError(f"the {self.event_name} event payload lacks {exc}") from exc

    @property
    def run_url(self) -> str:
        """The run's page; its summary tab holds the job summary."""
        return f"{self.server_url.rstrip('/')}/{self.repository}/actions/runs/{self.run_id}"


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ConfigError(f"{name} must be true or false, not {env[name]!r}")


def _path(env: Mapping[str, str], name: str) -> Path | None:
    raw = env.get(name, "").strip()
    return Path(raw) if raw else None


def _event(env: Mapping[str, str]) -> Mapping[str, Any]:
    raw = env.get("GITHUB_EVENT_PATH", "").strip()
    if not raw:
        return {}
    try:
        payload = json.loads(Path(raw).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read the event payload GITHUB_EVENT_PATH={raw}: {exc}") from exc
    if not isinstance(payload, dict):
        raise ConfigError(f"the event payload GITHUB_EVENT_PATH={raw} is not a JSON object")
    return payload


def from_env(env: Mapping[str, str]) -> Settings:
    """Read and check every input; a bad value is a ConfigError (exit 2) naming the variable."""
    try:
        paths = tuple(shlex.split(env.get("FORGEA_PATHS", "")))
    except ValueError as exc:
        raise ConfigError(f"FORGEA_PATHS: {exc}") from exc
    fail_on_raw = env.get("FORGEA_FAIL_ON", "").strip().lower() or FailOn.ERROR.value
    try:
        fail_on = FailOn(fail_on_raw)
    except ValueError:
        choices = ", ".join(choice.value for choice in FailOn)
        raise ConfigError(f"FORGEA_FAIL_ON must be one of {choices}, not {env['FORGEA_FAIL_ON']!r}") from None
    mode_raw = env.get("FORGEA_COMMENT_MODE", "").strip().lower() or CommentMode.UPDATE.value
    try:
        mode = CommentMode(mode_raw)
    except ValueError:
        choices = ", ".join(choice.value for choice in CommentMode)
        raise ConfigError(f"FORGEA_COMMENT_MODE must be one of {choices}, not {env['FORGEA_COMMENT_MODE']!r}") from None
    comment = _flag(env, "FORGEA_COMMENT", True) and mode is not CommentMode.OFF
    return Settings(
        paths=paths,
        links=_flag(env, "FORGEA_LINKS", True),
        comment=comment,
        comment_mode=mode,
        artifact_name=env.get("FORGEA_ARTIFACT_NAME", "").strip(),
        review=_flag(env, "FORGEA_REVIEW", False),
        fail_on=fail_on,
        config=_path(env, "FORGEA_CONFIG"),
        sarif_file=_path(env, "FORGEA_SARIF_FILE"),
        token=env.get("GITHUB_TOKEN", "").strip(),
        event_name=env.get("GITHUB_EVENT_NAME", "").strip(),
        event=_event(env),
        repository=env.get("GITHUB_REPOSITORY", "").strip(),
        api_url=env.get("GITHUB_API_URL", "").strip() or "https://api.github.com",
        server_url=env.get("GITHUB_SERVER_URL", "").strip() or "https://github.com",
        run_id=env.get("GITHUB_RUN_ID", "").strip(),
        sha=env.get("GITHUB_SHA", "").strip(),
        workspace=_path(env, "GITHUB_WORKSPACE"),
        step_summary=_path(env, "GITHUB_STEP_SUMMARY"),
        output=_path(env, "GITHUB_OUTPUT"),
        runner_temp=_path(env, "RUNNER_TEMP"),
        online=_flag(env, "FORGEA_ONLINE", True),
    )

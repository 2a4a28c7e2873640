"""action.yml: valid against the published schema for actions, and free of script injection."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

ACTION = Path(__file__).resolve().parent.parent / "action.yml"
SPEC: dict[str, Any] = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
STEPS: list[dict[str, Any]] = SPEC["runs"]["steps"]
INPUT_ENV = {
    "paths": "FORGEA_PATHS",
    "links": "FORGEA_LINKS",
    "online": "FORGEA_ONLINE",
    "comment": "FORGEA_COMMENT",
    "fail-on": "FORGEA_FAIL_ON",
    "config": "FORGEA_CONFIG",
    "sarif-file": "FORGEA_SARIF_FILE",
    "comment-mode": "FORGEA_COMMENT_MODE",
    "artifact-name": "FORGEA_ARTIFACT_NAME",
    "review": "FORGEA_REVIEW",
    "github-token": "GITHUB_TOKEN",
}
RUN_STEPS = [step for step in STEPS if "run" in step]
CHECK = next(step for step in STEPS if step.get("id") == "check")


def test_validates_against_the_github_actions_schema() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-actions", str(ACTION)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_is_a_composite_action_that_installs_itself_into_a_cached_venv_and_runs_the_action_command() -> None:
    assert SPEC["runs"]["using"] == "composite"
    prep, cache, install, check, upload = STEPS
    assert '"venv=$RUNNER_TEMP/forgea-hooks-venv"' in prep["run"]
    assert cache["uses"].startswith("actions/cache@")
    assert cache["with"]["key"] == "${{ steps.prep.outputs.key }}"
    # The key changes with the runner, the Python build and the action's own files.
    for part in ("RUNNER_OS", "RUNNER_ARCH", "$build", "$source"):
        assert part in prep["run"]
    assert 'pip install --quiet --disable-pip-version-check --no-input "$GITHUB_ACTION_PATH"' in install["run"]
    assert '"$bin/forgea-hooks" --version' in install["run"]  # a broken restore is rebuilt
    assert check["run"].endswith('forgea-hooks" action')
    assert upload["uses"].startswith("actions/upload-artifact@")
    assert upload["if"] == "always() && inputs.artifact-name != ''"
    assert all(step["shell"] == "bash" for step in RUN_STEPS)


def test_no_expression_is_spliced_into_a_script() -> None:
    for step in RUN_STEPS:
        assert "${{" not in step["run"], step["name"]


def test_every_input_is_documented_optional_and_reaches_the_program_through_env() -> None:
    env = CHECK["env"]
    assert set(SPEC["inputs"]) == set(INPUT_ENV)
    for name, variable in INPUT_ENV.items():
        spec = SPEC["inputs"][name]
        assert spec["description"].strip()
        assert spec["required"] is False
        assert env[variable] == f"${{{{ inputs.{name} }}}}"


def test_input_defaults() -> None:
    defaults = {name: spec["default"] for name, spec in SPEC["inputs"].items()}
    assert defaults == {
        "paths": "",
        "links": "true",
        "online": "true",
        "comment": "true",
        "fail-on": "error",
        "config": "",
        "github-token": "${{ github.token }}",
        "sarif-file": "",
        "comment-mode": "update",
        "artifact-name": "",
        "review": "false",
    }


def test_outputs_come_from_the_check_step() -> None:
    outputs = SPEC["outputs"]
    assert set(outputs) == {"errors", "warnings", "comment-url", "report"}
    for name, spec in outputs.items():
        assert spec["description"].strip()
        assert spec["value"] == f"${{{{ steps.check.outputs.{name} }}}}"


def test_branding() -> None:
    assert SPEC["branding"]["icon"] and SPEC["branding"]["color"]


def test_the_program_reads_every_variable_the_action_sets() -> None:
    settings = (ACTION.parent / "forgea_hooks" / "action" / "settings.py").read_text(encoding="utf-8")
    read = set(re.findall(r'"((?:FORGEA|GITHUB)_[A-Z_]+)"', settings))
    assert set(INPUT_ENV.values()) <= read

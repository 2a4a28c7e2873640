"""The real `pre-commit` command running our hooks from this checkout against a throwaway repo."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO, TREES

# The test extra installs pre-commit beside this interpreter; `python -m pre_commit` finds it
# whether or not the venv is on PATH.
PRE_COMMIT = [sys.executable, "-m", "pre_commit"]


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # One hook environment for the module: building it (pip install of this repo) dominates the time.
    return tmp_path_factory.mktemp("pre-commit-home")


def make_repo(root: Path, tree: Path) -> Path:
    shutil.copytree(tree, root)
    for path in root.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    git(root, "init", "-q")
    git(root, "config", "user.email", "test@example.invalid")
    git(root, "config", "user.name", "test")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "docs")
    return root


@pytest.fixture
def environment(pre_commit_home: Path) -> Iterator[dict[str, str]]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(pre_commit_home), "PRE_COMMIT_COLOR": "never"}
    env.pop("GITHUB_ACTIONS", None)
    yield env


def try_repo(cwd: Path, hook: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*PRE_COMMIT, "try-repo", str(REPO), hook, "--all-files", "--verbose"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_manifest_is_valid() -> None:
    done = subprocess.run(
        [*PRE_COMMIT, "validate-manifest", str(REPO / ".pre-commit-hooks.yaml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_hook_fails_on_the_invalid_tree_and_shows_the_findings(tmp_path: Path, environment: dict[str, str]) -> None:
    repo = make_repo(tmp_path / "invalid", TREES["invalid"])
    done = try_repo(repo, "forgea-docs", environment)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "docs/gatekeeper/C4-billing.md:29:1: error decision-invalid" in done.stdout
    assert "docs/official-docs/EPIC-C/prisma.md:4:16: error pin-inconsistent" in done.stdout


def test_hook_passes_on_the_valid_tree(tmp_path: Path, environment: dict[str, str]) -> None:
    repo = make_repo(tmp_path / "valid", TREES["valid"])
    done = try_repo(repo, "forgea-docs", environment)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Passed" in done.stdout


FINDING = re.compile(r"^(\S+:\d+:\d+): (error|warning|info) (\S+) (.*)$", re.M)


def disagreeing_tree(root: Path) -> Path:
    """The valid tree plus two docs that pin Terraform (no registry row) differently: only a
    whole-tree run can see that."""
    repo = make_repo(root, TREES["valid"])
    (repo / "docs/official-docs/EPIC-B/terraform.md").write_text(
        "# Terraform\n\n- Technology: Terraform\n- Version pin: 1.9.5\n"
        "- Official source: https://developer.hashicorp.com/terraform/language\n\n## Purpose\n\nState layout.\n",
        encoding="utf-8",
    )
    task = repo / "docs/tasks/task-B3-2026-11-20.md"
    task.write_text(task.read_text(encoding="utf-8") + "- Terraform: 1.8.0\n", encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "terraform")
    return repo


def run_both(repo: Path, env: dict[str, str], *extra: str) -> subprocess.CompletedProcess[str]:
    """Both hooks in one `pre-commit` run, as the README's config installs them."""
    return subprocess.run(
        [*PRE_COMMIT, "try-repo", str(REPO), *extra, "--verbose"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_consistency_hook_reports_what_needs_the_whole_tree(tmp_path: Path, environment: dict[str, str]) -> None:
    repo = disagreeing_tree(tmp_path / "repo")
    done = try_repo(repo, "forgea-docs-consistency", environment)
    assert done.returncode == 1, done.stdout + done.stderr
    found = {(rule, place.split(":")[0]) for place, _, rule, _ in FINDING.findall(done.stdout)}
    assert found == {
        ("pin-inconsistent", "docs/official-docs/EPIC-B/terraform.md"),
        ("pin-inconsistent", "docs/tasks/task-B3-2026-11-20.md"),
    }


def test_no_finding_is_printed_twice_in_one_run(tmp_path: Path, environment: dict[str, str]) -> None:
    repo = make_repo(tmp_path / "invalid", TREES["invalid"])
    done = run_both(repo, environment, "--all-files")
    assert done.returncode == 1, done.stdout + done.stderr
    printed = FINDING.findall(done.stdout)
    assert printed and len(printed) == len(set(printed)), done.stdout
    assert ("docs/official-docs-registry.md:6:45", "pin-drift") in {(p[0], p[2]) for p in printed}  # per-file hook


def test_a_manifest_change_shows_the_docs_it_breaks(tmp_path: Path, environment: dict[str, str]) -> None:
    repo = make_repo(tmp_path / "valid", TREES["valid"])
    manifest = repo / "package.json"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("7.3.0", "7.4.1"), encoding="utf-8")
    git(repo, "add", "package.json")
    done = run_both(repo, environment)  # the staged files only: package.json, no doc
    assert done.returncode == 1, done.stdout + done.stderr
    printed = FINDING.findall(done.stdout)
    assert ("docs/official-docs-registry.md:8:45", "pin-drift") in {(p[0], p[2]) for p in printed}, done.stdout
    assert len(printed) == len(set(printed))

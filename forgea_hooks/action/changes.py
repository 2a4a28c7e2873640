"""Which docs a pull request changes: from git when the checkout has both ends, else from the API.

``actions/checkout`` fetches one commit by default, so the base is usually missing; the PR files
list (paged, at most 3,000 files) answers then. Deleted files and non-Markdown files drop out, and
so do files outside the ``paths`` input when it is set.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from forgea_hooks.action.client import ApiError, GitHubClient
from forgea_hooks.action.settings import PullRequest

GIT_TIMEOUT = 120.0


@dataclass(frozen=True)
class ChangedDocs:
    paths: tuple[str, ...]
    source: str  # "git" or "api": shown in the summary so a surprising list can be traced
    names: tuple[str, ...] = ()  # every changed file, docs or not


def _git(args: Sequence[str], cwd: Path) -> bytes | None:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, timeout=GIT_TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def _has_commit(sha: str, cwd: Path) -> bool:
    return bool(sha) and _git(["cat-file", "-e", f"{sha}^{{commit}}"], cwd) is not None


def from_git(pr: PullRequest, cwd: Path) -> list[str] | None:
    """Paths (relative to ``cwd``) the PR touches, or None when the checkout cannot tell."""
    if not (_has_commit(pr.base_sha, cwd) and _has_commit(pr.head_sha, cwd)):
        return None
    # Three dots: what the head changed since it left the base, not what the base did meanwhile.
    out = _git(["diff", "--name-only", "-z", "--no-renames", "--relative", f"{pr.base_sha}...{pr.head_sha}"], cwd)
    if out is None:
        return None
    return [os.fsdecode(name) for name in out.split(b"\0") if name]


def from_api(pr: PullRequest, repository: str, client: GitHubClient, cwd: Path) -> list[str]:
    """Paths (relative to ``cwd``) the PR touches, from GitHub's list of the PR's files."""
    top_out = _git(["rev-parse", "--show-toplevel"], cwd)
    top = Path(os.fsdecode(top_out).strip()) if top_out else cwd
    names: list[str] = []
    for item in client.paginate(f"repos/{repository}/pulls/{pr.number}/files"):
        if not isinstance(item, dict) or item.get("status") == "removed":
            continue
        filename = item.get("filename")
        if not isinstance(filename, str):
            raise ApiError("a PR file entry has no filename")
        relative = os.path.relpath(top / filename, cwd)
        if not relative.startswith(os.pardir):
            names.append(relative)
    return names


def select_docs(names: Iterable[str], limits: Sequence[str], cwd: Path) -> tuple[str, ...]:
    """The existing Markdown files among ``names``, inside ``limits`` when any are given."""
    bounds = [Path(os.path.normpath(limit)) for limit in limits]
    chosen: set[str] = set()
    for name in names:
        path = Path(os.path.normpath(name))
        if path.suffix.lower() != ".md" or not (cwd / path).is_file():
            continue
        if bounds and not any(path == bound or bound in path.parents for bound in bounds):
            continue
        chosen.add(path.as_posix())
    return tuple(sorted(chosen))


def changed_docs(
    pr: PullRequest, repository: str, limits: Sequence[str], cwd: Path, client: GitHubClient | None
) -> ChangedDocs:
    """The docs to check for this PR. Raises ApiError when neither git nor the API can say."""
    names = from_git(pr, cwd)
    if names is not None:
        return ChangedDocs(select_docs(names, limits, cwd), "git", tuple(names))
    if client is None:
        raise ApiError("the checkout lacks the PR's base commit and there is no token to ask the API")
    names = from_api(pr, repository, client, cwd)
    return ChangedDocs(select_docs(names, limits, cwd), "api", tuple(names))

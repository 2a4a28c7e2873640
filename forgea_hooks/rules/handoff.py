"""Handoff rule: a report, once handed off, is a record that others act on.

``report-handed-off``: a committed report that carries a handoff line was changed.
The handoff line starts ``Handoff complete.`` (``… Provide this report verbatim to the next
agent.``). Judged against git: the working tree (in the pre-commit hook, the staged text) against
``HEAD``; in the Action, the PR's head against its base. Any change counts, white space too;
adding the handoff line in the same change is fine, and a new file is never a finding. Write a new
report that supersedes the old one and link it. Outside a git repository, or when the base commit
is not in the checkout, nothing is judged (the Action says so). Default: error in gatekeeper
reports.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from forgea_hooks.findings import Finding, Severity
from forgea_hooks.gitprobe import maybe_in_git as _maybe_in_git
from forgea_hooks.outcome import FileOutcome
from forgea_hooks.rules import Severities

if TYPE_CHECKING:
    import subprocess

RULE = "report-handed-off"
RULES = {RULE: {"gatekeeper-report": Severity.ERROR}}

HANDOFF = re.compile(r"^[ \t>*_]*Handoff complete\.", re.IGNORECASE | re.MULTILINE)
_TIMEOUT = 60
# A report is text; a base version bigger than this is not one we compare.
_MAX_BYTES = 5 * 1024 * 1024


def check_outcomes(
    outcomes: Iterable[FileOutcome], root: Path, base: str, severity: Severities, warnings: list[str]
) -> Iterator[Finding]:
    """The finding for each checked report that git says changed since ``base`` and whose ``base``
    text carries a handoff line. Runs after the result cache: its answer depends on git, not only
    on the file's text."""
    reports = [outcome for outcome in outcomes if outcome.kind == "gatekeeper-report" and severity(RULE, outcome.kind)]
    if not reports:
        return
    changed = _changed(root, base, warnings)
    for outcome in reports:
        if outcome.relpath not in changed:
            continue
        before = _show(root, base, outcome.relpath)
        if before is None or not HANDOFF.search(before):
            continue  # new in this change, or not handed off before it
        try:
            now = Path(outcome.path).read_bytes().decode("utf-8", "replace").removeprefix("\ufeff")
        except OSError:
            continue
        if now == before:
            continue  # git saw a mode change or line-ending filter only
        line = _first_change(before, now)
        level = severity(RULE, outcome.kind)
        if level is None or RULE in outcome.disabled.get(line, ()):
            continue
        where = "HEAD" if base == "HEAD" else base[:12]
        yield Finding(
            outcome.path,
            line,
            1,
            RULE,
            level,
            f"this report was handed off in {where} and has changed since (first change at line {line})",
            "a handed-off report is a record: restore it, and write a new report that supersedes it and links it",
        )


def handed_off(root: Path, relpath: str, base: str = "HEAD") -> bool:
    """Whether ``base`` holds the file with a handoff line: then it is a record, not to be rewritten."""
    before = _show(root, base, relpath)
    return before is not None and HANDOFF.search(before) is not None


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes] | None:
    import subprocess  # a run that checks no gatekeeper report never starts git

    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0"}
    try:
        return subprocess.run(
            ["git", *args],
            cwd=root,
            capture_output=True,
            timeout=_TIMEOUT,
            check=False,
            env=env,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None


def _changed(root: Path, base: str, warnings: list[str]) -> set[str]:
    """Paths (relative to the root) whose working-tree text differs from ``base``'s."""
    if not _maybe_in_git(root):
        return set()  # what `git rev-parse` below would say, without starting git
    diff = ("diff", "--name-only", "-z", "--no-renames", "--relative", base, "--")
    if base == "HEAD":
        # The pre-commit case, in a repository with a commit: the diff alone answers, one git
        # process instead of three. Only when it fails do the checks below say why.
        done = _git(root, *diff)
        if done is not None and done.returncode == 0:
            return _names(done.stdout)
    inside = _git(root, "rev-parse", "--is-inside-work-tree")
    if inside is None or inside.returncode != 0:
        return set()
    known = _git(root, "cat-file", "-e", f"{base}^{{commit}}")
    if known is None or known.returncode != 0:
        if base != "HEAD":  # a repo with no commit yet has nothing handed off
            warnings.append(
                f"{RULE} not judged: the base commit {base[:12]} is not in the checkout (fetch more history)"
            )
        return set()
    done = _git(root, *diff)
    if done is None or done.returncode != 0:
        warnings.append(f"{RULE} not judged: git diff against {base[:12]} failed")
        return set()
    return _names(done.stdout)


def _names(output: bytes) -> set[str]:
    return {name for name in output.decode("utf-8", "replace").split("\0") if name}


def _show(root: Path, base: str, relpath: str) -> str | None:
    done = _git(root, "show", f"{base}:./{relpath}")
    if done is None or done.returncode != 0 or len(done.stdout) > _MAX_BYTES:
        return None
    return done.stdout.decode("utf-8", "replace").removeprefix("\ufeff")


def _first_change(before: str, now: str) -> int:
    old, new = before.split("\n"), now.split("\n")
    index = 0
    while index < min(len(old), len(new)) and old[index] == new[index]:
        index += 1
    return max(1, min(index + 1, len(new)))

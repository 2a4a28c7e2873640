"""Annotations for the run's checks page, within what GitHub shows.

GitHub keeps 10 error and 10 warning annotations per step and drops the rest without a word. The
action's own warnings (a skipped comment, a path it could not check) come first and count against
that cap, so they are never the ones dropped. Then the findings, spread fairly: files the PR
changed before others, and round-robin across files, so every file with errors gets one before any
gets a second (the doc the author just wrote is not crowded out by a long report). One closing
notice says how many were left out and where they are.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from forgea_hooks.action.comment import plural
from forgea_hooks.findings import Finding, Severity
from forgea_hooks.reporters.github import annotation, command

PER_KIND = 10
WORDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def spread(findings: Sequence[Finding], limit: int, changed: Collection[str] = ()) -> list[Finding]:
    """Up to ``limit`` findings: changed files first, one per file per round, each file by line."""
    by_file: dict[str, list[Finding]] = {}
    for finding in sorted(findings, key=lambda f: f.sort_key()):
        by_file.setdefault(finding.path, []).append(finding)
    files = sorted(by_file, key=lambda path: (bool(changed) and path not in changed, path))
    chosen: list[Finding] = []
    depth = 0
    while len(chosen) < limit and any(depth < len(by_file[path]) for path in files):
        for path in files:
            if depth < len(by_file[path]) and len(chosen) < limit:
                chosen.append(by_file[path][depth])
        depth += 1
    return chosen


def commands(
    findings: Sequence[Finding],
    *,
    changed: Collection[str] = (),
    own_errors: Sequence[str] = (),
    own_warnings: Sequence[str] = (),
    rest_where: str = "the job summary",
) -> list[str]:
    """Workflow command lines: the action's own problems, then findings, then the pointer notice."""
    lines = [command("error", text, {"title": "forgea-hooks"}) for text in own_errors[:PER_KIND]]
    lines += [command("warning", text, {"title": "forgea-hooks"}) for text in own_warnings[:PER_KIND]]
    left_out: dict[Severity, int] = {}
    for severity, own in ((Severity.ERROR, len(own_errors)), (Severity.WARNING, len(own_warnings))):
        of_kind = [f for f in findings if f.severity is severity]
        room = max(PER_KIND - own, 0)
        chosen = spread(of_kind, room, changed)
        lines += [annotation(finding) for finding in chosen]
        left_out[severity] = len(of_kind) - len(chosen)
    # Notes are not annotated: the notice budget is spent on the pointer below.
    left_out[Severity.INFO] = sum(1 for f in findings if f.severity is Severity.INFO)
    if any(left_out.values()):
        parts = [plural(count, WORDS[sev]) for sev, count in left_out.items() if count]
        lines.append(
            command(
                "notice",
                f"Not shown as annotations (GitHub shows 10 errors and 10 warnings per step): {', '.join(parts)}. "
                f"Every finding is in {rest_where}.",
                {"title": "forgea-hooks: more findings"},
            )
        )
    return lines

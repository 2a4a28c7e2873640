"""Annotations for the run's checks page, within what GitHub shows.

GitHub keeps 10 error and 10 warning annotations per step and drops the rest without a word, so
errors go first, each kind stops at 10, and one notice says how many more the job summary holds.
"""

from __future__ import annotations

from collections.abc import Sequence

from forgea_hooks.action.comment import plural
from forgea_hooks.findings import Finding, Severity
from forgea_hooks.reporters.github import annotation, command

PER_KIND = 10


def commands(findings: Sequence[Finding]) -> list[str]:
    """Workflow command lines: errors, then warnings, then the pointer notice if any were left out."""
    lines: list[str] = []
    left_out: dict[Severity, int] = {}
    for severity in (Severity.ERROR, Severity.WARNING):
        of_kind = sorted((f for f in findings if f.severity is severity), key=lambda f: f.sort_key())
        lines += [annotation(finding) for finding in of_kind[:PER_KIND]]
        left_out[severity] = max(len(of_kind) - PER_KIND, 0)
    # Notes are not annotated: the notice budget is spent on the pointer below.
    left_out[Severity.INFO] = sum(1 for f in findings if f.severity is Severity.INFO)
    if any(left_out.values()):
        words = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
        parts = [plural(count, words[sev]) for sev, count in left_out.items() if count]
        lines.append(
            command(
                "notice",
                f"Not shown as annotations: {', '.join(parts)}. The job summary lists every finding.",
                {"title": "forgea-hooks: more findings"},
            )
        )
    return lines

"""``path:line:col: severity rule-id message``, one finding a line, then its hint indented."""

from __future__ import annotations

from collections.abc import Sequence

from forgea_hooks.findings import Finding


def render(findings: Sequence[Finding]) -> str:
    lines = []
    for finding in findings:
        lines.append(
            f"{finding.path}:{finding.line}:{finding.column}: {finding.severity.value} {finding.rule} {finding.message}"
        )
        if finding.hint:
            lines.append(f"    hint: {finding.hint}")
    return "\n".join(lines) + ("\n" if lines else "")

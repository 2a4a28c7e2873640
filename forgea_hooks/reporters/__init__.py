"""Reporters: findings in, text out. They know nothing of Markdown or rules."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from forgea_hooks.findings import Finding, Severity

FORMATS = ("text", "json", "github", "sarif")


def counts(findings: Sequence[Finding]) -> dict[str, int]:
    # By identity: an Enum member's .value and hash are Python calls, and a report counts every finding.
    errors = warnings = 0
    error, warning = Severity.ERROR, Severity.WARNING
    for finding in findings:
        if finding.severity is error:
            errors += 1
        elif finding.severity is warning:
            warnings += 1
    return {"error": errors, "warning": warnings, "info": len(findings) - errors - warnings}


def render(
    fmt: str,
    findings: Sequence[Finding],
    *,
    files_checked: int,
    rules: Mapping[str, str],
    tool_version: str,
    color: bool = False,
) -> str:
    if fmt == "json":
        from forgea_hooks.reporters import json_report

        return json_report.render(findings, files_checked=files_checked)
    if fmt == "github":
        from forgea_hooks.reporters import github

        return github.render(findings)
    if fmt == "sarif":
        from forgea_hooks.reporters import sarif

        return sarif.render(findings, rules, tool_version)
    from forgea_hooks.reporters import text

    return text.render(findings, color=color)

"""Findings as GitHub Actions workflow commands (``::error file=…,line=…::message``).

The runner reads any stdout line that starts with ``::`` as a command, so everything a finding
carries from the docs goes through GitHub's escaping: a message cannot end its command early or
start a new one, and a property value cannot smuggle in another property.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from forgea_hooks.findings import Finding, Severity

COMMAND_FOR: Mapping[Severity, str] = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "notice",
}


def escape_data(text: str) -> str:
    """Escape a command's message, as the Actions toolkit does (``%`` first, so it is not doubled)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value: ``:`` would end the properties and ``,`` would start another one."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, properties: Mapping[str, str | int] | None = None) -> str:
    """One workflow command line; properties in the given order, empty values left out."""
    props = ",".join(
        f"{key}={escape_property(str(value))}" for key, value in (properties or {}).items() if str(value) != ""
    )
    head = f"::{name} {props}" if props else f"::{name}"
    return f"{head}::{escape_data(message)}"


def annotation(finding: Finding) -> str:
    """The annotation for one finding; the hint rides on a second line of the message."""
    message = f"{finding.message}\nHint: {finding.hint}" if finding.hint else finding.message
    properties: dict[str, str | int] = {"file": finding.path}
    # GitHub rejects line 0; a file-level finding is pinned to the file with no line.
    if finding.line >= 1:
        properties["line"] = finding.line
        if finding.column >= 1:
            properties["col"] = finding.column
    properties["title"] = finding.rule
    return command(COMMAND_FOR[finding.severity], message, properties)


def render(findings: Sequence[Finding]) -> str:
    """Every finding as an annotation command, one per line, in the order given."""
    return "".join(annotation(finding) + "\n" for finding in findings)

"""``path:line:col: severity rule-id message``, one finding a line, then its hint indented.

A hint is printed once per file and rule: when a file has twenty unknown pins, the fix is said
once, under the first. Colour, when asked for, marks the path, the severity and the rule, as ruff
and markdownlint do; the words are the same without it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from forgea_hooks.findings import Finding, Severity

_RESET = "\033[0m"
_STYLES = {
    "path": "\033[1m",
    "error": "\033[1;31m",
    "warning": "\033[1;33m",
    "info": "\033[1;34m",
    "rule": "\033[36m",
    "hint": "\033[2m",
}


def _paint(text: str, style: str, color: bool) -> str:
    return f"{_STYLES[style]}{text}{_RESET}" if color else text


def render(findings: Sequence[Finding], *, color: bool = False) -> str:
    # A whole-tree report is tens of thousands of lines: one f-string a line, the styles bound
    # once, and the severity's word picked by identity (an Enum's .value and hash are Python calls).
    bold, rule_style, dim, reset = (_STYLES["path"], _STYLES["rule"], _STYLES["hint"], _RESET) if color else ("",) * 4
    error, warning, info = (_paint(word, word, color) for word in ("error", "warning", "info"))
    is_error, is_warning = Severity.ERROR, Severity.WARNING
    lines: list[str] = []
    append = lines.append
    hinted: set[tuple[str, str, str]] = set()
    for finding in findings:
        path, rule, hint, severity = finding.path, finding.rule, finding.hint, finding.severity
        word = error if severity is is_error else warning if severity is is_warning else info
        append(
            f"{bold}{path}:{finding.line}:{finding.column}:{reset} {word} {rule_style}{rule}{reset} {finding.message}"
        )
        if hint:
            key = (path, rule, hint)
            if key not in hinted:
                hinted.add(key)
                append(f"{dim}    hint: {hint}{reset}")
    return "\n".join(lines) + ("\n" if lines else "")


def statistics(findings: Sequence[Finding], *, color: bool = False) -> str:
    """Counts per rule, the most frequent first, as ``ruff --statistics`` prints them, with how
    many of each severity (a rule's severity differs by kind)."""
    per_rule = Counter(finding.rule for finding in findings)
    by_severity = Counter((finding.rule, finding.severity.value) for finding in findings)
    rows = sorted(per_rule.items(), key=lambda item: (-item[1], item[0]))
    width = max((len(str(count)) for _, count in rows), default=1)
    name = max((len(rule) for rule, _ in rows), default=1)
    lines = []
    for rule, count in rows:
        parts = [
            _paint(f"{by_severity[rule, severity]} {severity}", severity, color)
            for severity in ("error", "warning", "info")
            if by_severity[rule, severity]
        ]
        lines.append(f"{count:>{width}}  {_paint(rule.ljust(name), 'rule', color)}  ({', '.join(parts)})\n")
    return "".join(lines)

"""The job summary: counts, findings grouped by file, dead links, and the pins that block work.

GitHub drops a step summary over 1 MiB entirely, so every part is built against a byte budget and
a note says when something was cut (the JSON report and SARIF always hold everything).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from forgea_hooks.action.comment import ICON, baselined_note, counts, plural
from forgea_hooks.action.markdown import Budget, blob_url, bounded_table, escape, size
from forgea_hooks.findings import Finding, Severity

SUMMARY_LIMIT = 1024 * 1024
SUMMARY_MARGIN = 8 * 1024
LINK_RULES = ("link-dead", "link-unverified")
PIN_RULE = "pin-unknown"
# A list longer than this is folded into <details> so the summary stays scannable.
FOLD_AFTER = 10


@dataclass(frozen=True)
class SummaryContext:
    scope: str  # what was checked, in words
    files_checked: int
    comment: str  # what happened to the PR comment, in words; empty when not applicable
    tool_warnings: Sequence[str]
    report_path: str
    server_url: str
    repository: str
    sha: str
    baselined: int = 0  # findings the baseline holds, left out of ``findings``


def _fold(title: str, body: str, count: int) -> str:
    """Wraps ``body`` in <details> when it lists many items; ``title`` must already be escaped."""
    if count <= FOLD_AFTER:
        return f"{body}\n"
    return f"<details><summary>{title}</summary>\n\n{body}\n</details>\n\n"


def _where(finding: Finding, ctx: SummaryContext) -> str:
    label = escape(finding.path)
    if not (ctx.repository and ctx.sha):
        return label
    return f"[{label}]({blob_url(ctx.server_url, ctx.repository, ctx.sha, finding.path, finding.line)})"


def _line(finding: Finding) -> str:
    return str(finding.line) if finding.line >= 1 else ""


def _linked_line(finding: Finding, ctx: SummaryContext) -> str:
    if finding.line < 1 or not (ctx.repository and ctx.sha):
        return _line(finding)
    return f"[{finding.line}]({blob_url(ctx.server_url, ctx.repository, ctx.sha, finding.path, finding.line)})"


def _message(finding: Finding) -> str:
    text = escape(finding.message)
    return f"{text}<br>Hint: {escape(finding.hint)}" if finding.hint else text


def _tally(findings: Sequence[Finding]) -> str:
    tally = counts(findings)
    words = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
    parts = [f"{ICON[sev]} {plural(tally[sev], words[sev])}" for sev in Severity if tally[sev]]
    return ", ".join(parts) if parts else "✅ no findings"


def _header(findings: Sequence[Finding], ctx: SummaryContext) -> str:
    lines = [
        "## forgea-hooks",
        "",
        f"**{_tally(findings)}** in {plural(ctx.files_checked, 'checked file')} ({escape(ctx.scope)}).",
    ]
    if ctx.baselined:
        lines += ["", f"{baselined_note(ctx.baselined)}."]
    if ctx.comment:
        lines += ["", f"PR comment: {ctx.comment}"]
    lines += [f"\n> [!WARNING]\n> {escape(warning)}" for warning in ctx.tool_warnings]
    if ctx.report_path:
        lines += ["", f"Full report (JSON): {escape(ctx.report_path)}"]
    return "\n".join(lines) + "\n\n"


def _by_file(findings: Sequence[Finding], ctx: SummaryContext, budget: Budget) -> tuple[str, int]:
    groups: dict[str, list[Finding]] = {}
    for finding in sorted(findings, key=lambda f: f.sort_key()):
        groups.setdefault(finding.path, []).append(finding)
    parts = ["### Findings by file\n\n"]
    if not groups or not budget.take(parts[0]):
        return "", 0
    shown = 0
    for path, group in groups.items():
        title = f"<code>{escape(path)}</code> — {_tally(group)}"
        opening = f"<details{' open' if len(group) <= FOLD_AFTER else ''}><summary>{title}</summary>\n\n"
        closing = "\n</details>\n\n"
        if not budget.take(opening + closing):
            break
        rows = (
            [_linked_line(f, ctx), f"{ICON[f.severity]} {f.severity.value}", escape(f.rule), _message(f)] for f in group
        )
        body, count = bounded_table(["Line", "Severity", "Rule", "Message"], rows, budget)
        parts.append(opening + body + closing)
        shown += count
        if count < len(group):
            break
    return "".join(parts), shown


def _listing(title: str, findings: Sequence[Finding], ctx: SummaryContext, budget: Budget) -> tuple[str, int]:
    if not findings:
        return "", 0
    heading = f"### {title}\n\n"
    if not budget.take(heading):
        return "", 0
    rows = ([_where(f, ctx), _line(f), escape(f.rule), _message(f)] for f in findings)
    body, shown = bounded_table(["File", "Line", "Rule", "Message"], rows, budget)
    return heading + _fold(f"{len(findings)} items", body, len(findings)), shown


def render(findings: Sequence[Finding], ctx: SummaryContext, already_written: int = 0) -> str:
    """The summary Markdown, kept (with what the step's summary file already holds) under 1 MiB."""
    total = SUMMARY_LIMIT - SUMMARY_MARGIN - already_written
    header = _header(findings, ctx)
    links = [f for f in findings if f.rule in LINK_RULES]
    pins = [f for f in findings if f.rule == PIN_RULE]
    eol = [f for f in findings if f.rule == "pin-eol"]
    # The short lists are what a reader acts on first; each gets a quarter before the big table.
    links_part, links_shown = _listing("Dead or unverified links", links, ctx, Budget(total // 4))
    pins_part, pins_shown = _listing("Unknown pins that block implementation", pins, ctx, Budget(total // 4))
    eol_part, eol_shown = _listing("Pins past their end of life", eol, ctx, Budget(total // 8))
    left = total - size(header) - size(links_part) - size(pins_part) - size(eol_part)
    files_part, files_shown = _by_file(findings, ctx, Budget(left))
    text = header + files_part + links_part + pins_part + eol_part
    if (files_shown, links_shown, pins_shown, eol_shown) != (len(findings), len(links), len(pins), len(eol)):
        text += (
            "> [!NOTE]\n> This summary was cut to stay under GitHub's 1 MiB limit for a step summary; "
            "the JSON report and the SARIF file list every finding.\n"
        )
    return text

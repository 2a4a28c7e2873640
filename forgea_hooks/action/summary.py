"""The job summary: the verdict, what blocks by file, unknown pins by technology, then the rest.

GitHub drops a step summary over 1 MiB entirely, so every part is built against a byte budget and
a note says when something was cut and where every finding is then (the step log always lists
them all; the JSON report too, in the artifact when ``artifact-name`` is set).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from forgea_hooks.action.comment import ICON, baselined_note, blocking, counts, order_files, plural, verdict
from forgea_hooks.action.markdown import Budget, blob_url, bounded_table, code, escape, size
from forgea_hooks.action.markdown import message as markdown_message
from forgea_hooks.findings import Finding, Severity
from forgea_hooks.reporters.ruledocs import rule_url

SUMMARY_LIMIT = 1024 * 1024
SUMMARY_MARGIN = 8 * 1024
PIN_RULE = "pin-unknown"
EOL_RULE = "pin-eol"
_TECHNOLOGY = re.compile(r"^the (.{1,200}?) pin '")


@dataclass(frozen=True)
class SummaryContext:
    scope: str  # what was checked, in words
    files_checked: int
    comment: str  # what happened to the PR comment, in words; empty when not applicable
    tool_warnings: Sequence[str]
    report_path: str
    server_url: str
    repository: str
    sha: str  # the commit whose files were checked: line links point there
    fail_on: str = "error"
    pr_number: int | None = None
    changed: frozenset[str] = frozenset()
    artifact_name: str = ""
    run_url: str = ""
    sarif_path: str = ""
    comment_url: str = ""
    baselined: int = 0  # findings the baseline holds, left out of ``findings``


def _linked_line(finding: Finding, ctx: SummaryContext) -> str:
    if finding.line < 1:
        return ""
    if not (ctx.repository and ctx.sha):
        return str(finding.line)
    return f"[{finding.line}]({blob_url(ctx.server_url, ctx.repository, ctx.sha, finding.path, finding.line)})"


def _message(finding: Finding, hints: set[tuple[str, str]]) -> str:
    """The message, and the hint the first time the table meets it (a hint repeated on every
    row of a rule is noise)."""
    text = markdown_message(finding.message, table=True)
    if not finding.hint or (finding.rule, finding.hint) in hints:
        return text
    hints.add((finding.rule, finding.hint))
    return f"{text}<br>↳ {markdown_message(finding.hint, table=True)}"


def _tally(findings: Sequence[Finding]) -> str:
    tally = counts(findings)
    words = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
    parts = [f"{ICON[sev]} {plural(tally[sev], words[sev])}" for sev in Severity if tally[sev]]
    return ", ".join(parts) if parts else "✅ no findings"


def _scope(ctx: SummaryContext) -> str:
    prefix = f"pull request #{ctx.pr_number}"
    if ctx.pr_number is not None and ctx.scope.startswith(prefix):
        link = f"{ctx.server_url.rstrip('/')}/{ctx.repository}/pull/{ctx.pr_number}"
        return f"[{prefix}]({link}){escape(ctx.scope[len(prefix) :])}"
    return escape(ctx.scope)


def where_reports_are(ctx: SummaryContext) -> str:
    """Where the JSON report (and SARIF) can be opened: an artifact, or the runner only."""
    if ctx.artifact_name:
        link = f"[{code(ctx.artifact_name)}]({ctx.run_url}#artifacts)" if ctx.run_url else code(ctx.artifact_name)
        return f"the {link} artifact of this run"
    return "the runner only (set the `artifact-name` input to upload it)"


def _header(findings: Sequence[Finding], ctx: SummaryContext) -> str:
    title = verdict(findings, ctx.fail_on) if findings else "✅ no findings"
    lines = [
        f"## forgea-hooks: {title}",
        "",
        f"{_tally(findings)} in {plural(ctx.files_checked, 'checked file')} ({_scope(ctx)}).",
    ]
    if ctx.baselined:
        lines += ["", f"{baselined_note(ctx.baselined)}."]
    if ctx.comment:
        said = f"[{escape(ctx.comment)}]({ctx.comment_url})" if ctx.comment_url else escape(ctx.comment)
        lines += ["", f"PR comment: {said}"]
    lines += [f"\n> [!WARNING]\n> {markdown_message(warning)}" for warning in ctx.tool_warnings]
    reports = "JSON report" + (" and SARIF log" if ctx.sarif_path else "")
    lines += ["", f"The {reports}: on {where_reports_are(ctx)}."]
    return "\n".join(lines) + "\n\n"


def _file_section(
    path: str, group: list[Finding], ctx: SummaryContext, budget: Budget, is_open: bool
) -> tuple[str, int]:
    ordered = sorted(group, key=lambda f: (-f.severity.rank, f.line, f.column, f.rule))
    title = f"<code>{escape(path)}</code> — {_tally(group)}"
    if ctx.changed and path not in ctx.changed:
        title += " (not changed by this PR)"
    opening = f"<details{' open' if is_open else ''}><summary>{title}</summary>\n\n"
    closing = "\n</details>\n\n"
    if not budget.take(opening + closing):
        return "", 0
    hints: set[tuple[str, str]] = set()
    rows = (
        [
            _linked_line(f, ctx),
            f"{ICON[f.severity]} [{f.rule}]({rule_url(f.rule)})",
            _message(f, hints),
        ]
        for f in ordered
    )
    body, count = bounded_table(["Line", "Rule", "Message"], rows, budget)
    if not count:
        budget.left += size(opening + closing)
        return "", 0
    return opening + body + closing, count


def _files(title: str, groups: dict[str, list[Finding]], ctx: SummaryContext, budget: Budget) -> tuple[str, int]:
    if not groups:
        return "", 0
    tally = counts([f for group in groups.values() for f in group])
    words = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
    what = ", ".join(plural(tally[sev], words[sev]) for sev in Severity if tally[sev])
    heading = f"### {title}: {what} in {plural(len(groups), 'file')}\n\n"
    if not budget.take(heading):
        return "", 0
    parts = [heading]
    shown = 0
    for index, path in enumerate(order_files(groups, ctx.fail_on, ctx.changed)):
        part, count = _file_section(path, groups[path], ctx, budget, is_open=index == 0 and title == "Blocking")
        if not part:
            break
        parts.append(part)
        shown += count
        if count < len(groups[path]):
            break
    return "".join(parts), shown


def _place(finding: Finding, ctx: SummaryContext) -> str:
    label = f"{escape(finding.path, table=True)}:{finding.line}"
    if not (ctx.repository and ctx.sha and finding.line >= 1):
        return label
    return f"[{label}]({blob_url(ctx.server_url, ctx.repository, ctx.sha, finding.path, finding.line)})"


def _pins(findings: Sequence[Finding], ctx: SummaryContext, budget: Budget) -> str:
    """Unknown pins, one row per technology: what blocks implementation, said once."""
    by_tech: dict[str, list[Finding]] = {}
    for finding in findings:
        match = _TECHNOLOGY.match(finding.message)
        by_tech.setdefault(match.group(1) if match else finding.message, []).append(finding)
    if not by_tech:
        return ""
    techs = f"{len(by_tech)} {'technology' if len(by_tech) == 1 else 'technologies'}"
    heading = f"### Unknown pins: {techs} without a version\n\n"
    if not budget.take(heading):
        return ""

    def rows() -> list[list[str]]:
        out = []
        for tech, group in sorted(by_tech.items(), key=lambda item: item[0].lower()):
            places = [_place(f, ctx) for f in group[:10]]
            more = f" and {len(group) - 10} more" if len(group) > 10 else ""
            out.append([code(tech, table=True), ", ".join(places) + more])
        return out

    body, _ = bounded_table(["Technology", "Where"], rows(), budget)
    return heading + body + "\n"


def _eol(findings: Sequence[Finding], ctx: SummaryContext, budget: Budget) -> tuple[str, int]:
    """Pins past their end of life, in a block of their own (they are listed by file too)."""
    if not findings:
        return "", 0
    heading = f"### Pins past their end of life: {len(findings)}\n\n"
    if not budget.take(heading):
        return "", 0
    rows = ([_place(f, ctx), markdown_message(f.message, table=True)] for f in findings)
    body, shown = bounded_table(["Where", "Message"], rows, budget)
    return heading + body + "\n", shown


def build(findings: Sequence[Finding], ctx: SummaryContext, already_written: int = 0) -> tuple[str, bool]:
    """The summary Markdown under 1 MiB (with what the summary file already holds), and whether
    anything was cut."""
    total = SUMMARY_LIMIT - SUMMARY_MARGIN - already_written
    header = _header(findings, ctx)
    budget = Budget(total - size(header) - 1024)
    pins = _pins([f for f in findings if f.rule == PIN_RULE], ctx, Budget(budget.left // 4))
    budget.left -= size(pins)
    eol_findings = [f for f in findings if f.rule == EOL_RULE]
    eol, eol_shown = _eol(eol_findings, ctx, Budget(budget.left // 8))
    budget.left -= size(eol)
    blocking_files: dict[str, list[Finding]] = {}
    other_files: dict[str, list[Finding]] = {}
    pinned_apart = 0
    for finding in findings:
        if blocking(finding.severity, ctx.fail_on):
            blocking_files.setdefault(finding.path, []).append(finding)
        elif finding.rule == PIN_RULE and pins:
            pinned_apart += 1  # listed once per technology in the pins table
        else:
            other_files.setdefault(finding.path, []).append(finding)
    first, first_shown = _files("Blocking", blocking_files, ctx, budget)
    second, second_shown = _files("Not blocking", other_files, ctx, budget)
    second_shown += pinned_apart
    text = header + first + pins + second + eol
    cut = first_shown + second_shown < len(findings) or eol_shown < len(eol_findings)
    if cut:
        text += (
            f"> [!NOTE]\n> {plural(len(findings) - first_shown - second_shown, 'finding')} did not fit under "
            "GitHub's 1 MiB limit for a step summary. The step's log lists every finding, and so does the "
            f"JSON report, on {where_reports_are(ctx)}.\n"
        )
    return text, cut


def render(findings: Sequence[Finding], ctx: SummaryContext, already_written: int = 0) -> str:
    return build(findings, ctx, already_written)[0]

"""The one sticky PR comment: its body, and keeping exactly one of it up to date.

Ours is the comment that carries MARKER *and* was written by the token's identity; a copy of the
marker in someone else's comment is theirs and is left alone. Writes are skipped when they would
change nothing, and when the comment already describes a later commit than this run's (a newer
run wrote it).

The body leads with the verdict under the ``fail-on`` policy, then what blocks: grouped by file
(files the PR changed first, then the one with most errors), then by rule with every line on one
row and each hint once. What does not block is folded and counted by rule; notes stay out.
Nothing in it is a task-list checkbox: the next run's rewrite would erase a reviewer's ticks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from forgea_hooks.action.client import ApiError, GitHubClient
from forgea_hooks.action.markdown import Budget, blob_url, code, size
from forgea_hooks.action.markdown import message as markdown_message
from forgea_hooks.findings import Finding, Severity
from forgea_hooks.reporters.ruledocs import RULES_URL, rule_url

MARKER = "<!-- forgea-hooks:pr-comment -->"
# The PR head the comment describes, so a later run can tell whether it is older or newer.
SHA_MARK = "<!-- forgea-hooks:head {sha} -->"
_SHA_MARK = re.compile(r"<!-- forgea-hooks:head ([0-9a-f]{7,64}) -->")
# GitHub's limit for an issue comment body; we stay a margin under it.
BODY_LIMIT = 65_536
BODY_MARGIN = 512
# GITHUB_TOKEN and other installation tokens cannot call GET /user; their comments are by this bot.
ACTIONS_BOT = "github-actions[bot]"
ICON = {Severity.ERROR: "❌", Severity.WARNING: "⚠️", Severity.INFO: "ℹ️"}


@dataclass(frozen=True)
class CommentContext:
    repository: str
    server_url: str
    head_sha: str  # the PR head this run was for: the comment records it (see ``sync``)
    run_url: str
    docs_checked: int
    fail_on: str = "error"
    # The commit whose files were checked (the merge commit under the default checkout): the
    # line links point there so that their line numbers are the ones the findings give.
    link_sha: str = ""
    changed: frozenset[str] = frozenset()  # files the PR changes: listed before the others
    rest_where: str = "the job summary"  # where a reader finds what the comment leaves out
    baselined: int = 0  # findings the baseline holds, left out of the comment

    @property
    def sha_for_links(self) -> str:
        return self.link_sha or self.head_sha


@dataclass(frozen=True)
class CommentOutcome:
    action: str  # created, updated, recreated, unchanged, none, skipped
    url: str
    note: str = ""


def counts(findings: Sequence[Finding]) -> dict[Severity, int]:
    tally = dict.fromkeys(Severity, 0)
    for finding in findings:
        tally[finding.severity] += 1
    return tally


def needs_attention(findings: Sequence[Finding]) -> bool:
    """Whether the PR comment has something to say: errors or warnings (notes alone do not)."""
    return any(finding.severity is not Severity.INFO for finding in findings)


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def baselined_note(count: int) -> str:
    return f"{count} baselined finding{'' if count == 1 else 's'} not shown"


def blocking(severity: Severity, fail_on: str) -> bool:
    """Whether a finding of this severity fails the step under ``fail-on``."""
    if fail_on == "never":
        return False
    return severity is Severity.ERROR or (fail_on == "warning" and severity is Severity.WARNING)


def verdict(findings: Sequence[Finding], fail_on: str) -> str:
    """The first line a reviewer reads: what blocks the merge, and the policy that says so."""
    tally = counts(findings)
    errors, warnings = tally[Severity.ERROR], tally[Severity.WARNING]
    policy = f"(fail-on: {fail_on})"
    blockers = [
        plural(n, noun)
        for sev, n, noun in ((Severity.ERROR, errors, "error"), (Severity.WARNING, warnings, "warning"))
        if n and blocking(sev, fail_on)
    ]
    others = [
        plural(n, noun)
        for sev, n, noun in ((Severity.ERROR, errors, "error"), (Severity.WARNING, warnings, "warning"))
        if n and not blocking(sev, fail_on)
    ]
    if blockers:
        count = errors * blocking(Severity.ERROR, fail_on) + warnings * blocking(Severity.WARNING, fail_on)
        head = f"❌ {' and '.join(blockers)} {'block' if count != 1 else 'blocks'} this merge"
    else:
        head = "✅ Nothing blocks this merge"
    if others:
        count = sum(
            n for sev, n in ((Severity.ERROR, errors), (Severity.WARNING, warnings)) if not blocking(sev, fail_on)
        )
        head += f" · {' and '.join(others)} {'do' if count != 1 else 'does'} not"
    return f"{head} {policy}"


def order_files(groups: dict[str, list[Finding]], fail_on: str, changed: frozenset[str]) -> list[str]:
    """Files the PR changed first, then the file with the most blocking findings, then by path."""

    def key(path: str) -> tuple[bool, int, int, str]:
        group = groups[path]
        worst = sum(1 for f in group if blocking(f.severity, fail_on))
        errors = sum(1 for f in group if f.severity is Severity.ERROR)
        return (bool(changed) and path not in changed, -worst, -errors, path)

    return sorted(groups, key=key)


# A rule's lines beyond this many are counted, not linked: a row must stay one row.
LINES_PER_ROW = 12


def _rule_rows(findings: Sequence[Finding], ctx: CommentContext, hints_shown: set[tuple[str, str]]) -> str:
    by_rule: dict[str, list[Finding]] = {}
    for finding in sorted(findings, key=lambda f: (f.line, f.column)):
        by_rule.setdefault(finding.rule, []).append(finding)
    rows = []
    for rule, group in sorted(by_rule.items(), key=lambda item: (-len(item[1]), item[0])):
        sha = ctx.sha_for_links
        lines = [
            f"[L{f.line}]({blob_url(ctx.server_url, ctx.repository, sha, f.path, f.line)})"
            for f in group
            if f.line >= 1
        ]
        shown = ", ".join(lines[:LINES_PER_ROW])
        if len(lines) > LINES_PER_ROW:
            shown += f" and {len(lines) - LINES_PER_ROW} more"
        where = f" — {shown}" if shown else ""
        messages = list(dict.fromkeys(f.message for f in group))
        said = markdown_message(messages[0])
        if len(messages) > 1:
            said += f" (and {plural(len(messages) - 1, 'similar finding')})"
        row = f"- [`{rule}`]({rule_url(rule)}){where}: {said}\n"
        for hint in dict.fromkeys(f.hint for f in group if f.hint):
            if (rule, hint) not in hints_shown:
                hints_shown.add((rule, hint))
                row += f"  <br>↳ {markdown_message(hint)}\n"
        rows.append(row)
    return "".join(rows)


def _warning_table(findings: Sequence[Finding]) -> str:
    by_rule: dict[str, list[Finding]] = {}
    for finding in findings:
        by_rule.setdefault(finding.rule, []).append(finding)
    lines = ["| Rule | Findings | Files |", "|---|---:|---:|"]
    for rule, group in sorted(by_rule.items(), key=lambda item: (-len(item[1]), item[0])):
        lines.append(f"| [`{rule}`]({rule_url(rule)}) | {len(group)} | {len({f.path for f in group})} |")
    return "\n".join(lines) + "\n"


def _merged(ctx: CommentContext) -> str:
    """Says so when the files checked (and linked) are the PR merged into its base, not its head."""
    if not ctx.link_sha or ctx.link_sha == ctx.head_sha:
        return ""
    link = f"{ctx.server_url.rstrip('/')}/{ctx.repository}/commit/{ctx.link_sha}"
    return f" as merged into the base ([`{ctx.link_sha[:7]}`]({link}), where the line links point)"


def render_failing(findings: Sequence[Finding], ctx: CommentContext) -> str:
    """The comment for findings that need attention: blocking ones by file, the rest counted."""
    shown_findings = [f for f in findings if f.severity is not Severity.INFO]
    notes = len(findings) - len(shown_findings)
    commit = f"[`{ctx.head_sha[:7]}`]({ctx.server_url.rstrip('/')}/{ctx.repository}/commit/{ctx.head_sha})"
    head = (
        f"{MARKER}\n{SHA_MARK.format(sha=ctx.head_sha)}\n### {verdict(findings, ctx.fail_on)}\n\n"
        f"{plural(ctx.docs_checked, 'doc')} checked at {commit}{_merged(ctx)} · [job summary]({ctx.run_url}) · "
        f"[what the rules mean]({RULES_URL})\n\n"
    )
    if ctx.baselined:
        head += f"_{baselined_note(ctx.baselined)}._\n\n"
    blockers = [f for f in shown_findings if blocking(f.severity, ctx.fail_on)]
    rest = [f for f in shown_findings if not blocking(f.severity, ctx.fail_on)]
    tail_room = 600
    budget = Budget(BODY_LIMIT - BODY_MARGIN - tail_room - size(head))
    parts = [head]
    groups: dict[str, list[Finding]] = {}
    for finding in blockers:
        groups.setdefault(finding.path, []).append(finding)
    hints_shown: set[tuple[str, str]] = set()
    left_out = 0
    for path in order_files(groups, ctx.fail_on, ctx.changed):
        group = groups[path]
        tally = counts(group)
        words = ", ".join(
            plural(tally[sev], noun)
            for sev, noun in ((Severity.ERROR, "error"), (Severity.WARNING, "warning"))
            if tally[sev]
        )
        not_changed = " (not changed by this PR)" if ctx.changed and path not in ctx.changed else ""
        section = f"**{code(path)}** · {words}{not_changed}\n\n" + _rule_rows(group, ctx, hints_shown) + "\n"
        # Whole files or nothing, and none after the first that does not fit: the order is the point.
        if left_out or not budget.take(section):
            left_out += len(group)
            continue
        parts.append(section)
    if rest:
        tally = counts(rest)
        words = " and ".join(
            plural(tally[sev], noun)
            for sev, noun in ((Severity.ERROR, "error"), (Severity.WARNING, "warning"))
            if tally[sev]
        )
        folded = (
            f"<details><summary>{words} that do not block (fail-on: {ctx.fail_on})</summary>\n\n"
            f"{_warning_table(rest)}\nEach one is in {ctx.rest_where}.\n</details>\n\n"
        )
        if budget.take(folded):
            parts.append(folded)
        else:
            left_out += len(rest)
    if left_out:
        parts.append(f"_{plural(left_out, 'more finding')} did not fit in a comment: see {ctx.rest_where}._\n\n")
    if notes:
        parts.append(f"_{plural(notes, 'note')} (informational) in {ctx.rest_where}._\n")
    return "".join(parts).rstrip("\n") + "\n"


RESOLVED_HEADLINE = "### ✅ forgea-hooks: all checks pass"


def render_resolved(ctx: CommentContext) -> str:
    commit = f"[`{ctx.head_sha[:7]}`]({ctx.server_url.rstrip('/')}/{ctx.repository}/commit/{ctx.head_sha})"
    return (
        f"{MARKER}\n{SHA_MARK.format(sha=ctx.head_sha)}\n{RESOLVED_HEADLINE}\n\n"
        f"The problems reported earlier are fixed as of {commit}. "
        f"See the [job summary]({ctx.run_url}).\n"
    )


def login_of(client: GitHubClient) -> str:
    """Who the token writes as. Installation tokens get 403 from /user: theirs is the Actions bot."""
    try:
        user = client.get("user")
    except ApiError as exc:
        if exc.status in (401, 403):
            return ACTIONS_BOT
        raise
    login = user.get("login") if isinstance(user, dict) else None
    if not isinstance(login, str) or not login:
        raise ApiError("GET /user returned no login")
    return login


def _html_url(comment: Any) -> str:
    return str(comment.get("html_url", "")) if isinstance(comment, dict) else ""


def _ours(comment: Any, login: str) -> bool:
    if not isinstance(comment, dict):
        return False
    author = comment.get("user") or {}
    body = comment.get("body") or ""
    return (
        isinstance(author, dict)
        and str(author.get("login", "")).lower() == login.lower()
        and isinstance(body, str)
        and MARKER in body
    )


def described_sha(body: str) -> str:
    """The PR head an earlier comment describes ("" for comments older than the record)."""
    match = _SHA_MARK.search(body)
    return match.group(1) if match else ""


# Whether the first commit is an ancestor of the second; None when it cannot be told.
Ancestry = Callable[[str, str], "bool | None"]


def _descends(client: GitHubClient, repository: str, ours: str, theirs: str, is_ancestor: Ancestry | None) -> bool:
    """Whether ``theirs`` is a later commit on top of ``ours``: then a newer run wrote the comment."""
    if not theirs or theirs == ours:
        return False
    known = is_ancestor(ours, theirs) if is_ancestor is not None else None
    if known is not None:
        return known
    try:
        compared = client.get(f"repos/{repository}/compare/{ours}...{theirs}")
    except ApiError:
        # Cannot tell (a force-push dropped a commit, or no access): the latest writer wins.
        return False
    return isinstance(compared, dict) and compared.get("status") == "ahead"


def sync(
    client: GitHubClient,
    repository: str,
    number: int,
    findings: Sequence[Finding],
    ctx: CommentContext,
    *,
    mode: str = "update",
    is_ancestor: Ancestry | None = None,
) -> CommentOutcome:
    """Bring the PR's sticky comment in line with ``findings``. API failures propagate as ApiError.

    ``mode`` is ``update`` (edit the comment in place) or ``recreate`` (delete it and post a new
    one, so a changed verdict shows at the bottom of the conversation). Which run's word is final
    is decided by commit order, not by asking for the PR's head (the API may still answer with the
    previous one): a comment that describes a commit built on this run's head is newer, and kept.
    """
    login = login_of(client)
    ours = sorted(
        (c for c in client.paginate(f"repos/{repository}/issues/{number}/comments") if _ours(c, login)),
        key=lambda c: int(c["id"]),
    )
    keep = ours[0] if ours else None
    duplicates = ours[1:]
    if keep is not None:
        theirs = described_sha(str(keep.get("body")))
        if _descends(client, repository, ctx.head_sha, theirs, is_ancestor):
            return CommentOutcome(
                "skipped",
                _html_url(keep),
                f"the comment already describes {theirs[:12]}, a later commit than this run's {ctx.head_sha[:12]}",
            )
    if needs_attention(findings):
        body = render_failing(findings, ctx)
    elif keep is None:
        return CommentOutcome("none", "", "nothing to report and no earlier comment")
    elif RESOLVED_HEADLINE in str(keep.get("body")):
        # Already says all is well; restating it for every later commit would be churn.
        body = str(keep.get("body"))
    else:
        body = render_resolved(ctx)
    if keep is not None and keep.get("body") == body and not duplicates:
        return CommentOutcome("unchanged", _html_url(keep))

    if mode == "recreate" and keep is not None:
        for comment in ours:
            client.request("DELETE", f"repos/{repository}/issues/comments/{int(comment['id'])}")
        created = client.request("POST", f"repos/{repository}/issues/{number}/comments", {"body": body})
        return CommentOutcome("recreated", _html_url(created.data))
    # Earlier runs that raced each other may each have created one; the oldest is kept.
    for duplicate in duplicates:
        client.request("DELETE", f"repos/{repository}/issues/comments/{int(duplicate['id'])}")
    if keep is None:
        created = client.request("POST", f"repos/{repository}/issues/{number}/comments", {"body": body})
        return CommentOutcome("created", _html_url(created.data))
    if keep.get("body") == body:
        return CommentOutcome("unchanged", _html_url(keep))
    updated = client.request("PATCH", f"repos/{repository}/issues/comments/{int(keep['id'])}", {"body": body})
    return CommentOutcome("updated", _html_url(updated.data))

"""The one sticky PR comment: its body, and keeping exactly one of it up to date.

Ours is the comment that carries MARKER *and* was written by the token's identity; a copy of the
marker in someone else's comment is theirs and is left alone. Writes are skipped when they would
change nothing, and when the PR's head has moved past the commit this run checked (a newer run
owns the comment then).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from forgea_hooks.action.client import ApiError, GitHubClient
from forgea_hooks.action.markdown import Budget, blob_url, bounded_table, escape, size
from forgea_hooks.findings import Finding, Severity

MARKER = "<!-- forgea-hooks:pr-comment -->"
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
    head_sha: str
    run_url: str
    docs_checked: int
    baselined: int = 0  # findings the baseline holds, left out of the comment


@dataclass(frozen=True)
class CommentOutcome:
    action: str  # created, updated, unchanged, none, skipped
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
    return f"{count} {noun}{'' if count == 1 else 's'}"


def baselined_note(count: int) -> str:
    return f"{count} baselined finding{'' if count == 1 else 's'} not shown"


def _by_severity(findings: Sequence[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (-f.severity.rank, f.sort_key()))


def render_failing(findings: Sequence[Finding], ctx: CommentContext) -> str:
    tally = counts(findings)
    parts = [plural(tally[Severity.ERROR], "error"), plural(tally[Severity.WARNING], "warning")]
    if tally[Severity.INFO]:
        parts.append(plural(tally[Severity.INFO], "note"))
    icon = ICON[Severity.ERROR] if tally[Severity.ERROR] else ICON[Severity.WARNING]
    head = (
        f"{MARKER}\n### {icon} forgea-hooks: {', '.join(parts)}\n\n"
        f"Checked {plural(ctx.docs_checked, 'doc')} changed in this pull request at "
        f"{ctx.head_sha[:12]}. Details are in the [job summary]({ctx.run_url}).\n\n"
    )
    if ctx.baselined:
        head += f"_{baselined_note(ctx.baselined)}._\n\n"

    def rows() -> Iterator[list[str]]:
        for finding in _by_severity(findings):
            message = escape(finding.message)
            if finding.hint:
                message += f"<br>Hint: {escape(finding.hint)}"
            link = blob_url(ctx.server_url, ctx.repository, ctx.head_sha, finding.path, finding.line)
            line = str(finding.line) if finding.line >= 1 else ""
            yield [ICON[finding.severity], f"[{escape(finding.path)}]({link})", line, escape(finding.rule), message]

    cut_note_room = 400
    budget = Budget(BODY_LIMIT - BODY_MARGIN - cut_note_room - size(head))
    body, shown = bounded_table(["", "File", "Line", "Rule", "Message"], rows(), budget)
    text = head + body
    if shown < len(findings):
        text += (
            f"\n_{len(findings) - shown} more findings are not shown here (a comment holds at most "
            f"65,536 characters): see the [job summary]({ctx.run_url})._\n"
        )
    return text


RESOLVED_HEADLINE = "### ✅ forgea-hooks: all checks pass"


def render_resolved(ctx: CommentContext) -> str:
    return (
        f"{MARKER}\n{RESOLVED_HEADLINE}\n\n"
        f"The problems reported earlier are fixed as of {ctx.head_sha[:12]}. "
        f"See the [job summary]({ctx.run_url}).\n"
    )


def _login(client: GitHubClient) -> str:
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


def sync(
    client: GitHubClient, repository: str, number: int, findings: Sequence[Finding], ctx: CommentContext
) -> CommentOutcome:
    """Bring the PR's sticky comment in line with ``findings``. API failures propagate as ApiError."""
    login = _login(client)
    ours = sorted(
        (c for c in client.paginate(f"repos/{repository}/issues/{number}/comments") if _ours(c, login)),
        key=lambda c: int(c["id"]),
    )
    keep = ours[0] if ours else None
    duplicates = ours[1:]
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

    pr = client.get(f"repos/{repository}/pulls/{number}")
    head = pr.get("head") if isinstance(pr, dict) else None
    current_head = head.get("sha") if isinstance(head, dict) else None
    if current_head != ctx.head_sha:
        return CommentOutcome(
            "skipped",
            _html_url(keep),
            f"the pull request's head moved to {str(current_head)[:12]}; the run for it will comment",
        )
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

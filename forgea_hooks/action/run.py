"""``forgea-hooks action``: the GitHub Action's program, usable by hand with the same variables.

On a pull request it checks the docs the PR changes and keeps one sticky comment; on any other
event it checks the whole tree. Annotations, the job summary, the JSON report, SARIF and the
step outputs are written either way. The PR comment is best effort: when it cannot be written
(a fork's read-only token, rate limits, GitHub down) the run says so and exits by its findings.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from forgea_hooks import __version__, redact
from forgea_hooks.action import annotate, summary
from forgea_hooks.action.changes import ChangedDocs, changed_docs
from forgea_hooks.action.client import ApiError, GitHubClient, PermissionDenied
from forgea_hooks.action.comment import Ancestry, CommentContext, CommentOutcome, counts, login_of, plural, sync
from forgea_hooks.action.settings import FailOn, PullRequest, Settings, from_env
from forgea_hooks.api import CheckOptions, CheckResult, ConfigError, rule_catalog, run_check
from forgea_hooks.findings import Finding, Severity
from forgea_hooks.reporters import sarif
from forgea_hooks.reporters.github import command

REPORT_NAME = "forgea-hooks-report.json"
STILL_REPORTED = "The annotations and the job summary have the findings."


@dataclass
class Console:
    """Every line the program prints, with the token scrubbed should any text ever carry it."""

    token: str

    def redact(self, text: str) -> str:
        # The token is scrubbed in every spelling the outputs escape it into, with every other
        # secret of the environment (redact.scrub), as the last step before writing.
        if self.token:
            redact.register(self.token)
        return redact.scrub(text)

    def out(self, line: str) -> None:
        print(self.redact(line), flush=True)

    def err(self, line: str) -> None:
        print(self.redact(line), file=sys.stderr, flush=True)

    def warning(self, message: str) -> None:
        self.out(command("warning", message, {"title": "forgea-hooks"}))


def exit_code(findings: Sequence[Finding], fail_on: FailOn) -> int:
    if fail_on is FailOn.NEVER:
        return 0
    floor = Severity.ERROR.rank if fail_on is FailOn.ERROR else Severity.WARNING.rank
    return 1 if any(finding.severity.rank >= floor for finding in findings) else 0


def _log_listing(findings: Sequence[Finding], console: Console) -> None:
    """Every finding as plain log text. Doc text could hold ``::command`` lines, so the runner's
    command processing is stopped around it with a token nobody can guess."""
    if not findings:
        return
    fence = uuid.uuid4().hex
    console.out(f"::group::forgea-hooks: {len(findings)} findings")
    console.out(f"::stop-commands::{fence}")
    for f in findings:
        console.out(f"{f.path}:{f.line}:{f.column}: {f.severity.value} [{f.rule}] {' '.join(f.message.split())}")
    console.out(f"::{fence}::")
    console.out("::endgroup::")


def _write_outputs(path: Path, values: Mapping[str, str], console: Console) -> None:
    # The heredoc form takes any value; the delimiter is random so no value can end it early.
    chunks = []
    for name, value in values.items():
        delimiter = f"ghadelimiter_{uuid.uuid4()}"
        chunks.append(f"{name}<<{delimiter}\n{console.redact(value)}\n{delimiter}\n")
    with path.open("a", encoding="utf-8") as handle:
        handle.write("".join(chunks))


def _report_path(settings: Settings, cwd: Path) -> Path:
    return (settings.runner_temp or settings.workspace or cwd) / REPORT_NAME


@dataclass(frozen=True)
class Scope:
    paths: tuple[str, ...]
    words: str
    changed: ChangedDocs | None


def _scope(
    settings: Settings, pr: PullRequest | None, client: GitHubClient | None, cwd: Path, warnings: list[str]
) -> Scope:
    whole = f"paths: {' '.join(settings.paths)}" if settings.paths else "whole tree"
    if pr is None:
        return Scope(settings.paths, whole, None)
    try:
        changed = changed_docs(pr, settings.repository, settings.paths, cwd, client)
    except ApiError as exc:
        warnings.append(f"Cannot tell which docs PR #{pr.number} changes ({exc}); checking {whole}.")
        return Scope(settings.paths, f"{whole}; the PR's changed files could not be listed", None)
    count = len(changed.paths)
    words = f"pull request #{pr.number}: {plural(count, 'changed doc')}, listed by {changed.source}"
    widening = _judged_against(changed.names, settings, cwd)
    if widening is not None:
        # Every doc is judged against the registry, the config and the manifests: a change to one
        # of them can break docs the PR never touched.
        return Scope(settings.paths, f"{words}; {widening} changed, so {whole} was checked", None)
    return Scope(changed.paths, words, changed)


def _judged_against(names: Sequence[str], settings: Settings, cwd: Path) -> str | None:
    """The first changed file that every doc is judged against, if any."""
    from forgea_hooks.config import CONFIG_FILE, ConfigError, load
    from forgea_hooks.documents.kinds import matches
    from forgea_hooks.manifests import is_manifest
    from forgea_hooks.rules import defaults

    try:
        registry_globs = load(cwd, settings.config, set(defaults())).kinds["registry"].paths
    except ConfigError:
        registry_globs = ()  # run_check reports the config problem itself
    config = {CONFIG_FILE, "pyproject.toml", *([settings.config.as_posix()] if settings.config else [])}
    for name in names:
        # A workspace member's manifest (apps/api/package.json) is read as its root's: its base name decides.
        if name in config or is_manifest(name) or is_manifest(name.rsplit("/", 1)[-1]) or matches(name, registry_globs):
            return name
    return None


def _is_ancestor(cwd: Path) -> Ancestry:
    def check(older: str, newer: str) -> bool | None:
        try:
            done = subprocess.run(
                ["git", "merge-base", "--is-ancestor", older, newer],
                cwd=cwd,
                capture_output=True,
                timeout=60,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        # 0: ancestor, 1: not; anything else (a commit this shallow checkout lacks): cannot tell.
        return {0: True, 1: False}.get(done.returncode)

    return check


def checked_commit(settings: Settings, cwd: Path) -> str:
    """The commit whose files were checked: the checkout's HEAD (the PR's merge commit under the
    default ``actions/checkout``), so that line links show the lines the findings name."""
    try:
        done = subprocess.run(["git", "rev-parse", "HEAD"], cwd=cwd, capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return settings.sha
    head = done.stdout.decode("ascii", "replace").strip()
    return head if done.returncode == 0 and len(head) in (40, 64) else settings.sha


def _comment(
    settings: Settings,
    pr: PullRequest,
    *,
    client: GitHubClient | None,
    client_problem: str,
    result: CheckResult,
    ctx: CommentContext,
    cwd: Path,
    notes: list[str],
) -> tuple[CommentOutcome, str]:
    """The comment's outcome, and a warning to print when it could not be written."""
    if client is None:
        reason = client_problem or "no GITHUB_TOKEN"
        return CommentOutcome("skipped", "", reason), f"PR comment skipped: {reason}. {STILL_REPORTED}"
    try:
        outcome = sync(
            client,
            settings.repository,
            pr.number,
            result.findings,
            ctx,
            mode=settings.comment_mode.value,
            is_ancestor=_is_ancestor(cwd),
        )
    except PermissionDenied:
        reason = "the token may not write to this pull request (fork and Dependabot PRs get read-only tokens)"
        return CommentOutcome("skipped", "", reason), f"PR comment skipped: {reason}. {STILL_REPORTED}"
    except ApiError as exc:
        return CommentOutcome("skipped", "", str(exc)), f"PR comment skipped: {exc}. {STILL_REPORTED}"
    if outcome.action == "skipped":
        notes.append(f"PR comment not written: {outcome.note}.")
    return outcome, ""


def _review(
    settings: Settings, pr: PullRequest, client: GitHubClient | None, result: CheckResult, cwd: Path
) -> tuple[str, str]:
    """Inline review comments; returns what happened, in words, and a warning if they failed."""
    from forgea_hooks.action import review

    if client is None:
        return "", "Review comments skipped: no usable GITHUB_TOKEN."
    try:
        changed = review.changed_lines_from_git(pr.base_sha, pr.head_sha, cwd)
        if changed is None:
            changed = review.changed_lines_from_api(client, settings.repository, pr.number)
        paths = sorted({f.path for f in result.findings})
        for path in review.differing_files(checked_commit(settings, cwd), pr.head_sha, paths, cwd):
            changed.pop(path, None)
        done = review.sync(
            client,
            settings.repository,
            pr.number,
            login=login_of(client),
            head_sha=pr.head_sha,
            findings=result.findings,
            changed=changed,
            root=cwd,
        )
    except PermissionDenied:
        return "", (
            "Review comments skipped: the token may not write to this pull request "
            f"(fork and Dependabot PRs get read-only tokens). {STILL_REPORTED}"
        )
    except ApiError as exc:
        return "", f"Review comments skipped: {exc}. {STILL_REPORTED}"
    words = f"{done.posted} posted, {done.kept} kept, {done.deleted} deleted"
    if done.left_out:
        words += (
            f"; {done.left_out} more errors on changed lines are in the PR comment only "
            f"(at most {review.MAX_NEW_COMMENTS} new review comments a run)"
        )
    return words, ""


def _comment_words(outcome: CommentOutcome | None) -> str:
    if outcome is None:
        return ""
    if outcome.action in ("created", "updated", "recreated", "unchanged"):
        return outcome.action
    return f"{'not written' if outcome.action == 'skipped' else 'none'}: {outcome.note}"


def run(settings: Settings, console: Console, cwd: Path) -> int:
    pr = settings.pull_request
    client: GitHubClient | None = None
    client_problem = ""
    if settings.token:
        try:
            client = GitHubClient(settings.api_url, settings.token)
        except ApiError as exc:
            client_problem = str(exc)
    own_warnings: list[str] = []
    scope = _scope(settings, pr, client, cwd, own_warnings)
    if scope.changed is not None and not scope.changed.paths:
        # An empty path list means "the whole tree" to run_check; a PR with no doc changes has
        # nothing to check, but may still need its old comment turned green.
        result = CheckResult(findings=[], files_checked=0, warnings=[])
    else:
        result = run_check(
            CheckOptions(
                paths=scope.paths,
                config_file=settings.config,
                links=settings.links,
                online=settings.online,
                handoff_base=pr.base_sha if pr else "HEAD",  # report-handed-off: head against base
                fixes=True,  # review suggestions and the JSON report carry each mechanical repair
            )
        )
    own_warnings += result.warnings
    # A path the user named that does not exist is a usage error, whatever the findings say.
    code = 2 if result.errors else exit_code(result.findings, settings.fail_on)
    changed = frozenset(scope.changed.paths) if scope.changed is not None else frozenset()
    link_sha = checked_commit(settings, cwd)
    notes: list[str] = []

    tally = counts(result.findings)
    report_path = _report_path(settings, cwd)
    summary_ctx = summary.SummaryContext(
        scope=scope.words,
        files_checked=result.files_checked,
        comment="",
        tool_warnings=own_warnings,
        report_path=str(report_path),
        server_url=settings.server_url,
        repository=settings.repository,
        sha=link_sha,
        fail_on=settings.fail_on.value,
        pr_number=pr.number if pr else None,
        changed=changed,
        artifact_name=settings.artifact_name,
        run_url=settings.run_url,
        sarif_path=str(settings.sarif_file or ""),
        baselined=result.baselined,
    )
    already = 0
    if settings.step_summary is not None and settings.step_summary.exists():
        already = settings.step_summary.stat().st_size
    # Rendered once first to learn whether it is cut: every "see X" claim must hold.
    _, summary_cut = summary.build(result.findings, summary_ctx, already)
    rest_where = "the step log" if summary_cut or settings.step_summary is None else "the job summary"

    outcome = None
    if pr is not None and settings.comment:
        ctx = CommentContext(
            repository=settings.repository,
            server_url=settings.server_url,
            head_sha=pr.head_sha,
            run_url=settings.run_url,
            docs_checked=result.files_checked,
            fail_on=settings.fail_on.value,
            link_sha=link_sha,
            changed=changed,
            baselined=result.baselined,
            rest_where=f"the [{'job summary' if rest_where == 'the job summary' else 'step log'}]({settings.run_url})",
        )
        outcome, problem = _comment(
            settings,
            pr,
            client=client,
            client_problem=client_problem,
            result=result,
            ctx=ctx,
            cwd=cwd,
            notes=notes,
        )
        if problem:
            own_warnings.append(problem)
    review_words = ""
    if pr is not None and settings.review:
        review_words, problem = _review(settings, pr, client, result, cwd)
        if problem:
            own_warnings.append(problem)
        else:
            notes.append(f"Review comments: {review_words}.")

    # The action's own warnings go first and count against GitHub's 10 per step: a skipped
    # comment must not be the 11th warning, which GitHub drops.
    problems = [f"Not checked: {problem}" for problem in result.errors]
    for line in annotate.commands(
        result.findings, changed=changed, own_errors=problems, own_warnings=own_warnings, rest_where=rest_where
    ):
        console.out(line)
    for note in notes:
        console.out(command("notice", note, {"title": "forgea-hooks"}))
    _log_listing(result.findings, console)

    report = {
        "findings": [finding.as_dict() for finding in result.findings],
        "summary": {
            "errors": tally[Severity.ERROR],
            "warnings": tally[Severity.WARNING],
            "notes": tally[Severity.INFO],
            "files_checked": result.files_checked,
            "event": settings.event_name,
            "scope": scope.words,
            "paths": list(scope.paths),
            "fail_on": settings.fail_on.value,
            "exit_code": code,
            "comment": outcome.action if outcome else "",
            "comment_url": outcome.url if outcome else "",
            "review": review_words,
            "tool_warnings": list(result.warnings),
            "unchecked": list(result.errors),
            "checked_commit": link_sha,
            "version": __version__,
        },
    }
    report_path.parent.mkdir(parents=True, exist_ok=True)
    report_path.write_text(
        console.redact(json.dumps(report, ensure_ascii=False, separators=(",", ":"))) + "\n", "utf-8"
    )

    if settings.sarif_file is not None:
        settings.sarif_file.parent.mkdir(parents=True, exist_ok=True)
        text = sarif.render(result.findings, rule_catalog(), __version__)
        settings.sarif_file.write_text(console.redact(text), encoding="utf-8")

    if settings.step_summary is not None:
        final = dataclasses.replace(
            summary_ctx,
            comment=_comment_words(outcome),
            comment_url=outcome.url if outcome else "",
            tool_warnings=own_warnings,
        )
        with settings.step_summary.open("a", encoding="utf-8") as handle:
            handle.write(console.redact(summary.render(result.findings, final, already)))

    if settings.output is not None:
        _write_outputs(
            settings.output,
            {
                "errors": str(tally[Severity.ERROR]),
                "warnings": str(tally[Severity.WARNING]),
                "comment-url": outcome.url if outcome else "",
                "report": str(report_path),
            },
            console,
        )

    counted = ", ".join(
        plural(tally[severity], noun)
        for severity, noun in ((Severity.ERROR, "error"), (Severity.WARNING, "warning"), (Severity.INFO, "note"))
    )
    console.out(f"forgea-hooks: {counted} in {plural(result.files_checked, 'file')} ({scope.words}); exit {code}")
    return code


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="forgea-hooks action",
        description=(
            "Run the GitHub Action's checks. Inputs come from FORGEA_PATHS, FORGEA_LINKS, FORGEA_COMMENT, "
            "FORGEA_FAIL_ON, FORGEA_CONFIG, FORGEA_SARIF_FILE, FORGEA_COMMENT_MODE, FORGEA_ARTIFACT_NAME, "
            "FORGEA_REVIEW and GitHub's GITHUB_* variables."
        ),
    )
    parser.parse_args(argv)
    console = Console(os.environ.get("GITHUB_TOKEN", "").strip())
    try:
        return run(from_env(os.environ), console, Path.cwd())
    except ConfigError as exc:
        console.out(command("error", str(exc), {"title": "forgea-hooks configuration"}))
        console.err(f"forgea-hooks action: {exc}")
        return 2

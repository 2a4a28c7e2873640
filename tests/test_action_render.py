"""What the Action writes for people: escaping of doc text, the PR comment, the summary, annotations."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess

import pytest

from forgea_hooks.action import annotate, summary
from forgea_hooks.action.comment import (
    BODY_LIMIT,
    MARKER,
    CommentContext,
    described_sha,
    render_failing,
    render_resolved,
    verdict,
)
from forgea_hooks.action.markdown import blob_url, code, escape, message, size
from forgea_hooks.findings import Finding, Severity

CTX = CommentContext(
    repository="acme/docs",
    server_url="https://github.com",
    head_sha="0123456789abcdef0123456789abcdef01234567",
    run_url="https://github.com/acme/docs/actions/runs/99",
    docs_checked=3,
    link_sha="fedcba9876543210fedcba9876543210fedcba98",
)
SUMMARY_CTX = summary.SummaryContext(
    scope="pull request #7: 3 changed docs, listed by git",
    files_checked=3,
    comment="created",
    tool_warnings=[],
    report_path="/tmp/report.json",
    server_url="https://github.com",
    repository="acme/docs",
    sha=CTX.link_sha,
    pr_number=7,
)
CMARK = shutil.which("cmark-gfm")


def _f(line: int = 1, severity: Severity = Severity.ERROR, rule: str = "pin-unknown", **kw: str) -> Finding:
    return Finding(
        path=kw.get("path", "docs/a.md"),
        line=line,
        column=1,
        rule=rule,
        severity=severity,
        message=kw.get("message", "the pin has no version"),
        hint=kw.get("hint", ""),
    )


# -- escaping ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "linkish"),
    [
        ("ask @octocat or @acme/security", ["@octocat", "@acme/security"]),
        ("fixes #1, closes acme/docs#2", ["#1,", "acme/docs#2"]),
        ("see GH-12", ["GH-12"]),
        ("https://github.com/acme/docs/issues/3", ["https://github.com/acme/docs/issues/3"]),
        ("www.example.com/x", ["www.example.com/x"]),
    ],
)
def test_linkable_words_go_into_code_spans(text: str, linkish: list[str]) -> None:
    escaped = escape(text)
    for word in linkish:
        assert f"`{word}`" in escaped
    assert "\u200b" not in escaped


@pytest.mark.parametrize(
    ("text", "forbidden"),
    [
        ("<img src=x onerror=alert(1)> <script>", r"<"),
        ("![pixel](https://evil.example/p.png) [click](javascript:alert(1))", r"[\[\]()](?![^`]*`)"),
        ("a | b **bold** _it_ ~~s~~ $x$ \\", r"[|*_~$\\]"),
        ("<!-- forgea-hooks:pr-comment -->", r"<!--"),
    ],
)
def test_escape_makes_doc_text_inert(text: str, forbidden: str) -> None:
    escaped = escape(text)
    assert re.search(forbidden, escaped) is None, escaped


def test_code_spans_are_fenced_longer_than_the_backticks_inside() -> None:
    assert code("plain") == "`plain`"
    assert code("a ` b") == "``a ` b``"
    assert code("``x``") == "``` ``x`` ```"
    assert code("a|b", table=True) == "`a\\|b`"
    assert code("two\nlines") == "`two lines`"


def test_messages_quote_values_as_code_and_keep_the_tools_own_markdown() -> None:
    said = message("the Redis pin 'TBD @team #4' is a range")
    assert said == "the Redis pin `TBD @team #4` is a range"
    assert message("a nested list of `Name: URL` items") == "a nested list of `Name: URL` items"
    assert "\u200b" not in message("pull request #42 by @bob")


def test_markdown_files_link_to_their_source_lines() -> None:
    url = blob_url("https://github.com", "acme/docs", "abc", "docs/a b.md", 185)
    assert url == "https://github.com/acme/docs/blob/abc/docs/a%20b.md?plain=1#L185"
    assert blob_url("https://github.com", "acme/docs", "abc", "pkg.json", 3).endswith("/pkg.json#L3")
    assert blob_url("https://github.com", "acme/docs", "abc", "docs/a.md", 0).endswith("/docs/a.md")


# -- PR comment -------------------------------------------------------------------------------


def test_verdict_names_what_blocks_and_the_policy() -> None:
    findings = [_f(1)] * 15 + [_f(2, Severity.WARNING)] * 44 + [_f(3, Severity.INFO)]
    assert verdict(findings, "error") == "❌ 15 errors block this merge · 44 warnings do not (fail-on: error)"
    assert verdict(findings, "warning") == "❌ 15 errors and 44 warnings block this merge (fail-on: warning)"
    assert verdict(findings[15:], "error") == "✅ Nothing blocks this merge · 44 warnings do not (fail-on: error)"
    assert verdict(findings, "never").startswith("✅ Nothing blocks this merge · 15 errors and 44 warnings do not")


def test_failing_comment_groups_errors_by_file_and_rule_with_links_to_the_checked_lines() -> None:
    findings = [
        _f(519, rule="path-absolute", path="docs/report.md", hint="write it relative"),
        _f(524, rule="path-absolute", path="docs/report.md", hint="write it relative"),
        _f(529, rule="path-absolute", path="docs/report.md", hint="write it relative"),
        _f(3, path="docs/task.md", hint="pin it"),
        _f(9, Severity.WARNING, "pin-range", hint="pin 7.2.5"),
        _f(2, Severity.INFO, "pin-drift", message="a note"),
    ]
    body = render_failing(findings, CTX)
    assert body.startswith(MARKER + "\n")
    assert described_sha(body) == CTX.head_sha
    assert "### ❌ 4 errors block this merge · 1 warning does not (fail-on: error)" in body
    row = next(line for line in body.splitlines() if "path-absolute" in line)
    assert "L519" in row and "L524" in row and "L529" in row
    assert f"/blob/{CTX.link_sha}/docs/report.md?plain=1#L524" in row
    assert body.count("write it relative") == 1
    assert body.index("docs/report.md") < body.index("docs/task.md")  # the file with most errors first
    assert "<details><summary>1 warning that do not block" in body or "1 warning" in body
    assert "a note" not in body and "1 note" in body
    assert "- [ ]" not in body and "- [x]" not in body


def test_files_the_pr_changed_come_first() -> None:
    findings = [_f(n, path="docs/registry.md") for n in range(1, 6)] + [_f(1, path="docs/mine.md")]
    ctx = dataclasses.replace(CTX, changed=frozenset({"docs/mine.md"}))
    body = render_failing(findings, ctx)
    assert body.index("docs/mine.md") < body.index("docs/registry.md")
    assert "not changed by this PR" in body


def test_ten_thousand_findings_stay_under_the_comment_and_summary_limits() -> None:
    findings = [
        _f(
            n % 900 + 1,
            Severity(("error", "warning", "info")[n % 3]),
            f"rule-{n % 7}",
            path=f"docs/f{n % 60}.md",
            message=f"value '{'x' * (n % 200)} @someone #{n}' is wrong",
            hint=f"hint {n % 5}",
        )
        for n in range(10_000)
    ]
    body = render_failing(findings, CTX)
    assert size(body) < BODY_LIMIT
    assert "did not fit in a comment" in body
    text = summary.render(findings, SUMMARY_CTX, already_written=10_000)
    assert size(text) + 10_000 < summary.SUMMARY_LIMIT
    assert "did not fit under GitHub's 1 MiB limit" in text
    assert text.count("<details") == text.count("</details>")


def test_resolved_comment() -> None:
    body = render_resolved(CTX)
    assert body.startswith(MARKER)
    assert "all checks pass" in body
    assert described_sha(body) == CTX.head_sha


@pytest.mark.skipif(CMARK is None, reason="cmark-gfm is not installed (apt-get install cmark-gfm)")
def test_rendered_by_a_gfm_renderer_doc_text_stays_inside_code() -> None:
    findings = [
        _f(5, message="pin 'TBD @everyone fixes #1 https://x.example/a|b' and `Name: URL`", path="docs/@team|x.md"),
        _f(6, Severity.WARNING, "pin-range", message="the 'latest' | pin"),
    ]
    for markdown in (render_failing(findings, CTX), summary.render(findings, SUMMARY_CTX)):
        html = subprocess.run(
            [str(CMARK), "-e", "table", "-e", "autolink"], input=markdown.encode(), capture_output=True, check=True
        ).stdout.decode()
        outside = re.sub(r"<code>.*?</code>", "", html, flags=re.S)
        assert "@everyone" not in outside and "@team" not in outside and "#1" not in outside
        assert "https://x.example" not in outside
        assert "`" not in outside  # the tool's backticks became code, not literal ticks
        assert "<code>Name: URL</code>" in html
        assert "\u200b" not in html


# -- job summary ------------------------------------------------------------------------------


def test_summary_puts_what_blocks_first_and_unknown_pins_apart() -> None:
    findings = [
        _f(3, path="docs/official-docs/redis.md", message="the Redis pin 'TBD' has no version"),
        _f(4, Severity.WARNING, "link-dead", path="docs/official-docs/redis.md", message="404 at https://x.example"),
        _f(8, Severity.WARNING, "link-unverified", path="docs/b.md", message="bot wall"),
        _f(9, Severity.WARNING, message="the Redis pin 'VERSION UNKNOWN' has no version", path="docs/c.md"),
        _f(10, Severity.WARNING, message="the Redis pin 'TBD' has no version", path="docs/d.md"),
        _f(2, Severity.INFO, "pin-drift", path="docs/b.md"),
    ]
    text = summary.render(findings, SUMMARY_CTX)
    assert text.startswith("## forgea-hooks: ❌ 1 error blocks this merge · 4 warnings do not (fail-on: error)")
    assert "[pull request #7](https://github.com/acme/docs/pull/7)" in text
    blocking = text.index("### Blocking: 1 error in 1 file")
    pins = text.index("### Unknown pins: 1 technology without a version")
    rest = text.index("### Not blocking: 2 warnings, 1 note in 2 files")
    assert blocking < pins < rest
    assert "<details open><summary><code>docs/official-docs/redis.md</code>" in text
    # A file's errors are in the blocking part, its warnings with the rest.
    assert text.index("link-dead") > rest
    pin_table = text[pins:rest]
    assert pin_table.count("`Redis`") == 1 and "docs/c.md:9" in pin_table and "docs/d.md:10" in pin_table
    assert "on the runner only" in text
    assert "did not fit" not in text


def test_summary_names_the_artifact_when_there_is_one() -> None:
    ctx = dataclasses.replace(SUMMARY_CTX, artifact_name="docs-reports", run_url="https://github.com/r/1")
    text = summary.render([_f(1)], ctx)
    assert "[`docs-reports`](https://github.com/r/1#artifacts) artifact of this run" in text


def test_summary_without_findings() -> None:
    text = summary.render([], SUMMARY_CTX)
    assert "no findings" in text
    assert "### Blocking" not in text


def test_a_huge_summary_stays_under_one_mib_with_a_true_note() -> None:
    findings = [_f(n % 50000 + 1, path=f"docs/f{n % 40}.md", message="y" * 400) for n in range(6000)]
    text, cut = summary.build(findings, SUMMARY_CTX, already_written=10_000)
    assert cut
    assert size(text) + 10_000 < summary.SUMMARY_LIMIT
    assert "The step's log lists every finding" in text
    assert text.count("<details") == text.count("</details>")


# -- annotations ------------------------------------------------------------------------------


def test_annotations_stop_at_ten_per_kind_errors_first_then_one_notice() -> None:
    findings = [_f(n, Severity.WARNING) for n in range(1, 16)] + [_f(n, Severity.ERROR) for n in range(1, 13)]
    findings.append(_f(1, Severity.INFO))
    lines = annotate.commands(findings)
    kinds = [line.split(" ", 1)[0].split("::")[1] for line in lines]
    assert kinds == ["error"] * 10 + ["warning"] * 10 + ["notice"]
    assert "2 errors, 5 warnings, 1 note" in lines[-1]
    assert "job summary" in lines[-1]


def _files(lines: list[str], kind: str) -> list[str]:
    return [m.group(1) for line in lines if (m := re.match(rf"::{kind} file=([^,]+)", line))]


def test_annotations_spread_across_a_three_file_pr() -> None:
    report = [_f(n, path="docs/gatekeeper/report.md") for n in range(1, 16)]
    task = [_f(n, path="docs/tasks/task.md") for n in (4, 8, 12, 16)]
    registry = [_f(n, path="docs/registry.md") for n in (1, 2)]
    changed = {"docs/gatekeeper/report.md", "docs/tasks/task.md"}
    lines = annotate.commands(report + task + registry, changed=changed)
    files = _files(lines, "error")
    assert len(files) == 10
    # Changed files first, one per file per round: the task doc gets all 4 of its errors.
    assert files[:2] == ["docs/gatekeeper/report.md", "docs/tasks/task.md"]
    assert files.count("docs/tasks/task.md") == 4
    assert files.count("docs/registry.md") >= 1
    assert "11 errors" in lines[-1]


def test_the_actions_own_warnings_come_first_and_count_against_the_cap() -> None:
    findings = [_f(n, Severity.WARNING, path=f"docs/{n}.md") for n in range(1, 16)]
    lines = annotate.commands(findings, own_warnings=["PR comment skipped: read-only token"], rest_where="the step log")
    assert lines[0].startswith("::warning title=forgea-hooks::PR comment skipped")
    assert len([line for line in lines if line.startswith("::warning")]) == 10
    assert "6 warnings" in lines[-1] and "the step log" in lines[-1]


def test_no_pointer_notice_when_everything_was_annotated() -> None:
    lines = annotate.commands([_f(1), _f(2, Severity.WARNING)])
    assert len(lines) == 2
    assert not any(line.startswith("::notice") for line in lines)


def test_end_of_life_pins_get_a_block_of_their_own() -> None:
    findings = [_f(4, Severity.WARNING, "pin-eol", message="Node.js 16 reached its end of life on 2023-09-11")]
    text = summary.render(findings, SUMMARY_CTX)
    block = text.split("### Pins past their end of life: 1")[1]
    assert "Node.js 16 reached its end of life" in block.split("###")[0]

"""What the Action writes for people: escaping of doc text, the PR comment, the summary, annotations."""

from __future__ import annotations

import re

import pytest

from forgea_hooks.action import annotate, summary
from forgea_hooks.action.comment import BODY_LIMIT, MARKER, CommentContext, render_failing, render_resolved
from forgea_hooks.action.markdown import ZWSP, escape, size
from forgea_hooks.findings import Finding, Severity

CTX = CommentContext(
    repository="acme/docs",
    server_url="https://github.com",
    head_sha="0123456789abcdef0123456789abcdef01234567",
    run_url="https://github.com/acme/docs/actions/runs/99",
    docs_checked=3,
)
SUMMARY_CTX = summary.SummaryContext(
    scope="pull request #7: 3 changed docs, listed by git",
    files_checked=3,
    comment="created",
    tool_warnings=[],
    report_path="/tmp/report.json",
    server_url="https://github.com",
    repository="acme/docs",
    sha=CTX.head_sha,
)


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
    ("text", "forbidden"),
    [
        ("ask @octocat or @acme/security", r"@[A-Za-z0-9]"),
        ("fixes #1, closes acme/docs#2", r"#\d"),
        ("see GH-12", r"(?i)gh-\d"),
        ("https://github.com/acme/docs/issues/3", r"https?://"),
        ("www.example.com/x", r"www\."),
        ("<img src=x onerror=alert(1)> <script>", r"<"),
        ("![pixel](https://evil.example/p.png) [click](javascript:alert(1))", r"[\[\]()]"),
        ("a | b `code` **bold** _it_ ~~s~~ $x$ \\", r"[|`*_~$\\]"),
        ("<!-- forgea-hooks:pr-comment -->", r"<!--"),
    ],
)
def test_escape_makes_doc_text_inert(text: str, forbidden: str) -> None:
    escaped = escape(text)
    assert re.search(forbidden, escaped) is None, escaped


def test_escape_keeps_the_text_readable() -> None:
    assert escape("Redis 7.2.5 (per registry)") == "Redis 7.2.5 &#40;per registry&#41;"
    assert escape("@bob") == f"@{ZWSP}bob"
    assert escape("line one\nline two") == "line one line two"


# -- PR comment -------------------------------------------------------------------------------


def test_failing_comment_has_marker_counts_and_links() -> None:
    body = render_failing([_f(5), _f(9, Severity.WARNING, "pin-range", hint="pin 7.2.5")], CTX)
    assert body.startswith(MARKER + "\n")
    assert "1 error, 1 warning" in body
    assert "https://github.com/acme/docs/blob/0123456789abcdef0123456789abcdef01234567/docs/a.md#L5" in body
    assert "Hint: pin 7.2.5" in body
    assert CTX.run_url in body


def test_failing_comment_lists_errors_before_warnings() -> None:
    body = render_failing([_f(1, Severity.WARNING, message="warned"), _f(9, message="failed")], CTX)
    assert body.index("failed") < body.index("warned")


def test_doc_text_in_the_comment_cannot_mention_or_reference() -> None:
    body = render_failing([_f(message="@everyone fixes #1 <b>x</b>", path="docs/@team.md")], CTX)
    table = body.split("\n\n", 2)[2]
    assert re.search(r"@[a-z]", table) is None
    assert "#1" not in table
    assert "<b>" not in table


def test_a_huge_comment_is_cut_under_the_limit_with_a_link_to_the_summary() -> None:
    findings = [_f(n, message="x" * 300 + " @someone #12") for n in range(1, 3001)]
    body = render_failing(findings, CTX)
    assert size(body) < BODY_LIMIT
    assert len(body) < BODY_LIMIT
    assert "more findings are not shown here" in body
    assert body.rstrip().endswith(f"[job summary]({CTX.run_url})._")


def test_resolved_comment() -> None:
    body = render_resolved(CTX)
    assert body.startswith(MARKER)
    assert "all checks pass" in body


# -- job summary ------------------------------------------------------------------------------


def test_summary_has_counts_files_links_and_blocking_pins() -> None:
    findings = [
        _f(3, path="docs/official-docs/redis.md", message="Redis pin TBD"),
        _f(
            4,
            Severity.WARNING,
            "link-dead",
            path="docs/official-docs/redis.md",
            message="404 at https://x.example",
        ),
        _f(8, Severity.WARNING, "link-unverified", path="docs/b.md", message="bot wall"),
        _f(2, Severity.INFO, "pin-drift", path="docs/b.md"),
    ]
    text = summary.render(findings, SUMMARY_CTX)
    assert text.startswith("## forgea-hooks")
    assert "1 error" in text and "2 warnings" in text and "1 note" in text
    assert "### Findings by file" in text
    assert "<code>docs/official-docs/redis.md</code>" in text
    links = text.split("### Dead or unverified links")[1].split("###")[0]
    assert "link-dead" in links and "link-unverified" in links and "pin-drift" not in links
    pins = text.split("### Unknown pins that block implementation")[1]
    assert "Redis pin TBD" in pins
    assert "cut to stay under" not in text


def test_summary_without_findings() -> None:
    text = summary.render([], SUMMARY_CTX)
    assert "no findings" in text
    assert "Findings by file" not in text


def test_long_lists_are_folded() -> None:
    findings = [_f(n, rule="link-dead", message=f"dead {n}") for n in range(1, 30)]
    text = summary.render(findings, SUMMARY_CTX)
    links = text.split("### Dead or unverified links")[1]
    assert links.lstrip().startswith("<details><summary>29 items</summary>")
    assert "<details><summary><code>docs/a.md</code>" in text  # more than 10 in one file: closed


def test_a_huge_summary_stays_under_one_mib_with_a_note() -> None:
    findings = [_f(n % 50000 + 1, path=f"docs/f{n % 40}.md", message="y" * 400) for n in range(6000)]
    text = summary.render(findings, SUMMARY_CTX, already_written=10_000)
    assert size(text) + 10_000 < summary.SUMMARY_LIMIT
    assert "cut to stay under GitHub's 1 MiB limit" in text
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


def test_no_pointer_notice_when_everything_was_annotated() -> None:
    lines = annotate.commands([_f(1), _f(2, Severity.WARNING)])
    assert len(lines) == 2
    assert not any(line.startswith("::notice") for line in lines)

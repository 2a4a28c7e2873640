"""Render the Action's PR comment and job summary as GitHub would, and screenshot them.

    python tests/screens.py FINDINGS.json OUT_PREFIX [--changed PATH ...] [--docs N]

FINDINGS.json is ``forgea-hooks check --format json`` output. Writes OUT_PREFIX-comment.{md,html,png}
and OUT_PREFIX-summary.{md,html,png} (with --both, OUT_PREFIX-both.png too), and prints each page's
height in CSS pixels. Needs Debian's ``cmark-gfm`` and ``chromium`` (not a test: the README's
pictures in docs/ are made with it). Run it with another checkout first on PYTHONPATH to render
that version's comment (a before/after).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from forgea_hooks.action import comment, summary
from forgea_hooks.findings import Finding, Severity

WIDTH = 900
CSS = """
body { font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif;
       font-size: 14px; line-height: 1.5; color: #1f2328; background: #fff; margin: 0; padding: 16px; }
.box { border: 1px solid #d1d9e0; border-radius: 6px; max-width: 850px; margin-bottom: 24px; }
.who { background: #f6f8fa; border-bottom: 1px solid #d1d9e0; padding: 8px 16px; color: #59636e;
       border-radius: 6px 6px 0 0; }
.who b { color: #1f2328; }
.md { padding: 16px; overflow-wrap: break-word; }
.md > *:first-child { margin-top: 0; }
h2, h3 { margin: 24px 0 16px; font-weight: 600; line-height: 1.25; }
h2 { font-size: 1.5em; border-bottom: 1px solid #d1d9e0; padding-bottom: .3em; }
h3 { font-size: 1.25em; }
p, ul, table, details, blockquote { margin: 0 0 16px; }
ul { padding-left: 2em; } li + li { margin-top: .25em; }
a { color: #0969da; text-decoration: none; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 85%;
       background: rgba(129,139,152,.12); border-radius: 6px; padding: .2em .4em; }
table { border-collapse: collapse; display: block; width: max-content; max-width: 100%; overflow: auto; }
th, td { border: 1px solid #d1d9e0; padding: 6px 13px; }
tr:nth-child(2n) { background: #f6f8fa; }
th { font-weight: 600; }
details summary { cursor: pointer; }
blockquote { border-left: .25em solid #0969da; padding: 0 1em; color: #1f2328; }
"""


def _finding(data: dict[str, Any]) -> Finding:
    return Finding(
        path=data["path"],
        line=data["line"],
        column=data["column"],
        rule=data["rule"],
        severity=Severity(data["severity"]),
        message=data["message"],
        hint=data.get("hint", ""),
    )


def _fields(cls: Any, **values: Any) -> Any:
    """The context with the fields this version of the code has (an older one has fewer)."""
    names = {f.name for f in dataclasses.fields(cls)}
    return cls(**{k: v for k, v in values.items() if k in names})


def _gfm(markdown: str) -> str:
    # --unsafe keeps <details> and <br> as GitHub does; HTML comments stay invisible either way.
    done = subprocess.run(
        ["cmark-gfm", "--unsafe", "-e", "table", "-e", "autolink", "-e", "strikethrough", "-e", "tasklist"],
        input=markdown.encode("utf-8"),
        capture_output=True,
        check=True,
    )
    return done.stdout.decode("utf-8")


def _html(boxes: list[tuple[str, str]]) -> str:
    shown = "".join(
        f"<div class=box><div class=who>{who}</div><div class=md>{_gfm(md)}</div></div>" for who, md in boxes
    )
    return (
        f"<!doctype html><meta charset=utf-8><style>{CSS}</style>{shown}"
        "<script>const boxes = document.querySelectorAll('.box');"
        "document.title = 'H' + Math.ceil(boxes[boxes.length - 1].getBoundingClientRect().bottom + 16)</script>"
    )


def _chromium(page: Path, *extra: str) -> str:
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [
                "chromium",
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                f"--user-data-dir={profile}",
                *extra,
                page.as_uri(),
            ],
            capture_output=True,
            timeout=120,
            check=False,
        )
    return done.stdout.decode("utf-8", "replace")


def shoot(boxes: list[tuple[str, str]], out: Path) -> int:
    """Writes out.md, out.html and out.png; returns the page's height in CSS pixels."""
    out.with_suffix(".md").write_text("\n\n".join(md for _, md in boxes), encoding="utf-8")
    page = out.with_suffix(".html")
    page.write_text(_html(boxes), encoding="utf-8")
    dom = _chromium(page, f"--window-size={WIDTH},100", "--dump-dom")
    match = re.search(r"<title>H(\d+)</title>", dom)
    height = int(match.group(1)) if match else 800
    _chromium(page, f"--window-size={WIDTH},{height}", f"--screenshot={out.with_suffix('.png')}")
    return height


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("findings", type=Path)
    parser.add_argument("out")
    parser.add_argument("--changed", nargs="*", default=[])
    parser.add_argument("--docs", type=int, default=2)
    parser.add_argument("--artifact", default="")
    parser.add_argument("--both", action="store_true", help="also one picture of the comment above the summary")
    args = parser.parse_args(argv)
    data = json.loads(args.findings.read_text(encoding="utf-8"))
    findings = [_finding(item) for item in data["findings"]]
    sha = "3f9c2e17a4b8d05c6e1f2a3b4c5d6e7f80912345"
    run_url = "https://github.com/acme/platform/actions/runs/12345678"
    ctx = _fields(
        comment.CommentContext,
        repository="acme/platform",
        server_url="https://github.com",
        head_sha=sha,
        run_url=run_url,
        docs_checked=args.docs,
        fail_on="error",
        link_sha=sha,
        changed=frozenset(args.changed),
        rest_where=f"the [job summary]({run_url})",
    )
    body = comment.render_failing(findings, ctx)
    out = Path(args.out)
    who = "<b>github-actions</b> <span>bot</span> commented"
    height = shoot([(who, body)], Path(f"{out}-comment"))
    print(f"comment: {len(body):,} characters, {height} px")
    sctx = _fields(
        summary.SummaryContext,
        scope=f"pull request #42: {args.docs} changed doc{'' if args.docs == 1 else 's'}, listed by git",
        files_checked=args.docs,
        comment="updated",
        comment_url="https://github.com/acme/platform/pull/42#issuecomment-1",
        tool_warnings=[],
        report_path="/home/runner/work/_temp/forgea-hooks-report.json",
        server_url="https://github.com",
        repository="acme/platform",
        sha=sha,
        fail_on="error",
        pr_number=42,
        changed=frozenset(args.changed),
        artifact_name=args.artifact,
        run_url=run_url,
        sarif_path="results.sarif",
    )
    text = summary.render(findings, sctx)
    height = shoot([("<b>Summary</b> · check-docs", text)], Path(f"{out}-summary"))
    print(f"summary: {len(text):,} characters, {height} px")
    if args.both:
        height = shoot([(who, body), ("<b>Summary</b> · check-docs", text)], Path(f"{out}-both"))
        print(f"comment and summary: {height} px")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

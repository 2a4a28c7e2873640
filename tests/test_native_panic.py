"""markdown-it.rs 0.6 panics on a backtick run that opens no code span after a ``[`` (code_pair.rs:87).
The adapter catches that, but Rust prints the panic (and a backtrace under RUST_BACKTRACE) to stderr
first, so documents/parsers/native.py sends every doc that could panic it to the fallback parser
without calling the native one. These tests run in fresh interpreters with RUST_BACKTRACE=1 and read
their stderr, where the panic would show."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("forgea_hooks.documents.parsers.native", reason="markdown-it-pyrs is not installed")

from forgea_hooks.api import PARALLEL_THRESHOLD
from forgea_hooks.documents.parsers import native
from tests import fresh

# Each made markdown-it.rs 0.6 panic before the pre-check: an unclosed run in a link's text, an
# image's, a closed link's, a table cell's; one after a run an escape, inline HTML or a link
# destination took; one in a paragraph's second line; one in a lazy line that looks like a fence;
# two in a table's header row with no ``|`` (one that looks like a fence).
TRIGGERS = [
    "- Technology: X [`n",
    "See [a`b for it.",
    "[`a]",
    "![`a",
    "[`a](https://example.invalid/a)",
    "[a](`) [` x",
    '[<a b="`"> `',
    "[\\` `",
    "[a\n`b",
    "x\n\n    ```\n[a\n    ```",
    "* ~~~[`\n---:",
    "b`\n[`a\n---:",
    "| Name | Source |\n| --- | --- |\n| [`a | b` |",
]


def doc(body: str) -> str:
    return f"# Postgres\n\n- Technology: PostgreSQL\n- Version pin: 16.2\n\n{body}\n"


def run(args: list[str], cwd: Path, parser: str | None) -> subprocess.CompletedProcess[str]:
    return fresh.cli(args, cwd, env={"RUST_BACKTRACE": "1", **({"FORGEA_HOOKS_PARSER": parser} if parser else {})})


@pytest.mark.parametrize("text", TRIGGERS)
def test_the_native_parser_alone_panics_on_each_trigger(text: str) -> None:
    """What the pre-check is for: without it each of these would print a panic."""
    assert native._may_panic(doc(text).split("\n"))
    with pytest.raises(BaseException):  # noqa: B017 (pyo3's PanicException derives from BaseException)
        native._PARSER.tree(doc(text))


@pytest.mark.parametrize("whole_tree", [False, True], ids=["named-files", "whole-tree"])
def test_no_panic_reaches_stderr_and_findings_are_the_fallbacks(tmp_path: Path, whole_tree: bool) -> None:
    folder = tmp_path / "docs" / "official-docs"
    folder.mkdir(parents=True)
    names = []
    # Enough docs for the worker pool (forked processes) on a whole-tree run.
    for copy in range(PARALLEL_THRESHOLD // len(TRIGGERS) + 1 if whole_tree else 1):
        for index, text in enumerate(TRIGGERS):
            name = f"docs/official-docs/t{copy}-{index}.md"
            (tmp_path / name).write_text(doc(text), encoding="utf-8")
            names.append(name)
    args = ["check", "--root", ".", "--format", "json", "--no-cache", *([] if whole_tree else names)]
    default = run(args, tmp_path, None)
    pure = run(args, tmp_path, "pure")
    assert "panicked" not in default.stderr
    assert "code_pair" not in default.stderr
    assert default.returncode == pure.returncode == 1, default.stderr
    findings = json.loads(default.stdout)["findings"]
    assert findings == json.loads(pure.stdout)["findings"]
    assert {finding["path"] for finding in findings} >= set(names[: len(TRIGGERS)])


def test_docs_with_closed_code_spans_keep_the_native_parser() -> None:
    closed = [
        "[`a`](https://example.invalid/a) and `b`",
        "See [the docs](https://example.invalid/a), `c` and <https://example.invalid/b> `d`.",
        "| `a` | [b](https://example.invalid/b) |\n| --- | --- |\n| `c` | <!-- x --> `d` |",
        "A span `over\ntwo lines` in [a](https://example.invalid/a).",
        "```sh\necho `a\n```\n\n[a](https://example.invalid/a)",
        "versions <= 2 [x](https://example.invalid/x) `y`",
    ]
    assert [text for text in closed if native._may_panic(doc(text).split("\n"))] == [closed[4]]


# Strings of the characters that make code spans, links, images, tags and autolinks, and blocks.
HYPOTHESIS_SCRIPT = r"""
import sys
from hypothesis import HealthCheck, given, settings, strategies as st
from forgea_hooks.documents.parsers import native

extra = ["`", "[", " ", "|", "\\", "-", "> ", "```", "\n\n", "](", "<!--", "-->"]
pieces = st.sampled_from(list("[]`!()<>ab\n") + extra)

@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(st.lists(pieces, max_size=40).map("".join))
def check(text):
    native.parse(text)
    if not native._may_panic(text.split("\n")):
        try:
            native._PARSER.tree(text)
        except BaseException:
            raise AssertionError(f"a panic the pre-check lets through: {text!r}")

check()
print("checked")
"""


def test_generated_text_never_prints_a_panic() -> None:
    env = {key: value for key, value in os.environ.items() if key != "FORGEA_HOOKS_PARSER"}
    env["RUST_BACKTRACE"] = "1"
    result = subprocess.run(
        [sys.executable, "-c", HYPOTHESIS_SCRIPT],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == "checked"
    assert "panicked" not in result.stderr, result.stderr[-3000:]

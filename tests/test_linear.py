"""Issue #9, case 5: no doc line takes time that grows with its square. Each shape below once took
seconds at 100 KB (a regex that restarts at every character of a run and rescans the run); each is
timed through the whole check at 100 KB and at 1 MB (the best of a few runs, in CPU time), and must
grow linearly: 10x the text within 20x the time. No absolute time is asserted."""

from __future__ import annotations

import io
import json
import time
from collections.abc import Callable
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from forgea_hooks.cli import main

HEAD = "# REQUIRED OFFICIAL DOCUMENTATION\n\n"
ENTRY = HEAD + "- Technology: X\n  - Exact version requirement: "

SHAPES: dict[str, Callable[[int], str]] = {
    "pin-of-carets": lambda n: ENTRY + "^" * n + "a 16.4\n",
    "pin-spaces-then-word": lambda n: ENTRY + "16.4" + " " * n + "x\n",
    "pin-spaced-separators": lambda n: ENTRY + "16.4" + " ,  and ;" * (n // 9) + "\n",
    "heading-spaces-then-parenthesis": lambda n: "# a" + " " * n + "(\n",
    "heading-of-spaces-and-parentheses": lambda n: "# " + " (" * (n // 2) + "\n",
    "path-spaces-then-word": lambda n: HEAD + "## INTERNAL DOCS TO ADD OR EXTEND\n\n- Path: a" + " " * n + "b\n",
    "unclosed-disable-comment": lambda n: HEAD + "<!-- forgea-hooks: disable=" + " " * n + "\n",
    "unclosed-disable-comment-inline": lambda n: HEAD + "text <!-- forgea-hooks: disable=a" + " " * n + "\n",
    "technology-spaces-then-parenthesis": lambda n: ENTRY.replace("X", "a" + " " * n + "(") + "1\n",
    "home-paths": lambda n: HEAD + "see" + " (/home/a" * (n // 9) + "\n",
    "source-spaces": lambda n: HEAD + "- Technology: X\n  - Official source: https://a.example/" + " " * n + "x\n",
}


def _seconds(root: Path, make: Callable[[int], str], size: int, runs: int) -> float:
    doc = root / "docs/gatekeeper/x.md"
    best = float("inf")
    for run in range(runs):
        # Each run's text differs a little: the parse memoizes headings and pins, and a run that
        # finds its text memoized measures nothing.
        doc.write_text(make(size - run * 9), encoding="utf-8")
        out = io.StringIO()
        # This process's CPU time, not the wall clock: the suite shares the machine, and another
        # process's burst would land in one run and not the other. A single path is checked
        # in this process.
        start = time.process_time()
        with redirect_stdout(out):
            code = main(["check", "--root", str(root), "--no-cache", "--format", "json", str(doc)])
        best = min(best, time.process_time() - start)
        assert code in (0, 1)
        json.loads(out.getvalue())
    return best


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_one_long_line_is_checked_in_linear_time(tmp_path: Path, shape: str) -> None:
    (tmp_path / "docs/gatekeeper").mkdir(parents=True)
    make = SHAPES[shape]
    small = _seconds(tmp_path, make, 100_000, runs=3)
    large = _seconds(tmp_path, make, 1_000_000, runs=2)
    # A floor under the small run: at 100 KB a linear check takes a few milliseconds, where the
    # timer's and the machine's noise would make any ratio meaningless.
    ratio = large / max(small, 0.02)
    print(f"{shape}: 100 KB {small:.3f} s, 1 MB {large:.3f} s, ratio {ratio:.1f}")
    assert ratio < 20, f"{shape}: 1 MB took {ratio:.1f}x the time of 100 KB"

"""The fix engine and `forgea-hooks fix`, end to end on a messy tree and on the shared corpus."""

from __future__ import annotations

import difflib
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from forgea_hooks.cli import main
from tests.conftest import CORPUS
from tests.messy import build, run_git
from tests.test_precommit import environment, pre_commit_home, try_repo  # noqa: F401 - fixtures

REPORT = "docs/gatekeeper/D1-payments-ledger.md"


def findings(root: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> list[dict[str, object]]:
    main(["check", "--root", str(root), "--format", "json", "--no-cache", *extra])
    result: list[dict[str, object]] = json.loads(capsys.readouterr().out)["findings"]
    return result


def only_values_changed(before: bytes, after: bytes) -> None:
    """Every changed line differs only inside one or more replaced spans; the rest is the same bytes."""
    old, new = before.split(b"\n"), after.split(b"\n")
    assert len(old) == len(new)
    for left, right in zip(old, new, strict=True):
        if left != right:
            matcher = difflib.SequenceMatcher(a=left, b=right, autojunk=False)
            assert matcher.ratio() > 0.3, (left, right)
            assert left.endswith(b"\r") == right.endswith(b"\r")


def test_fix_on_the_messy_tree_reaches_a_fixed_point_in_one_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build(tmp_path)
    before_bytes = (tmp_path / REPORT).read_bytes()
    before = findings(tmp_path, capsys)
    assert main(["fix", "--root", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert f"{REPORT}:21:32: pin-range: '^7.3.0' -> '7.3.1'" in out
    assert (
        "path-absolute: '/Users/alice/code/payments/docs/official-docs/EPIC-D/prisma.md' -> "
        "'/docs/official-docs/EPIC-D/prisma.md'" in out
    )
    after = findings(tmp_path, capsys)
    assert len(after) == len(before) - 21
    fixed_rules = {"pin-range", "pin-unknown", "source-insecure", "source-unpinned-url", "path-absolute"}
    left = {(f["rule"], f["line"]) for f in after if f["rule"] in fixed_rules}
    # What stays needs a person: no install or registry pin to take, or no repo file a path could mean.
    assert ("path-absolute", 99) in left and ("pin-range", 105) in left  # a spike's path; Terraform 'latest'
    only_values_changed(before_bytes, (tmp_path / REPORT).read_bytes())
    assert run_git(tmp_path, "diff", "--stat").strip().splitlines()[-1].strip() == (
        "1 file changed, 20 insertions(+), 20 deletions(-)"
    )
    fixed = (tmp_path / REPORT).read_bytes()
    assert main(["fix", "--root", str(tmp_path)]) == 0  # idempotent: nothing left to do
    assert (tmp_path / REPORT).read_bytes() == fixed


def test_diff_prints_and_changes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    build(tmp_path)
    before = (tmp_path / REPORT).read_bytes()
    assert main(["fix", "--diff", "--root", str(tmp_path), "--rule", "source-insecure"]) == 1
    out = capsys.readouterr().out
    assert f"--- a/{REPORT}\n+++ b/{REPORT}\n" in out
    assert "-  - Official source: http://www.prisma.io/docs/orm/prisma-migrate\n" in out
    assert "+  - Official source: https://www.prisma.io/docs/orm/prisma-migrate\n" in out
    assert (tmp_path / REPORT).read_bytes() == before


def test_pin_inconsistent_only_when_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    build(tmp_path)
    assert main(["fix", "--root", str(tmp_path)]) == 1
    assert "pin-inconsistent" not in capsys.readouterr().out
    assert main(["fix", "--root", str(tmp_path), "--rule", "pin-inconsistent"]) == 1
    out = capsys.readouterr().out
    assert "pin-inconsistent: '2023-10-16' -> '2024-06-20'" in out and "pin-inconsistent: '7.2.0' -> '7.3.1'" in out
    assert not [f for f in findings(tmp_path, capsys) if f["rule"] == "pin-inconsistent"]
    assert main(["fix", "--root", str(tmp_path), "--rule", "section-missing"]) == 2
    assert "no repair for it" in capsys.readouterr().err


def test_line_endings_and_bom_are_kept(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    build(tmp_path, git=False)
    path = tmp_path / REPORT
    crlf = b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n")
    path.write_bytes(crlf)
    assert main(["fix", "--root", str(tmp_path)]) == 1
    capsys.readouterr()
    fixed = path.read_bytes()
    assert fixed.startswith(b"\xef\xbb\xbf") and fixed.count(b"\r\n") == crlf.count(b"\r\n")
    assert b"\n" not in fixed.replace(b"\r\n", b"")
    only_values_changed(crlf, fixed)
    assert b"Exact version requirement: 7.3.1\r\n" in fixed


def test_json_carries_the_fix_also_from_the_result_cache(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    build(tmp_path, git=False)
    for _ in range(2):  # the second run serves the report from the result cache
        main(["check", "--root", str(tmp_path), "--format", "json"])
        listed = json.loads(capsys.readouterr().out)["findings"]
        fix = next(f["fix"] for f in listed if f["rule"] == "pin-range" and f["line"] == 21)
        assert fix == {
            "range": {"start": {"line": 21, "column": 32}, "end": {"line": 21, "column": 38}},
            "replacement": "7.3.1",
        }
        assert not any("fix" in f for f in listed if f["rule"] == "field-missing")


def test_fix_on_the_shared_corpus_is_a_fixed_point_touching_only_values(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if not CORPUS.is_dir():
        pytest.skip("the shared corpus (../shared) is not beside this checkout")
    for tree in ("valid", "invalid"):
        root = tmp_path / tree
        shutil.copytree(CORPUS / tree, root)
        before = {path: path.read_bytes() for path in root.rglob("*.md")}
        main(["fix", "--root", str(root)])
        main(["fix", "--root", str(root)])
        assert main(["fix", "--root", str(root)]) == 0
        capsys.readouterr()
        for path, data in before.items():
            only_values_changed(data, path.read_bytes())


def test_the_fixer_hook_through_pre_commit(tmp_path: Path, environment: dict[str, str]) -> None:  # noqa: F811
    build(tmp_path)
    done = try_repo(tmp_path, "forgea-docs-fix", environment)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "files were modified by this hook" in done.stdout
    assert "pin-range: '^7.3.0' -> '7.3.1'" in done.stdout
    run_git(tmp_path, "add", "-A")
    again = try_repo(tmp_path, "forgea-docs-fix", environment)
    assert again.returncode == 0, again.stdout + again.stderr
    assert subprocess.run(["git", "diff", "--quiet"], cwd=tmp_path, check=False).returncode == 0

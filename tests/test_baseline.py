"""The baseline end to end: adopt a messy tree, then only new findings fail."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from forgea_hooks import baseline
from forgea_hooks.action.comment import CommentContext, render_failing
from forgea_hooks.action.summary import SummaryContext, render
from forgea_hooks.baseline import fingerprints as baseline_fingerprints
from forgea_hooks.cli import main
from forgea_hooks.findings import Finding, Severity
from forgea_hooks.reporters.sarif import FINGERPRINT_KEY
from forgea_hooks.reporters.sarif import document as sarif_document
from tests.messy import build

REPORT = "docs/gatekeeper/D1-payments-ledger.md"


def check(root: Path, capsys: pytest.CaptureFixture[str], *paths: str) -> tuple[int, list[dict[str, object]], str]:
    code = main(["check", "--root", str(root), "--format", "json", "--no-cache", *paths])
    captured = capsys.readouterr()
    return code, json.loads(captured.out)["findings"], captured.err


def summary_line(root: Path, capsys: pytest.CaptureFixture[str]) -> str:
    main(["check", "--root", str(root), "--format", "text", "--no-cache"])
    return capsys.readouterr().err.strip().splitlines()[-1]


@pytest.fixture
def adopted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    build(tmp_path)
    code, before, _ = check(tmp_path, capsys)
    assert code == 1 and len(before) > 40
    assert main(["baseline", "--root", str(tmp_path)]) == 0
    assert f"{len(before)} baselined finding(s)" in capsys.readouterr().out
    return tmp_path


def edit(root: Path, old: str, new: str) -> None:
    path = root / REPORT
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_after_adoption_check_passes_and_counts_the_baselined(
    adopted: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, findings, _ = check(adopted, capsys)
    assert (code, findings) == (0, [])
    assert summary_line(adopted, capsys).endswith("0 error(s), 0 warning(s), 0 info; 52 baselined")


def test_a_new_finding_fails_and_old_ones_stay_quiet_after_lines_move(
    adopted: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Ten lines above every finding, and a new machine-local path.
    edit(adopted, "### REQUIRED OFFICIAL DOCUMENTATION\n", "### REQUIRED OFFICIAL DOCUMENTATION\n" + "\n" * 10)
    edit(adopted, "- Technology: Zod\n", "- Technology: Zod\n  - Note: see /Users/carol/zod-notes.md\n")
    code, findings, _ = check(adopted, capsys)
    assert code == 1
    assert [(f["rule"], f["message"]) for f in findings] == [
        ("path-absolute", "machine-local path '/Users/carol/zod-notes.md' resolves on one machine only")
    ]


def test_editing_a_line_keeps_its_finding_baselined_unless_the_subject_changes(
    adopted: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(
        adopted,
        "- Official source: http://www.prisma.io/docs/orm/prisma-migrate",
        "- **Official source:** http://www.prisma.io/docs/orm/prisma-migrate",
    )
    assert check(adopted, capsys)[:2] == (0, [])
    edit(adopted, "Exact version requirement: 7.2.x", "Exact version requirement: 7.1.x")
    _, findings, _ = check(adopted, capsys)
    assert sorted((f["rule"], f["severity"]) for f in findings) == [
        ("baseline-stale", "info"),
        ("pin-range", "warning"),
    ]
    stale = next(f for f in findings if f["rule"] == "baseline-stale")
    assert "'7.2.x'" in str(stale["message"]) and "--prune" in str(stale["hint"])


def test_a_repeated_subject_beyond_the_recorded_count_is_new(adopted: Path, capsys: pytest.CaptureFixture[str]) -> None:
    recorded = json.loads((adopted / baseline.BASELINE_FILE).read_text(encoding="utf-8"))["findings"]
    unknown = [e for e in recorded if e["message"] == "the version pin 'VERSION UNKNOWN' has no version"]
    assert unknown[0]["count"] == 1
    edit(adopted, "Required version pin: 1.9.8", "Required version pin: VERSION UNKNOWN")
    _, findings, _ = check(adopted, capsys)
    assert [(f["rule"], f["line"]) for f in findings] == [("pin-unknown", 278)]


def test_prune_drops_what_is_fixed_and_adds_nothing_update_records_afresh(
    adopted: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = adopted / baseline.BASELINE_FILE
    edit(adopted, "http://www.iso.org/", "https://www.iso.org/")  # fixes one
    edit(adopted, "- Technology: Zod\n", "- Technology: Zod\n  - Note: /home/dave/x.md\n")  # adds one
    assert main(["baseline", "--prune", "--root", str(adopted)]) == 0
    assert "51 baselined finding(s) in 2 file(s) (0 added, 1 removed)" in capsys.readouterr().out
    _, findings, _ = check(adopted, capsys)
    assert [f["rule"] for f in findings] == ["path-absolute"]
    pruned = path.read_bytes()
    assert main(["baseline", "--prune", "--root", str(adopted)]) == 0
    assert path.read_bytes() == pruned  # stable, sorted, the same bytes twice
    assert main(["baseline", "--update", "--root", str(adopted)]) == 0
    assert "(1 added, 0 removed)" in capsys.readouterr().out
    assert check(adopted, capsys)[:2] == (0, [])


def test_a_run_over_some_paths_calls_nothing_elsewhere_gone(adopted: Path, capsys: pytest.CaptureFixture[str]) -> None:
    registry = "docs/official-docs-registry.md"
    code, findings, _ = check(adopted, capsys, str(adopted / registry))
    assert (code, findings) == (0, [])


def test_sarif_and_the_baseline_share_the_fingerprint(adopted: Path) -> None:
    finding = Finding(REPORT, 9, 1, "pin-range", Severity.WARNING, "the Redis pin  '7.2.x' is a range")
    assert baseline_fingerprints([finding]) == [baseline.identity(finding) + ":1"]
    log = sarif_document([finding], {}, "0")
    assert log["runs"][0]["results"][0]["partialFingerprints"] == {FINGERPRINT_KEY: baseline.identity(finding) + ":1"}
    recorded = json.loads((adopted / baseline.BASELINE_FILE).read_text(encoding="utf-8"))["findings"]
    assert all(
        entry["fingerprint"] == baseline.Entry(entry["path"], entry["rule"], entry["message"], 1).fingerprint
        for entry in recorded
    )


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("{", "not valid JSON"),
        ('{"version": 9, "findings": []}', "not a forgea-hooks baseline"),
        ('{"version": 1, "findings": [{"path": "a", "rule": "r", "message": "m", "count": 0}]}', "count >= 1"),
        (b"\xff\xfe", "not UTF-8"),
    ],
)
def test_a_bad_baseline_is_exit_2_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | bytes, words: str
) -> None:
    target = tmp_path / baseline.BASELINE_FILE
    target.write_bytes(content if isinstance(content, bytes) else content.encode())
    assert main(["check", "--root", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert words in err and baseline.BASELINE_FILE in err and "Traceback" not in err


def test_a_baseline_outside_the_root_or_a_symlink_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ".forgea-hooks.yaml").write_text("baseline: ../elsewhere.json\n", encoding="utf-8")
    assert main(["baseline", "--root", str(tmp_path)]) == 2
    assert "outside the root" in capsys.readouterr().err
    (tmp_path / ".forgea-hooks.yaml").unlink()
    (tmp_path / baseline.BASELINE_FILE).symlink_to("/etc/passwd")
    assert main(["check", "--root", str(tmp_path)]) == 2
    assert "symbolic link" in capsys.readouterr().err


def test_the_action_says_how_many_are_not_shown() -> None:
    finding = Finding(REPORT, 3, 1, "pin-range", Severity.ERROR, "x")
    comment = render_failing(
        [finding], CommentContext("o/r", "https://github.com", "a" * 40, "https://run", 1, baselined=61)
    )
    assert "61 baselined findings not shown" in comment
    ctx = SummaryContext("this PR", 1, "", [], "", "https://github.com", "o/r", "a" * 40, baselined=1)
    assert "1 baselined finding not shown" in render([finding], ctx)

"""The command line people know from ruff and markdownlint-cli2: colour, --select/--ignore,
--fail-on, --statistics, and a hint said once per rule and file."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from forgea_hooks.cli import main, use_color

ANSI = "\033["


@pytest.fixture
def invalid(corpus_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = corpus_copy / "invalid"
    monkeypatch.chdir(root)
    for name in ("GITHUB_ACTIONS", "NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    return root


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("choice", "environ", "terminal", "expected"),
    [
        ("auto", {}, True, True),
        ("auto", {}, False, False),
        ("auto", {"NO_COLOR": "1"}, True, False),
        ("auto", {"FORCE_COLOR": "1"}, False, True),
        ("auto", {"NO_COLOR": ""}, True, True),  # set but empty: ignored, as no-color.org says
        ("auto", {"TERM": "dumb"}, True, False),
        ("always", {"NO_COLOR": "1"}, False, True),
        ("never", {"FORCE_COLOR": "1"}, True, False),
    ],
)
def test_when_to_colour(choice: str, environ: dict[str, str], terminal: bool, expected: bool) -> None:
    stream = Terminal() if terminal else io.StringIO()
    assert use_color(choice, stream, environ) is expected


def test_colour_reaches_the_text_output_only_when_asked(
    invalid: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    main(["check", "--no-cache"])
    plain = capsys.readouterr().out
    assert plain and ANSI not in plain
    main(["check", "--no-cache", "--color", "always"])
    coloured = capsys.readouterr().out
    assert ANSI in coloured
    monkeypatch.setenv("FORCE_COLOR", "1")
    main(["check", "--no-cache"])
    assert capsys.readouterr().out == coloured
    main(["check", "--no-cache", "--format", "json"])
    assert ANSI not in capsys.readouterr().out


def test_select_and_ignore(invalid: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--no-cache", "--select", "pin-range,source-insecure"]) == 1
    rules = {line.split()[2] for line in capsys.readouterr().out.splitlines() if not line.startswith(" ")}
    assert rules == {"pin-range", "source-insecure"}
    main(["check", "--no-cache", "--ignore", "pin-drift"])
    out = capsys.readouterr().out
    assert "pin-drift" not in out and "pin-range" in out
    # Only path-missing (warnings here): nothing fails.
    assert main(["check", "--no-cache", "--select", "path-missing"]) == 0
    capsys.readouterr()


@pytest.mark.parametrize("flag", ["--select", "--ignore"])
def test_an_unknown_rule_is_exit_2_with_the_nearest(
    invalid: Path, capsys: pytest.CaptureFixture[str], flag: str
) -> None:
    assert main(["check", flag, "pin-drif"]) == 2
    assert "no rule 'pin-drif'; did you mean 'pin-drift'?" in capsys.readouterr().err


def test_fail_on(invalid: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--no-cache", "--fail-on", "never"]) == 0
    assert main(["check", "--no-cache", "--select", "path-missing", "--fail-on", "warning"]) == 1
    assert main(["check", "--no-cache", "--select", "path-missing", "--fail-on", "error"]) == 0
    assert main(["check", "--no-cache", "--select", "path-placeholder", "--ignore", "path-placeholder"]) == 0
    capsys.readouterr()
    assert main(["check", "nowhere.md", "--fail-on", "never"]) == 2  # a usage error is never a pass


def test_statistics(invalid: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--no-cache", "--statistics"]) == 1
    captured = capsys.readouterr()
    rows = captured.out.splitlines()
    assert rows and all(":" not in row for row in rows)  # counts, not findings
    counts = [int(row.split()[0]) for row in rows]
    assert counts == sorted(counts, reverse=True)
    assert any(row.split()[1] == "section-missing" and "(5 error)" in row for row in rows)
    assert "error(s)" in captured.err  # the summary line stays


def test_a_hint_is_said_once_per_rule_and_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = tmp_path / "docs" / "tasks" / "task-A1-2026-01-05.md"
    doc.parent.mkdir(parents=True)
    sections = "\n\n".join(
        f"## {name}\n\nx"
        for name in ("Required schema changes", "Migration strategy", "Rollback", "Acceptance criteria")
    )
    doc.write_text(f"{sections}\n\n## Required version pins\n\n- Prisma: TBD\n- Redis: TBD\n- Node.js: TBD\n")
    assert main(["check", "--root", str(tmp_path), "--no-cache", str(doc)]) == 1
    out = capsys.readouterr().out
    assert out.count("pin-unknown") == 3
    assert out.count("hint:") == 1

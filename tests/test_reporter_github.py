"""Workflow-command annotations: GitHub's escaping, so doc text cannot forge or split a command."""

from __future__ import annotations

from forgea_hooks.findings import Finding, Severity
from forgea_hooks.reporters.github import annotation, command, escape_data, escape_property, render


def _finding(**overrides: object) -> Finding:
    values: dict[str, object] = {
        "path": "docs/tasks/task-A1-2024-01-01.md",
        "line": 7,
        "column": 3,
        "rule": "pin-unknown",
        "severity": Severity.ERROR,
        "message": "Prisma: the version is unknown",
        "hint": "",
    }
    values.update(overrides)
    return Finding(**values)  # type: ignore[arg-type]


def test_data_escaping_encodes_percent_first_and_line_breaks() -> None:
    assert escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert escape_data("%0A") == "%250A"


def test_property_escaping_also_encodes_colon_and_comma() -> None:
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_annotation_has_file_line_col_and_title() -> None:
    assert annotation(_finding()) == (
        "::error file=docs/tasks/task-A1-2024-01-01.md,line=7,col=3,title=pin-unknown::Prisma: the version is unknown"
    )


def test_severities_map_to_error_warning_notice() -> None:
    kinds = [annotation(_finding(severity=s)).split(" ", 1)[0] for s in Severity]
    assert kinds == ["::error", "::warning", "::notice"]


def test_a_message_cannot_start_a_new_command() -> None:
    hostile = "bad pin\n::add-mask::secret\r\n::set-output name=x::y"
    line = annotation(_finding(message=hostile))
    assert "\n" not in line and "\r" not in line
    assert line.endswith("::bad pin%0A::add-mask::secret%0D%0A::set-output name=x::y")


def test_a_path_cannot_add_properties() -> None:
    line = annotation(_finding(path="docs/a,line=1:b.md"))
    assert "file=docs/a%2Cline=1%3Ab.md,line=7" in line


def test_file_level_finding_has_no_line_or_column() -> None:
    assert annotation(_finding(line=0, column=0)).startswith("::error file=docs/tasks/task-A1-2024-01-01.md,title=")


def test_hint_rides_on_a_second_message_line() -> None:
    assert annotation(_finding(hint="pin it in the registry")).endswith("unknown%0AHint: pin it in the registry")


def test_render_emits_every_finding_in_order_one_per_line() -> None:
    findings = [_finding(line=n, severity=Severity.INFO if n % 2 else Severity.ERROR) for n in range(1, 26)]
    lines = render(findings).splitlines()
    assert len(lines) == 25
    assert [int(line.split("line=")[1].split(",")[0]) for line in lines] == list(range(1, 26))
    assert render([]) == ""


def test_command_without_properties() -> None:
    assert command("notice", "see the summary") == "::notice::see the summary"

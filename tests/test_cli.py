"""The CLI end to end through main(argv): exit codes, formats, bad input, configuration."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from forgea_hooks.cli import main, rules_markdown
from tests.conftest import REPO, run_json

GOOD_REPORT = """\
## REQUIRED OFFICIAL DOCUMENTATION

- Technology: PostgreSQL
  - Concept: Enums
  - Official source: https://www.postgresql.org/docs/16/datatype-enum.html
  - Exact version requirement: 16.4
  - Why required: Enum changes need their own migration.
  - What decision it informs: Migration layout.
  - What breaks without it: Failed deploys.

## DOCUMENTATION COVERAGE DECISION

✅ DOCUMENTATION COMPLETE
"""


def write(root: Path, relpath: str, text: str | bytes) -> Path:
    path = root / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _plain_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.chdir(tmp_path)


def test_exit_0_for_a_clean_doc(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, "docs/gatekeeper/a.md", GOOD_REPORT)
    assert main(["check"]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "1 file(s) checked: 0 error(s)" in captured.err


def test_exit_1_for_an_error_and_text_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, "docs/gatekeeper/a.md", GOOD_REPORT.replace("16.4", "TBD"))
    assert main(["check", "docs/gatekeeper/a.md"]) == 1
    out = capsys.readouterr().out
    assert "docs/gatekeeper/a.md:6:32: warning pin-unknown " in out
    assert "docs/gatekeeper/a.md:13:1: error decision-inconsistent " in out


def test_warnings_alone_exit_0(tmp_path: Path) -> None:
    write(tmp_path, "docs/gatekeeper/a.md", GOOD_REPORT.replace("https://www", "http://www"))
    assert main(["check"]) == 0


def test_path_absolute_in_the_body_and_in_a_front_matter_value_spelt_with_a_yaml_escape(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A doc whose text holds no marker skips the body scan; a YAML escape can still make one."""
    official = (
        '---\ntechnology: PostgreSQL\nversion: "16.4"\nofficial_source: https://www.postgresql.org/docs/16/\n'
        'notes: "\\x2Fhome/ana/pg.md"\n---\n\n# PostgreSQL\n\n## Purpose\n\nEnums.\n'
    )
    write(tmp_path, "docs/official-docs/EPIC-A/postgresql.md", official)
    write(tmp_path, "docs/gatekeeper/a.md", GOOD_REPORT.replace("Failed deploys.", "see /home/ana/notes/deploys.md."))
    write(tmp_path, "docs/gatekeeper/b.md", GOOD_REPORT)
    main(["check", "--format", "json"])
    found = json.loads(capsys.readouterr().out)["findings"]
    assert [(f["path"], f["line"]) for f in found if f["rule"] == "path-absolute"] == [
        ("docs/gatekeeper/a.md", 9),
        ("docs/official-docs/EPIC-A/postgresql.md", 5),
    ]


def test_an_empty_field_is_invalid_at_its_line_and_a_nested_list_fills_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = "  - Why required:\n"
    nested = "  - Why required:\n    - Enum changes need their own migration.\n"
    write(
        tmp_path,
        "docs/gatekeeper/a.md",
        GOOD_REPORT.replace("  - Why required: Enum changes need their own migration.\n", empty),
    )
    write(
        tmp_path,
        "docs/gatekeeper/b.md",
        GOOD_REPORT.replace("  - Why required: Enum changes need their own migration.\n", nested),
    )
    main(["check", "--format", "json"])
    found = json.loads(capsys.readouterr().out)["findings"]
    assert [(f["path"], f["line"], f["rule"], f["message"]) for f in found] == [
        ("docs/gatekeeper/a.md", 7, "field-invalid", "the field is empty in the entry for 'PostgreSQL'")
    ]


def test_exit_2_for_a_bad_config_naming_file_and_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, ".forgea-hooks.yaml", "rules:\n  pin-unknown: loud\n")
    write(tmp_path, "docs/gatekeeper/a.md", GOOD_REPORT)
    assert main(["check"]) == 2
    err = capsys.readouterr().err
    assert ".forgea-hooks.yaml" in err and "rules.pin-unknown" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("config", "words"),
    [
        ("colour: blue\n", "unknown key 'colour'"),
        ("kinds:\n  task: {paths: docs/tasks}\n", "kinds.task.paths"),
        ("rules:\n  no-such-rule: error\n", "rules.no-such-rule"),
        ("kinds:\n  task: {schema: missing.json}\n", "kinds.task.schema"),
        ("links:\n  retries: many\n", "links.retries"),
        ("- a\n- b\n", "mapping"),
        ("a: [\n", "not valid YAML"),
        ("x: &a [1, 1]\ny: &b [*a, *a]\nexclude: *b\n", "anchors and aliases"),
    ],
)
def test_config_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str], config: str, words: str) -> None:
    write(tmp_path, ".forgea-hooks.yaml", config)
    assert main(["check"]) == 2
    assert words in capsys.readouterr().err


def test_pyproject_table_is_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(
        tmp_path,
        "pyproject.toml",
        '[tool.forgea-hooks.rules]\npin-unknown = "off"\ndecision-inconsistent = "off"\n',
    )
    write(tmp_path, "docs/gatekeeper/a.md", GOOD_REPORT.replace("16.4", "TBD"))
    code, report = run_json(capsys, ["check", "--format", "json"])
    assert code == 0 and report["findings"] == []


def test_severity_per_kind_and_off(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(
        tmp_path,
        ".forgea-hooks.yaml",
        "rules:\n  pin-unknown: {gatekeeper-report: error}\n  source-insecure: off\n",
    )
    write(
        tmp_path,
        "docs/gatekeeper/a.md",
        GOOD_REPORT.replace("16.4", "TBD").replace("https://www", "http://www"),
    )
    code, report = run_json(capsys, ["check", "--format", "json"])
    findings = report["findings"]
    assert isinstance(findings, list)
    assert {(f["rule"], f["severity"]) for f in findings} == {
        ("pin-unknown", "error"),
        ("decision-inconsistent", "error"),
    }
    assert code == 1


def test_user_schema_replaces_the_bundled_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "properties": {"sections": {"required": ["owner"], "x-rule": "section-missing"}},
    }
    write(tmp_path, "schemas/task.json", json.dumps(schema))
    write(tmp_path, ".forgea-hooks.yaml", "kinds:\n  task: {schema: schemas/task.json}\n")
    write(
        tmp_path,
        "docs/tasks/task-A1-2026-01-02.md",
        "# Task\n\n## Required version pins\n\n- Prisma: 7.3.0\n",
    )
    code, report = run_json(capsys, ["check", "--format", "json"])
    assert [(f["rule"], f["message"]) for f in report["findings"]] == [("section-missing", "missing section 'owner'")]
    assert code == 1


def test_bad_user_schema_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, "s.json", '{"type": 12}')
    write(tmp_path, ".forgea-hooks.yaml", "kinds:\n  task: {schema: s.json}\n")
    write(tmp_path, "docs/tasks/task-A1-2026-01-02.md", "# Task\n")
    assert main(["check"]) == 2
    assert "s.json" in capsys.readouterr().err


def test_inline_disable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = GOOD_REPORT.replace(
        "  - Exact version requirement: 16.4",
        "  <!-- forgea-hooks: disable=pin-unknown -->\n  - Exact version requirement: TBD",
    ).replace(
        "✅ DOCUMENTATION COMPLETE",
        "<!-- forgea-hooks: disable=decision-inconsistent -->\n✅ DOCUMENTATION COMPLETE",
    )
    write(tmp_path, "docs/gatekeeper/a.md", text)
    code, report = run_json(capsys, ["check", "--format", "json"])
    assert report["findings"] == [] and code == 0


BAD_INPUTS: dict[str, bytes] = {
    "not-utf8.md": b"caf\xe9\n## REQUIRED OFFICIAL DOCUMENTATION\n",
    "binary.md": b"\x89PNG\r\n\x1a\n\x00\x00\x00",
    "bomb.md": b"---\na: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n---\n## Purpose\n",
    "badyaml.md": b"---\ntechnology: [unclosed\n---\n## Purpose\n",
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_is_a_finding_and_the_other_files_are_still_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    write(tmp_path, f"docs/official-docs/{name}", BAD_INPUTS[name])
    write(
        tmp_path,
        "docs/official-docs/z-good.md",
        "# X\n\n- Technology: X\n- Version pin: TBD\n\n## Purpose\n\nx\n",
    )
    code, report = run_json(capsys, ["check", "--format", "json"])
    rules = {(f["path"], f["rule"]) for f in report["findings"]}
    assert (f"docs/official-docs/{name}", "file-invalid") in rules
    assert ("docs/official-docs/z-good.md", "pin-unknown") in rules
    assert code == 1


def test_empty_file_has_every_section_missing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, "docs/tasks/task-A1-2026-01-02.md", "")
    _, report = run_json(capsys, ["check", "--format", "json"])
    missing = sorted(f["message"] for f in report["findings"] if f["rule"] == "section-missing")
    assert len(missing) == 5


def test_over_the_size_limit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, "docs/tasks/task-A1-2026-01-02.md", "x" * (5 * 1024 * 1024 + 1))
    _, report = run_json(capsys, ["check", "--format", "json"])
    assert [f["rule"] for f in report["findings"]] == ["file-invalid"]


def test_directory_where_a_file_was_expected_and_a_symlink_loop(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "docs/gatekeeper/dir.md").mkdir(parents=True)
    (tmp_path / "docs/gatekeeper/loop.md").symlink_to(tmp_path / "docs/gatekeeper/loop.md")
    code, report = run_json(capsys, ["check", "--format", "json", "docs/gatekeeper/dir.md", "docs/gatekeeper/loop.md"])
    found = {(f["path"], f["rule"]) for f in report["findings"]}
    assert found == {("docs/gatekeeper/dir.md", "file-invalid"), ("docs/gatekeeper/loop.md", "file-invalid")}
    assert code == 1


def test_fifo_is_not_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "docs/gatekeeper").mkdir(parents=True)
    os.mkfifo(tmp_path / "docs/gatekeeper/pipe.md")
    _, report = run_json(capsys, ["check", "--format", "json"])
    assert [(f["rule"], f["message"]) for f in report["findings"]] == [
        ("file-invalid", "the file is not a regular file (a FIFO, socket or device)")
    ]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_unreadable_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "docs/gatekeeper/a.md", GOOD_REPORT)
    path.chmod(0)
    _, report = run_json(capsys, ["check", "--format", "json"])
    assert [f["rule"] for f in report["findings"]] == ["file-invalid"]


def test_missing_path_is_exit_2_but_the_rest_is_checked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, "docs/gatekeeper/a.md", GOOD_REPORT.replace("16.4", "TBD"))
    code = main(["check", "--format", "json", "nope.md", "docs/gatekeeper/a.md"])
    captured = capsys.readouterr()
    assert code == 2
    assert "nope.md: no such file or directory" in captured.err
    assert "pin-unknown" in captured.out


def test_thousands_of_paths(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = [str(write(tmp_path, f"docs/gatekeeper/r{n}.md", GOOD_REPORT).relative_to(tmp_path)) for n in range(3000)]
    code, report = run_json(capsys, ["check", "--format", "json", *paths])
    assert code == 0 and report["summary"]["files"] == 3000


def test_sniffed_report_outside_the_globs_but_not_in_a_code_fence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, "notes/review.md", GOOD_REPORT.replace("16.4", "TBD"))
    write(tmp_path, "notes/readme.md", "# Notes\n\n```\n## REQUIRED OFFICIAL DOCUMENTATION\n```\n")
    write(tmp_path, "node_modules/x/review.md", GOOD_REPORT.replace("16.4", "TBD"))
    _, report = run_json(capsys, ["check", "--format", "json"])
    assert {f["path"] for f in report["findings"]} == {"notes/review.md"}
    assert report["summary"]["files"] == 1


def test_exclude(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, ".forgea-hooks.yaml", "exclude: ['docs/gatekeeper/old/**']\n")
    write(tmp_path, "docs/gatekeeper/old/a.md", "")
    code, report = run_json(capsys, ["check", "--format", "json"])
    assert report["findings"] == [] and code == 0


def test_json_paths_are_relative_to_the_working_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, "repo/docs/gatekeeper/a.md", "")
    _, report = run_json(capsys, ["check", "--format", "json", "--root", "repo"])
    assert {f["path"] for f in report["findings"]} == {"repo/docs/gatekeeper/a.md"}


def test_a_folder_named_that_holds_the_root_checks_the_docs_inside_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`check --root site .`: the folder named holds the root; the docs the root holds get their kinds."""
    # A task: no content sniffing would find its kind, only its path from the root.
    write(tmp_path, "site/docs/tasks/t.md", "# Task\n")
    write(tmp_path, "notes/b.md", "# Notes\n")
    code, report = run_json(capsys, ["check", "--format", "json", "--root", "site", "."])
    assert report["summary"]["files"] == 1
    assert {f["path"] for f in report["findings"]} == {"site/docs/tasks/t.md"}
    assert code == 1


def test_quiet_prints_errors_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, "docs/gatekeeper/a.md", GOOD_REPORT.replace("16.4", "TBD"))
    assert main(["check", "--quiet"]) == 1
    captured = capsys.readouterr()
    assert "pin-unknown" not in captured.out and "decision-inconsistent" in captured.out
    assert captured.err == ""


def test_github_format_is_the_default_under_actions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    write(tmp_path, "docs/gatekeeper/a.md", "")
    assert main(["check"]) == 1
    assert capsys.readouterr().out.startswith("::error file=docs/gatekeeper/a.md,line=1")


def test_dump_prints_the_model(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, "docs/gatekeeper/a.md", GOOD_REPORT)
    assert main(["dump", "docs/gatekeeper/a.md"]) == 0
    model = json.loads(capsys.readouterr().out)
    report = model["reports"][0]
    entry = report["sections"]["required official documentation"]["entries"][0]
    assert entry["fields"]["exact version requirement"] == {
        "key": "exact version requirement",
        "raw_key": "Exact version requirement",
        "value": "16.4",
        "line": 6,
        "items": [],
        "empty": False,
    }
    assert report["decision"] == {"text": "✅ DOCUMENTATION COMPLETE", "value": "complete", "line": 13}


def test_rules_lists_every_rule_of_the_spec(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert set(listed) == {
        "file-invalid", "section-missing", "field-missing", "field-invalid", "decision-invalid",
        "decision-inconsistent", "pin-unknown", "pin-unconfirmed", "pin-range", "pin-inconsistent",
        "pin-drift", "path-absolute", "path-placeholder", "path-missing", "source-missing",
        "source-insecure", "source-not-official", "source-unpinned-url", "link-dead", "link-redirect",
        "link-unverified", "link-blocked", "pin-eol", "pin-unreleased", "pin-behind",
        "release-data-unavailable", "baseline-stale", "report-handed-off",
    }  # fmt: skip
    assert listed["pin-unknown"]["severity"]["gatekeeper-report"] == "warning"
    assert all(entry["description"] != rule for rule, entry in listed.items())


def test_readme_rule_table_matches_the_rules() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme.split("<!-- rules-table:start -->\n", 1)[1].split("<!-- rules-table:end -->", 1)[0]
    assert table.strip() == rules_markdown().strip()


def test_python_dash_m_and_no_requests_on_the_offline_path(tmp_path: Path) -> None:
    write(tmp_path, "docs/gatekeeper/a.md", GOOD_REPORT)
    code = (
        "import sys, runpy; sys.argv = ['forgea_hooks', 'check'];\n"
        "try:\n    runpy.run_module('forgea_hooks', run_name='__main__')\n"
        "except SystemExit as exit:\n    assert exit.code == 0, exit.code\n"
        "assert 'requests' not in sys.modules, 'requests imported offline'\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr


def test_interrupt_is_a_message_and_130_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import forgea_hooks.api

    def interrupted(options: object, snapshot: object = None) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr(forgea_hooks.api, "run_check", interrupted)
    assert main(["check"]) == 130
    assert capsys.readouterr().err == "forgea-hooks: interrupted\n"

"""``forgea_hooks.action.main([])`` end to end: a real git repo of docs, the real check, and a
stand-in for GitHub's REST API on 127.0.0.1 (tests/ghapi.py).

Every run is checked for the token in everything it wrote: stdout, stderr, the job summary, the
step outputs, the JSON report, the SARIF file and every comment body it sent.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from forgea_hooks.action import run as run_module
from forgea_hooks.action.client import GitHubClient
from forgea_hooks.action.comment import ACTIONS_BOT, MARKER
from forgea_hooks.action.run import main
from forgea_hooks.api import CheckOptions, CheckResult, run_check
from tests.conftest import TREES
from tests.ghapi import Canned, FakeGitHub, serve

TOKEN = "ghs_e2eSecretToken_5f1d9a7c3b2e4d6f8a0b"
EVENTS = Path(__file__).parent / "fixtures" / "events"
SARIF_SCHEMA = json.loads((Path(__file__).parent / "fixtures" / "sarif-schema-2.1.0.json").read_text("utf-8"))
PR = 7
BOT = "forgea-bot"
BAD_DOCS = ("docs/gatekeeper/C4-billing.md", "docs/official-docs/EPIC-C/redis.md")
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
}


@dataclass
class Result:
    code: int
    out: str
    err: str
    summary: str
    outputs: dict[str, str]
    report: dict[str, Any]
    sarif: dict[str, Any]


class Harness:
    """A docs repo with a base (main) and a PR branch (feature), and a way to run the Action on it."""

    def __init__(self, tmp: Path, fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
        self.tmp = tmp
        self.fake = fake
        self.monkeypatch = monkeypatch
        self.capsys = capsys
        self.repo = tmp / "repo"
        self.runs = 0
        self.sleeps: list[float] = []
        shutil.copytree(TREES["valid"], self.repo)
        for path in self.repo.rglob("*"):
            path.chmod(0o755 if path.is_dir() else 0o644)
        self.git("init", "-q", "-b", "main")
        self.base = self.commit("Docs as they are on main")
        self.git("checkout", "-q", "-b", "feature")
        for doc in BAD_DOCS:
            target = self.repo / doc
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(TREES["invalid"] / doc, target)
        (self.repo / "notes.txt").write_text("not a doc\n", encoding="utf-8")
        self.head = self.commit("Billing and Redis docs")
        fake.heads[PR] = self.head
        # Writes are paced at 1 s in production; here the pacing and back-off sleeps are recorded.
        monkeypatch.setattr(
            run_module,
            "GitHubClient",
            functools.partial(GitHubClient, write_interval=0.0, sleep=self.sleeps.append),
        )

    def git(self, *args: str, cwd: Path | None = None) -> str:
        done = subprocess.run(
            ["git", "-c", "commit.gpgsign=false", *args],
            cwd=cwd or self.repo,
            env={**os.environ, **GIT_ENV},
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout.strip()

    def commit(self, message: str) -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD")

    def push_commit(self, message: str, remove: tuple[str, ...] = ()) -> str:
        """A new commit on the PR branch; GitHub's idea of the PR head follows it."""
        for doc in remove:
            (self.repo / doc).unlink()
        self.head = self.commit(message)
        self.fake.heads[PR] = self.head
        return self.head

    def event(self, name: str) -> Path:
        text = (EVENTS / f"{name}.json").read_text(encoding="utf-8")
        path = self.tmp / f"event-{self.runs}.json"
        path.write_text(text.replace("BASE_SHA", self.base).replace("HEAD_SHA", self.head), encoding="utf-8")
        return path

    def run(
        self, event: str = "pull_request", *, cwd: Path | None = None, env: Mapping[str, str] | None = None, **more: str
    ) -> Result:
        self.runs += 1
        n = self.runs
        files = {
            "GITHUB_STEP_SUMMARY": self.tmp / f"summary-{n}.md",
            "GITHUB_OUTPUT": self.tmp / f"output-{n}.txt",
            "RUNNER_TEMP": self.tmp / f"runner-temp-{n}",
            "FORGEA_SARIF_FILE": self.tmp / f"results-{n}.sarif",
        }
        files["RUNNER_TEMP"].mkdir()
        values = {
            "GITHUB_EVENT_NAME": event,
            "GITHUB_EVENT_PATH": str(self.event(event)),
            "GITHUB_REPOSITORY": self.fake.repository,
            "GITHUB_API_URL": self.fake.url,
            "GITHUB_SERVER_URL": "https://github.example",
            "GITHUB_RUN_ID": "4242",
            "GITHUB_SHA": self.head,
            "GITHUB_WORKSPACE": str(cwd or self.repo),
            "GITHUB_TOKEN": TOKEN,
            "FORGEA_LINKS": "false",
            "FORGEA_ONLINE": "false",
            **{name: str(path) for name, path in files.items()},
            **(env or {}),
            **more,
        }
        for name in (
            "FORGEA_PATHS",
            "FORGEA_COMMENT",
            "FORGEA_COMMENT_MODE",
            "FORGEA_ARTIFACT_NAME",
            "FORGEA_REVIEW",
            "FORGEA_FAIL_ON",
            "FORGEA_CONFIG",
            "GITHUB_ACTIONS",
        ):
            self.monkeypatch.delenv(name, raising=False)
        for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
            self.monkeypatch.delenv(name, raising=False)
        for name, value in values.items():
            self.monkeypatch.setenv(name, value)
        self.monkeypatch.chdir(cwd or self.repo)
        sent_before = len(self.fake.requests)
        code = main([])
        captured = self.capsys.readouterr()
        result = Result(
            code=code,
            out=captured.out,
            err=captured.err,
            summary=_read(files["GITHUB_STEP_SUMMARY"]),
            outputs=_outputs(_read(files["GITHUB_OUTPUT"])),
            report=json.loads(_read(files["RUNNER_TEMP"] / "forgea-hooks-report.json") or "{}"),
            sarif=json.loads(_read(files["FORGEA_SARIF_FILE"]) or "{}"),
        )
        written = [captured.out, captured.err, *(_read(p) for p in files.values() if p.is_file())]
        written += [_read(p) for p in files["RUNNER_TEMP"].iterdir()]
        written += [json.dumps(r.body) for r in self.fake.requests[sent_before:]]
        assert not [text for text in written if TOKEN in text], "the token leaked into an output"
        return result

    def ours(self) -> list[dict[str, Any]]:
        return self.fake.by(PR, self.fake.login or ACTIONS_BOT)


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def _outputs(text: str) -> dict[str, str]:
    return {m[0]: m[2] for m in re.findall(r"^([\w-]+)<<(\S+)\n(.*?)\n\2$", text, flags=re.M | re.S)}


@pytest.fixture
def gh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Iterator[Harness]:
    with serve(FakeGitHub(TOKEN, login=BOT)) as fake:
        yield Harness(tmp_path, fake, monkeypatch, capsys)


def _methods(fake: FakeGitHub) -> list[str]:
    return [f"{r.method} {r.path}" for r in fake.writes()]


# -- the sticky comment -----------------------------------------------------------------------


def test_first_run_checks_the_changed_docs_and_creates_one_comment(gh: Harness) -> None:
    result = gh.run()
    assert result.code == 1
    assert {f["path"] for f in result.report["findings"]} == set(BAD_DOCS)
    assert result.report["summary"]["paths"] == sorted(BAD_DOCS)
    assert "listed by git" in result.report["summary"]["scope"]
    [comment] = gh.ours()
    assert comment["body"].startswith(MARKER)
    assert "C4-billing.md" in comment["body"]
    assert result.outputs["comment-url"] == comment["html_url"]
    assert _methods(gh.fake) == [f"POST /repos/acme/docs/issues/{PR}/comments"]


def test_outputs_summary_annotations_report_and_sarif(gh: Harness) -> None:
    result = gh.run()
    summary = result.report["summary"]
    assert result.outputs["errors"] == str(summary["errors"]) != "0"
    assert result.outputs["warnings"] == str(summary["warnings"])
    assert Path(result.outputs["report"]).name == "forgea-hooks-report.json"
    assert result.summary.startswith("## forgea-hooks")
    assert "### Blocking:" in result.summary
    assert "### Unknown pins:" in result.summary
    assert "PR comment: [created](" in result.summary
    assert "on the runner only" in result.summary
    annotations = [line for line in result.out.splitlines() if re.match(r"::(error|warning) file=", line)]
    assert annotations and annotations[0].startswith("::error file=")
    assert len([a for a in annotations if a.startswith("::error")]) <= 10
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(result.sarif)
    assert len(result.sarif["runs"][0]["results"]) == len(result.report["findings"])


def test_second_run_after_a_push_updates_the_same_comment(gh: Harness) -> None:
    gh.run()
    [first] = gh.ours()
    gh.push_commit("Drop the billing doc", remove=("docs/gatekeeper/C4-billing.md",))
    result = gh.run()
    [second] = gh.ours()
    assert second["id"] == first["id"]
    assert "C4-billing.md" not in second["body"] and "redis.md" in second["body"]
    assert _methods(gh.fake)[-1] == f"PATCH /repos/acme/docs/issues/comments/{first['id']}"
    assert result.outputs["comment-url"] == first["html_url"]


def test_an_unchanged_body_is_not_written_again(gh: Harness) -> None:
    gh.run()
    writes = len(gh.fake.writes())
    result = gh.run()
    assert len(gh.fake.writes()) == writes
    assert result.report["summary"]["comment"] == "unchanged"
    assert result.outputs["comment-url"] == gh.ours()[0]["html_url"]


def test_our_comment_is_found_on_page_two_among_150_others(gh: Harness) -> None:
    for n in range(120):
        gh.fake.add_comment(PR, f"reviewer{n % 7}", f"looks good {n}")
    ours = gh.fake.add_comment(PR, BOT, f"{MARKER}\nan old report")
    for n in range(30):
        gh.fake.add_comment(PR, "reviewer", f"later {n}")
    gh.run()
    assert _methods(gh.fake) == [f"PATCH /repos/acme/docs/issues/comments/{ours['id']}"]
    pages = [r.query.get("page", "1") for r in gh.fake.requests if r.path.endswith(f"/issues/{PR}/comments")]
    assert pages == ["1", "2"]
    assert len(gh.fake.comments[PR]) == 151


def test_a_copied_marker_in_someone_elses_comment_is_left_alone(gh: Harness) -> None:
    theirs = gh.fake.add_comment(PR, "mallory", f"{MARKER}\nplease edit me")
    gh.run()
    assert theirs["body"] == f"{MARKER}\nplease edit me"
    assert len(gh.ours()) == 1
    assert all(str(theirs["id"]) not in r.path for r in gh.fake.writes())


def test_duplicates_from_a_race_are_reduced_to_one(gh: Harness) -> None:
    older = gh.fake.add_comment(PR, BOT, f"{MARKER}\nrun A")
    newer = gh.fake.add_comment(PR, BOT, f"{MARKER}\nrun B")
    gh.run()
    assert [c["id"] for c in gh.ours()] == [older["id"]]
    assert _methods(gh.fake) == [
        f"DELETE /repos/acme/docs/issues/comments/{newer['id']}",
        f"PATCH /repos/acme/docs/issues/comments/{older['id']}",
    ]


def test_a_late_run_for_an_older_head_leaves_the_newer_comment_alone(gh: Harness) -> None:
    older = gh.head
    gh.run()
    gh.push_commit("Drop the billing doc", remove=("docs/gatekeeper/C4-billing.md",))
    gh.run()
    [newer_comment] = gh.ours()
    writes = len(gh.fake.writes())
    gh.head = older  # the run for the first push finishes last, and the API still names it head
    gh.fake.heads[PR] = older
    result = gh.run()
    assert len(gh.fake.writes()) == writes
    assert gh.ours() == [newer_comment]
    assert "a later commit" in result.out
    assert result.code == 1


def test_a_run_for_the_new_head_writes_even_when_the_api_still_names_the_previous_one(gh: Harness) -> None:
    older = gh.head
    gh.run()
    gh.push_commit("Drop the billing doc", remove=("docs/gatekeeper/C4-billing.md",))
    gh.fake.heads[PR] = older
    gh.run()
    [comment] = gh.ours()
    assert f"forgea-hooks:head {gh.head}" in comment["body"]
    assert "C4-billing.md" not in comment["body"]


def test_commit_order_comes_from_the_api_when_the_checkout_is_shallow(gh: Harness) -> None:
    older = gh.head
    gh.push_commit("A second commit")
    newer = gh.head
    gh.fake.parents = {newer: older, older: gh.base}
    gh.fake.add_comment(PR, BOT, f"{MARKER}\n<!-- forgea-hooks:head {newer} -->\nfrom the newer run")
    shallow = gh.tmp / "shallow"
    gh.git("clone", "-q", "--depth", "1", "--branch", "feature", gh.repo.as_uri(), str(shallow), cwd=gh.tmp)
    gh.head = older
    gh.fake.files[PR] = [{"filename": doc, "status": "added"} for doc in BAD_DOCS]
    gh.run(cwd=shallow)
    assert gh.fake.writes() == []
    assert any(r.path.endswith(f"/compare/{older}...{newer}") for r in gh.fake.requests)


def test_recreate_mode_posts_anew_so_the_verdict_is_at_the_bottom(gh: Harness) -> None:
    gh.run()
    [first] = gh.ours()
    gh.push_commit("Drop the billing doc", remove=("docs/gatekeeper/C4-billing.md",))
    result = gh.run(FORGEA_COMMENT_MODE="recreate")
    [second] = gh.ours()
    assert second["id"] != first["id"]
    assert _methods(gh.fake)[-2:] == [
        f"DELETE /repos/acme/docs/issues/comments/{first['id']}",
        f"POST /repos/acme/docs/issues/{PR}/comments",
    ]
    assert result.report["summary"]["comment"] == "recreated"
    writes = len(gh.fake.writes())
    gh.run(FORGEA_COMMENT_MODE="recreate")
    assert len(gh.fake.writes()) == writes  # unchanged: not reposted


def test_comment_mode_off_writes_nothing(gh: Harness) -> None:
    result = gh.run(FORGEA_COMMENT_MODE="off")
    assert gh.fake.writes() == []
    assert result.code == 1


def test_a_token_that_cannot_call_user_writes_as_the_actions_bot(gh: Harness) -> None:
    gh.fake.login = None
    old = gh.fake.add_comment(PR, ACTIONS_BOT, f"{MARKER}\nstale")
    gh.fake.add_comment(PR, BOT, f"{MARKER}\nnot ours under this token")
    gh.run()
    assert _methods(gh.fake) == [f"PATCH /repos/acme/docs/issues/comments/{old['id']}"]


def test_passing_after_failing_turns_the_comment_green(gh: Harness) -> None:
    gh.run()
    gh.push_commit("Remove the broken docs", remove=BAD_DOCS)
    result = gh.run()
    assert result.code == 0
    [comment] = gh.ours()
    assert "all checks pass" in comment["body"]
    writes = len(gh.fake.writes())
    gh.push_commit("Unrelated change")
    gh.run()
    assert len(gh.fake.writes()) == writes  # already green: left as it is


def test_no_comment_when_nothing_ever_failed(gh: Harness) -> None:
    gh.push_commit("Only the notes", remove=BAD_DOCS)
    result = gh.run()
    assert result.code == 0
    assert gh.fake.writes() == []
    assert result.outputs["comment-url"] == ""
    assert result.report["summary"]["paths"] == []


# -- when the comment cannot be written -------------------------------------------------------


@pytest.mark.parametrize(("fail_on", "code"), [("error", 1), ("never", 0)])
def test_a_fork_token_gets_a_warning_and_the_findings_decide(gh: Harness, fail_on: str, code: int) -> None:
    gh.fake.read_only = True
    result = gh.run(FORGEA_FAIL_ON=fail_on)
    assert result.code == code
    # First, so that GitHub's cap of 10 warnings per step never drops it.
    assert result.out.startswith("::warning title=forgea-hooks::PR comment skipped: the token may not write")
    assert gh.fake.comments.get(PR, []) == []
    assert result.outputs["comment-url"] == ""
    assert "::error file=" in result.out
    assert "### Blocking:" in result.summary or fail_on == "never"
    assert "not written" in result.summary


def test_fail_on_warning(gh: Harness) -> None:
    gh.push_commit("Keep only the gatekeeper report", remove=("docs/official-docs/EPIC-C/redis.md",))
    assert gh.run(FORGEA_FAIL_ON="warning", FORGEA_COMMENT="false").code == 1
    assert gh.fake.writes() == []


def test_rate_limited_once_then_served(gh: Harness) -> None:
    gh.fake.canned.append(Canned(429, {"Retry-After": "1"}, {"message": "slow down"}))
    result = gh.run()
    assert gh.sleeps == [1.0]
    assert len(gh.ours()) == 1
    assert result.code == 1


def test_a_rejected_comment_is_a_warning_not_a_crash(gh: Harness) -> None:
    gh.fake.canned.append(Canned(422, {}, {"message": "Validation Failed"}, method="POST"))
    result = gh.run()
    assert "PR comment skipped" in result.out and "422" in result.out
    assert result.code == 1


def test_thousands_of_findings_stay_under_githubs_limits(gh: Harness) -> None:
    entries = "\n".join(f"- Technology: Tech{n}\n  - Exact version requirement: TBD @team{n} #{n}" for n in range(700))
    big = gh.repo / "docs" / "gatekeeper" / "huge.md"
    big.write_text(f"# Review\n\n## REQUIRED OFFICIAL DOCUMENTATION\n\n{entries}\n", encoding="utf-8")
    gh.push_commit("A very long report")
    result = gh.run()
    assert len(result.report["findings"]) > 2000
    [comment] = gh.ours()
    assert len(comment["body"]) < 65_536
    assert "https://github.example/acme/docs/actions/runs/4242" in comment["body"]
    outside_code = re.sub(r"(`+).*?\1", "", comment["body"].split("\n### ", 1)[1])
    assert not re.search(r"@team\d|(?<!&)#\d", outside_code)
    assert "\u200b" not in comment["body"] + result.summary
    assert len(result.summary.encode("utf-8")) < 1024 * 1024
    assert result.out.count("::error file=") == 10


# -- where the diff comes from ----------------------------------------------------------------


def test_a_shallow_checkout_lists_the_changed_files_through_the_api(gh: Harness) -> None:
    shallow = gh.tmp / "shallow"
    gh.git("clone", "-q", "--depth", "1", "--branch", "feature", gh.repo.as_uri(), str(shallow), cwd=gh.tmp)
    listed = [{"filename": doc, "status": "added"} for doc in BAD_DOCS]
    listed += [{"filename": "docs/gone.md", "status": "removed"}, {"filename": "notes.txt", "status": "added"}]
    listed += [{"filename": f"src/module{n}.py", "status": "modified"} for n in range(146)]
    gh.fake.files[PR] = listed
    result = gh.run(cwd=shallow)
    assert "listed by api" in result.report["summary"]["scope"]
    assert result.report["summary"]["paths"] == sorted(BAD_DOCS)
    pages = [r.query.get("page", "1") for r in gh.fake.requests if r.path.endswith(f"/pulls/{PR}/files")]
    assert pages == ["1", "2"]


def test_paths_input_narrows_the_pr_to_those_folders(gh: Harness) -> None:
    result = gh.run(FORGEA_PATHS="docs/official-docs")
    assert result.report["summary"]["paths"] == ["docs/official-docs/EPIC-C/redis.md"]


def test_without_a_token_the_check_still_runs(gh: Harness) -> None:
    result = gh.run(GITHUB_TOKEN="")
    assert result.code == 1
    assert "PR comment skipped: no GITHUB_TOKEN" in result.out
    assert gh.fake.requests == []


def test_inputs_reach_the_check(gh: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[CheckOptions] = []

    def spy(options: CheckOptions) -> CheckResult:
        seen.append(options)
        return run_check(options._replace(links=False))  # the corpus links are real sites: stay offline

    monkeypatch.setattr(run_module, "run_check", spy)
    config = gh.tmp / "quiet.yaml"
    config.write_text("rules:\n  pin-unknown: 'off'\n", encoding="utf-8")
    result = gh.run(FORGEA_LINKS="true", FORGEA_CONFIG=str(config))
    [options] = seen
    assert options.links is True
    assert options.config_file == config
    assert set(options.paths) == set(BAD_DOCS)
    assert "pin-unknown" not in {f["rule"] for f in result.report["findings"]}


# -- other events -----------------------------------------------------------------------------


def test_push_checks_the_whole_tree_and_never_calls_the_api(gh: Harness) -> None:
    result = gh.run("push")
    paths = {f["path"] for f in result.report["findings"]}
    assert paths == set(BAD_DOCS)
    assert result.report["summary"]["scope"] == "whole tree"
    assert result.report["summary"]["files_checked"] > len(BAD_DOCS)
    assert gh.fake.requests == []
    assert result.outputs["comment-url"] == ""
    assert result.code == 1


def test_workflow_dispatch_with_paths(gh: Harness) -> None:
    result = gh.run("workflow_dispatch", FORGEA_PATHS="docs/official-docs")
    assert {f["path"] for f in result.report["findings"]} == {"docs/official-docs/EPIC-C/redis.md"}
    assert gh.fake.requests == []


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"FORGEA_FAIL_ON": "sometimes"}, "FORGEA_FAIL_ON"),
        ({"FORGEA_LINKS": "maybe"}, "FORGEA_LINKS"),
        ({"FORGEA_PATHS": "'unclosed"}, "FORGEA_PATHS"),
        ({"FORGEA_PATHS": "docs/nowhere"}, "docs/nowhere"),
    ],
)
def test_bad_input_exits_2(gh: Harness, env: dict[str, str], says: str) -> None:
    result = gh.run("push", env=env)
    assert result.code == 2
    assert says in result.out


def test_a_pr_that_changes_a_manifest_checks_the_whole_tree(gh: Harness) -> None:
    """Every doc is judged against the manifests: a version bump can break docs the PR never touched."""
    (gh.repo / "package.json").write_text('{"dependencies": {"prisma": "6.19.0"}}\n', encoding="utf-8")
    gh.push_commit("Downgrade prisma")
    result = gh.run()
    assert "package.json changed, so whole tree was checked" in result.report["summary"]["scope"]
    drift = {f["path"] for f in result.report["findings"] if f["rule"] == "pin-drift"}
    assert "docs/official-docs-registry.md" in drift  # not changed by the PR, broken by it


@pytest.mark.parametrize("name", [".github/workflows/ci.yml", "apps/api/package.json"])
def test_a_pr_that_changes_a_nested_manifest_checks_the_whole_tree(gh: Harness, name: str) -> None:
    (gh.repo / name).parent.mkdir(parents=True, exist_ok=True)
    (gh.repo / name).write_text("{}\n", encoding="utf-8")
    gh.push_commit(f"Add {name}")
    result = gh.run()
    assert f"{name} changed, so whole tree was checked" in result.report["summary"]["scope"]


# -- inline review comments -------------------------------------------------------------------


def test_review_comments_land_on_changed_lines_once_and_go_when_fixed(gh: Harness) -> None:
    result = gh.run(FORGEA_REVIEW="true")
    errors_on_changed = [f for f in result.report["findings"] if f["severity"] == "error" and f["line"] >= 1]
    comments = gh.fake.review_comments[PR]
    assert comments and len(comments) == len(errors_on_changed)
    assert {c["path"] for c in comments} <= set(BAD_DOCS)
    assert result.report["summary"]["review"].startswith(f"{len(comments)} posted")
    writes = len(gh.fake.writes())
    gh.run(FORGEA_REVIEW="true")
    assert len(gh.fake.writes()) == writes  # nothing new: no duplicates
    gh.push_commit("Drop the billing doc", remove=("docs/gatekeeper/C4-billing.md",))
    gh.run(FORGEA_REVIEW="true")
    assert {c["path"] for c in gh.fake.review_comments[PR]} == {"docs/official-docs/EPIC-C/redis.md"}


def test_review_suggestions_come_from_the_fix_engine(gh: Harness) -> None:
    gh.run(FORGEA_REVIEW="true")
    bodies = [c["body"] for c in gh.fake.review_comments[PR] if c["path"] == "docs/gatekeeper/C4-billing.md"]
    # The machine-local path on line 33 of the fixture becomes the repo path it ends in.
    assert any("```suggestion\n- Canonical path: /docs/official-docs/billing-provider.md\n```" in b for b in bodies)


def test_review_comments_on_a_fork_degrade_to_a_warning(gh: Harness) -> None:
    gh.fake.read_only = True
    result = gh.run(FORGEA_REVIEW="true")
    assert "::warning title=forgea-hooks::Review comments skipped: the token may not write" in result.out
    assert result.code == 1


def test_links_point_at_the_merge_commit_that_was_checked(gh: Harness) -> None:
    # What actions/checkout does on pull_request by default: the PR merged into its base, detached.
    merged = gh.tmp / "merged"
    gh.git("clone", "-q", "--branch", "main", gh.repo.as_uri(), str(merged), cwd=gh.tmp)
    gh.git(
        "-c",
        "user.name=T",
        "-c",
        "user.email=t@example.invalid",
        "merge",
        "-q",
        "--no-ff",
        "-m",
        "Merge",
        "origin/feature",
        cwd=merged,
    )
    merge_sha = gh.git("rev-parse", "HEAD", cwd=merged)
    gh.run(cwd=merged)
    [comment] = gh.ours()
    assert f"/blob/{merge_sha}/docs/gatekeeper/C4-billing.md?plain=1#L" in comment["body"]
    assert f"/blob/{gh.head}/" not in comment["body"]
    assert f"forgea-hooks:head {gh.head}" in comment["body"]  # the comment still describes the PR head
    assert "as merged into the base" in comment["body"]

"""`forgea-hooks check --links` end to end: which URLs are checked, and where findings land."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_json
from tests.linkserver import LinkServer, Reply


def official_doc(url: str, body: str = "") -> str:
    return f"# X\n\n- Technology: X\n- Version pin: 1.2.3\n- Official source: {url}\n\n## Purpose\n\nWhy.{body}\n"


@pytest.fixture
def tree(tmp_path: Path, server: LinkServer, monkeypatch: pytest.MonkeyPatch) -> Path:
    server.route("/ok", Reply(200))
    server.route("/gone", Reply(404))
    server.route("/body-link", Reply(410))
    docs = tmp_path / "docs/official-docs"
    docs.mkdir(parents=True)
    (docs / "a.md").write_text(official_doc(server.url("/gone")), encoding="utf-8")
    (docs / "b.md").write_text(official_doc(server.url("/gone"), f"\n\nSee {server.url('/body-link')}."))
    (docs / "c.md").write_text(official_doc(server.url("/ok")), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    return tmp_path


def link_findings(report: dict[str, object]) -> set[tuple[str, int, str]]:
    findings = report["findings"]
    assert isinstance(findings, list)
    return {(f["path"], f["line"], f["rule"]) for f in findings if f["rule"].startswith("link-")}


def test_each_url_is_fetched_once_and_reported_at_every_place(
    tree: Path, server: LinkServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = run_json(capsys, ["check", "--links", "--allow-private", "--no-cache", "--format", "json"])
    assert link_findings(report) == {
        ("docs/official-docs/a.md", 5, "link-dead"),
        ("docs/official-docs/b.md", 5, "link-dead"),
    }
    assert code == 1
    assert server.count("/gone") == 1
    assert server.count("/ok") == 1
    assert server.count("/body-link") == 0  # not an official source


def test_all_links_checks_every_http_link(tree: Path, server: LinkServer, capsys: pytest.CaptureFixture[str]) -> None:
    _, report = run_json(capsys, ["check", "--all-links", "--allow-private", "--no-cache", "--format", "json"])
    assert ("docs/official-docs/b.md", 11, "link-dead") in link_findings(report)


def test_loopback_is_refused_without_allow_private(
    tree: Path, server: LinkServer, capsys: pytest.CaptureFixture[str]
) -> None:
    _, report = run_json(capsys, ["check", "--links", "--no-cache", "--format", "json"])
    assert {rule for _, _, rule in link_findings(report)} == {"link-blocked"}
    assert {f["severity"] for f in report["findings"] if f["rule"] == "link-blocked"} == {"warning"}
    assert server.count() == 0


def test_a_warm_cache_asks_only_for_what_failed(
    tree: Path, server: LinkServer, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["check", "--links", "--allow-private", "--format", "json", "--cache", str(tree / "links.json")]
    first = run_json(capsys, argv)
    second = run_json(capsys, argv)
    assert first == second
    assert server.count("/ok") == 1  # cached success
    assert server.count("/gone") == 2  # failures are never cached


def test_inline_disable_silences_a_link_finding(
    tree: Path, server: LinkServer, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = tree / "docs/official-docs/a.md"
    disabled = doc.read_text().replace(
        "- Official source:", "<!-- forgea-hooks: disable=link-dead -->\n- Official source:"
    )
    doc.write_text(disabled)
    _, report = run_json(capsys, ["check", "--links", "--allow-private", "--no-cache", "--format", "json"])
    assert link_findings(report) == {("docs/official-docs/b.md", 5, "link-dead")}


def test_offline_check_makes_no_request(tree: Path, server: LinkServer, capsys: pytest.CaptureFixture[str]) -> None:
    run_json(capsys, ["check", "--format", "json"])
    assert server.count() == 0


def test_progress_line_only_when_stderr_is_a_terminal(tree: Path, server: LinkServer) -> None:
    import os
    import pty
    import select
    import subprocess
    import sys

    from tests.conftest import REPO

    argv = [sys.executable, "-m", "forgea_hooks", "check", "--links", "--allow-private", "--no-cache", "-q"]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    piped = subprocess.run(argv, cwd=tree, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert "checking links" not in piped.stderr
    main_end, terminal_end = pty.openpty()
    with subprocess.Popen(argv, cwd=tree, env=env, stdout=subprocess.DEVNULL, stderr=terminal_end) as run:
        os.close(terminal_end)
        seen = b""
        while select.select([main_end], [], [], 30)[0]:
            try:
                chunk = os.read(main_end, 4096)
            except OSError:  # the terminal closed: the run is over
                break
            if not chunk:
                break
            seen += chunk
        assert run.wait(timeout=60) == 1
    os.close(main_end)
    assert b"checking links: 2/2, 1 failing" in seen  # two unique official sources, one dead

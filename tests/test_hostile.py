"""A pull request is hostile input (issue #9): one regression test per case the campaign found.

Every test here runs with the suite's network tripwire (tests/conftest.py: a connection to any
address but loopback is an assertion error) made stricter: any lookup of a name that is not
loopback fails the test, and the resolver's other entry points go through the same stub.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import quote

import pytest

from forgea_hooks import redact, safefs
from forgea_hooks.action.markdown import escape
from forgea_hooks.cli import main
from forgea_hooks.documents.kinds import Glob
from tests.linkserver import LOCAL_NAMES, LinkServer, Reply, Tripwire, settings

# Characters that each output escapes differently: `_` (Markdown), `&` `<` `>` (HTML), `"`
# (JSON), `%` `:` `,` (workflow commands), `@` (a zero-width space after it in comments).
TOKEN = 'ghs_Tok&en<x>"q%:,z_9@b'
TOKEN_IN_A_NAME = "ghs_Tok&en<x>q%,z_9@b"  # a file name cannot hold `"` on every system, nor `:` on some

REPORT = """\
## REQUIRED OFFICIAL DOCUMENTATION

- Technology: PostgreSQL
  - Concept: Enums
  - Official source: https://www.postgresql.org/docs/16/datatype-enum.html
  - Exact version requirement: {version}
  - Why required: Enum changes need their own migration.
  - What decision it informs: Migration layout.
  - What breaks without it: Failed deploys.

## DOCUMENTATION COVERAGE DECISION

✅ DOCUMENTATION COMPLETE
"""


@pytest.fixture(autouse=True)
def _strict_network(wire: Tripwire, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No name but loopback is ever looked up (a lookup fails the test, not only the request),
    and gethostbyname and friends resolve through the same stub as getaddrinfo."""

    def by_name(host: str, *args: Any) -> Any:
        assert host in LOCAL_NAMES, f"lookup of {host} attempted"
        return "127.0.0.1" if not args else ("localhost", [], ["127.0.0.1"])

    monkeypatch.setattr(socket, "gethostbyname", by_name)
    monkeypatch.setattr(socket, "gethostbyname_ex", lambda host: by_name(host, True))
    connect_ex = socket.socket.connect_ex

    def guarded(self: socket.socket, address: Any) -> int:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            assert address[0] in ("127.0.0.1", "::1"), f"connection to {address[0]} attempted"
        return connect_ex(self, address)

    monkeypatch.setattr(socket.socket, "connect_ex", guarded)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.chdir(tmp_path)
    yield
    assert wire.remote_lookups == [], f"names looked up off this machine: {wire.remote_lookups}"


def write(root: Path, relpath: str, text: str | bytes) -> Path:
    path = root / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def spellings(secret: str) -> set[str]:
    """The secret as each output might escape it."""
    return {
        secret,
        escape(secret),
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
        quote(secret, safe=""),
        secret.replace("%", "%25").replace(":", "%3A").replace(",", "%2C"),
        secret.replace("_", "&#95;"),
    }


def assert_scrubbed(text: str, secret: str) -> None:
    for spelling in spellings(secret):
        assert spelling not in text, f"the secret leaked as {spelling!r}"


# -- 1. The token reaches the job summary ---------------------------------------------------------


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc")
def test_doc_symlink_to_proc_self_environ_is_refused_by_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    (tmp_path / "docs/gatekeeper").mkdir(parents=True)
    (tmp_path / "docs/gatekeeper/a.md").symlink_to("/proc/self/environ")
    assert main(["check", "--format", "json", "docs/gatekeeper/a.md"]) == 1
    captured = capsys.readouterr()
    finding = json.loads(captured.out)["findings"][0]
    assert finding["rule"] == "file-invalid"
    assert "symbolic link" in finding["message"] and "outside the repository" in finding["message"]
    assert "GITHUB_TOKEN" not in captured.out + captured.err
    assert_scrubbed(captured.out + captured.err, TOKEN)


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc")
def test_manifest_symlink_to_proc_self_environ_leaks_no_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    write(tmp_path, "docs/gatekeeper/a.md", REPORT.format(version="16.4"))
    (tmp_path / "requirements.txt").symlink_to("/proc/self/environ")
    for form in ("text", "json", "github", "sarif"):
        assert main(["check", "--format", form]) in (0, 1)
        captured = capsys.readouterr()
        assert_scrubbed(captured.out + captured.err, TOKEN)


@pytest.mark.parametrize("form", ["text", "json", "github", "sarif"])
def test_token_in_every_output_format_is_scrubbed_after_escaping(
    form: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A file name is quoted by every format, each escaping it its own way.
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN_IN_A_NAME)
    write(tmp_path, f"docs/gatekeeper/{TOKEN_IN_A_NAME}.md", REPORT.format(version="TBD"))
    assert main(["check", "--format", form]) == 1
    captured = capsys.readouterr()
    assert "***" in captured.out + captured.err
    assert_scrubbed(captured.out + captured.err, TOKEN_IN_A_NAME)


def test_job_summary_scrubs_the_token_after_escaping(monkeypatch: pytest.MonkeyPatch) -> None:
    from forgea_hooks.action import summary
    from forgea_hooks.action.run import Console
    from forgea_hooks.findings import Finding, Severity

    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    # Without `@`, the summary writes the words with entities rather than as a code span.
    token = TOKEN.removesuffix("@b")
    finding = Finding("docs/a.md", 1, 1, "manifest-unreadable", Severity.WARNING, f"line 3: GITHUB_TOKEN= {token}")
    warnings = [f"GITHUB_TOKEN= {token}"]
    ctx = summary.SummaryContext("whole tree", 1, "", warnings, "r.json", "https://x", "o/r", "a" * 40)
    rendered = summary.render([finding], ctx)
    assert "&#95;" in rendered  # the summary escapes `_`: a scrub before escaping would have missed it
    assert token not in rendered
    written = Console(token).redact(rendered)
    assert_scrubbed(written, token)
    assert "***" in written


def test_pr_comment_body_is_scrubbed_before_it_is_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    from forgea_hooks.action.client import GitHubClient

    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    sent: list[Any] = []

    class Answer:
        status_code = 201
        headers: ClassVar[dict[str, str]] = {}
        text = "{}"

        def json(self) -> Any:
            return {}

    class Session:
        def request(self, method: str, url: str, **kwargs: Any) -> Answer:
            sent.append(kwargs["json"])
            return Answer()

    client = GitHubClient("http://127.0.0.1:9", TOKEN, session=Session(), write_interval=0)  # type: ignore[arg-type]
    body = f"| {escape('GITHUB_TOKEN=' + TOKEN)} |"
    with contextlib.suppress(Exception):  # only the payload that left matters here
        client.request("POST", "/repos/o/r/issues/1/comments", {"body": body})
    assert sent
    assert_scrubbed(json.dumps(sent[0], ensure_ascii=False), TOKEN)


def test_masked_values_and_secret_looking_variables_are_scrubbed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INPUT_API_TOKEN", "input-secret-value")
    monkeypatch.setenv("DEPLOY_PASSWORD", "hunter2hunter2")
    monkeypatch.setenv("PLAIN_SETTING", "visible-value")
    text = redact.scrub("input-secret-value hunter2&#95;x hunter2hunter2 visible-value")
    assert text == "*** hunter2&#95;x *** visible-value"
    redact.register("registered-mask-value")
    assert redact.scrub(escape("registered-mask-value")) == "***"


def test_excerpt_of_an_unreadable_file_is_short_and_sanitized(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    shown = redact.excerpt(f"GITHUB_TOKEN={TOKEN}\0\u202e" + "x" * 500)
    assert len(shown) <= 41
    assert TOKEN[:6] not in shown and "\u202e" not in shown and "\0" not in shown


# -- 2. Files outside the repo are written ---------------------------------------------------------


@pytest.mark.parametrize("where", ["absolute", "../../x.json", "/dev/zero"])
def test_links_cache_path_outside_the_root_is_exit_2(
    where: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = tmp_path.parent / f"victim-{tmp_path.name}.json"
    path = {"absolute": str(outside), "../../x.json": "../../x.json", "/dev/zero": "/dev/zero"}[where]
    write(tmp_path, ".forgea-hooks.yaml", f"links:\n  cache:\n    path: {json.dumps(path)}\n")
    write(tmp_path, "docs/gatekeeper/a.md", REPORT.format(version="16.4"))
    assert main(["check"]) == 2
    assert "links.cache.path" in capsys.readouterr().err
    assert not outside.exists()
    assert not (tmp_path.parent.parent / ".gitignore").exists() or (tmp_path.parent.parent / ".gitignore").stat()


def test_cache_folder_symlink_is_not_written_through(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo, elsewhere = tmp_path / "repo", tmp_path / "elsewhere"
    elsewhere.mkdir()
    write(repo, "docs/gatekeeper/a.md", REPORT.format(version="16.4"))
    (repo / ".forgea-hooks-cache").symlink_to(elsewhere)
    assert main(["check", "--root", str(repo)]) == 0
    assert list(elsewhere.iterdir()) == []
    assert "symbolic link" in capsys.readouterr().err


@pytest.mark.parametrize("target", ["/dev/zero", "fifo"])
def test_result_cache_that_is_a_device_or_fifo_is_not_read(
    target: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, "docs/gatekeeper/a.md", REPORT.format(version="16.4"))
    cache = tmp_path / ".forgea-hooks-cache"
    cache.mkdir()
    if target == "fifo":
        os.mkfifo(cache / "check.json")
    else:
        (cache / "check.json").symlink_to(target)
    assert main(["check"]) == 0  # returns at all: neither hangs on the FIFO nor reads /dev/zero for ever
    capsys.readouterr()
    assert (cache / "check.json").is_file() and not (cache / "check.json").is_symlink()


def test_safefs_write_replaces_a_symlinked_cache_file_instead_of_writing_through(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    folder = tmp_path / "repo" / ".forgea-hooks-cache"
    folder.mkdir(parents=True)
    (folder / "links.json").symlink_to(victim)
    assert safefs.write_cache(tmp_path / "repo", folder / "links.json", "{}")
    assert victim.read_text() == "precious"
    assert (folder / "links.json").read_text() == "{}"


def test_safefs_refuses_to_read_through_a_link_out_of_the_root(tmp_path: Path) -> None:
    (tmp_path / "secret").write_text("s3cret")
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "x.md").symlink_to(tmp_path / "secret")
    with pytest.raises(safefs.Refused) as refused:
        safefs.read_bytes(tmp_path / "repo", "x.md", 100)
    assert "symbolic link" in refused.value.reason and "s3cret" not in refused.value.reason


@pytest.mark.parametrize("name", ["linked-folder/a.md", "linked.md", "docs/outside/o.md", "docs/out.md", "fifo.md"])
def test_safefs_reads_each_file_as_resolving_it_would(tmp_path: Path, name: str) -> None:
    """Reads open folder by folder from the root without following links; whatever meets a link (or
    anything else) is resolved as before: links that stay inside are read, links out refused."""
    root, outside = tmp_path / "repo", tmp_path / "outside"
    (root / "docs" / "sub").mkdir(parents=True)
    outside.mkdir()
    (root / "docs" / "sub" / "a.md").write_text("inside")
    (outside / "o.md").write_text("s3cret")
    (root / "linked-folder").symlink_to(root / "docs" / "sub")
    (root / "linked.md").symlink_to(root / "docs" / "sub" / "a.md")
    (root / "docs" / "outside").symlink_to(outside)
    (root / "docs" / "out.md").symlink_to(outside / "o.md")
    os.mkfifo(root / "fifo.md")
    if name.startswith("linked"):
        assert safefs.read_bytes(root, root / name, 100) == b"inside"
        return
    with pytest.raises(safefs.Refused) as refused:
        safefs.read_bytes(root, root / name, 100)
    expected = "FIFO" if name == "fifo.md" else "leads outside the repository"
    assert expected in refused.value.reason


# -- 3. A user schema fetches a URL, offline -------------------------------------------------------


def test_user_schema_remote_ref_is_a_config_error_and_no_request(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with LinkServer() as server:
        remote = server.route("/x.json", Reply(200, {"content-type": "application/json"}, b'{"type": "object"}'))
        write(tmp_path, "schemas/r.json", json.dumps({"$ref": remote}))
        write(tmp_path, ".forgea-hooks.yaml", "kinds:\n  gatekeeper-report:\n    schema: schemas/r.json\n")
        write(tmp_path, "docs/gatekeeper/a.md", REPORT.format(version="16.4"))
        assert main(["check"]) == 2
        assert "$ref" in capsys.readouterr().err
        assert server.seen == []


def test_user_schema_may_refer_to_a_file_next_to_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, "schemas/common.json", json.dumps({"$defs": {"any": {"type": "object"}}}))
    write(tmp_path, "schemas/r.json", json.dumps({"$ref": "common.json#/$defs/any"}))
    write(tmp_path, ".forgea-hooks.yaml", "kinds:\n  gatekeeper-report:\n    schema: schemas/r.json\n")
    write(tmp_path, "docs/gatekeeper/a.md", REPORT.format(version="16.4"))
    assert main(["check"]) == 0, capsys.readouterr().err


@pytest.mark.parametrize("reference", ["../outside.json", "/etc/passwd", "file:///etc/passwd", "sub/x.json"])
def test_user_schema_ref_out_of_its_folder_is_refused(
    reference: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, "schemas/r.json", json.dumps({"properties": {"a": {"$ref": reference}}}))
    write(tmp_path, ".forgea-hooks.yaml", "kinds:\n  gatekeeper-report:\n    schema: schemas/r.json\n")
    write(tmp_path, "docs/gatekeeper/a.md", REPORT.format(version="16.4"))
    assert main(["check"]) == 2
    assert "is not allowed" in capsys.readouterr().err


# -- 4. One line in a PR crashes the run ------------------------------------------------------------


@pytest.mark.parametrize("form", ["text", "json", "github", "sarif"])
def test_lone_surrogate_in_front_matter_is_written_safely(
    form: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = '---\nversion: "\\ud800"\ntitle: "\\udfff x"\n---\n\n# Title\n\n' + REPORT.format(version="TBD")
    write(tmp_path, "docs/gatekeeper/a.md", doc)
    # A file name that is not UTF-8 reaches Python as a lone surrogate (surrogateescape), and
    # every format quotes the path.
    write(tmp_path, os.fsdecode(b"docs/gatekeeper/b\xff.md"), REPORT.format(version="TBD"))
    assert main(["check", "--format", form]) == 1
    captured = capsys.readouterr()
    (captured.out + captured.err).encode("utf-8")  # no lone surrogate reached the output
    # Shown as U+FFFD, or in SARIF's URI as the name's own byte.
    assert "\ufffd" in captured.out + captured.err or "b%FF.md" in captured.out


def test_surrogates_are_replaced_in_every_scrubbed_output() -> None:
    assert redact.scrub("a\ud800b\udfffc") == "a\ufffdb\ufffdc"


def test_unexpected_exception_is_exit_2_with_a_one_line_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import forgea_hooks.api

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ValueError("Invalid IPv6 URL")

    monkeypatch.setattr(forgea_hooks.api, "run_check", broken)
    assert main(["check"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and "internal error" in lines[0] and "report" in lines[0]


# -- 6. A trickling server hangs --links ------------------------------------------------------------


class Trickle:
    """A loopback server that sends its answer one byte at a time, ``gap`` seconds apart."""

    def __init__(self, answer: bytes, gap: float) -> None:
        self.answer, self.gap = answer, gap
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        return f"http://127.0.0.1:{self.listener.getsockname()[1]}/page"

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.listener.close()
        self.thread.join(5)

    def _serve(self) -> None:
        self.listener.settimeout(0.2)
        for _ in range(200):  # bounded: a few connections per test at most
            if self.stop.is_set():
                return
            try:
                conn, _ = self.listener.accept()
            except OSError:
                continue
            threading.Thread(target=self._drip, args=(conn,), daemon=True).start()

    def _drip(self, conn: socket.socket) -> None:
        with conn:
            try:
                conn.recv(65536)
                for byte in self.answer:
                    if self.stop.wait(self.gap):
                        return
                    conn.sendall(bytes([byte]))
            except OSError:
                return


@pytest.mark.parametrize(
    "answer",
    [
        b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-Slow: " + b"a" * 200 + b"\r\n\r\n",
        b"HTTP/1.1 403 Forbidden\r\nContent-Length: 200\r\n\r\n" + b"<p>" * 66,
    ],
    ids=["headers", "403-body"],
)
def test_trickling_server_is_unverified_at_the_total_deadline(answer: bytes) -> None:
    from forgea_hooks.links.checker import check_urls

    with Trickle(answer, gap=0.2) as url:
        started = time.monotonic()
        result = check_urls([url], settings(read_timeout=1.0, total_timeout=1.5, retries=0))[url]
        took = time.monotonic() - started
    assert result.outcome == "unverified"
    assert "links.timeout.total" in result.detail
    # The answer takes 40 s to trickle in; reaching here at all shows the deadline held. The
    # bound is loose (a loaded machine) and only tells the deadline from the trickle.
    assert took < 20


def test_trickling_body_read_for_anchors_is_unverified_at_the_total_deadline() -> None:
    from forgea_hooks.links.checker import check_urls

    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 400\r\n\r\n"
    with Trickle(head + b"<p>" * 133, gap=0.01) as url:
        target = url + "#missing"
        result = check_urls([target], settings(read_timeout=1.0, total_timeout=2.0, retries=0, check_fragments=True))[
            target
        ]
    assert result.outcome == "unverified"


def test_link_phase_budget_leaves_the_rest_unverified() -> None:
    from forgea_hooks.links.checker import check_urls

    with Trickle(b"HTTP/1.1 200 OK\r\n" + b"X" * 100, gap=0.2) as url:
        urls = [f"{url}?{index}" for index in range(3)]
        run = check_urls(urls, settings(read_timeout=1.0, total_timeout=30.0, budget=1.0, retries=0, per_host=1))
    assert {run[url].outcome for url in urls} == {"unverified"}
    assert all("links.timeout.budget" in run[url].detail for url in urls)


# -- 8. Config ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "words"),
    [
        ("non-string key", "1: a\n", "not a string"),
        ("deep yaml", "a: " + "[" * 5000 + "]" * 5000 + "\n", "nested"),
        ("backwards accept range", "links:\n  accept: ['299-200']\n", "runs backwards"),
        ("catastrophic exclude regex", "links:\n  exclude: ['(a+)+$']\n", "links.exclude"),
        ("schema outside the root", "kinds:\n  task:\n    schema: /etc/hostname\n", "outside the repository"),
        ("oversized config", "exclude: []\n" + "#" * (2 * 1024 * 1024) + "\n", "limit"),
    ],
)
def test_hostile_config_is_exit_2_with_a_message(
    name: str, text: str, words: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, ".forgea-hooks.yaml", text)
    write(tmp_path, "docs/gatekeeper/a.md", REPORT.format(version="16.4"))
    assert main(["check"]) == 2, name
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err and "internal error" not in err


@pytest.mark.parametrize(
    "pyproject",
    ["tool = 5\n", "[tool]\nforgea-hooks = 5\n", "[tool.forgea-hooks]\nexclude = " + "[" * 3000 + "]" * 3000 + "\n"],
    ids=["tool-is-a-number", "table-is-a-number", "deep"],
)
def test_hostile_pyproject_is_exit_2_or_ignored_never_a_crash(
    pyproject: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, "pyproject.toml", pyproject)
    write(tmp_path, "docs/gatekeeper/a.md", REPORT.format(version="16.4"))
    assert main(["check"]) in (0, 2)
    assert "internal error" not in capsys.readouterr().err


@pytest.mark.parametrize(
    ("source", "version"),
    [
        ("https://www.postgresql.org/docs/1." + "9" * 5000 + "/datatype-enum.html", "16.4"),
        ("https://www.postgresql.org/docs/16/datatype-enum.html", "16." + "9" * 5000),
        ("https://www.postgresql.org/docs/16/datatype-enum.html", "1" * 5000 + "x"),
        ("https://www.postgresql.org/docs/16.\u00b2/datatype-enum.html", "16.\u00b2"),
    ],
)
def test_a_version_of_thousands_of_digits_never_crashes(
    source: str, version: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # int() refuses more than 4300 digits, and reads no superscript: each once ended the run.
    report = REPORT.format(version=version).replace("https://www.postgresql.org/docs/16/datatype-enum.html", source)
    write(tmp_path, "docs/gatekeeper/a.md", report)
    assert main(["check", "--no-cache"]) in (0, 1)
    assert "internal error" not in capsys.readouterr().err


@pytest.mark.parametrize("schema", ["true", "false", '{"items": ' * 5000 + "{}" + "}" * 5000])
def test_user_schema_that_is_a_boolean_or_deeply_nested_never_crashes(
    schema: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, "s.json", schema)
    write(tmp_path, ".forgea-hooks.yaml", "kinds:\n  gatekeeper-report:\n    schema: s.json\n")
    write(tmp_path, "docs/gatekeeper/a.md", REPORT.format(version="16.4"))
    assert main(["check"]) in (0, 1, 2)
    assert "internal error" not in capsys.readouterr().err


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc")
def test_config_symlink_out_of_the_root_is_refused_by_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    (tmp_path / ".forgea-hooks.yaml").symlink_to("/proc/self/environ")
    assert main(["check"]) == 2
    err = capsys.readouterr().err
    assert "symbolic link" in err
    assert_scrubbed(err, TOKEN)


def _glob_seconds(stars: int, depth: int) -> float:
    glob = Glob("/".join(["**"] * stars) + "/x")
    path = "/".join(["a"] * depth) + "/y"
    started = time.perf_counter()
    for _ in range(20):
        assert not glob.match(path)
    return time.perf_counter() - started


def test_exclude_glob_with_many_double_stars_matches_in_linear_time() -> None:
    # 12 `**` over 40 folders ran for more than 16 minutes; linear growth is the property.
    small, large = _glob_seconds(12, 40), _glob_seconds(12, 400)
    assert large / max(small, 1e-6) < 10 * 20


def test_exclude_glob_with_many_stars_in_a_folder_name_is_linear() -> None:
    glob = Glob("**/" + "*a" * 12 + "b")
    assert not glob.match("/".join(["a" * 200] * 20))
    assert glob.match("x/" + "a" * 30 + "b")


# -- 9. Caches ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "entry",
    [
        {"disabled": []},
        {"probes": 5},
        {"probes": [[None, True]]},
        {"findings": [["x", 1, "r", "error", "m", None]]},
        {"findings": [[1, 1, "r", "fatal", "m", None]]},
    ],
    ids=["disabled-list", "probes-number", "probes-null", "finding-line-text", "unknown-severity"],
)
def test_result_cache_entry_of_the_wrong_shape_is_rechecked(
    entry: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, "docs/gatekeeper/a.md", REPORT.format(version="TBD"))
    assert main(["check", "--format", "json"]) == 1
    cold = json.loads(capsys.readouterr().out)
    path = tmp_path / ".forgea-hooks-cache" / "check.json"
    data = json.loads(path.read_text())
    for stored in data["entries"].values():
        stored.update(entry)
    path.write_text(json.dumps(data))
    assert main(["check", "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().out) == cold


@pytest.mark.parametrize("name", ["check.json", "links.json"])
def test_deeply_nested_cache_json_is_ignored(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from forgea_hooks.links.cache import LinkCache
    from forgea_hooks.resultcache import ResultCache

    folder = tmp_path / ".forgea-hooks-cache"
    write(folder, name, "[" * 100_000 + "]" * 100_000)
    if name == "links.json":
        assert LinkCache(folder / name, 60.0, root=tmp_path).get("x") is None
    else:
        assert ResultCache(folder, "context", tmp_path).entries == {}


def test_links_cache_fifo_does_not_hang(tmp_path: Path) -> None:
    from forgea_hooks.links.cache import LinkCache

    folder = tmp_path / ".forgea-hooks-cache"
    folder.mkdir()
    os.mkfifo(folder / "links.json")
    cache = LinkCache(folder / "links.json", 60.0, root=tmp_path)
    assert "FIFO" in cache.warnings[0]


# -- 10. Bidi controls ---------------------------------------------------------------------------------


@pytest.mark.parametrize("control", ["\u202e", "\u2066", "\u200f", "\u061c"])
def test_bidi_controls_are_shown_visibly_in_comment_and_summary(control: str) -> None:
    from forgea_hooks.action import comment, summary
    from forgea_hooks.findings import Finding, Severity

    finding = Finding(f"docs/a{control}.md", 1, 1, "pin-missing", Severity.ERROR, f"value 'x{control}y'")
    ctx = summary.SummaryContext("whole tree", 1, "", [], "r.json", "https://x", "o/r", "a" * 40)
    comment_ctx = comment.CommentContext(
        repository="o/r", server_url="https://x", head_sha="a" * 40, run_url="https://x/run", docs_checked=1
    )
    for rendered in (summary.render([finding], ctx), comment.render_failing([finding], comment_ctx)):
        assert control not in rendered
        assert f"U+{ord(control):04X}" in rendered


def test_release_data_cache_fifo_does_not_hang(tmp_path: Path) -> None:
    from forgea_hooks.online.cache import ReleaseCache

    os.mkfifo(tmp_path / "release-data.json")
    cache = ReleaseCache(tmp_path / "release-data.json", 60.0)
    assert any("FIFO" in warning for warning in cache.warnings)


def test_release_data_cache_folder_symlink_is_not_read_or_written_through(tmp_path: Path) -> None:
    from forgea_hooks.online.cache import ReleaseCache
    from forgea_hooks.online.model import ReleaseData, Source

    outside, repo = tmp_path / "outside", tmp_path / "repo"
    outside.mkdir()
    repo.mkdir()
    (outside / "release-data.json").write_text("planted", encoding="utf-8")
    (repo / ".forgea-hooks-cache").symlink_to(outside)
    cache = ReleaseCache(repo / ".forgea-hooks-cache/release-data.json", 60.0, root=repo)
    assert any("symbolic link" in warning for warning in cache.warnings)
    cache.put("k", ReleaseData(Source("endoflife", "postgresql"), (), (), True, "https://a.example/"))
    cache.save()
    assert (outside / "release-data.json").read_text(encoding="utf-8") == "planted"
    assert sorted(p.name for p in outside.iterdir()) == ["release-data.json"]
    assert any("symbolic link" in warning and "not cached" in warning for warning in cache.warnings)


def test_unreadable_requirement_is_quoted_scrubbed_before_it_is_cut(monkeypatch: pytest.MonkeyPatch) -> None:
    from forgea_hooks.manifests.core import Found
    from forgea_hooks.manifests.python import _read_requirements

    secret = "s" * 70 + "ecret-token-value"
    monkeypatch.setenv("GITHUB_TOKEN", secret)
    found = Found(Path("."), frozenset({"requirements.txt"}))
    _read_requirements("requirements.txt", f"GITHUB_TOKEN={secret}\n", found)
    quoted = " ".join(problem.message for problem in found.problems)
    assert quoted and "sssss" not in quoted

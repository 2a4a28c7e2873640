"""Issue #9, case 4: every URL written in a doc goes through one parser that never raises; a
malformed one is a finding (``field-invalid``), never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from forgea_hooks.urls import find_urls, parse_url
from tests.conftest import run_json
from tests.test_precision import report, write


@pytest.mark.parametrize(
    "url", ["http://[x]/", "http://[::1", "https://[::1]:99999/", "https://host:port/", "http://]/", "https://[/"]
)
def test_a_malformed_official_source_url_is_field_invalid_not_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    monkeypatch.chdir(tmp_path)
    assert parse_url(url) is None
    write(tmp_path, "docs/gatekeeper/r.md", report(decision="✅ DOCUMENTATION COMPLETE", source=url))
    write(
        tmp_path,
        "docs/official-docs-registry.md",
        f"| Technology | Official source | Version | Status |\n"
        f"| --- | --- | --- | --- |\n| PostgreSQL | {url} | 16.4 | approved |\n",
    )
    code, data = run_json(capsys, ["check", "--root", str(tmp_path), "--no-cache", "--format", "json"])
    assert code == 1
    found = sorted((f["path"], f["rule"]) for f in data["findings"])
    assert found == [("docs/gatekeeper/r.md", "field-invalid"), ("docs/official-docs-registry.md", "field-invalid")]
    assert all("is not a well-formed URL" in f["message"] for f in data["findings"])


def test_a_well_formed_url_keeps_its_parts() -> None:
    parsed = parse_url("https://WWW.PostgreSQL.org./docs/16/")
    assert parsed is not None
    assert (parsed.scheme, parsed.host, parsed.path) == ("https", "www.postgresql.org", "/docs/16/")
    assert parse_url("https://[::1]:8080/x") is not None


@pytest.mark.parametrize(
    ("text", "urls"),
    [
        ("OWASP — https://a.example/x.", ["https://a.example/x"]),
        ("(see https://a.example/x)", ["https://a.example/x"]),
        ("https://en.wikipedia.org/wiki/Foo_(bar), then", ["https://en.wikipedia.org/wiki/Foo_(bar)"]),
        ("[docs](https://a.example/) and <https://b.example/y>", ["https://a.example/", "https://b.example/y"]),
        ("**https://a.example/**", ["https://a.example/"]),
        ("`https://a.example/`; HTTPS://B.example", ["https://a.example/", "HTTPS://B.example"]),
        ("missing", []),
    ],
)
def test_urls_in_text_lose_the_sentence_around_them(text: str, urls: list[str]) -> None:
    assert find_urls(text) == urls

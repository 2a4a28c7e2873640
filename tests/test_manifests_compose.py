"""Compose files read as `docker compose config` resolves them, and image tags as they float."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from forgea_hooks.manifests import Install, compare, read_installs
from forgea_hooks.pins import classify
from tests.conftest import run_json
from tests.test_consistency import REGISTRY, REGISTRY_FIRST_ROW, registry, write


def images(root: Path) -> list[tuple[str, str, str | None, str, int]]:
    installs, problems = read_installs(root)
    assert problems == []
    return [(i.package, i.spec, i.version, i.path, i.line) for i in installs if i.source == "image"]


def put(root: Path, name: str, text: str) -> None:
    write(root, name, textwrap.dedent(text).lstrip("\n"))


def test_dotenv_interpolation(tmp_path: Path) -> None:
    put(tmp_path, "compose.yaml", "services:\n  db:\n    image: postgres:${POSTGRES_VERSION:-16.4}\n")
    put(tmp_path, ".env", "# versions\nPOSTGRES_VERSION=15.8\nOTHER='x y'\n")
    assert images(tmp_path) == [("postgres", "15.8", "15.8", "compose.yaml", 3)]


@pytest.mark.parametrize(
    ("written", "env", "tag"),
    [
        ("${V:-16.4}", "V=\n", "16.4"),  # `:-` takes the default when the variable is empty
        ("${V-16.4}", "V=\n", ""),  # `-` only when it is unset
        ("${V}", "V=16.2\n", "16.2"),
        ("$V", 'export V="16.3"\n', "16.3"),
        ("${V:?set it}", "V=16.1\n", "16.1"),
    ],
)
def test_interpolation_forms(tmp_path: Path, written: str, env: str, tag: str) -> None:
    put(tmp_path, "compose.yaml", f"services:\n  db:\n    image: postgres:{written}\n")
    put(tmp_path, ".env", env)
    ((_, spec, _, _, _),) = images(tmp_path)
    assert spec == tag


def test_the_override_wins_and_is_not_a_second_install(tmp_path: Path) -> None:
    put(tmp_path, "compose.yaml", "services:\n  db:\n    image: postgres:16.4\n  cache:\n    image: redis:7.2.5\n")
    put(tmp_path, "compose.override.yaml", "services:\n  db:\n    image: postgres:16.6\n    ports: ['5432']\n")
    assert images(tmp_path) == [
        ("postgres", "16.6", "16.6", "compose.override.yaml", 3),
        ("redis", "7.2.5", "7.2.5", "compose.yaml", 5),
    ]


def test_an_override_alone_is_read(tmp_path: Path) -> None:
    put(tmp_path, "docker-compose.override.yml", "services:\n  db:\n    image: postgres:16.6\n")
    assert images(tmp_path) == [("postgres", "16.6", "16.6", "docker-compose.override.yml", 3)]


def test_profile_services_are_optional(tmp_path: Path) -> None:
    put(
        tmp_path,
        "compose.yaml",
        """
        services:
          db:
            image: postgres:16.4
          debug-db:
            image: postgres:15.8
            profiles: [debug]
        """,
    )
    installs, _ = read_installs(tmp_path)
    assert [(i.spec, i.optional) for i in installs] == [("16.4", False), ("15.8", True)]


def test_extends_and_include_are_followed(tmp_path: Path) -> None:
    put(
        tmp_path,
        "compose.yaml",
        "include:\n  - infra/cache.yaml\nservices:\n  db:\n    extends:\n      file: base.yaml\n      service: pg\n",
    )
    put(tmp_path, "base.yaml", "services:\n  pg:\n    image: postgres:16.4\n")
    put(tmp_path, "infra/cache.yaml", "services:\n  cache:\n    image: redis:7.2.5\n  worker:\n    extends: cache\n")
    assert sorted(images(tmp_path)) == [
        ("postgres", "16.4", "16.4", "base.yaml", 3),
        ("redis", "7.2.5", "7.2.5", "infra/cache.yaml", 3),
    ]


def test_extends_cycles_and_escapes_end(tmp_path: Path) -> None:
    put(
        tmp_path,
        "compose.yaml",
        "services:\n  a:\n    extends: b\n  b:\n    extends: a\n  c:\n    extends: {file: ../x.yaml, service: d}\n",
    )
    installs, problems = read_installs(tmp_path)
    assert installs == [] and [p.message for p in problems] == [
        "compose.yaml: ../x.yaml is outside the repository (not read)"
    ]


@pytest.mark.parametrize(
    "reference",
    [
        "postgres:16.4",
        "docker.io/library/postgres:16.4",
        "index.docker.io/library/postgres:16.4",
        "public.ecr.aws/docker/library/postgres:16.4",
        "mirror.gcr.io/library/postgres:16.4",
        "mirror.example.com:5000/library/postgres:16.4",
        "postgres:16.4-alpine@sha256:0123abcd",
    ],
)
def test_mirrors_and_registries_are_the_same_image(tmp_path: Path, reference: str) -> None:
    put(tmp_path, "compose.yaml", f"services:\n  db:\n    image: {reference}\n")
    assert images(tmp_path) == [("postgres", images(tmp_path)[0][1], "16.4", "compose.yaml", 3)]


@pytest.mark.parametrize(
    ("reference", "version", "pin", "verdict"),
    [
        ("traefik:3.6", None, "3.6.2", "range-admits-others"),  # the newest 3.6.x: a moving tag
        ("traefik:3.6", None, "3.6", "agree"),
        ("traefik:3.6", None, "3.5.1", "other-version"),
        ("mariadb:10.5", None, "10.5.2", "range-admits-others"),
        ("postgres:16.4-alpine", "16.4", "16.4", "agree"),
        ("elixir:1.12.2-otp-24", "1.12.2", "1.12.2", "agree"),
        ("traefik:v3.6.2", "3.6.2", "3.6.2", "agree"),
        ("postgres:16", None, "16.4", "range-admits-others"),
    ],
)
def test_floating_tags(tmp_path: Path, reference: str, version: str | None, pin: str, verdict: str) -> None:
    put(tmp_path, "compose.yaml", f"services:\n  s:\n    image: {reference}\n")
    (install,) = read_installs(tmp_path)[0]
    assert install.version == version
    assert compare(classify(pin).parts[0], install) == verdict


@pytest.fixture
def in_tree(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


CONFIG = "technologies:\n  Traefik:\n    official-domains: [example.com]\n    packages: {image: [traefik]}\n"


@pytest.mark.parametrize(
    ("compose", "pin", "expected"),
    [
        ("traefik:3.6", "3.6.2", ("warning", "a moving tag: pin the full tag, or a digest")),
        ("traefik:3.6", "3.6", None),
        ("traefik:3.6.2", "3.6.2", None),
        ("traefik:3.6.1", "3.6.2", ("error", "installed: compose.yaml:3 traefik 3.6.1")),
    ],
)
def test_a_floating_tag_is_never_a_wrong_pin(
    in_tree: Path, capsys: pytest.CaptureFixture[str], compose: str, pin: str, expected: tuple[str, str] | None
) -> None:
    write(in_tree, ".forgea-hooks.yaml", CONFIG)
    write(in_tree, "compose.yaml", f"services:\n  proxy:\n    image: {compose}\n")
    write(in_tree, REGISTRY, registry(("Traefik", pin)))
    _, data = run_json(capsys, ["check", "--format", "json"])
    drifts = [(f["line"], f["severity"], f["hint"]) for f in data["findings"] if f["rule"] == "pin-drift"]
    if expected is None:
        assert drifts == []
        return
    ((line, severity, hint),) = drifts
    assert (line, severity) == (REGISTRY_FIRST_ROW, expected[0]) and expected[1] in hint


def test_a_profile_service_drifts_one_step_lower(in_tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(
        in_tree,
        "compose.yaml",
        "services:\n  db:\n    image: postgres:16.4\n  old:\n    image: postgres:15.8\n    profiles: [legacy]\n",
    )
    write(in_tree, REGISTRY, registry(("PostgreSQL", "16.4")))
    _, data = run_json(capsys, ["check", "--format", "json"])
    drifts = [(f["severity"], f["hint"]) for f in data["findings"] if f["rule"] == "pin-drift"]
    assert drifts == [("warning", "optional: compose.yaml:5 postgres 15.8 (compose.yaml (service old, profile only))")]


def test_install_equality_ignores_how_it_was_read() -> None:
    assert Install("image", "x", "1", "1", "a", 1, how="a") == Install("image", "x", "1", "1", "a", 1)

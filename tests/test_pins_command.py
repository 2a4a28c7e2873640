"""`forgea-hooks pins` end to end through the CLI: the registry pin, every other place, what the manifests
install and a status naming the problem rules, as JSON and as text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from forgea_hooks.cli import main
from tests.conftest import run_json
from tests.test_consistency import REGISTRY, TASK, official_doc, registry, report, task, write


@pytest.fixture(autouse=True)
def _in_tree(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.chdir(tmp_path)


def _tree(root: Path) -> None:
    write(
        root,
        REGISTRY,
        registry(("PostgreSQL", "16.4"), ("Prisma (ORM & Migrations)", "7.3.0"), ("Node.js", "22.11.0")),
    )
    write(root, "docs/official-docs/prisma.md", official_doc("Prisma", "7.4.0"))
    write(root, "docs/official-docs/postgresql.md", official_doc("Postgres", "16"))
    write(root, "docs/official-docs/zod.md", official_doc("Zod", "3.22.4"))
    write(root, TASK, task(("Prisma", "7.3.0"), ("Redis", "7.0.1"), ("Node", "22.11.0")))
    write(root, "docs/gatekeeper/g.md", report("Redis", "7.2.5"))
    write(
        root, "package.json", '{\n  "dependencies": {\n    "@prisma/client": "7.3.0",\n    "prisma": "7.3.0"\n  }\n}\n'
    )
    write(root, "docker-compose.yml", "services:\n  db:\n    image: postgres:16.3\n")
    write(root, ".nvmrc", "22.11.0\n")


def _place(path: str, line: int, pin: str, cls: str, *findings: str) -> dict[str, Any]:
    return {"path": path, "line": line, "pin": pin, "class": cls, "findings": list(findings)}


def _install(path: str, line: int, package: str, spec: str, version: str | None, *, read: str = "") -> dict[str, Any]:
    where = {"path": path, "line": line, "package": package, "spec": spec, "version": version}
    return {**where, "read": read or path, "optional": False}


EXPECTED: list[dict[str, Any]] = [
    {
        "technology": "Node.js",
        "registry": _place(REGISTRY, 7, "22.11.0", "exact"),
        "places": [_place(TASK, 23, "22.11.0", "exact")],
        "installs": [_install(".nvmrc", 1, "node", "22.11.0", "22.11.0")],
        "status": "ok",
    },
    {
        "technology": "PostgreSQL",
        # The registry's exact pin drifts from the image; the doc's major 16 agrees with both.
        "registry": _place(REGISTRY, 5, "16.4", "exact", "pin-drift"),
        "places": [_place("docs/official-docs/postgresql.md", 4, "16", "major")],
        "installs": [
            _install("docker-compose.yml", 3, "postgres", "16.3", "16.3", read="docker-compose.yml (service db)")
        ],
        "status": "pin-drift",
    },
    {
        "technology": "Prisma (ORM & Migrations)",
        "registry": _place(REGISTRY, 6, "7.3.0", "exact"),
        "places": [
            _place("docs/official-docs/prisma.md", 4, "7.4.0", "exact", "pin-drift", "pin-inconsistent"),
            _place(TASK, 21, "7.3.0", "exact"),
        ],
        "installs": [
            _install("package.json", 3, "@prisma/client", "7.3.0", "7.3.0"),
            _install("package.json", 4, "prisma", "7.3.0", "7.3.0"),
        ],
        "status": "pin-drift, pin-inconsistent",
    },
    {
        "technology": "Redis",
        "registry": None,
        "places": [
            _place("docs/gatekeeper/g.md", 6, "7.2.5", "exact", "pin-inconsistent"),
            _place(TASK, 22, "7.0.1", "exact", "pin-inconsistent"),
        ],
        "installs": [],
        "status": "no registry row; pin-inconsistent",
    },
    {
        "technology": "Zod",
        "registry": None,
        "places": [_place("docs/official-docs/zod.md", 4, "3.22.4", "exact")],
        "installs": [],
        "status": "no registry row",
    },
]


def test_pins_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _tree(tmp_path)
    code, table = run_json(capsys, ["pins", "--format", "json"])
    assert table == {"technologies": EXPECTED, "warnings": []}
    # Errors in the tree do not change the exit: the table is a view, `check` is the gate.
    assert code == 0
    assert main(["check", "--format", "json", "--no-cache"]) == 1
    capsys.readouterr()


def test_pins_json_is_the_same_from_the_cache(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _tree(tmp_path)
    assert main(["check", "--format", "json"]) == 1  # fills the result cache
    capsys.readouterr()
    code, table = run_json(capsys, ["pins", "--format", "json"])
    assert (code, table) == (0, {"technologies": EXPECTED, "warnings": []})


def test_pins_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _tree(tmp_path)
    assert main(["pins"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "Node.js: 22.11.0    [ok]",
        f"    registry  {REGISTRY}:7",
        f"    22.11.0                  {TASK}:23",
        "    installs node 22.11.0  .nvmrc:1",
        "PostgreSQL: 16.4    [pin-drift]",
        f"    registry  {REGISTRY}:5  (pin-drift)",
        "    16                       docs/official-docs/postgresql.md:4",
        "    installs postgres 16.3  docker-compose.yml:3  [docker-compose.yml (service db)]",
        "Prisma (ORM & Migrations): 7.3.0    [pin-drift, pin-inconsistent]",
        f"    registry  {REGISTRY}:6",
        "    7.4.0                    docs/official-docs/prisma.md:4  (pin-drift, pin-inconsistent)",
        f"    7.3.0                    {TASK}:21",
        "    installs @prisma/client 7.3.0  package.json:3",
        "    installs prisma 7.3.0  package.json:4",
        "Redis: (no registry row)    [no registry row; pin-inconsistent]",
        "    7.2.5                    docs/gatekeeper/g.md:6  (pin-inconsistent)",
        f"    7.0.1                    {TASK}:22  (pin-inconsistent)",
        "Zod: (no registry row)    [no registry row]",
        "    3.22.4                   docs/official-docs/zod.md:4",
    ]


def test_pins_names_the_pin_rules_of_non_concrete_pins(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, REGISTRY, registry(("PostgreSQL", "TBD", "pending")))
    write(tmp_path, TASK, task(("PostgreSQL", "^16.4"), ("Redis", "7.2 (provisional)")))
    code, table = run_json(capsys, ["pins", "--format", "json"])
    assert code == 0
    assert table["technologies"] == [
        {
            "technology": "PostgreSQL",
            "registry": _place(REGISTRY, 5, "TBD", "unknown", "pin-unknown"),
            "places": [_place(TASK, 21, "^16.4", "range", "pin-range")],
            "installs": [],
            "status": "pin-range, pin-unknown",
        },
        {
            "technology": "Redis",
            "registry": None,
            "places": [_place(TASK, 22, "7.2 (provisional)", "unconfirmed", "pin-unconfirmed")],
            "installs": [],
            "status": "no registry row; pin-unconfirmed",
        },
    ]


def test_pins_reports_a_malformed_manifest_as_a_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, REGISTRY, registry(("Prisma", "7.3.0")))
    write(tmp_path, "package.json", '{\n  "dependencies": {\n    "prisma": "7.4.0",\n')
    code, table = run_json(capsys, ["pins", "--format", "json"])
    assert code == 0
    [row] = table["technologies"]
    assert (row["technology"], row["installs"], row["status"]) == ("Prisma", [], "ok")
    [warning] = table["warnings"]
    assert warning.startswith("package.json:4: package.json is not valid JSON")


def test_pins_of_an_empty_tree(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_json(capsys, ["pins", "--format", "json"]) == (0, {"technologies": [], "warnings": []})
    assert main(["pins"]) == 0
    assert capsys.readouterr().out == ""

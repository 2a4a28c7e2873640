"""The cross-document rules end to end through the CLI: pin-inconsistent, pin-drift and path-missing
(with path-placeholder), on small doc trees built in tmp_path (spec: Rules, Manifests, registry names)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from forgea_hooks.cli import main
from tests.conftest import run_json

REGISTRY = "docs/official-docs-registry.md"
REGISTRY_FIRST_ROW = 5
OFFICIAL_PIN_LINE = 4
REPORT_PIN_LINE = 6
TASK = "docs/tasks/task-X1-2026-01-02.md"
TASK_FIRST_PIN = 21

# Official source and official domain per technology: sources stay on their official domains, so a
# clean tree has no findings at all and every finding a test asserts comes from the rule under test.
SOURCES: dict[str, tuple[str, str]] = {
    "PostgreSQL": ("https://www.postgresql.org/docs/", "postgresql.org"),
    "Prisma": ("https://www.prisma.io/docs/orm", "prisma.io"),
    "Redis": ("https://redis.io/docs/", "redis.io"),
    "Node.js": ("https://nodejs.org/docs/", "nodejs.org"),
    "Stripe API": ("https://docs.stripe.com/api", "stripe.com"),
    "Zod": ("https://zod.dev/", "zod.dev"),
}


def _source(technology: str) -> tuple[str, str]:
    for name, source in SOURCES.items():
        if technology.casefold().startswith(name.casefold()):
            return source
    return "https://docs.example.com/", "example.com"


def write(root: Path, relpath: str, text: str) -> Path:
    path = root / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def registry(*rows: tuple[str, str] | tuple[str, str, str]) -> str:
    """A registry whose rows (technology, version[, status]) start at line 5."""
    lines = [
        "# Official docs registry",
        "",
        "| Technology | Official source | Version | Status | Official domains |",
        "| --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        technology, version = row[0], row[1]
        status = row[2] if len(row) == 3 else "approved"
        url, domain = _source(technology)
        lines.append(f"| {technology} | {url} | {version} | {status} | {domain} |")
    return "\n".join(lines) + "\n"


def official_doc(technology: str, pin: str, *, before_pin: str = "") -> str:
    """An official doc whose `Version pin` is on line 4 (or 5 after a ``before_pin`` line)."""
    url, _ = _source(technology)
    extra = f"{before_pin}\n" if before_pin else ""
    return (
        f"# {technology}\n\n- Technology: {technology}\n{extra}- Version pin: {pin}\n- Official source: {url}\n\n"
        "## Purpose\n\nWhat the team relies on.\n"
    )


def task(*pins: tuple[str, str]) -> str:
    """A task whose version pins start at line 21, one a line."""
    head = (
        "# Task X1\n\n"
        "## Required schema changes\n\n- None.\n\n"
        "## Migration strategy\n\nAdditive.\n\n"
        "## Rollback\n\nRevert the commit.\n\n"
        "## Acceptance criteria\n\n- Tests pass.\n\n"
        "## Required version pins\n\n"
    )
    assert head.count("\n") == TASK_FIRST_PIN - 1
    return head + "".join(f"- {technology}: {pin}\n" for technology, pin in pins)


def report(technology: str, pin: str, *, before_pin: str = "") -> str:
    """A COMPLETE gatekeeper report with one entry whose version is on line 6 (7 after ``before_pin``)."""
    url, _ = _source(technology)
    extra = f"  {before_pin}\n" if before_pin else ""
    return (
        "## REQUIRED OFFICIAL DOCUMENTATION\n\n"
        f"- Technology: {technology}\n"
        "  - Concept: Enums\n"
        f"  - Official source: {url}\n"
        f"{extra}"
        f"  - Exact version requirement: {pin}\n"
        "  - Why required: Enum changes need their own migration.\n"
        "  - What decision it informs: Migration layout.\n"
        "  - What breaks without it: Failed deploys.\n\n"
        "## DOCUMENTATION COVERAGE DECISION\n\n"
        "✅ DOCUMENTATION COMPLETE\n"
    )


def check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[dict[str, Any]]]:
    code, data = run_json(capsys, ["check", "--format", "json", *args])
    findings: list[dict[str, Any]] = data["findings"]
    return code, findings


def of_rule(findings: list[dict[str, Any]], rule: str) -> list[tuple[str, int, str]]:
    return sorted((f["path"], f["line"], f["severity"]) for f in findings if f["rule"] == rule)


def only(findings: list[dict[str, Any]], rule: str) -> dict[str, Any]:
    found = [f for f in findings if f["rule"] == rule]
    assert len(found) == 1, found
    return found[0]


@pytest.fixture(autouse=True)
def _in_tree(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.chdir(tmp_path)


# --- the builders give clean docs: every finding below comes from what a test changes ------------------


def test_a_consistent_tree_has_no_findings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, REGISTRY, registry(("PostgreSQL", "16.4"), ("Prisma", "7.3.0")))
    write(tmp_path, "docs/official-docs/postgresql.md", official_doc("PostgreSQL", "16.4"))
    write(tmp_path, TASK, task(("PostgreSQL", "16.4"), ("Prisma", "7.3.0")))
    write(tmp_path, "docs/gatekeeper/g.md", report("Prisma", "7.3.0"))
    write(tmp_path, "package.json", '{"dependencies": {"prisma": "7.3.0"}}\n')
    write(tmp_path, "docker-compose.yml", "services:\n  db:\n    image: postgres:16.4\n")
    code, findings = check(capsys)
    assert (code, findings) == (0, [])


# --- pin-inconsistent against the registry ----------------------------------------------------------------


def test_a_doc_disagreeing_with_the_registry_is_reported_at_the_doc(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, REGISTRY, registry(("Prisma", "7.3.0"), ("PostgreSQL", "16.4")))
    write(tmp_path, "docs/official-docs/postgresql.md", official_doc("PostgreSQL", "15.2"))
    code, findings = check(capsys)
    finding = only(findings, "pin-inconsistent")
    assert (finding["path"], finding["line"], finding["severity"]) == (
        "docs/official-docs/postgresql.md",
        OFFICIAL_PIN_LINE,
        "error",
    )
    assert "15.2" in finding["message"] and "16.4" in finding["message"]
    # The registry row is the second row: its place is in the hint, and the registry itself is not reported.
    assert f"{REGISTRY}:{REGISTRY_FIRST_ROW + 1}" in finding["hint"]
    assert not [f for f in findings if f["path"] == REGISTRY]
    assert code == 1


def test_pin_inconsistent_severity_per_kind(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, REGISTRY, registry(("PostgreSQL", "16.4")))
    write(tmp_path, "docs/official-docs/postgresql.md", official_doc("PostgreSQL", "15.2"))
    write(tmp_path, TASK, task(("Prisma", "7.3.0"), ("PostgreSQL", "15.2")))
    write(tmp_path, "docs/gatekeeper/g.md", report("PostgreSQL", "15.2"))
    _, findings = check(capsys)
    assert of_rule(findings, "pin-inconsistent") == [
        ("docs/gatekeeper/g.md", REPORT_PIN_LINE, "warning"),
        ("docs/official-docs/postgresql.md", OFFICIAL_PIN_LINE, "error"),
        (TASK, TASK_FIRST_PIN + 1, "error"),
    ]


def test_a_gatekeeper_disagreement_alone_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, REGISTRY, registry(("PostgreSQL", "16.4")))
    write(tmp_path, "docs/gatekeeper/g.md", report("PostgreSQL", "15.2"))
    code, findings = check(capsys)
    assert of_rule(findings, "pin-inconsistent") == [("docs/gatekeeper/g.md", REPORT_PIN_LINE, "warning")]
    assert code == 0


@pytest.mark.parametrize(
    ("registry_pin", "doc_pin", "disagree"),
    [
        ("16.4", "16", False),
        ("16.4", "16.x", False),
        ("16", "16.4", False),
        ("16.x", "16.4", False),
        ("16", "16.x", False),
        ("16.4", "17", True),
        ("16", "17.1", True),
        ("16.x", "15.8", True),
        ("16.4", "16.3", True),
    ],
)
def test_a_major_pin_agrees_with_an_exact_pin_of_that_major(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], registry_pin: str, doc_pin: str, disagree: bool
) -> None:
    write(tmp_path, REGISTRY, registry(("PostgreSQL", registry_pin)))
    write(tmp_path, "docs/official-docs/postgresql.md", official_doc("PostgreSQL", doc_pin))
    write(tmp_path, TASK, task(("PostgreSQL", doc_pin)))
    _, findings = check(capsys)
    expected = [("docs/official-docs/postgresql.md", 4, "error"), (TASK, TASK_FIRST_PIN, "error")]
    assert of_rule(findings, "pin-inconsistent") == (expected if disagree else [])


@pytest.mark.parametrize("doc_name", ["Prisma", "prisma", "PRISMA (migrations)", "Prisma ORM & Migrations"])
def test_a_qualified_registry_name_joins_the_plain_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], doc_name: str
) -> None:
    write(tmp_path, REGISTRY, registry(("Prisma (ORM & Migrations)", "7.3.0")))
    write(tmp_path, "docs/official-docs/prisma.md", official_doc(doc_name, "7.4.0"))
    _, findings = check(capsys)
    if doc_name == "Prisma ORM & Migrations":
        # Only a trailing parenthesised qualifier is dropped: `prisma orm migrations` is another name.
        assert of_rule(findings, "pin-inconsistent") == []
        return
    finding = only(findings, "pin-inconsistent")
    assert (finding["path"], finding["line"]) == ("docs/official-docs/prisma.md", OFFICIAL_PIN_LINE)
    assert f"{REGISTRY}:{REGISTRY_FIRST_ROW}" in finding["hint"]


def test_a_qualified_registry_name_agreeing_is_clean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, REGISTRY, registry(("Prisma (ORM & Migrations)", "7.3.0")))
    write(tmp_path, TASK, task(("Prisma", "7.3.0")))
    write(tmp_path, "docs/official-docs/prisma.md", official_doc("Prisma", "7.3.0"))
    assert check(capsys) == (0, [])


@pytest.mark.parametrize(
    ("registry_name", "registry_pin", "doc_name"),
    [
        ("PostgreSQL", "16.4", "Postgres"),
        ("PostgreSQL", "16.4", "PG"),
        ("Postgres", "16.4", "PostgreSQL"),
        ("Node.js", "22.11.0", "Node"),
        ("Node", "22.11.0", "node.js"),
    ],
)
def test_built_in_aliases_join_the_registry_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], registry_name: str, registry_pin: str, doc_name: str
) -> None:
    write(tmp_path, REGISTRY, registry(("Prisma", "7.3.0"), (registry_name, registry_pin)))
    write(tmp_path, TASK, task((doc_name, "1.2.3")))
    write(tmp_path, "docs/official-docs/alias.md", official_doc(doc_name, registry_pin))
    _, findings = check(capsys)
    finding = only(findings, "pin-inconsistent")
    assert (finding["path"], finding["line"], finding["severity"]) == (TASK, TASK_FIRST_PIN, "error")
    assert f"{REGISTRY}:{REGISTRY_FIRST_ROW + 1}" in finding["hint"]


STRIPE_CONFIG = "technologies:\n  Stripe API:\n    aliases: [Stripe]\n"


@pytest.mark.parametrize("configured", [True, False])
def test_a_config_alias_joins_the_registry_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], configured: bool
) -> None:
    if configured:
        write(tmp_path, ".forgea-hooks.yaml", STRIPE_CONFIG)
    write(tmp_path, REGISTRY, registry(("Stripe API", "2024-06-20")))
    write(tmp_path, "docs/official-docs/stripe.md", official_doc("Stripe", "2023-10-16"))
    _, findings = check(capsys)
    # Without the alias `Stripe` has no registry row and no other place: nothing to disagree with.
    expected = [("docs/official-docs/stripe.md", OFFICIAL_PIN_LINE, "error")] if configured else []
    assert of_rule(findings, "pin-inconsistent") == expected


# --- pin-inconsistent without a registry row ----------------------------------------------------------


def _unsettled_redis(root: Path) -> None:
    write(root, REGISTRY, registry(("PostgreSQL", "16.4")))
    write(root, "docs/official-docs/redis.md", official_doc("Redis", "7.2.5"))
    write(root, TASK, task(("Redis", "7.0.1")))
    write(root, "docs/gatekeeper/g.md", report("Redis", "7.2"))


UNSETTLED = [
    ("docs/gatekeeper/g.md", REPORT_PIN_LINE, "warning"),
    ("docs/official-docs/redis.md", OFFICIAL_PIN_LINE, "error"),
    (TASK, TASK_FIRST_PIN, "error"),
]


def test_without_a_registry_row_a_whole_tree_run_reports_every_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _unsettled_redis(tmp_path)
    code, findings = check(capsys)
    assert of_rule(findings, "pin-inconsistent") == UNSETTLED
    task_finding = next(f for f in findings if f["rule"] == "pin-inconsistent" and f["path"] == TASK)
    assert "docs/official-docs/redis.md:4" in task_finding["hint"]
    assert "docs/gatekeeper/g.md:6" in task_finding["hint"]
    assert code == 1
    # A warm run (results from the cache) says the same.
    assert of_rule(check(capsys)[1], "pin-inconsistent") == UNSETTLED


def test_without_a_registry_row_a_per_file_run_does_not(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _unsettled_redis(tmp_path)
    code, findings = check(capsys, TASK, "docs/official-docs/redis.md", "docs/gatekeeper/g.md")
    assert of_rule(findings, "pin-inconsistent") == []
    assert code == 0


def test_without_a_registry_row_agreeing_places_are_clean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, REGISTRY, registry(("PostgreSQL", "16.4")))
    write(tmp_path, "docs/official-docs/redis.md", official_doc("Redis", "7.2.5"))
    write(tmp_path, TASK, task(("Redis", "7")))
    write(tmp_path, "docs/gatekeeper/g.md", report("Redis", "7.x"))
    assert check(capsys) == (0, [])


def test_a_registry_row_without_a_concrete_pin_does_not_settle_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _unsettled_redis(tmp_path)
    write(tmp_path, REGISTRY, registry(("PostgreSQL", "16.4"), ("Redis", "TBD", "pending")))
    _, findings = check(capsys)
    assert of_rule(findings, "pin-inconsistent") == UNSETTLED
    assert of_rule(findings, "pin-unknown") == [(REGISTRY, REGISTRY_FIRST_ROW + 1, "error")]
    assert all("registry does not settle it" in f["message"] for f in findings if f["rule"] == "pin-inconsistent")


def test_a_deprecated_registry_row_does_not_settle_it_nor_double_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _unsettled_redis(tmp_path)
    write(tmp_path, REGISTRY, registry(("PostgreSQL", "16.4"), ("Redis", "6.2.0", "deprecated")))
    _, findings = check(capsys)
    # Each place once: a deprecated row pins nothing, in the per-file pass as in the whole-tree one.
    assert of_rule(findings, "pin-inconsistent") == UNSETTLED
    # Per file, nothing settles it either: the deprecated 6.2.0 is no registry pin to disagree with.
    assert of_rule(check(capsys, TASK)[1], "pin-inconsistent") == []


def test_a_deprecated_row_gives_way_to_a_later_row_of_the_technology(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, REGISTRY, registry(("Redis", "6.2.0", "deprecated"), ("Redis", "7.2.5")))
    write(tmp_path, "docs/official-docs/redis.md", official_doc("Redis", "7.2.5"))
    write(tmp_path, TASK, task(("Redis", "7.0.1")))
    for args in [(), (TASK, "docs/official-docs/redis.md")]:
        _, findings = check(capsys, *args)
        finding = only(findings, "pin-inconsistent")
        assert (finding["path"], finding["line"]) == (TASK, TASK_FIRST_PIN)
        assert f"{REGISTRY}:{REGISTRY_FIRST_ROW + 1}" in finding["hint"] and "7.2.5" in finding["message"]


@pytest.mark.parametrize(
    ("pin", "own_rule"),
    [
        ("^15.0.0", "pin-range"),
        ("latest", "pin-range"),
        ("e.g., 15.x (to be confirmed by infra)", "pin-unconfirmed"),
        ("15.2 (provisional)", "pin-unconfirmed"),
        ("TBD", "pin-unknown"),
        ("VERSION UNKNOWN — MUST BE PINNED BEFORE IMPLEMENTATION", "pin-unknown"),
    ],
)
def test_unknown_unconfirmed_and_range_values_are_left_to_their_own_rules(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], pin: str, own_rule: str
) -> None:
    write(tmp_path, REGISTRY, registry(("PostgreSQL", "16.4")))
    write(tmp_path, "docs/official-docs/postgresql.md", official_doc("PostgreSQL", pin))
    # And without a registry row, against a concrete pin elsewhere in a whole-tree run.
    write(tmp_path, "docs/official-docs/redis.md", official_doc("Redis", pin))
    write(tmp_path, TASK, task(("Redis", "7.2.5")))
    # Nor pin-drift: only a concrete doc pin is compared with what the manifests install.
    write(tmp_path, "docker-compose.yml", "services:\n  db:\n    image: postgres:15.0.0\n")
    _, findings = check(capsys)
    assert of_rule(findings, "pin-inconsistent") == []
    # The registry's concrete 16.4 drifts from the image; the doc's non-concrete pin is not compared.
    assert of_rule(findings, "pin-drift") == [(REGISTRY, REGISTRY_FIRST_ROW, "error")]
    assert of_rule(findings, own_rule) == [
        ("docs/official-docs/postgresql.md", OFFICIAL_PIN_LINE, "error"),
        ("docs/official-docs/redis.md", OFFICIAL_PIN_LINE, "error"),
    ]


# --- inline disables ----------------------------------------------------------------------------------

DISABLE = "<!-- forgea-hooks: disable=pin-inconsistent -->"


def test_an_inline_disable_silences_a_registry_disagreement(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, REGISTRY, registry(("PostgreSQL", "16.4")))
    write(tmp_path, "docs/gatekeeper/g.md", report("PostgreSQL", "15.2", before_pin=DISABLE))
    write(tmp_path, "docs/gatekeeper/h.md", report("PostgreSQL", "15.2"))
    _, findings = check(capsys)
    assert of_rule(findings, "pin-inconsistent") == [("docs/gatekeeper/h.md", REPORT_PIN_LINE, "warning")]


def test_an_inline_disable_silences_an_unsettled_disagreement_in_a_whole_tree_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _unsettled_redis(tmp_path)
    write(tmp_path, "docs/gatekeeper/g.md", report("Redis", "7.2", before_pin=DISABLE))
    write(tmp_path, TASK, task(("Prisma", "7.3.0")).replace("- Prisma: 7.3.0\n", f"{DISABLE}\n- Redis: 7.0.1\n"))
    code, findings = check(capsys)
    # Both disabled places still count as the other place for the official doc.
    finding = only(findings, "pin-inconsistent")
    assert (finding["path"], finding["line"], finding["severity"]) == (
        "docs/official-docs/redis.md",
        OFFICIAL_PIN_LINE,
        "error",
    )
    assert f"{TASK}:{TASK_FIRST_PIN + 1}" in finding["hint"]
    assert code == 1
    # The disables survive the result cache.
    assert of_rule(check(capsys)[1], "pin-inconsistent") == [
        ("docs/official-docs/redis.md", OFFICIAL_PIN_LINE, "error")
    ]


def test_an_inline_disable_of_another_rule_does_not_silence(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _unsettled_redis(tmp_path)
    write(tmp_path, "docs/gatekeeper/g.md", report("Redis", "7.2", before_pin=DISABLE.replace("inconsistent", "drift")))
    _, findings = check(capsys)
    assert of_rule(findings, "pin-inconsistent") == [
        ("docs/gatekeeper/g.md", REPORT_PIN_LINE + 1, "warning"),
        *UNSETTLED[1:],
    ]


# --- pin-drift ----------------------------------------------------------------------------------------


def _prisma_docs(root: Path, pin: str = "7.3.0") -> None:
    write(root, REGISTRY, registry(("Prisma", pin)))
    write(root, "docs/official-docs/prisma.md", official_doc("Prisma", pin))
    write(root, TASK, task(("Prisma", pin)))
    write(root, "docs/gatekeeper/g.md", report("Prisma", pin))


PRISMA_PLACES = [  # in the order findings sort in
    ("docs/gatekeeper/g.md", REPORT_PIN_LINE),
    (REGISTRY, REGISTRY_FIRST_ROW),
    ("docs/official-docs/prisma.md", OFFICIAL_PIN_LINE),
    (TASK, TASK_FIRST_PIN),
]


def test_package_json_installing_another_version(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _prisma_docs(tmp_path)
    write(tmp_path, "package.json", '{\n  "name": "app",\n  "dependencies": {\n    "prisma": "7.4.0"\n  }\n}\n')
    code, findings = check(capsys)
    severities = ["warning", "error", "error", "error"]
    assert of_rule(findings, "pin-drift") == [
        (p, line, s) for (p, line), s in zip(PRISMA_PLACES, severities, strict=True)
    ]
    for finding in findings:
        assert finding["rule"] == "pin-drift"
        assert "installed: package.json:4 prisma 7.4.0" in finding["hint"]
    assert code == 1


def test_a_manifest_range_admitting_others_is_one_step_lower(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _prisma_docs(tmp_path)
    write(tmp_path, "package.json", '{\n  "devDependencies": {\n    "prisma": "^7.3.0"\n  }\n}\n')
    code, findings = check(capsys)
    severities = ["info", "warning", "warning", "warning"]
    assert of_rule(findings, "pin-drift") == [
        (p, line, s) for (p, line), s in zip(PRISMA_PLACES, severities, strict=True)
    ]
    assert all("package.json:3 prisma ^7.3.0" in f["hint"] for f in findings)
    assert code == 0


@pytest.mark.parametrize(("resolved", "drift"), [("7.3.0", False), ("7.4.1", True)])
def test_the_lockfile_resolution_overrides_a_package_json_range(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], resolved: str, drift: bool
) -> None:
    _prisma_docs(tmp_path)
    write(tmp_path, "package.json", '{\n  "dependencies": {\n    "prisma": "^7.3.0"\n  }\n}\n')
    lock = {
        "name": "app",
        "lockfileVersion": 3,
        "packages": {"": {"dependencies": {"prisma": "^7.3.0"}}, "node_modules/prisma": {"version": resolved}},
    }
    write(tmp_path, "package-lock.json", json.dumps(lock, indent=2) + "\n")
    _, findings = check(capsys)
    if not drift:
        assert findings == []
        return
    finding = next(f for f in findings if f["path"] == "docs/official-docs/prisma.md")
    assert (finding["rule"], finding["line"], finding["severity"]) == ("pin-drift", OFFICIAL_PIN_LINE, "error")
    assert "installed: package-lock.json:11 prisma 7.4.1 (from ^7.3.0)" in finding["hint"]
    assert '"version": "7.4.1"' in (tmp_path / "package-lock.json").read_text().splitlines()[10]


@pytest.mark.parametrize(
    ("image", "pin", "expected"),
    [
        ("postgres:16.4", "16.4", None),
        ("postgres:16.4", "16", None),
        ("postgres:16.4", "16.x", None),
        ("postgres:16.4-alpine", "16.4", None),
        ("postgres:16.3", "16.4", "error"),
        ("postgres:16.4", "15", "error"),
        ("postgres:16", "16.4", "warning"),
        ("postgres", "16.4", "warning"),
        ("postgres:latest", "16.4", "warning"),
    ],
)
def test_docker_compose_images(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], image: str, pin: str, expected: str | None
) -> None:
    write(tmp_path, REGISTRY, registry(("PostgreSQL", pin)))
    write(tmp_path, "docs/official-docs/postgresql.md", official_doc("PostgreSQL", pin))
    write(tmp_path, "docker-compose.yml", f"services:\n  web:\n    build: .\n  db:\n    image: {image}\n")
    _, findings = check(capsys)
    drift = [f for f in findings if f["rule"] == "pin-drift" and f["path"] == "docs/official-docs/postgresql.md"]
    if expected is None:
        assert of_rule(findings, "pin-drift") == []
        return
    assert [(f["line"], f["severity"]) for f in drift] == [(OFFICIAL_PIN_LINE, expected)]
    assert f"docker-compose.yml:5 postgres {image.partition(':')[2]}" in drift[0]["hint"]


@pytest.mark.parametrize(("image", "drift"), [("redis:7.2.5-alpine", False), ("redis:7.2.4-alpine", True)])
def test_an_image_tag_is_compared_on_its_version_part(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], image: str, drift: bool
) -> None:
    write(tmp_path, REGISTRY, registry(("Redis", "7.2.5")))
    write(tmp_path, TASK, task(("Redis", "7.2.5")))
    write(tmp_path, "compose.yaml", f"services:\n  cache:\n    image: {image}\n")
    _, findings = check(capsys)
    expected = [(REGISTRY, REGISTRY_FIRST_ROW, "error"), (TASK, TASK_FIRST_PIN, "error")] if drift else []
    assert of_rule(findings, "pin-drift") == expected
    hints = [f["hint"] for f in findings if f["rule"] == "pin-drift"]
    assert all("compose.yaml:3 redis 7.2.4 (from 7.2.4-alpine)" in hint for hint in hints)


def test_a_dockerfile_from_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, REGISTRY, registry(("PostgreSQL", "16.4")))
    write(tmp_path, TASK, task(("Postgres", "16.4")))
    write(tmp_path, "Dockerfile", "ARG BASE=postgres:16.2\n\nFROM ${BASE} AS db\nFROM db\n")
    _, findings = check(capsys)
    assert of_rule(findings, "pin-drift") == [(REGISTRY, REGISTRY_FIRST_ROW, "error"), (TASK, TASK_FIRST_PIN, "error")]
    assert all("installed: Dockerfile:3 postgres 16.2" in f["hint"] for f in findings)


@pytest.mark.parametrize(("nvmrc", "drift"), [("v22.11.0\n", False), ("22\n", False), ("20.18.0\n", True)])
def test_nvmrc(tmp_path: Path, capsys: pytest.CaptureFixture[str], nvmrc: str, drift: bool) -> None:
    write(tmp_path, REGISTRY, registry(("Node.js", "22.11.0")))
    write(tmp_path, "docs/official-docs/node.md", official_doc("Node", "22.11.0"))
    write(tmp_path, ".nvmrc", nvmrc)
    _, findings = check(capsys)
    if nvmrc == "22\n":
        # A major-only .nvmrc floats over every 22.x: the range variant, not another version.
        assert of_rule(findings, "pin-drift") == [
            (REGISTRY, REGISTRY_FIRST_ROW, "warning"),
            ("docs/official-docs/node.md", OFFICIAL_PIN_LINE, "warning"),
        ]
        return
    expected = [(REGISTRY, REGISTRY_FIRST_ROW, "error"), ("docs/official-docs/node.md", 4, "error")] if drift else []
    assert of_rule(findings, "pin-drift") == expected
    assert all(".nvmrc:1 node 20.18.0" in f["hint"] for f in findings if f["rule"] == "pin-drift")


@pytest.mark.parametrize("configured", [True, False])
def test_a_config_packages_mapping(tmp_path: Path, capsys: pytest.CaptureFixture[str], configured: bool) -> None:
    if configured:
        write(tmp_path, ".forgea-hooks.yaml", "technologies:\n  Zod:\n    packages: {npm: [zod]}\n")
    write(tmp_path, REGISTRY, registry(("Zod", "3.22.4")))
    write(tmp_path, TASK, task(("zod", "3.22.4")))
    write(tmp_path, "package.json", '{\n  "dependencies": {\n    "left-pad": "1.3.0",\n    "zod": "3.23.8"\n  }\n}\n')
    _, findings = check(capsys)
    expected = [(REGISTRY, REGISTRY_FIRST_ROW, "error"), (TASK, TASK_FIRST_PIN, "error")] if configured else []
    assert of_rule(findings, "pin-drift") == expected
    assert all("package.json:4 zod 3.23.8" in f["hint"] for f in findings)


def test_a_major_doc_pin_agrees_with_any_install_of_that_major(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _prisma_docs(tmp_path, "7")
    write(tmp_path, "package.json", '{"dependencies": {"prisma": "7.9.1", "@prisma/client": "~7.2.0"}}\n')
    assert check(capsys) == (0, [])


@pytest.mark.parametrize("argv", [["check", "--format", "json"], ["check", "--format", "json", TASK]])
@pytest.mark.parametrize(
    "package_json",
    ['{\n  "dependencies": {\n    "prisma": "7.4.0",\n', "[1, 2]\n", '{"dependencies": ["prisma"]}\n'],
)
def test_a_malformed_package_json_is_a_warning_never_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], package_json: str
) -> None:
    _prisma_docs(tmp_path)
    write(tmp_path, "package.json", package_json)
    code = main(argv)
    captured = capsys.readouterr()
    assert json.loads(captured.out)["findings"] == []
    assert "warning: package.json" in captured.err
    assert "Traceback" not in captured.err
    assert code == 0


def test_a_malformed_package_json_exits_by_the_findings_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _prisma_docs(tmp_path)
    write(tmp_path, "docs/official-docs/prisma.md", official_doc("Prisma", "7.2.0"))
    write(tmp_path, "package.json", "{ not json\n")
    code = main(["check"])
    captured = capsys.readouterr()
    assert "docs/official-docs/prisma.md:4:16: error pin-inconsistent " in captured.out
    assert "pin-drift" not in captured.out
    assert "forgea-hooks: warning: package.json:1:" in captured.err
    assert code == 1


# --- path-missing and path-placeholder -------------------------------------------------------------


def partial_report(*paths: str) -> str:
    """A PARTIAL report whose INTERNAL DOCS entries' `Path:` lines are at 17, 22, 27, ..."""
    head = (
        "## REQUIRED OFFICIAL DOCUMENTATION\n\n"
        "- Technology: PostgreSQL\n"
        "  - Concept: Enums\n"
        "  - Official source: https://www.postgresql.org/docs/\n"
        "  - Exact version requirement: 16.4\n"
        "  - Why required: Enum changes need their own migration.\n"
        "  - What decision it informs: Migration layout.\n"
        "  - What breaks without it: Failed deploys.\n\n"
        "## DOCUMENTATION COVERAGE DECISION\n\n"
        "⚠️ DOCUMENTATION PARTIAL — EXTENSION REQUIRED\n\n"
        "## INTERNAL DOCS TO ADD OR EXTEND\n\n"
    )
    assert head.count("\n") == 16
    entries = [
        f"- Path: {path}\n  - Purpose: Enum patterns.\n  - Exact knowledge to add: Enum migrations.\n"
        "  - Required version pin: 16.4\n"
        for path in paths
    ]
    return head + "\n".join(entries)


def test_path_missing_for_a_doc_to_extend(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, "docs/official-docs/postgresql.md", official_doc("PostgreSQL", "16.4"))
    write(
        tmp_path,
        "docs/gatekeeper/g.md",
        partial_report(
            "/docs/official-docs/x.md (extend)",
            "/docs/official-docs/y.md (new)",
            "/docs/official-docs/postgresql.md (extend)",
            "docs/official-docs/z.md (extend)",
        ),
    )
    code, findings = check(capsys)
    assert of_rule(findings, "path-missing") == [
        ("docs/gatekeeper/g.md", 17, "warning"),
        ("docs/gatekeeper/g.md", 32, "warning"),
    ]
    messages = sorted(f["message"] for f in findings if f["rule"] == "path-missing")
    assert "/docs/official-docs/x.md" in messages[0] and "docs/official-docs/z.md" in messages[1]
    assert [f["rule"] for f in findings] == ["path-missing", "path-missing"]
    assert code == 0


def test_path_placeholder_in_a_listed_path_is_info_in_a_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, "docs/gatekeeper/g.md", partial_report("/docs/tasks/task-C2-<YYYY-MM-DD>.md (extend)"))
    code, findings = check(capsys)
    assert [(f["path"], f["line"], f["rule"], f["severity"]) for f in findings] == [
        ("docs/gatekeeper/g.md", 17, "path-placeholder", "info")
    ]
    assert code == 0


def test_path_placeholder_in_a_tasks_own_name_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    name = "docs/tasks/task-C2-<YYYY-MM-DD>.md"
    write(tmp_path, name, task(("PostgreSQL", "16.4")))
    code, findings = check(capsys)
    placeholder = [(f["path"], f["line"], f["severity"]) for f in findings if f["rule"] == "path-placeholder"]
    assert placeholder == [(name, 1, "error")]
    assert code == 1


def test_path_placeholder_in_a_reports_own_name_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    name = "docs/gatekeeper/report-<YYYY-MM-DD>.md"
    write(tmp_path, name, report("PostgreSQL", "16.4"))
    code, findings = check(capsys)
    assert [(f["path"], f["line"], f["rule"], f["severity"]) for f in findings] == [
        (name, 1, "path-placeholder", "error")
    ]
    assert code == 1

"""The online rules' judgement: recorded release data in, verdicts out (no network here)."""

from __future__ import annotations

import datetime
import subprocess
import sys

import pytest

from forgea_hooks.online import endoflife, github
from forgea_hooks.online.model import Cycle, ReleaseData, Source, Unavailable
from forgea_hooks.online.versions import release_numbers, tag_numbers
from forgea_hooks.rules.online import judge
from tests.conftest import REPO
from tests.online_standin import body

TODAY = datetime.date(2026, 11, 30)
POSTGRES = ReleaseData(Source("endoflife", "postgresql"), endoflife.parse_v1(body("endoflife-v1-postgresql.json")))
REDIS = ReleaseData(Source("endoflife", "redis"), endoflife.parse_v1(body("endoflife-v1-redis.json")))
NODE = ReleaseData(Source("endoflife", "nodejs"), endoflife.parse_v1(body("endoflife-v1-nodejs.json")))
PYTHON = ReleaseData(Source("endoflife", "python"), endoflife.parse_legacy(body("endoflife-legacy-python.json")))
COMPOSE = ReleaseData(
    Source("github", "docker/compose"),
    releases=tuple(
        github.parse_releases(body("github-releases-docker-compose-1.json"))
        + github.parse_releases(body("github-releases-docker-compose-2.json"))
    ),
)


def verdict(label: str, data: ReleaseData | Unavailable) -> tuple[str, str] | None:
    numbers = release_numbers(label.rsplit(" ", 1)[1])
    assert numbers is not None
    found = judge(label, numbers, data, TODAY)
    return None if found is None else (found.rule, found.message)


def test_a_cycle_past_its_end_of_life() -> None:
    assert verdict("PostgreSQL 11.22", POSTGRES) == (
        "pin-eol",
        "PostgreSQL 11.22: cycle 11 reached end of life on 2023-11-09; supported cycles: 15, 16, 17, 18",
    )


def test_the_end_of_life_day_itself_is_past_it() -> None:
    data = ReleaseData(Source("endoflife", "x"), (Cycle("1", "2026-11-30", "1.2"), Cycle("2", False, "2.0")))
    assert verdict("X 1.2", data) == (
        "pin-eol",
        "X 1.2: cycle 1 reached end of life on 2026-11-30; supported cycles: 2",
    )


def test_a_version_no_release_has() -> None:
    assert verdict("Redis 7.9.1", REDIS) == (
        "pin-unreleased",
        "Redis 7.9.1: no release has that version; the newest 7.x is 7.4.2",
    )
    assert verdict("PostgreSQL 21", POSTGRES) == (
        "pin-unreleased",
        "PostgreSQL 21: no release has that version; the newest cycle is 18 (18.1)",
    )
    assert verdict("PostgreSQL 16.99", POSTGRES) == (
        "pin-unreleased",
        "PostgreSQL 16.99: no release has that version; the latest 16 release is 16.9",
    )


def test_a_newer_patch_of_the_same_cycle() -> None:
    assert verdict("PostgreSQL 16.4", POSTGRES) == ("pin-behind", "PostgreSQL 16.4: 16.9 is the latest patch of 16")
    assert verdict("Python 3.12.8", PYTHON) is None
    assert verdict("Python 3.12.2", PYTHON) == ("pin-behind", "Python 3.12.2: 3.12.8 is the latest patch of 3.12")


def test_a_flavour_or_a_leading_v_is_not_part_of_the_release() -> None:
    assert verdict("PostgreSQL 16.4-alpine", POSTGRES) == (
        "pin-behind",
        "PostgreSQL 16.4-alpine: 16.9 is the latest patch of 16",
    )
    assert release_numbers("v22.11.0") == (22, 11, 0)
    assert verdict("Node.js 22.13.0", NODE) is None
    assert verdict("Node.js 22.11.0", NODE) == ("pin-behind", "Node.js 22.11.0: 22.13.0 is the latest patch of 22")


def test_pre_releases_dates_and_identifiers_are_not_judged() -> None:
    for version in ("16.4-rc1", "16.4rc1", "2022-11-28", "27001:2013", "16.4-beta.2"):
        assert release_numbers(version) is None, version


def test_a_major_pin_is_judged_by_its_cycle() -> None:
    assert verdict("PostgreSQL 16", POSTGRES) is None  # no patch named: never behind
    assert verdict("Node.js 16", NODE) == (
        "pin-eol",
        "Node.js 16: cycle 16 reached end of life on 2023-09-11; supported cycles: 22",
    )
    assert verdict("Redis 7", REDIS) is None  # 7.2 and 7.4 live on
    assert verdict("Python 3", PYTHON) is None
    assert verdict("Python 2", PYTHON) == (
        "pin-eol",
        "Python 2: every 2.x cycle has reached end of life (the last, 2.7, reached end of life on 2020-01-01); "
        "supported cycles: 3.12, 3.13",
    )


def test_older_than_every_tracked_cycle_is_end_of_life_not_unreleased() -> None:
    found = verdict("PostgreSQL 8.4.22", POSTGRES)
    assert found is not None and found[0] == "pin-eol"


def test_github_releases_say_what_exists() -> None:
    assert verdict("Docker Compose 2.29.7", COMPOSE) is None  # the last 2.29 patch; 2.30 is another line
    assert verdict("Docker Compose 2.30.3", COMPOSE) is None
    assert verdict("Docker Compose 2.29.3", COMPOSE) == (
        "pin-unreleased",
        "Docker Compose 2.29.3: no release has that version; the newest 2.x is 2.30.3",
    )
    assert verdict("Docker Compose 2.29.5", COMPOSE) == (
        "pin-behind",
        "Docker Compose 2.29.5: 2.29.7 is the latest patch of 2.29",
    )
    assert verdict("Docker Compose 2.31.0", COMPOSE)[0] == "pin-unreleased"  # type: ignore[index]  # only an rc
    assert verdict("Docker Compose 2", COMPOSE) is None
    assert verdict("Docker Compose 2.29", COMPOSE) is None


def test_an_incomplete_release_list_does_not_call_old_versions_unreleased() -> None:
    partial = ReleaseData(COMPOSE.source, releases=COMPOSE.releases, complete=False)
    assert verdict("Docker Compose 1.29.2", partial) is None
    assert verdict("Docker Compose 1.29.2", COMPOSE) == (
        "pin-unreleased",
        "Docker Compose 1.29.2: no release has that version; the newest release is 2.30.3",
    )


def test_a_source_that_did_not_answer_is_a_warning_never_unreleased() -> None:
    down = Unavailable(Source("endoflife", "redis"), "http://x/: the connection was refused")
    found = verdict("Redis 7.9.1", down)
    assert found is not None
    assert found[0] == "release-data-unavailable"
    assert "endoflife.date product redis" in found[1] and "the connection was refused" in found[1]


def test_tags() -> None:
    assert tag_numbers("v2.29.7") == ((2, 29, 7), False)
    assert tag_numbers("prisma@7.3.0") == ((7, 3, 0), False)
    assert tag_numbers("v2.31.0-rc.1") == ((2, 31, 0), True)
    assert tag_numbers("REL_16_4") is None
    assert tag_numbers("nightly") is None


@pytest.mark.parametrize(
    ("parse", "text"),
    [
        (endoflife.parse_v1, b"<html>"),
        (endoflife.parse_v1, b'{"result": {"releases": [{"label": "no name"}]}}'),
        (endoflife.parse_v1, b"[]"),
        (endoflife.parse_legacy, b'{"result": {}}'),
        (github.parse_releases, b'{"message": "Not Found"}'),
        (github.parse_releases, b'[{"name": "no tag"}]'),
    ],
)
def test_answers_of_other_shapes_are_refused(parse: object, text: bytes) -> None:
    with pytest.raises(ValueError):
        parse(text)  # type: ignore[operator]


def test_offline_modules_do_not_import_requests() -> None:
    code = (
        "import sys, forgea_hooks.rules.online, forgea_hooks.online.mapping, forgea_hooks.online.cache, "
        "forgea_hooks.api; forgea_hooks.rules.defaults(); print('requests' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_the_readme_lists_the_mapped_technologies() -> None:
    from forgea_hooks.online.mapping import table_markdown

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme.split("<!-- release-data-table:start -->\n", 1)[1].split("<!-- release-data-table:end -->", 1)[0]
    assert table.strip() == table_markdown().strip()


def test_a_part_is_the_pin_of_the_technology_named_right_before_its_version() -> None:
    from forgea_hooks.online.check import pin_places
    from forgea_hooks.online.mapping import ReleaseMapping
    from forgea_hooks.outcome import FileOutcome
    from forgea_hooks.technologies import Catalog
    from forgea_hooks.views import PinRef

    refs = [
        PinRef("Prisma", "`prisma`/`@prisma/client` 7.3.0 and Postgres 16", 3, "required"),
        PinRef("PostgreSQL", "Docker image postgres:16.4", 4, "required"),
        PinRef("PostgreSQL", "16.4 and 7.3.0", 5, "required"),
        PinRef("PostgreSQL", "16.4; see notes 7.3.0", 6, "required"),
        PinRef("Acme", "3.1.4", 7, "required"),
    ]
    outcome = FileOutcome("a.md", "a.md", "gatekeeper-report", [], pins=refs)
    places = pin_places([outcome], ReleaseMapping(Catalog()))
    assert [(p.line, p.technology, p.version, p.source.name) for p in places] == [
        (3, "Prisma", "7.3.0", "prisma/prisma"),
        (3, "Postgres", "16", "postgresql"),
        (4, "PostgreSQL", "16.4", "postgresql"),
        (5, "PostgreSQL", "16.4", "postgresql"),
        (5, "PostgreSQL", "7.3.0", "postgresql"),
        (6, "PostgreSQL", "16.4", "postgresql"),
    ]

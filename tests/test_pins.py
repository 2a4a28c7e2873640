from __future__ import annotations

import pytest

from forgea_hooks.pins import (
    CONCRETE,
    Pin,
    PinClass,
    PinPart,
    classify,
    version_falls_under,
    versions_agree,
)

NV = PinClass.NOT_VERSIONED
UNKNOWN = PinClass.UNKNOWN
UNCONFIRMED = PinClass.UNCONFIRMED
RANGE = PinClass.RANGE
MAJOR = PinClass.MAJOR
EXACT = PinClass.EXACT


@pytest.mark.parametrize(
    ("value", "cls", "version"),
    [
        # not versioned
        ("N/A (regulation)", NV, None),
        ("NO FORMAL VERSION — review and accept before implementation", NV, None),
        ("NO FORMAL VERSION — reviewed 2026-10-02", NV, None),
        ("n/a", NV, None),
        # unknown, by marker or emptiness
        ("VERSION UNKNOWN — MUST BE PINNED BEFORE IMPLEMENTATION", UNKNOWN, None),
        ("Postgres version pin (TBD)", UNKNOWN, None),
        ("Provider API version (VERSION MUST BE PINNED).", UNKNOWN, None),
        ("VERSION REQUIRED — choose a major before planning", UNKNOWN, None),
        ("TBD", UNKNOWN, None),
        ("16.4 (MUST PIN the patch)", UNKNOWN, None),
        ("", UNKNOWN, None),
        ("   ", UNKNOWN, None),
        # unconfirmed: a version with a hedge
        ("e.g., 15.x (to be confirmed by infra)", UNCONFIRMED, "15"),
        ("PCI DSS v4.0 (pin before implementation)", UNCONFIRMED, "4.0"),
        ("7.3.0 for example", UNCONFIRMED, "7.3.0"),
        ("16.4 (TBC)", UNCONFIRMED, "16.4"),
        ("16.4 provisional", UNCONFIRMED, "16.4"),
        ("16.4 (tentative)", UNCONFIRMED, "16.4"),
        ("16.4 or later", UNCONFIRMED, "16.4"),
        ("16.4 or newer", UNCONFIRMED, "16.4"),
        # range
        ("^7.3.0", RANGE, "7.3.0"),
        ("~7.3", RANGE, "7.3"),
        (">=15", RANGE, "15"),
        ("<2", RANGE, "2"),
        ("!=7.3.0", RANGE, "7.3.0"),
        ("~=7.3", RANGE, "7.3"),
        ("~> 5.0", RANGE, "5.0"),
        (">= 15", RANGE, "15"),
        ("1.0 || 2.0", RANGE, "1.0"),
        ("7.*", RANGE, "7"),
        ("7.3.x", RANGE, "7.3"),
        ("*", RANGE, None),
        ("latest", RANGE, None),
        ("Latest", RANGE, None),
        ("current", RANGE, None),
        ("stable release", RANGE, None),
        ("LTS", RANGE, None),
        ("next", RANGE, None),
        ("newest", RANGE, None),
        # major
        ("16", MAJOR, "16"),
        ("15.x", MAJOR, "15"),
        ("Node 20 LTS", MAJOR, "20"),
        # exact
        ("7.3.0", EXACT, "7.3.0"),
        ("16.4", EXACT, "16.4"),
        ("2022-11-28", EXACT, "2022-11-28"),
        ("v4.0", EXACT, "4.0"),
        ("ISO/IEC 27001:2013", EXACT, "27001:2013"),
        ("NIST SP 800-92 (2006)", EXACT, "800-92"),
        ("2016/679 (regulation identifier)", EXACT, "2016/679"),
        ("==7.3.0", EXACT, "7.3.0"),
        ("=7.3.0", EXACT, "7.3.0"),
        ("7.3.0 (per registry)", EXACT, "7.3.0"),
        ("7.3.0 (repo dependency: prisma ^7.3.0)", EXACT, "7.3.0"),
        ("`7.3.0`.", EXACT, "7.3.0"),
        ("`prisma`/`@prisma/client` 7.3.0", EXACT, "7.3.0"),
        # unknown: no version-like token at all
        ("Link to the chosen ECS version", UNKNOWN, None),
        ("Runs on EC2 and S3", UNKNOWN, None),
    ],
)
def test_single_part_classes(value: str, cls: PinClass, version: str | None) -> None:
    pin = classify(value)
    assert [(part.cls, part.version) for part in pin.parts] == [(cls, version)]


@pytest.mark.parametrize(
    ("value", "parts"),
    [
        (
            "`prisma`/`@prisma/client` 7.3.0 and Postgres version pin (TBD)",
            [("`prisma`/`@prisma/client` 7.3.0", EXACT), ("Postgres version pin (TBD)", UNKNOWN)],
        ),
        (
            "NO FORMAL VERSION — review and accept before implementation",
            [("NO FORMAL VERSION — review and accept before implementation", NV)],
        ),
        ("e.g., 15.x (to be confirmed by infra)", [("e.g., 15.x (to be confirmed by infra)", UNCONFIRMED)]),
        ("7.3.0; 16.4", [("7.3.0", EXACT), ("16.4", EXACT)]),
        ("PostgreSQL 16.4, Redis 7.2.5", [("PostgreSQL 16.4", EXACT), ("Redis 7.2.5", EXACT)]),
        ("PostgreSQL 16.4 AND Redis latest", [("PostgreSQL 16.4 AND Redis latest", EXACT)]),
        # a hedge on its own is a remark on its neighbour, not a part
        ("16.4, provisional", [("16.4, provisional", UNCONFIRMED)]),
        # never inside parentheses or backticks
        ("7.3.0 (per registry; and infra)", [("7.3.0 (per registry; and infra)", EXACT)]),
        ("`7.3.0; 7.4.0`", [("`7.3.0; 7.4.0`", EXACT)]),
        # not at all after a leading marker
        ("TBD; maybe 16.4 and 17", [("TBD; maybe 16.4 and 17", UNKNOWN)]),
        ("N/A, regulation 2016/679", [("N/A, regulation 2016/679", NV)]),
        # no piece holds a version or marker: one part
        ("ask infra, then decide", [("ask infra, then decide", UNKNOWN)]),
        # `/` never splits
        ("`prisma`/`@prisma/client` 7.3.0", [("`prisma`/`@prisma/client` 7.3.0", EXACT)]),
    ],
)
def test_split(value: str, parts: list[tuple[str, PinClass]]) -> None:
    assert [(part.text, part.cls) for part in classify(value).parts] == parts


def test_concrete_and_failing() -> None:
    pin = classify("`prisma`/`@prisma/client` 7.3.0 and Postgres version pin (TBD)")
    assert not pin.concrete
    assert [part.cls for part in pin.failing] == [UNKNOWN]
    assert pin.failing_class is UNKNOWN

    mixed = classify("^7.3.0; e.g. 16.4; TBD")
    assert mixed.failing_class is UNKNOWN
    assert classify("^7.3.0; e.g. 16.4").failing_class is UNCONFIRMED

    for value in ("7.3.0", "16.x", "N/A (regulation)", "7.3.0; 16"):
        concrete = classify(value)
        assert concrete.concrete
        assert concrete.failing == ()
        assert concrete.failing_class is None
    assert frozenset({NV, MAJOR, EXACT}) == CONCRETE


def test_pin_keeps_the_value() -> None:
    assert classify("16.4") == Pin("16.4", (PinPart("16.4", EXACT, "16.4"),))


def _part(value: str) -> PinPart:
    (part,) = classify(value).parts
    return part


@pytest.mark.parametrize(
    ("a", "b", "agree"),
    [
        ("7.3.0", "7.3.0", True),
        ("7.3.0", "`7.3.0` (per registry)", True),
        ("v4.0", "4.0", True),
        ("7.3", "7.3.0", True),
        ("7.3.0", "7.3.1", False),
        ("16", "16.4", True),
        ("16.x", "16.4.1", True),
        ("16", "15.x", False),
        ("16.4", "16", True),
        ("15.6", "16", False),
        ("2022-11-28", "2022-11-28", True),
        ("2022-11-28", "2023-01-01", False),
        ("N/A (regulation)", "NO FORMAL VERSION — reviewed 2026-10-02", True),
        ("N/A (regulation)", "2016/679", False),
        # non-concrete values are left to their own rules
        ("^7.3.0", "8.0.0", True),
        ("TBD", "16.4", True),
        ("e.g. 15", "16", True),
    ],
)
def test_versions_agree(a: str, b: str, agree: bool) -> None:
    assert versions_agree(_part(a), _part(b)) is agree
    assert versions_agree(_part(b), _part(a)) is agree


@pytest.mark.parametrize(
    ("segment", "pin", "under"),
    [
        ("16", "16.4", True),
        ("16.4", "16.4", True),
        ("15", "16.4", False),
        ("16.5", "16.4", False),
        ("16.4.1", "16.4", False),
        ("22.11.0", "22.11.0", True),
        ("v22.11.0", "22.11.0", True),
        ("v22", "22.11.0", True),
        ("22.1", "22.11.0", False),
        ("", "16.4", False),
    ],
)
def test_version_falls_under(segment: str, pin: str, under: bool) -> None:
    assert version_falls_under(segment, pin) is under

"""Versions as release data compares them: dotted numbers, with what a pin glues to them sorted out.

A pin's version may carry a flavour (``16.4-alpine``, ``7.2.5-bookworm``) that names a build of
the release, not another release: it is dropped. A pre-release marker (``-rc1``, ``-beta.2``,
``a1``) makes it another version, which cycle data cannot judge. A date (``2022-11-28``) or an
identifier (``27001:2013``) is not a release number at all.
"""

from __future__ import annotations

import re

Numbers = tuple[int, ...]

_LEADING = re.compile(r"v?(\d{1,9}(?:\.\d{1,9}){0,5})(.*)", re.IGNORECASE | re.DOTALL)
_PRERELEASE = re.compile(r"[-.+_]?(?:rc|alpha|beta|pre|preview|dev|canary|nightly|next|snapshot|[ab])\.?\d*\b", re.I)
# A tag is a version with an optional prefix: `v22.11.0`, `prisma@7.3.0`, `release-1.2`, `REL_16_4` is not.
_TAG = re.compile(
    r"(?:[A-Za-z][A-Za-z_.-]*[@/_-])?v?(\d{1,9}(?:\.\d{1,9}){0,5})((?:[-+.].*)?)", re.IGNORECASE | re.DOTALL
)


def release_numbers(version: str) -> Numbers | None:
    """The release a pin names, or None when it names none that release data could judge."""
    match = _LEADING.fullmatch(version.strip())
    if match is None:
        return None
    numbers, rest = match[1], match[2]
    if rest and (rest[0] not in "-+_" or rest[1:2].isdigit() or _PRERELEASE.match(rest)):
        return None  # 2022-11-28, 27001:2013, 16.4rc1, 16.4-beta2
    return tuple(int(part) for part in numbers.split("."))


def tag_numbers(tag: str) -> tuple[Numbers, bool] | None:
    """A release tag's numbers and whether it is a pre-release; None when it is not a version."""
    if len(tag) > 200:
        return None
    match = _TAG.fullmatch(tag.strip())
    if match is None:
        return None
    rest = match[2]
    numbers = tuple(int(part) for part in match[1].split("."))
    return numbers, bool(rest and _PRERELEASE.match(rest))


def text(numbers: Numbers) -> str:
    return ".".join(str(part) for part in numbers)


def padded(numbers: Numbers, length: int) -> Numbers:
    """``(7, 3)`` as ``(7, 3, 0)``: `7.3` and `7.3.0` are the same release."""
    return numbers + (0,) * (length - len(numbers))


def same(a: Numbers, b: Numbers) -> bool:
    width = max(len(a), len(b))
    return padded(a, width) == padded(b, width)


def newer(a: Numbers, b: Numbers) -> bool:
    width = max(len(a), len(b))
    return padded(a, width) > padded(b, width)


def under(prefix: Numbers, numbers: Numbers) -> bool:
    """Whether ``numbers`` falls under the cycle or pin ``prefix`` (`16.4` falls under `16`)."""
    return len(prefix) <= len(numbers) and numbers[: len(prefix)] == prefix

"""Versions and the sets of versions a spec admits, and how an install stands against a doc pin."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from packaging.specifiers import SpecifierSet

from forgea_hooks.manifests.core import Install
from forgea_hooks.pins import PinClass, PinPart, versions_agree

Verdict = Literal["agree", "other-version", "range-admits-others"]

_Key = tuple[int, ...]
RELEASE = re.compile(r"v?(\d+(?:\.\d+)*)")
FULL_SEMVER = re.compile(r"v?(\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]*)?)$")


def components_of(version: str) -> _Key | None:
    match = RELEASE.match(version.strip())
    return tuple(int(part) for part in match.group(1).split(".")) if match else None


def _key(components: _Key) -> _Key:
    """Trailing zeros dropped, so `7.3`, `7.3.0` and `7.3.0.0` are one point and order is kept."""
    end = len(components)
    while end and components[end - 1] == 0:
        end -= 1
    return components[:end]


def _bump(components: _Key) -> _Key:
    return (*components[:-1], components[-1] + 1)


@dataclass(frozen=True, slots=True)
class _Interval:
    """Versions between two bounds; None is unbounded. Prereleases are not modelled: pins name releases."""

    low: _Key | None = None
    low_in: bool = True
    high: _Key | None = None
    high_in: bool = True

    def empty(self) -> bool:
        if self.low is None or self.high is None:
            return False
        return self.low > self.high or (self.low == self.high and not (self.low_in and self.high_in))

    def __and__(self, other: _Interval) -> _Interval:
        low, low_in = self.low, self.low_in
        if other.low is not None and (low is None or other.low > low):
            low, low_in = other.low, other.low_in
        elif other.low is not None and other.low == low:
            low_in = low_in and other.low_in
        high, high_in = self.high, self.high_in
        if other.high is not None and (high is None or other.high < high):
            high, high_in = other.high, other.high_in
        elif other.high is not None and other.high == high:
            high_in = high_in and other.high_in
        return _Interval(low, low_in, high, high_in)


_ANY: list[_Interval] = [_Interval()]


def _point(components: _Key) -> _Interval:
    key = _key(components)
    return _Interval(key, True, key, True)


def _prefix(components: _Key) -> _Interval:
    """Every version that starts with ``components`` (`16` is 16.0 up to, not including, 17)."""
    return _Interval(_key(components), True, _key(_bump(components)), False)


def _both(left: list[_Interval], right: list[_Interval]) -> list[_Interval]:
    return [both for a in left for b in right if not (both := a & b).empty()]


def _clause(operator: str, components: _Key) -> list[_Interval]:
    key = _key(components)
    if operator == ">":
        return [_Interval(key, False)]
    if operator == ">=":
        return [_Interval(key, True)]
    if operator == "<":
        return [_Interval(high=key, high_in=False)]
    if operator == "<=":
        return [_Interval(high=key, high_in=True)]
    if operator == "!=":
        return [_Interval(high=key, high_in=False), _Interval(key, False)]
    if operator in ("~>", "~="):
        # Pessimistic: the last component written may grow (`~> 1.5` is >= 1.5, < 2.0).
        if len(components) < 2:
            return [_Interval(key, True)]
        return [_Interval(key, True, _key(_bump(components[:-1])), False)]
    return [_point(components)]


def _npm_range(spec: str) -> str | None:
    spec = spec.strip()
    if not spec.startswith("npm:"):
        return spec
    # An alias (`npm:other@^1.2`) installs another package; its range is after the last `@`.
    alias = spec[4:]
    at = alias.rfind("@")
    return alias[at + 1 :] if at > 0 else None


def _npm_comparators(spec: str) -> list[list[str]] | None:
    """The range as npm desugars it: alternatives of comparator lists (`^7.3.0` is `>=7.3.0 <8.0.0`)."""
    npm_range = _npm_range(spec)
    if npm_range is None:
        return None
    # Imported on use: the range libraries cost more start-up than a five-file pre-commit run.
    import nodesemver  # type: ignore[import-untyped]

    try:
        sets = nodesemver.to_comparators(npm_range, False)
    except ValueError:
        # Tags, git URLs, `file:` and `workspace:` specs name no versions.
        return None
    return [[str(comparator) for comparator in comparators] for comparators in sets]


_COMPARATOR = re.compile(r"(<=|>=|<|>|=)?(\d+(?:\.\d+)*)")


def _npm_set(spec: str) -> list[_Interval] | None:
    sets = _npm_comparators(spec)
    if sets is None:
        return None
    admitted: list[_Interval] = []
    for comparators in sets:
        current = _ANY
        for comparator in comparators:
            match = _COMPARATOR.match(comparator)
            if match:
                components = tuple(int(part) for part in match.group(2).split("."))
                current = _both(current, _clause(match.group(1) or "=", components))
        admitted.extend(current)
    return admitted


def npm_exact(spec: str) -> str | None:
    sets = _npm_comparators(spec)
    if sets is None or len(sets) != 1 or len(sets[0]) != 1:
        return None
    match = FULL_SEMVER.match(sets[0][0].removeprefix("="))
    return match.group(1) if match else None


def _pep440_set(spec: str) -> list[_Interval] | None:
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        specifiers = SpecifierSet(spec)
    except InvalidSpecifier:
        return None
    current = _ANY
    for specifier in specifiers:
        components = components_of(specifier.version)
        if components is None:
            # `===` with a string that is no version: nothing to reason about.
            continue
        if specifier.version.endswith(".*"):
            window = _prefix(components)
            if specifier.operator == "==":
                clause = [window]
            else:
                clause = [_Interval(high=window.low, high_in=False), _Interval(window.high, True)]
        else:
            clause = _clause(specifier.operator, components)
        current = _both(current, clause)
    return current


def pep440_exact(specifiers: SpecifierSet) -> str | None:
    for specifier in specifiers:
        if specifier.operator == "===" or (specifier.operator == "==" and not specifier.version.endswith(".*")):
            return specifier.version
    return None


def _poetry_set(spec: str) -> list[_Interval] | None:
    # Poetry accepts PEP 440 specifiers and npm-style `^`/`~`/`||` constraints with comma conjunctions.
    pep440 = _pep440_set(spec)
    if pep440 is not None:
        return pep440
    return _npm_set(re.sub(r"\|+", "||", spec.replace(",", " ")))


_POETRY_EXACT = re.compile(r"(?:==?)?\s*(\d+(?:\.\d+)*)$")


def poetry_exact(spec: str) -> str | None:
    match = _POETRY_EXACT.match(spec.strip())
    return match.group(1) if match else None


_TERRAFORM_CLAUSE = re.compile(r"\s*(=|!=|>=|<=|>|<|~>)?\s*v?(\d+(?:\.\d+)*)(?:-[0-9A-Za-z.-]+)?\s*$")


def _terraform_set(spec: str) -> list[_Interval] | None:
    if not spec.strip():
        return _ANY
    current = _ANY
    for text in spec.split(","):
        match = _TERRAFORM_CLAUSE.match(text)
        if match is None:
            return None
        components = tuple(int(part) for part in match.group(2).split("."))
        current = _both(current, _clause(match.group(1) or "=", components))
    return current


def terraform_exact(spec: str) -> str | None:
    match = _TERRAFORM_CLAUSE.match(spec)
    if "," in spec or match is None or match.group(1) not in (None, "="):
        return None
    return match.group(2)


def _prefix_set(spec: str) -> list[_Interval] | None:
    """A tag or tool version written short floats over every release it prefixes (`16` is any 16.x)."""
    components = components_of(spec)
    return [_prefix(components)] if components else None


_SPEC_READERS: dict[str, Callable[[str], list[_Interval] | None]] = {
    "npm": _npm_set,
    "pypi": _poetry_set,
    "terraform": _terraform_set,
    # Helm constraints and `engines` ranges read as npm ranges (`^`, `~`, hyphens, `||`).
    "helm": _npm_set,
    "engines": _npm_set,
}


def _admitted(install: Install) -> list[_Interval]:
    # Images, `.tool-versions` and `.nvmrc` write versions, not ranges: a short one floats.
    admitted = _SPEC_READERS.get(install.source, _prefix_set)(install.spec)
    # A spec that names no version (a tag, a URL, `latest`) may install anything.
    return _ANY if admitted is None else admitted


def compare(pin: PinPart, install: Install) -> Verdict:
    """How ``install`` stands against a doc pin: the same version, another one, or a range that admits
    the pin and others too. Only exact and major pins have a version to compare."""
    components = components_of(pin.version or "")
    if pin.cls not in (PinClass.EXACT, PinClass.MAJOR) or components is None:
        raise ValueError(f"a {pin.cls.value} pin has no version to compare: {pin.text!r}")
    if install.version is not None:
        installed = PinPart(install.version, PinClass.EXACT, install.version)
        if versions_agree(pin, installed):
            return "agree"
        # A pin shorter than the install names the series it comes from: "Python 3.12" is true of 3.12.3.
        exact = components_of(install.version)
        return "agree" if exact is not None and exact[: len(components)] == components else "other-version"
    if install.source not in _SPEC_READERS and components_of(install.spec) == components:
        # A tag written as short as the pin (`traefik:3.6` against 3.6) follows the series the doc names.
        return "agree"

    admitted = [interval for interval in _admitted(install) if not interval.empty()]
    if pin.cls is PinClass.MAJOR:
        target = _prefix(components[:1])
        if admitted and all(interval & target == interval for interval in admitted):
            return "agree"
    else:
        target = _point(components)
        if admitted and all(interval == target for interval in admitted):
            return "agree"
    if any(not (interval & target).empty() for interval in admitted):
        return "range-admits-others"
    return "other-version"

"""Online rules: is a pin still true of the world? (``check --online``; the Action's default.)

With ``--online``, each concrete pin (exact or major) of a technology that has release data is
looked up once per run: endoflife.date for cycles, end-of-life dates and latest patches, or a
repository's GitHub releases (which say what exists, not what is supported). A technology with
no release data is not a finding; ``forgea-hooks pins --online`` shows what each pin is checked
against. A flavour glued to a version is ignored (``16.4-alpine`` is 16.4, ``v22.11.0`` is
22.11.0); a pre-release (``16.4-rc1``), a date or an identifier is not judged. A major pin
(``16``, ``16.x``) is judged by its cycle. ``fix`` never changes a pin because of these rules.

``pin-eol``: the pinned release cycle is past its end of life.
    Example: ``PostgreSQL 11.22`` -> "PostgreSQL 11.22: cycle 11 reached end of life on
    2023-11-09; supported cycles: 14, 15, 16, 17". A major pin whose every cycle has ended
    (``Redis 6`` with 6.0 and 6.2 ended) is past its end of life too. Default: error in tasks
    (the work is about to happen on it), warning elsewhere.

``pin-unreleased``: no release of the technology has that version, or the cycle does not exist.
    Example: ``Redis 7.9.1`` -> "Redis 7.9.1: no release has that version; the newest 7.x is
    7.4.2". A version newer than its cycle's latest patch is unreleased too. A pin older than
    everything a GitHub release list shows (only its newest 300 releases are read) is not judged.
    Default: error in every kind.

``pin-behind``: a newer patch of the same cycle exists.
    Example: ``PostgreSQL 16.4`` -> "PostgreSQL 16.4: 16.9 is the latest patch of 16". With
    GitHub releases, the cycle of ``2.29.7`` is 2.29. Default: info in every kind.

``release-data-unavailable``: a release data source did not answer, so the pin was not judged.
    The source and its answer are named (down, rate limited after honouring ``Retry-After``, no
    such product). Never reported as ``pin-unreleased``. Default: warning in every kind.

Release data is kept a day (``online.cache.ttl``), so a rerun asks nothing. Configure::

    technologies:
      Acme DB: {release-data: {endoflife: acme-db}}       # an endoflife.date product
      Widget: {release-data: {github: widget-org/widget}} # GitHub releases (GITHUB_TOKEN is used)
      Ubuntu: {release-data: false}                       # do not check it online
    online:
      sources: {endoflife: "https://endoflife.date", github: "https://api.github.com"}  # mirrors
      cache: {ttl: 1d}
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from forgea_hooks.findings import KINDS, Finding, Severity

if TYPE_CHECKING:
    # Only an --online run judges release data: the rules catalog, which every run reads, does
    # not pay for online/ (the release-data model, the link settings it builds on, the versions).
    from forgea_hooks.online.model import Cycle, ReleaseData, Source, Unavailable
    from forgea_hooks.online.versions import Numbers

RULES: dict[str, dict[str, Severity | None]] = {
    "pin-eol": {
        "registry": Severity.WARNING,
        "official-doc": Severity.WARNING,
        "task": Severity.ERROR,
        "gatekeeper-report": Severity.WARNING,
    },
    "pin-unreleased": dict.fromkeys(KINDS, Severity.ERROR),
    "pin-behind": dict.fromkeys(KINDS, Severity.INFO),
    "release-data-unavailable": dict.fromkeys(KINDS, Severity.WARNING),
}

_NO_FIX = "fix never changes a pin because of release data; you decide"


@dataclass(frozen=True, slots=True)
class Place:
    """A concrete pin of a technology with release data, where a document states it."""

    path: str
    line: int
    kind: str
    technology: str
    version: str
    numbers: Numbers
    source: Source
    disabled: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Verdict:
    rule: str
    message: str
    hint: str


def judge(label: str, numbers: Numbers, answer: ReleaseData | Unavailable, today: datetime.date) -> Verdict | None:
    """What is wrong with the pin ``numbers`` (``label`` names it: "PostgreSQL 16.4"), or None."""
    from forgea_hooks.online.model import Unavailable

    if isinstance(answer, Unavailable):
        return Verdict(
            "release-data-unavailable",
            f"{label}: not checked online, {answer.source.describe()} gave no release data: {answer.reason}",
            "Rerun later; behind a firewall, point online.sources at a mirror. The pin itself may be fine.",
        )
    if answer.cycles:
        return _by_cycles(label, numbers, answer.cycles, today)
    return _by_releases(label, numbers, answer)


def supported_cycles(cycles: Sequence[Cycle], today: datetime.date) -> list[str]:
    """The cycles still supported on ``today``, oldest first."""
    return [cycle.name for _, cycle in _known(cycles) if not _ended(cycle, today)]


def _known(cycles: Sequence[Cycle]) -> list[tuple[Numbers, Cycle]]:
    from forgea_hooks.online.versions import release_numbers

    return sorted(
        ((n, cycle) for cycle in cycles if (n := release_numbers(cycle.name)) is not None), key=lambda item: item[0]
    )


def _by_cycles(label: str, numbers: Numbers, cycles: Sequence[Cycle], today: datetime.date) -> Verdict | None:
    from forgea_hooks.online.versions import newer, release_numbers, text, under

    known = _known(cycles)
    if not known:
        return None
    supported = supported_cycles(cycles, today)
    matching = [(n, cycle) for n, cycle in known if under(n, numbers)]
    if not matching:
        family = [(n, cycle) for n, cycle in known if under(numbers, n)]
        if family:  # `Redis 7` over cycles 7.0, 7.2, 7.4: alive while one of them is
            if all(_ended(cycle, today) for _, cycle in family):
                last = family[-1][1]
                message = (
                    f"{label}: every {text(numbers)}.x cycle has reached end of life (the last, {last.name}, "
                    f"{_ended_on(last)}); {_supported(supported)}"
                )
                return Verdict("pin-eol", message, _move_hint(known, today))
            return None
        oldest_numbers, oldest = known[0]
        if newer(oldest_numbers, numbers):
            if _ended(oldest, today):
                message = (
                    f"{label}: older than any cycle tracked, and the oldest, {oldest.name}, "
                    f"{_ended_on(oldest)}; {_supported(supported)}"
                )
                return Verdict("pin-eol", message, _move_hint(known, today))
            return None
        return Verdict("pin-unreleased", f"{label}: no release has that version; {_newest(numbers, known)}", _CHECK)
    cycle_numbers, cycle = max(matching, key=lambda item: len(item[0]))
    latest = release_numbers(cycle.latest) if cycle.latest else None
    patch_level = len(numbers) > len(cycle_numbers)
    if patch_level and latest is not None and newer(numbers, latest):
        message = f"{label}: no release has that version; the latest {cycle.name} release is {cycle.latest}"
        return Verdict("pin-unreleased", message, _CHECK)
    if _ended(cycle, today):
        message = f"{label}: cycle {cycle.name} {_ended_on(cycle)}; {_supported(supported)}"
        return Verdict("pin-eol", message, _move_hint(known, today))
    if patch_level and latest is not None and newer(latest, numbers):
        message = f"{label}: {cycle.latest} is the latest patch of {cycle.name}"
        return Verdict("pin-behind", message, f"Consider pinning {cycle.latest} once it is verified; {_NO_FIX}.")
    return None


def _by_releases(label: str, numbers: Numbers, data: ReleaseData) -> Verdict | None:
    from forgea_hooks.online.versions import newer, release_numbers, same, text, under

    releases = [n for version in data.releases if (n := release_numbers(version)) is not None]
    if not releases:
        return None
    if not any(same(numbers, n) or under(numbers, n) for n in releases):
        if not data.complete and newer(min(releases), numbers):
            return None  # older than the pages read: it may well exist
        same_major = [n for n in releases if n[0] == numbers[0]]
        newest = (
            f"the newest {numbers[0]}.x is {text(max(same_major))}"
            if same_major
            else f"the newest release is {text(max(releases))}"
        )
        return Verdict("pin-unreleased", f"{label}: no release has that version; {newest}", _CHECK)
    if len(numbers) < 3:
        return None  # `7.3` pins a line, not a patch
    cycle = numbers[:-1]
    patches = [n for n in releases if under(cycle, n)]
    best = max(patches)
    if newer(best, numbers):
        message = f"{label}: {text(best)} is the latest patch of {text(cycle)}"
        return Verdict("pin-behind", message, f"Consider pinning {text(best)} once it is verified; {_NO_FIX}.")
    return None


_CHECK = "Check the version against the project's release notes: readers would look for a release that does not exist."


def _ended(cycle: Cycle, today: datetime.date) -> bool:
    if isinstance(cycle.eol, bool):
        return cycle.eol
    try:
        return datetime.date.fromisoformat(cycle.eol) <= today
    except ValueError:
        return False


def _ended_on(cycle: Cycle) -> str:
    return f"reached end of life on {cycle.eol}" if isinstance(cycle.eol, str) else "has reached end of life"


def _supported(names: list[str]) -> str:
    return f"supported cycles: {', '.join(names)}" if names else "no cycle is supported any more"


def _newest(numbers: Numbers, known: list[tuple[Numbers, Cycle]]) -> str:
    same_major = [(n, cycle) for n, cycle in known if n[0] == numbers[0]]
    _, cycle = (same_major or known)[-1]
    release = cycle.latest or cycle.name
    return f"the newest {numbers[0]}.x is {release}" if same_major else f"the newest cycle is {cycle.name} ({release})"


def _move_hint(known: list[tuple[Numbers, Cycle]], today: datetime.date) -> str:
    alive = [cycle for _, cycle in known if not _ended(cycle, today)]
    if not alive:
        return f"Plan a move off this technology or to a vendor-supported build; {_NO_FIX}."
    newest = alive[-1]
    target = f"{newest.name} (latest {newest.latest})" if newest.latest else newest.name
    return f"Plan a move to a supported cycle; the newest is {target}. {_NO_FIX[0].upper()}{_NO_FIX[1:]}."


def findings_for(
    places: Sequence[Place],
    answers: Mapping[Source, ReleaseData | Unavailable],
    severity: Callable[[str, str], Severity | None],
    today: datetime.date,
) -> list[Finding]:
    """One finding per place whose pin release data contradicts (or could not be judged)."""
    findings: list[Finding] = []
    verdicts: dict[tuple[str, Numbers, Source], Verdict | None] = {}
    for place in places:
        label = f"{place.technology} {place.version}"
        key = (label, place.numbers, place.source)
        if key not in verdicts:
            verdicts[key] = judge(label, place.numbers, answers[place.source], today)
        verdict = verdicts[key]
        if verdict is None or verdict.rule in place.disabled:
            continue
        level = severity(verdict.rule, place.kind)
        if level is not None:
            findings.append(Finding(place.path, place.line, 1, verdict.rule, level, verdict.message, verdict.hint))
    findings.sort(key=Finding.sort_key)
    return findings

"""The pin classifier: what a version value promises, part by part (spec, "Pins")."""

from __future__ import annotations

import enum
import functools
import re
from dataclasses import dataclass


class PinClass(str, enum.Enum):
    NOT_VERSIONED = "not-versioned"
    UNKNOWN = "unknown"
    UNCONFIRMED = "unconfirmed"
    RANGE = "range"
    MAJOR = "major"
    EXACT = "exact"


CONCRETE: frozenset[PinClass] = frozenset({PinClass.NOT_VERSIONED, PinClass.MAJOR, PinClass.EXACT})

# The table's order: a value whose parts fail in several ways is named for the earliest.
_FAILING_ORDER: tuple[PinClass, ...] = (PinClass.UNKNOWN, PinClass.UNCONFIRMED, PinClass.RANGE)


@dataclass(frozen=True, slots=True)
class PinPart:
    """One part of a value. ``version`` is the pin's version-like token normalized for comparison
    (``7.3.0``, ``16`` for ``16.x``, ``4.0`` for ``v4.0``); None for not-versioned and unknown parts,
    whose text may mention numbers that are not the pin."""

    text: str
    cls: PinClass
    version: str | None
    # The technology whose pin this part defers to (`Postgres version (see registry)`), as written;
    # such a part is unknown here, and takes the class of that pin where the tree is known.
    defers: str | None = None


@dataclass(frozen=True, slots=True)
class Pin:
    value: str
    parts: tuple[PinPart, ...]

    @property
    def concrete(self) -> bool:
        return all(part.cls in CONCRETE for part in self.parts)

    @property
    def failing(self) -> tuple[PinPart, ...]:
        return tuple(part for part in self.parts if part.cls not in CONCRETE)

    @property
    def failing_class(self) -> PinClass | None:
        """The class the value's finding is named for, or None when every part is concrete."""
        classes = {part.cls for part in self.failing}
        return next((cls for cls in _FAILING_ORDER if cls in classes), None)


def _phrases(*phrases: str) -> str:
    # Markers written across a line break or with doubled spaces are still the marker.
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in phrases)


# Markers are matched without case: writers who type `tbd` mean what `TBD` means.
_NOT_VERSIONED = re.compile(rf"(?:{_phrases('N/A', 'NO FORMAL VERSION')})(?!\w)", re.IGNORECASE)
_UNKNOWN = re.compile(
    r"(?<!\w)(?:"
    + _phrases("VERSION UNKNOWN", "UNKNOWN", "TBD", "VERSION REQUIRED", "MUST BE PINNED", "MUST PIN")
    + r")(?!\w)",
    re.IGNORECASE,
)
_HEDGE = re.compile(
    r"(?<!\w)(?:e\.g\.?|"
    + _phrases(
        "for example",
        "to be confirmed",
        "TBC",
        "pin before implementation",
        "provisional",
        "tentative",
        "or later",
        "or newer",
    )
    + r")(?!\w)",
    re.IGNORECASE,
)
# A version-like token starts a word with a digit (or `v` and a digit), so `EC2` or `dev4` are names,
# while `7.3.0`, `2022-11-28`, `v4.0`, `27001:2013`, `800-92`, `2016/679` and `15.x` are versions.
_TOKEN = re.compile(r"(?<![0-9A-Za-z])[vV]?\d[0-9A-Za-z.:/*+_-]*")
_TOKEN_TAIL = ".:/+_-"
_OPERATOR_CHARS = "^~<>=!|"
_RANGE_OPERATOR = re.compile(r"[\^~<>|]|!=")
_MINOR_WILDCARD = re.compile(r"^\d+\.\d+\.[xX*]")
_MAJOR = re.compile(r"^\d+(?:\.[xX])?$")
_RANGE_WORDS = frozenset({"latest", "current", "stable", "lts", "next", "newest"})
_SEPARATOR = re.compile(r";|,\s|\s+and\s+", re.IGNORECASE)
# What one value can hold before it is classified: real pins are a line at most, and every step
# below is linear, but a finding quotes its parts and a 5 MiB value has no pin worth quoting.
MAX_VALUE = 2000


@functools.lru_cache(maxsize=8192)
def classify(value: str) -> Pin:
    """Split ``value`` into parts and give each part its class, as the spec's Pins table says.

    Memoized (a Pin is immutable): several rules ask about each value, and a tree repeats the same
    few pins across thousands of docs."""
    return Pin(value=value, parts=tuple(_classify_part(text) for text in _split(value[:MAX_VALUE])))


def _clean(text: str) -> str:
    """The text a part is classified on: backticks and a trailing `.` are not part of a pin."""
    text = text.replace("`", "").strip()
    if text.endswith("."):
        text = text[:-1].rstrip()
    return text


def _starts_with_marker(text: str) -> bool:
    return bool(_NOT_VERSIONED.match(text) or _UNKNOWN.match(text))


def _significant(piece: str) -> bool:
    """Whether a piece can stand as a part of its own: it holds a version or a marker, or defers."""
    text = _clean(piece)
    return bool(_TOKEN.search(text) or _NOT_VERSIONED.match(text) or _UNKNOWN.search(text) or deferral(text))


# Words before the technology's name in a deferring part, and the words that end the name.
_DEFER_LEAD = frozenset({"the", "pinned", "registry's", "registry", "as", "per", "see", "same", "current", "our"})
_DEFER_END = frozenset({"version", "versions", "pin", "pins", "release"})
_DEFER_TRIM = "`*_()[]\"'.,;:—–-"
_MAX_NAME_WORDS = 4


def deferral(text: str) -> str | None:
    """The technology a part names the version of without giving it, deferring to another place:
    `` `Postgres` version (see registry) ``, ``pinned Postgres version``, ``the registry's Prisma pin``.
    Only text that says where (the registry, or "pinned") defers; a part with a version or a
    marker of its own never does."""
    words = text.replace("\u2019", "'").split()
    folded = [word.casefold().strip(_DEFER_TRIM) for word in words]
    if not folded or not ("registry" in folded or "registry's" in folded or folded[0] == "pinned"):
        return None
    start = 0
    while start < len(folded) and folded[start] in _DEFER_LEAD:
        start += 1
    end = start
    while end < len(folded) and folded[end] not in _DEFER_END:
        end += 1
    if end == len(folded) or not 0 < end - start <= _MAX_NAME_WORDS:
        return None
    return " ".join(word.strip(_DEFER_TRIM) for word in words[start:end])


def _split(value: str) -> list[str]:
    stripped = value.strip()
    if _starts_with_marker(_clean(stripped)):
        return [stripped]
    spans: list[tuple[int, int]] = []
    depth, in_code, start, i = 0, False, 0, 0
    while i < len(value):
        char = value[i]
        if char == "`":
            in_code = not in_code
        elif not in_code and char == "(":
            depth += 1
        elif not in_code and char == ")":
            depth = max(depth - 1, 0)
        # A separator is tried only where a run of blanks starts: from inside the run, `\s+and`
        # would rescan the rest of it at every blank, quadratic in a long run.
        elif (
            not in_code
            and depth == 0
            and (i == start or not (char.isspace() and value[i - 1].isspace()))
            and (sep := _SEPARATOR.match(value, i))
        ):
            spans.append((start, i))
            start = i = sep.end()
            continue
        i += 1
    spans.append((start, len(value)))

    # A piece without a version or marker is a remark on its neighbour: it joins the piece before it,
    # or the one after it when nothing comes before (`e.g., 15.x` stays one part).
    groups: list[list[int]] = []
    leading: int | None = None
    for begin, end in spans:
        if _significant(value[begin:end]):
            groups.append([begin if leading is None else leading, end])
            leading = None
        elif groups:
            groups[-1][1] = end
        elif leading is None:
            leading = begin
    if not groups:
        return [stripped]
    return [value[begin:end].strip() for begin, end in groups]


def _outside_parentheses(text: str) -> str:
    """``text`` with parenthesised notes blanked, keeping positions: notes never make a pin a range."""
    out: list[str] = []
    depth = 0
    for char in text:
        if char == "(":
            depth += 1
        inside = depth > 0
        if char == ")":
            depth = max(depth - 1, 0)
        out.append(" " if inside else char)
    return "".join(out)


def _token_text(match: re.Match[str]) -> str:
    return match.group().rstrip(_TOKEN_TAIL) or match.group()


def _normalize(token: str) -> str:
    token = token.lower()
    if token.startswith("v"):
        token = token[1:]
    # `7.3.x` and `7.*` compare on the numbers they fix.
    while token.endswith((".x", ".*")):
        token = token[:-2]
    return token


def _classify_part(part: str) -> PinPart:
    text = _clean(part)
    if _NOT_VERSIONED.match(text):
        return PinPart(part, PinClass.NOT_VERSIONED, None)
    if not text or _UNKNOWN.search(text):
        return PinPart(part, PinClass.UNKNOWN, None)

    bare = _outside_parentheses(text)
    pin_match = _TOKEN.search(bare) or _TOKEN.search(text)
    if pin_match is None:
        words = bare.split()
        first_word = words[0].strip(".,;:") if words else ""
        if "*" in first_word or first_word.lower() in _RANGE_WORDS:
            return PinPart(part, PinClass.RANGE, None)
        return PinPart(part, PinClass.UNKNOWN, None, deferral(text))

    token = _token_text(pin_match)
    version = _normalize(token)
    if _HEDGE.search(text):
        return PinPart(part, PinClass.UNCONFIRMED, version)

    prefix = _operator_before(bare[: pin_match.start()])
    unversioned = token[1:] if token[:1] in "vV" else token
    if _RANGE_OPERATOR.search(prefix) or "||" in bare or "*" in token or _MINOR_WILDCARD.match(unversioned):
        return PinPart(part, PinClass.RANGE, version)
    if _MAJOR.match(unversioned):
        return PinPart(part, PinClass.MAJOR, version)
    return PinPart(part, PinClass.EXACT, version)


def _operator_before(text: str) -> str:
    """The operator in front of the pin: glued (`^7.3.0`) or a word of its own (`~> 5.0`, `>= 15`).
    A scan from the end: `[\\^~<>=!|]+\\s?$` searched from every start is quadratic in a run of `^`."""
    end = len(text)
    if end and text[end - 1].isspace():
        end -= 1
    start = end
    while start and text[start - 1] in _OPERATOR_CHARS:
        start -= 1
    return text[start:end]


def _components(version: str) -> tuple[int | str, ...]:
    """Dotted components, numbers as numbers, without a leading `v`."""
    # Versions recur across a tree's docs (each pin is compared with the registry's and with URLs
    # of its sources); only short ones are kept, so that the cache's memory stays small.
    return _cached_components(version) if len(version) <= 64 else _split_components(version)


@functools.lru_cache(maxsize=4096)
def _cached_components(version: str) -> tuple[int | str, ...]:
    return _split_components(version)


def _split_components(version: str) -> tuple[int | str, ...]:
    version = version.strip().lower()
    if version.startswith("v"):
        version = version[1:]
    # A number is compared as one up to _LONGEST_NUMBER digits (int() refuses some thousands, and
    # superscripts are digits it does not read); beyond that, as text.
    return tuple(int(c) if c.isdecimal() and len(c) <= _LONGEST_NUMBER else c for c in version.split("."))


_LONGEST_NUMBER = 40


def _same_version(a: str, b: str) -> bool:
    """Equal after normalization: `7.3` is `7.3.0`, `v4.0` is `4.0`."""
    left, right = list(_components(a)), list(_components(b))
    for comps in (left, right):
        while len(comps) > 1 and comps[-1] == 0:
            comps.pop()
    return left == right


def _major(version: str) -> int | str:
    first = _components(version)[0]
    if isinstance(first, str):
        # `2022-11-28` or `27001:2013`: the leading number is the major.
        digits = re.match(r"\d+", first)
        return int(digits.group()) if digits and len(digits.group()) <= _LONGEST_NUMBER else first
    return first


def versions_agree(a: PinPart, b: PinPart) -> bool:
    """Whether two concrete pins of one technology say the same thing (rule `pin-inconsistent`).

    Exact pins agree when equal after normalization; a major pin agrees with any pin of that major;
    a not-versioned pin agrees only with another. Unknown, unconfirmed and range parts never
    disagree here: their own rules report them."""
    if a.cls not in CONCRETE or b.cls not in CONCRETE:
        return True
    if a.version is None or b.version is None:
        return a.version is None and b.version is None
    if PinClass.MAJOR in (a.cls, b.cls):
        return _major(a.version) == _major(b.version)
    return _same_version(a.version, b.version)


def version_falls_under(segment: str, pin: str) -> bool:
    """Whether a URL's version segment documents ``pin``: its components are a prefix of the pin's
    (`16` and `16.4` fall under `16.4`, `15` does not). A leading `v` is ignored on both."""
    seg, full = _components(segment), _components(pin)
    return bool(segment.strip()) and len(seg) <= len(full) and full[: len(seg)] == seg

"""User regexes (``links.exclude``) that Python's backtracking engine runs in bounded time.

A pull request can write the config, and ``(a+)+$`` searched in a long URL backtracks for ever.
The standard library has no timeout, so a pattern is accepted only when it has none of the shapes
that backtrack badly: a quantified group that holds a quantifier or an alternation (``(a+)+``,
``(a|a)*``), a backreference, or more than :data:`MAX_UNBOUNDED` unbounded quantifiers (each one
multiplies the work by the length of the text). What is left runs in time polynomial of small
degree in the URL, which is itself capped in length by the link checker.
"""

from __future__ import annotations

import re

MAX_UNBOUNDED = 3
_QUANTIFIER = re.compile(r"[*+?]|\{\d*(,\d*)?\}")


def problem(pattern: str) -> str | None:
    """Why ``pattern`` is refused, or None when it is accepted."""
    try:
        re.compile(pattern)
    except re.error as exc:
        return f"not a valid regex: {exc}"
    # Each open group: [holds a quantifier, holds an alternation].
    groups: list[list[bool]] = [[False, False]]
    unbounded = 0
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            following = pattern[index + 1 : index + 2]
            if (following.isdigit() and following != "0") or following == "k":
                return "backreferences are not allowed"
            index += 2
            continue
        if char == "[":
            index = _class_end(pattern, index)
            continue
        if char == "(":
            if pattern.startswith("(?P=", index):
                return "backreferences are not allowed"
            groups.append([False, False])
            index += 1
            # The ? of an extension ((?:, (?=, (?P<name>, (?i)) is no quantifier.
            if pattern.startswith("?P<", index):
                index = pattern.index(">", index) + 1
            elif pattern.startswith("?", index):
                index += 1
                while index < len(pattern) and pattern[index] in "aiLmsux-<=!:":
                    index += 1
            continue
        if char == "|":
            groups[-1][1] = True
        elif char == ")" and len(groups) > 1:
            inner = groups.pop()
            quantifier = _QUANTIFIER.match(pattern, index + 1)
            if quantifier is not None and _repeats(quantifier[0]) and (inner[0] or inner[1]):
                return "a repeated group holds a quantifier or an alternation (as in (a+)+ or (a|b)*)"
            groups[-1][0] = groups[-1][0] or inner[0] or quantifier is not None
            index += 1
            continue
        quantifier = _QUANTIFIER.match(pattern, index)
        if quantifier is not None and index > 0:
            groups[-1][0] = True
            if quantifier[0] in ("*", "+") or quantifier[0].endswith(",}"):
                unbounded += 1
            index += len(quantifier[0])
            if pattern[index : index + 1] in ("?", "+"):
                index += 1  # lazy or possessive marker
            continue
        index += 1
    if unbounded > MAX_UNBOUNDED:
        return f"more than {MAX_UNBOUNDED} unbounded quantifiers (*, +, {{n,}})"
    return None


def _repeats(quantifier: str) -> bool:
    """Whether a quantifier lets its group match more than once."""
    if quantifier in ("*", "+"):
        return True
    if quantifier == "?":
        return False
    low, _, high = quantifier.strip("{}").partition(",")
    if "," not in quantifier:
        return int(low or 0) > 1
    return not high or int(high) > 1


def _class_end(pattern: str, start: int) -> int:
    """The index just past the character class that opens at ``start``."""
    index = start + 1
    if pattern[index : index + 1] == "^":
        index += 1
    if pattern[index : index + 1] == "]":
        index += 1
    while index < len(pattern) and pattern[index] != "]":
        index += 2 if pattern[index] == "\\" else 1
    return index + 1

"""Which kind a path (or its text) is: the config's globs first, then content sniffing."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping

from forgea_hooks.findings import KINDS

_REPORT_WORDS = re.compile(r"required\s+official\s+documentation", re.IGNORECASE)


@functools.lru_cache(maxsize=256)
def glob_pattern(glob: str) -> re.Pattern[str]:
    """A gitignore-style glob as a regex over posix paths relative to the root: ``**`` crosses folders."""
    return re.compile(_glob_regex(glob))


def _glob_regex(glob: str) -> str:
    out: list[str] = []
    index = 0
    while index < len(glob):
        char = glob[index]
        if glob.startswith("**/", index):
            out.append("(?:.*/)?")
            index += 3
            continue
        if glob.startswith("**", index):
            out.append(".*")
            index += 2
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        else:
            out.append(re.escape(char))
        index += 1
    # A glob naming a folder also names everything below it, as in .gitignore.
    return "".join(out) + r"(?:/.*)?\Z"


def matches(relpath: str, globs: Iterable[str]) -> bool:
    pattern = _any_of(tuple(globs))
    return pattern is not None and pattern.match(relpath) is not None


@functools.lru_cache(maxsize=64)
def _any_of(globs: tuple[str, ...]) -> re.Pattern[str] | None:
    """One regex for a list of globs: a whole-tree run asks of every path which kind's globs it matches."""
    if not globs:
        return None
    return re.compile("|".join(f"(?:{_glob_regex(glob.lstrip('/'))})" for glob in globs))


def kind_by_path(relpath: str, kind_globs: Mapping[str, Iterable[str]]) -> str | None:
    for kind in KINDS:
        if matches(relpath, kind_globs.get(kind, ())):
            return kind
    return None


def looks_like_report(text: str) -> bool:
    """Cheap pre-check for the sniffed kind; the parse confirms the heading is real (not in a fence)."""
    return _REPORT_WORDS.search(text) is not None

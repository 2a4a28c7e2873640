"""Which kind a path (or its text) is: the config's globs first, then content sniffing."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence

from forgea_hooks.findings import KINDS

_REPORT_WORDS = re.compile(r"required\s+official\s+documentation", re.IGNORECASE)


class Glob:
    """A gitignore-style glob over posix paths relative to the root: ``**`` crosses folders, ``*``
    and ``?`` stay within one, and a glob naming a folder also names everything below it.

    The glob is a pull request's to write (``exclude: ['**/**/**/x']``), so matching must take
    time linear in the path for any glob. A glob with at most one ``**`` and at most one ``*`` per
    folder becomes a regex, whose backtracking is then bounded by the path's length times its
    folder count; any other is matched folder by folder with the greedy wildcard algorithm, which
    is linear in the path times the glob whatever the stars (no backtracking beyond the last star).
    """

    def __init__(self, glob: str) -> None:
        self.glob = glob
        self.regex = re.compile(_glob_regex(glob)) if _simple(glob) else None
        tokens: list[str | None] = []
        for part in glob.split("/"):
            # `**/**` means what `**` means; `a**b` is `a*b`, as in .gitignore.
            if part != "**" or not tokens or tokens[-1] is not None:
                tokens.append(None if part == "**" else part.replace("**", "*"))
        if tokens and tokens[-1] is None:
            # `docs/**` names what is below docs, not docs itself: one folder or file at least.
            tokens[-1:] = ["*", None]
        else:
            tokens.append(None)
        self.tokens = tuple(tokens)

    def match(self, path: str) -> bool:
        if self.regex is not None:
            return self.regex.match(path) is not None
        return _wildcard(self.tokens, path.split("/"), _segment_matches)


def _simple(glob: str) -> bool:
    parts = glob.split("/")
    return parts.count("**") + sum("**" in part for part in parts if part != "**") <= 1 and all(
        part.count("*") <= 1 for part in parts if part != "**"
    )


def _segment_matches(glob: str | None, name: str) -> bool:
    assert glob is not None
    return _wildcard(tuple(None if char == "*" else char for char in glob), name, _char_matches)


def _char_matches(glob: str | None, char: str) -> bool:
    return glob in ("?", char)


def _wildcard(tokens: Sequence[str | None], items: Sequence[str], same: Callable[[str | None, str], bool]) -> bool:
    """Whether ``items`` match ``tokens``, where None matches any run of items (even none) and any
    other token exactly one item for which ``same`` holds. Greedy: on a mismatch, only the last
    star takes one more item, which is enough because each star-free run of tokens matches at
    its leftmost place if anywhere; time is at most len(tokens) * len(items) calls of ``same``."""
    token = item = 0
    star, star_item = -1, 0
    while item < len(items):
        if token < len(tokens) and tokens[token] is None:
            star, star_item = token, item
            token += 1
        elif token < len(tokens) and same(tokens[token], items[item]):
            token += 1
            item += 1
        elif star >= 0:
            star_item += 1
            token, item = star + 1, star_item
        else:
            return False
    while token < len(tokens) and tokens[token] is None:
        token += 1
    return token == len(tokens)


@functools.lru_cache(maxsize=256)
def glob_pattern(glob: str) -> Glob:
    return Glob(glob)


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
    regex, others = _any_of(tuple(globs))
    return (regex is not None and regex.match(relpath) is not None) or any(glob.match(relpath) for glob in others)


@functools.lru_cache(maxsize=64)
def _any_of(globs: tuple[str, ...]) -> tuple[re.Pattern[str] | None, tuple[Glob, ...]]:
    """One regex for the list's simple globs (a whole-tree run asks of every path which kind's
    globs it matches), and the others to match one by one."""
    simple = [glob.lstrip("/") for glob in globs if _simple(glob.lstrip("/"))]
    others = tuple(Glob(glob.lstrip("/")) for glob in globs if not _simple(glob.lstrip("/")))
    regex = re.compile("|".join(f"(?:{_glob_regex(glob)})" for glob in simple)) if simple else None
    return regex, others


def kind_by_path(relpath: str, kind_globs: Mapping[str, Iterable[str]]) -> str | None:
    for kind in KINDS:
        if matches(relpath, kind_globs.get(kind, ())):
            return kind
    return None


def kind_finder(kind_globs: Mapping[str, Iterable[str]]) -> Callable[[str], str | None]:
    """``kind_by_path`` with the globs compiled once: a whole-tree run asks it of every path."""
    compiled = [(kind, _any_of(tuple(kind_globs.get(kind, ())))) for kind in KINDS]

    def find(relpath: str) -> str | None:
        for kind, (regex, others) in compiled:
            if (regex is not None and regex.match(relpath) is not None) or any(glob.match(relpath) for glob in others):
                return kind
        return None

    return find


def looks_like_report(text: str) -> bool:
    """Cheap pre-check for the sniffed kind; the parse confirms the heading is real (not in a fence)."""
    return _REPORT_WORDS.search(text) is not None

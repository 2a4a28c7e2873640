"""Markdown for GitHub from untrusted doc text, and size budgets for GitHub's limits.

Findings quote the docs (paths, technology names, pin values), and a PR's docs are written by
whoever opened it. Rendered in a bot's comment, that text must not ping people (``@org/team``),
link or close issues (``fixes #1``, ``GH-1``, issue URLs), or inject HTML, images or links.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import quote

ZWSP = "\u200b"
# Markdown and HTML punctuation become numeric references: Markdown shows them as the character
# and never as markup. ``$`` is there because GitHub renders ``$…$`` as math.
_ENTITIES = str.maketrans({ch: f"&#{ord(ch)};" for ch in "&<>\"'`*_[]()~|\\!$={}^"})
# A zero-width space breaks what GitHub would otherwise link: mentions, issue references and
# autolinked URLs (an autolinked issue URL in a bot comment cross-references that issue). These
# run before the entities go in, whose own ``#`` must stay intact.
_LINK_BREAKERS = (
    (re.compile(r"([@#])"), r"\1" + ZWSP),
    (re.compile(r"(?i)\b(gh)-(?=\d)"), r"\1" + ZWSP + "-"),
    (re.compile(r"://"), ":" + ZWSP + "//"),
    (re.compile(r"(?i)\b(www)\."), r"\1" + ZWSP + "."),
)


def escape(text: str) -> str:
    """Doc text made inert for a GitHub Markdown table cell or paragraph (one line)."""
    flat = " ".join(text.split())
    for pattern, replacement in _LINK_BREAKERS:
        flat = pattern.sub(replacement, flat)
    return flat.translate(_ENTITIES)


def size(text: str) -> int:
    """Size as GitHub's limits should be measured: UTF-8 bytes are never fewer than characters."""
    return len(text.encode("utf-8"))


def blob_url(server_url: str, repository: str, sha: str, path: str, line: int) -> str:
    """A link to a line of a file at a commit; everything from the docs is percent-encoded."""
    anchor = f"#L{line}" if line >= 1 else ""
    return f"{server_url.rstrip('/')}/{repository}/blob/{sha}/{quote(path, safe='/')}{anchor}"


@dataclass
class Budget:
    """Bytes left under a limit; text is taken whole or not at all."""

    left: int

    def take(self, text: str) -> bool:
        needed = size(text)
        if needed > self.left:
            return False
        self.left -= needed
        return True


def bounded_table(header: Sequence[str], rows: Iterable[Sequence[str]], budget: Budget) -> tuple[str, int]:
    """As many leading rows as fit the budget, as a GFM table; returns the table and the rows shown.

    Cells must already be escaped. ``rows`` may be lazy: rows past the budget are never built
    (escaping thousands of them is not free).
    """
    head = "| " + " | ".join(header) + " |\n|" + "---|" * len(header) + "\n"
    if not budget.take(head):
        return "", 0
    lines = [head]
    shown = 0
    for row in rows:
        line = "| " + " | ".join(row) + " |\n"
        if not budget.take(line):
            break
        lines.append(line)
        shown += 1
    if not shown:
        budget.left += size(head)  # no rows, no table: the header is given back
        return "", 0
    return "".join(lines), shown

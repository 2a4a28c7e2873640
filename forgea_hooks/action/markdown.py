"""Markdown for GitHub from untrusted doc text, and size budgets for GitHub's limits.

Findings quote the docs (paths, technology names, pin values), and a PR's docs are written by
whoever opened it. Rendered in a bot's comment, that text must not ping people (``@org/team``),
link or close issues (``fixes #1``, ``GH-1``, issue URLs), or inject HTML, images or links.

Doc text goes into code spans: GitHub neither renders Markdown nor looks for mentions, issue
references or URLs inside ``<code>``, and what a reader copies out of one is exactly the doc's
text (no invisible characters). Text that cannot be a code span (the tool's own words around a
quoted value) has its Markdown punctuation turned into character references, and any word in it
that GitHub would link goes into a code span of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import quote

# Markdown and HTML punctuation become numeric references: Markdown shows them as the character
# and never as markup. ``$`` is there because GitHub renders ``$…$`` as math.
_ENTITIES = str.maketrans({ch: f"&#{ord(ch)};" for ch in "&<>\"'`*_[]()~|\\!$={}^#@"})
# Words GitHub turns into links or notifications: mentions, issue and GHSA references, URLs.
_LINKISH = re.compile(r"(?i)[@#]|\bgh-\d|://|\bwww\.|\bghsa-")
# A value the rules quote in a message: 'like this' (the rules' own convention), or `like this`.
_QUOTED = re.compile(r"`([^`]+)`|(?<![\w'])'([^'\n]+)'(?![\w'])")
_BACKTICKS = re.compile(r"`+")
_MARKDOWN_FILES = (".md", ".markdown")


# Bidirectional controls reorder what a reader sees ("Trojan Source"): shown as their code point,
# as GitHub's own diff view flags them, instead of acting on the text around them.
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _flat(text: str) -> str:
    """One line (GitHub's tables and list items end at a newline), bidi controls made visible."""
    return _BIDI.sub(lambda match: f"<U+{ord(match[0]):04X}>", " ".join(text.split()))


def code(text: str, *, table: bool = False) -> str:
    """``text`` as one code span, its fence longer than any run of backticks inside it.

    In a table cell ``|`` still ends the cell inside a code span, so it is escaped there (GitHub
    shows ``\\|`` in a table's code span as ``|``).
    """
    flat = _flat(text)
    if not flat:
        return "(empty)"
    longest = max((len(run) for run in _BACKTICKS.findall(flat)), default=0)
    fence = "`" * (longest + 1)
    # A space pads a span that starts or ends with a backtick; GitHub strips one from each side.
    pad = " " if flat[0] == "`" or flat[-1] == "`" else ""
    if table:
        flat = flat.replace("|", "\\|")
    return f"{fence}{pad}{flat}{pad}{fence}"


def _words(text: str, table: bool) -> str:
    # Splitting on single spaces keeps a piece's edge spaces, so pieces join back as they were.
    words = []
    for word in text.split(" "):
        words.append(code(word, table=table) if _LINKISH.search(word) else word.translate(_ENTITIES))
    return " ".join(words)


def escape(text: str, *, table: bool = False) -> str:
    """Doc text made inert as plain words: punctuation as references, linkable words as code."""
    return _words(_flat(text), table)


def message(text: str, *, table: bool = False) -> str:
    """A finding's message or hint: quoted values as code spans, the words around them escaped."""
    flat = _flat(text)
    parts: list[str] = []
    end = 0
    for match in _QUOTED.finditer(flat):
        parts.append(_words(flat[end : match.start()], table))
        parts.append(code(match.group(1) or match.group(2), table=table))
        end = match.end()
    parts.append(_words(flat[end:], table))
    return "".join(parts)


def size(text: str) -> int:
    """Size as GitHub's limits should be measured: UTF-8 bytes are never fewer than characters."""
    return len(text.encode("utf-8", "surrogatepass"))


def blob_url(server_url: str, repository: str, sha: str, path: str, line: int) -> str:
    """A link to a line of a file at a commit; everything from the docs is percent-encoded.

    GitHub shows a Markdown file rendered, where ``#L12`` goes nowhere; ``?plain=1`` shows its
    source, where the line is highlighted.
    """
    url = f"{server_url.rstrip('/')}/{repository}/blob/{sha}/{quote(path, safe='/')}"
    if line < 1:
        return url
    plain = "?plain=1" if path.lower().endswith(_MARKDOWN_FILES) else ""
    return f"{url}{plain}#L{line}"


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

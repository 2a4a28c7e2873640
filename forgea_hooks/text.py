"""Small text operations on doc text that a regex would do in quadratic time.

A doc line can be megabytes long and is chosen by whoever opened the pull request, so every scan
here is one pass. A pattern like ``\\s*\\([^()]*\\)\\s*$`` run with ``search`` restarts at each blank of
a long run and rescans the run each time: seconds at 100 KB, minutes at 1 MB."""

from __future__ import annotations


def drop_trailing_qualifier(text: str) -> str:
    """``text`` without a final parenthesised note and the blanks around it (``Prisma (ORM)`` gives
    ``Prisma``). A note that itself holds parentheses is not a qualifier; such text is returned as is."""
    trimmed = text.rstrip()
    if not trimmed.endswith(")"):
        return text
    opening = trimmed.rfind("(", 0, len(trimmed) - 1)
    if opening < 0 or ")" in trimmed[opening + 1 : -1]:
        return text
    return trimmed[:opening].rstrip()

"""Path rules: paths in docs must resolve for everyone who reads them.

``path-absolute``: a machine-local absolute path (``/Users/…``, ``/home/…``, ``C:\\…``, ``~/…``)
anywhere in a doc's text outside code: it leaks a person's machine and resolves nowhere else.
Write repo-relative paths (``/docs/…`` or ``docs/…``). Default: error.

``path-placeholder``: a path with a placeholder such as ``<YYYY-MM-DD>`` or ``<ID>``, in a path a
report lists (INTERNAL DOCS entries, the decision's lists of docs to add or extend), or in the doc's
own file name. Default: error, info in gatekeeper reports; always an error in a real file's own
name (``task-C2-<YYYY-MM-DD>.md``).

``path-missing``: a document to be extended (not created) does not exist under the root: an
INTERNAL DOCS entry whose path carries the note ``(extend)``, or an item of a decision list
introduced as docs to extend. Default: error in tasks, warning in gatekeeper reports.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

from forgea_hooks.findings import KINDS, Severity
from forgea_hooks.model import Document, Section
from forgea_hooks.rules import RuleContext

RULES = {
    "path-absolute": dict.fromkeys(KINDS, Severity.ERROR),
    "path-placeholder": {
        "registry": Severity.ERROR,
        "official-doc": Severity.ERROR,
        "task": Severity.ERROR,
        "gatekeeper-report": Severity.INFO,
    },
    "path-missing": {"task": Severity.ERROR, "gatekeeper-report": Severity.WARNING},
}
VARIANTS = {"path-placeholder:own-name": dict.fromkeys(KINDS, Severity.ERROR)}

_ABSOLUTE = re.compile(
    r"(?:^|(?<=[\s`(\[\"'=]))(/Users/[^\s`)\]\"']+|/home/[^\s`)\]\"']+|~/[^\s`)\]\"']+|[A-Za-z]:\\[^\s`)\]\"']*)"
)
_MARKERS = ("/Users/", "/home/", "~/", ":\\")
_PLACEHOLDER = re.compile(r"<[A-Za-z][^<>]*>")
_BACKTICKED_PATH = re.compile(r"`(/?[^`\s]+\.md)`")
_NOTE = re.compile(r"\s*\((extend|new)\)\s*$", re.IGNORECASE)


def check(doc: Document, ctx: RuleContext) -> None:
    seen: set[int] = set()
    # A marker in the body is in the text as read; most docs hold none. Front-matter values are
    # always looked at: YAML escapes can spell a marker the text does not hold.
    texts = _front_matter_texts(doc)
    if not doc.source or any(marker in doc.source for marker in _MARKERS):
        texts = itertools.chain(_body_texts(doc), texts)
    for line, text in texts:
        # Most text holds none of the markers; the substring tests spare it the regex.
        if not any(marker in text for marker in _MARKERS):
            continue
        match = _ABSOLUTE.search(text)
        if match and line not in seen:
            seen.add(line)
            ctx.report(
                "path-absolute",
                line,
                f"machine-local path '{match.group(1)}' resolves on one machine only",
                "write the path relative to the repository, e.g. /docs/official-docs/…",
            )
    name = doc.relpath.rsplit("/", 1)[-1]
    if _PLACEHOLDER.search(name):
        ctx.report(
            "path-placeholder",
            1,
            f"the file name '{name}' still holds a placeholder",
            "rename the file with the real value, e.g. task-C2-2026-11-26.md",
            variant="own-name",
        )
    for line, path, extend in _listed_paths(doc):
        if _PLACEHOLDER.search(path):
            ctx.report("path-placeholder", line, f"the listed path '{path}' still holds a placeholder")
        elif extend and not _ABSOLUTE.search(path) and not ctx.exists(path.lstrip("/")):
            ctx.report(
                "path-missing",
                line,
                f"'{path}' is to be extended but does not exist",
                "fix the path, or mark the doc (new) if it is to be created",
            )


def _body_texts(doc: Document) -> Iterator[tuple[int, str]]:
    for section in doc.sections:
        for block in [*section.paragraphs, *section.items]:
            for offset, text in enumerate(block.text.split("\n")):
                yield block.line + offset, text
        for field in [*section.fields, *(f for entry in section.entries for f in entry.fields)]:
            yield field.line, field.value
            for item in field.items:
                yield item.line, item.value
        for table in section.tables:
            for row in table.rows:
                yield row.line, " ".join(row.cells.values())


def _front_matter_texts(doc: Document) -> Iterator[tuple[int, str]]:
    if doc.front_matter:
        for key, value in doc.front_matter.items():
            if isinstance(value, str):
                yield doc.front_matter_lines.get(key, 1), value


def _listed_paths(doc: Document) -> Iterator[tuple[int, str, bool]]:
    """(line, path, to be extended) for every path a doc lists as a doc to add or extend."""
    for section in doc.sections:
        for entry in section.entries:
            if entry.head.key == "path":
                value = entry.head.value.strip("` ")
                note = _NOTE.search(value)
                path = _NOTE.sub("", value).strip("` ")
                yield entry.line, path, bool(note and note.group(1).lower() == "extend")
        yield from _decision_list_paths(section)


def _decision_list_paths(section: Section) -> Iterator[tuple[int, str, bool]]:
    if not section.items:
        return
    lead_ins = sorted(section.paragraphs, key=lambda block: block.line)
    for item in section.items:
        match = _BACKTICKED_PATH.search(item.text)
        if match is None:
            continue
        before = [block.text.casefold() for block in lead_ins if block.line < item.line]
        lead = before[-1] if before else ""
        extend = "extend" in lead and "add" not in lead
        yield item.line, match.group(1), extend

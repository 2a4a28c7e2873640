"""Path rules: paths in docs must resolve for everyone who reads them.

``path-absolute``: a machine-local absolute path (``/Users/<name>/…``, ``/home/<name>/…``,
``C:\\Users\\…``) anywhere in a doc's text outside code: it leaks a person's machine and resolves
nowhere else. A placeholder user (``C:\\Users\\<username>\\…``, ``/home/$USER/…``) names nobody's
machine and is no finding. ``~/…`` is a generic location (``~/.config/pypoetry``), a finding only
as the value of a field that must hold a repo path (``Path:``, ``Canonical path:``). Sentence
punctuation after a path is not part of it. Write repo-relative paths (``/docs/…`` or ``docs/…``). Default: error.

``path-placeholder``: a path with a placeholder such as ``<YYYY-MM-DD>`` or ``<ID>``, in a path a
report lists (INTERNAL DOCS entries, the decision's lists of docs to add or extend), or in the doc's
own file name. Default: error, info in gatekeeper reports; always an error in a real file's own
name (``task-C2-<YYYY-MM-DD>.md``).

``path-missing``: a document to be extended (not created) does not exist under the root. An item's
own marker decides first: ``NEW``, ``new doc``, ``(new)`` or ``to be created`` anywhere in its text
marks a doc to create, which needs no file; ``EXTEND`` or ``(extend)`` marks one that must exist.
An unmarked item of a decision list takes the list's introduction (docs to extend, unless it
also speaks of adding, creating or writing new ones); an unmarked INTERNAL DOCS entry is not
checked. Default: error in tasks, warning in gatekeeper reports.
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
HINTS = {
    "path-placeholder": "put the real value in place of the placeholder (a date, an ID); rename a file that has one"
}

_STOP = r"[^\s`)\]\"']"
_AFTER = r"(?:^|(?<=[\s`(\[\"'=]))"
# A person's folder: a name after /Users/ or /home/, or C:\Users\ (any drive, any case).
_MACHINE_LOCAL = re.compile(rf"{_AFTER}(/Users/{_STOP}+|/home/{_STOP}+|[A-Za-z]:\\[Uu][Ss][Ee][Rr][Ss]\\{_STOP}*)")
_HOME = re.compile(rf"{_AFTER}(~/{_STOP}+)")
_MARKERS = ("/Users/", "/home/", ":\\")
# A field whose value must be a path in the repository: there `~/…` is a path on one machine too.
_REPO_PATH_KEYS = frozenset({"path"})
_TRAILING_PUNCTUATION = ".,;:!?"
_PLACEHOLDER_USERS = frozenset({"username", "yourname", "your-name", "your_username", "your-username", "user-name"})
_PLACEHOLDER = re.compile(r"<[A-Za-z][^<>]*>")
_BACKTICKED_PATH = re.compile(r"`(/?[^`\s]+\.md)`")
# An item's own word on whether its doc exists yet. `NEW` and `EXTEND` count in capitals only:
# in lower case they are ordinary words of a sentence ("extend the new index").
_NEW_MARKER = re.compile(r"(?<!\w)NEW(?!\w)|(?i:\bnew\s+doc|\(new\)|\bto\s+be\s+created\b)")
_EXTEND_MARKER = re.compile(r"(?<!\w)EXTEND(?!\w)|(?i:\(extend\))")
_NOTE = ("(extend)", "(new)")
# An introduction that also speaks of creating ("Docs to create/extend:") leaves each item unmarked.
_CREATE_WORDS = ("add", "create", "new", "produce", "write")


def check(doc: Document, ctx: RuleContext) -> None:
    seen: set[int] = set()
    # A marker in the body is in the text as read; most docs hold none. Front-matter values are
    # always looked at: YAML escapes can spell a marker the text does not hold.
    texts = _front_matter_texts(doc)
    if not doc.source or any(marker in doc.source for marker in (*_MARKERS, "~/")):
        texts = itertools.chain(_body_texts(doc), texts)
    for line, text, repo_path in texts:
        if line in seen:
            continue
        found = _machine_local(text, repo_path)
        if found:
            seen.add(line)
            ctx.report(
                "path-absolute",
                line,
                f"machine-local path '{found}' resolves on one machine only",
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
        elif extend and not _machine_local(path, True) and not ctx.exists(path.lstrip("/")):
            ctx.report(
                "path-missing",
                line,
                f"'{path}' is to be extended but does not exist",
                "fix the path, or mark the item NEW or (new) if the doc is to be created",
            )


def _machine_local(text: str, repo_path: bool) -> str:
    """The first machine-local path in ``text``, without the sentence punctuation after it."""
    # Most text holds none of the markers; the substring tests spare it the regexes.
    match = None
    if any(marker in text for marker in _MARKERS):
        match = _MACHINE_LOCAL.search(text)
    if match is None and repo_path and "~/" in text:
        match = _HOME.search(text)
    if match is None or _placeholder_user(match.group(1)):
        return ""
    return match.group(1).rstrip(_TRAILING_PUNCTUATION) or match.group(1)


def _placeholder_user(path: str) -> bool:
    """Whether the user folder is a placeholder (``C:\\Users\\<username>\\…``, ``/home/$USER/…``):
    a generic location, like ``~/``, that names nobody's machine."""
    parts = re.split(r"[/\\]", path)
    user = parts[2] if len(parts) > 2 and not path.startswith("~") else ""
    return user[:1] in ("<", "$", "%", "{") or user.casefold() in _PLACEHOLDER_USERS


def _body_texts(doc: Document) -> Iterator[tuple[int, str, bool]]:
    """(line, text, whether the text is a field value that must be a repo path)."""
    for section in doc.sections:
        for block in [*section.paragraphs, *section.items]:
            for offset, text in enumerate(block.text.split("\n")):
                yield block.line + offset, text, False
        for field in [*section.fields, *(f for entry in section.entries for f in entry.fields)]:
            yield field.line, field.value, field.key in _REPO_PATH_KEYS
            for item in field.items:
                yield item.line, item.value, item.key in _REPO_PATH_KEYS
        for table in section.tables:
            for row in table.rows:
                yield row.line, " ".join(row.cells.values()), False


def _front_matter_texts(doc: Document) -> Iterator[tuple[int, str, bool]]:
    if doc.front_matter:
        for key, value in doc.front_matter.items():
            if isinstance(value, str):
                yield doc.front_matter_lines.get(key, 1), value, False


def _listed_paths(doc: Document) -> Iterator[tuple[int, str, bool]]:
    """(line, path, to be extended) for every path a doc lists as a doc to add or extend."""
    for section in doc.sections:
        for entry in section.entries:
            if entry.head.key == "path":
                value = entry.head.value.strip("` ")
                path = _without_note(value).strip("` ")
                texts = [value, *(field.value for field in entry.fields if field is not entry.head)]
                yield entry.line, path, _own_marker(" ".join(texts)) is True
        yield from _decision_list_paths(section)


def _without_note(value: str) -> str:
    """The path without a trailing ``(extend)`` or ``(new)`` note (any case)."""
    trimmed = value.rstrip()
    for note in _NOTE:
        if trimmed.casefold().endswith(note):
            return trimmed[: -len(note)].rstrip()
    return value


def _own_marker(text: str) -> bool | None:
    """True when the item marks its doc as one to extend, False as one to create, None unmarked.
    A doc marked both ways is taken as new: it then needs no file, the cautious reading."""
    # Each marker holds "new", "created" or "extend" in some case, and only ASCII letters fold to
    # those: the substring tests spare most items both scans.
    lowered = text.lower()
    if ("new" in lowered or "created" in lowered) and _NEW_MARKER.search(text):
        return False
    if "extend" in lowered and _EXTEND_MARKER.search(text):
        return True
    return None


def _decision_list_paths(section: Section) -> Iterator[tuple[int, str, bool]]:
    if not section.items:
        return
    lead_ins = sorted(section.paragraphs, key=lambda block: block.line)
    for item in section.items:
        match = _BACKTICKED_PATH.search(item.text)
        if match is None:
            continue
        own = _own_marker(item.text)
        if own is None:
            before = [block.text.casefold() for block in lead_ins if block.line < item.line]
            lead = before[-1] if before else ""
            own = "extend" in lead and not any(word in lead for word in _CREATE_WORDS)
        yield item.line, match.group(1), own

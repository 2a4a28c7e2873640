"""The document model: what a Markdown doc says, as plain JSON-able data with source lines.

Parsing fills it (``documents/``); schemas and rules read it. ``docs/model.md`` is its user
documentation, since user schemas are written against ``Document.to_json()``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

REPORT_HEADING = "required official documentation"
DECISION_HEADING = "documentation coverage decision"


@dataclass
class Field:
    """``Key: value`` written as a list item (or a YAML front-matter key).

    ``key`` is canonical (case folded, markup stripped, aliases resolved); ``raw_key`` is as written.
    ``items`` holds a nested list value: each item is a Field, with ``key`` empty for plain items.
    ``urls`` are the links the parser read in the item (a reference link resolved to its definition's
    URL); not in the JSON, which keeps the value as written.
    """

    key: str
    raw_key: str
    value: str
    line: int
    items: list[Field] = field(default_factory=list)
    urls: list[str] = field(default_factory=list, compare=False, repr=False)

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "raw_key": self.raw_key,
            "value": self.value,
            "line": self.line,
            "items": [item.to_json() for item in self.items] if self.items else [],
            # One keyword for schemas that need a field filled in: ``"empty": {"const": false}``.
            "empty": not self.value and not self.items,
        }


@dataclass
class Entry:
    """A head field (``Technology: X`` or ``Path: …``) and the fields that belong to it."""

    head: Field
    fields: list[Field] = field(default_factory=list)

    @property
    def line(self) -> int:
        return self.head.line

    def get(self, key: str) -> Field | None:
        for candidate in self.fields:
            if candidate.key == key:
                return candidate
        return None

    def to_json(self) -> dict[str, Any]:
        # The list and the by-key mapping share each field's JSON: this runs for every doc checked.
        field_list = [item.to_json() for item in self.fields]
        fields: dict[str, Any] = {}
        for item in field_list:
            fields.setdefault(item["key"], item)
        return {
            "key": self.head.key,
            "head": field_list[0] if self.fields and self.fields[0] is self.head else self.head.to_json(),
            "line": self.line,
            "fields": fields,
            "field_list": field_list,
        }


@dataclass
class Block:
    """A paragraph or a plain (key-less) list item: its text and first line."""

    text: str
    line: int

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "line": self.line}


@dataclass
class TableRow:
    cells: dict[str, str]
    line: int

    def to_json(self) -> dict[str, Any]:
        return {"cells": self.cells, "line": self.line}


@dataclass
class Table:
    """A GitHub table; ``headers`` are canonical (case folded, markup stripped)."""

    headers: list[str]
    rows: list[TableRow]
    line: int

    def to_json(self) -> dict[str, Any]:
        return {"headers": self.headers, "rows": [row.to_json() for row in self.rows], "line": self.line}


@dataclass
class StatusLine:
    """``- `concept:` URL-or-missing — status``: a registry status line."""

    concept: str
    source: str
    status: str
    line: int

    def to_json(self) -> dict[str, Any]:
        return {"concept": self.concept, "source": self.source, "status": self.status, "line": self.line}


@dataclass
class Section:
    """The content under one heading, up to the next heading of any level.

    ``name`` is the heading matched as the spec says (case folded, emphasis and emoji dropped, white
    space folded). Content before the first heading is a section with an empty name and level 0.
    """

    title: str
    name: str
    level: int
    line: int
    paragraphs: list[Block] = field(default_factory=list)
    items: list[Block] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    fields: list[Field] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "name": self.name,
            "level": self.level,
            "line": self.line,
            "paragraphs": [block.to_json() for block in self.paragraphs] if self.paragraphs else [],
            "items": [block.to_json() for block in self.items] if self.items else [],
            "entries": [entry.to_json() for entry in self.entries] if self.entries else [],
            "fields": [item.to_json() for item in self.fields] if self.fields else [],
            "tables": [table.to_json() for table in self.tables] if self.tables else [],
        }


@dataclass
class Report:
    """One gatekeeper report: from a REQUIRED OFFICIAL DOCUMENTATION heading to the next one."""

    line: int
    references: list[Block]
    sections: list[Section]
    decision: Decision | None = None

    def section(self, name: str) -> Section | None:
        return find_section(self.sections, name)

    def to_json(self, section_json: dict[int, dict[str, Any]] | None = None) -> dict[str, Any]:
        """``section_json``: the document's sections' JSON by ``id``, so they are not built twice."""
        known = section_json or {}
        section_list = [known.get(id(section)) or section.to_json() for section in self.sections]
        return {
            "line": self.line,
            "references": [block.to_json() for block in self.references],
            "sections": _by_name(section_list),
            "section_list": section_list,
            "decision": self.decision.to_json() if self.decision else None,
        }


@dataclass
class Decision:
    """The first paragraph of a DOCUMENTATION COVERAGE DECISION section.

    ``value`` is ``complete``, ``partial`` or ``missing`` when the text is one of the spec's
    allowed decisions, else None.
    """

    text: str
    value: str | None
    line: int

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "value": self.value, "line": self.line}


@dataclass
class Link:
    url: str
    line: int

    def to_json(self) -> dict[str, Any]:
        return {"url": self.url, "line": self.line}


@dataclass
class Document:
    """A parsed doc. ``path`` is as shown to the user; ``relpath`` is relative to the root (posix)."""

    path: str
    relpath: str
    kind: str
    front_matter: dict[str, Any] | None = None
    front_matter_lines: dict[str, int] = field(default_factory=dict)
    sections: list[Section] = field(default_factory=list)
    reports: list[Report] = field(default_factory=list)
    status_lines: list[StatusLine] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    disabled: dict[int, frozenset[str]] = field(default_factory=dict)
    # Kind-specific views, filled by the parser from the generic structure above.
    metadata: dict[str, Field] = field(default_factory=dict)
    table: Table | None = None
    # The text as read, for rules that can rule out a whole doc with one substring test; not in
    # the JSON, which describes structure.
    source: str = field(default="", repr=False, compare=False)
    # Derived views (forgea_hooks.views) computed once per doc, though several rules read them.
    views: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def section(self, name: str) -> Section | None:
        return find_section(self.sections, name)

    def to_json(self) -> dict[str, Any]:
        # Most lists of a doc's model are empty, and in this Python each comprehension is a call
        # of its own: the empty ones are skipped (this runs for every doc checked).
        section_list = [section.to_json() for section in self.sections]
        # A gatekeeper file's reports hold its sections again: they share the same JSON.
        section_json = {id(section): built for section, built in zip(self.sections, section_list, strict=True)}
        return {
            "path": self.relpath,
            "kind": self.kind,
            "front_matter": self.front_matter,
            "front_matter_lines": self.front_matter_lines,
            "sections": _by_name(section_list),
            "section_list": section_list,
            "reports": [report.to_json(section_json) for report in self.reports] if self.reports else [],
            "status_lines": [status.to_json() for status in self.status_lines] if self.status_lines else [],
            "links": [link.to_json() for link in self.links] if self.links else [],
            "metadata": {key: value.to_json() for key, value in self.metadata.items()} if self.metadata else {},
            "table": self.table.to_json() if self.table else None,
        }


def _by_name(section_list: list[dict[str, Any]]) -> dict[str, Any]:
    """Named sections by name, the first of each name (as ``find_section`` picks)."""
    named: dict[str, Any] = {}
    for section in section_list:
        if section["name"]:
            named.setdefault(section["name"], section)
    return named


def find_section(sections: list[Section], name: str) -> Section | None:
    """The first section whose name is ``name`` or starts with it (headings may carry a suffix)."""
    for section in sections:
        if section.name == name or section.name.startswith(name + " "):
            return section
    return None

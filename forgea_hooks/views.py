"""Where a document states pins and official sources, whatever its kind: the views rules read."""

from __future__ import annotations

from dataclasses import dataclass

from forgea_hooks.model import DECISION_HEADING, REPORT_HEADING, Document, Entry, Field, Report
from forgea_hooks.urls import find_urls

INTERNAL_HEADING = "internal docs to add or extend"
TASK_PINS_HEADING = "required version pins"
VERSION_KEY = "exact version requirement"
SOURCE_KEY = "official source"
UNPINNED_STATUSES = frozenset({"missing", "deprecated"})


@dataclass(frozen=True, slots=True)
class PinRef:
    """A version value. ``role``: registry, metadata, task, required (a report entry) or internal."""

    technology: str
    value: str
    line: int
    role: str


@dataclass(frozen=True, slots=True)
class SourceRef:
    """An official source: a URL, ``missing``, or empty. ``pin`` is the version it documents."""

    technology: str
    url: str
    line: int
    pin: str | None
    role: str


def pin_refs(doc: Document) -> list[PinRef]:
    """Every version value the doc states (computed once per doc; do not modify the list)."""
    cached: list[PinRef] | None = doc.views.get("pins")
    if cached is None:
        cached = doc.views["pins"] = _pin_refs(doc)
    return cached


def source_refs(doc: Document) -> list[SourceRef]:
    """Every official source the doc names (computed once per doc; do not modify the list)."""
    cached: list[SourceRef] | None = doc.views.get("sources")
    if cached is None:
        cached = doc.views["sources"] = _source_refs(doc)
    return cached


def _pin_refs(doc: Document) -> list[PinRef]:
    refs: list[PinRef] = []
    if doc.kind == "registry" and doc.table is not None:
        for row in doc.table.rows:
            if row.cells.get("status", "").strip("` ").casefold() in UNPINNED_STATUSES:
                continue
            refs.append(PinRef(row.cells.get("technology", ""), row.cells.get("version", ""), row.line, "registry"))
    elif doc.kind == "official-doc":
        version = doc.metadata.get(VERSION_KEY)
        technology = doc.metadata.get("technology")
        if version is not None:
            refs.append(PinRef(technology.value if technology else "", version.value, version.line, "metadata"))
    elif doc.kind == "task":
        section = doc.section(TASK_PINS_HEADING)
        if section is not None:
            for field in [*section.fields, *(f for entry in section.entries for f in entry.fields)]:
                if field.key != "technology":
                    refs.append(PinRef(field.raw_key, field.value, field.line, "task"))
    elif doc.kind == "gatekeeper-report":
        for report in doc.reports:
            for entry in required_entries(report):
                version = entry.get(VERSION_KEY)
                if version is not None:
                    refs.append(PinRef(entry.head.value, version.value, version.line, "required"))
            for entry in internal_entries(report):
                version = entry.get(VERSION_KEY)
                if version is not None:
                    refs.append(PinRef("", version.value, version.line, "internal"))
    return refs


def _source_refs(doc: Document) -> list[SourceRef]:
    refs: list[SourceRef] = []
    if doc.kind == "registry" and doc.table is not None:
        for row in doc.table.rows:
            name, row_pin = row.cells.get("technology", ""), row.cells.get("version")
            for url in _urls(row.cells.get("official source", "")):
                refs.append(SourceRef(name, url, row.line, row_pin, "registry"))
    elif doc.kind == "official-doc":
        technology = doc.metadata.get("technology")
        version = doc.metadata.get(VERSION_KEY)
        source = doc.metadata.get(SOURCE_KEY)
        name = technology.value if technology else ""
        pin = version.value if version else None
        if source is None:
            line = technology.line if technology else 1
            refs.append(SourceRef(name, "", line, pin, "metadata"))
        else:
            refs.extend(_field_sources(source, name, pin, "metadata"))
    elif doc.kind == "gatekeeper-report":
        for report in doc.reports:
            for entry in required_entries(report):
                source = entry.get(SOURCE_KEY)
                if source is not None:
                    version = entry.get(VERSION_KEY)
                    refs.extend(
                        _field_sources(source, entry.head.value, version.value if version else None, "required")
                    )
    for status in doc.status_lines:
        refs.append(SourceRef(status.concept, status.source.strip("<>`"), status.line, None, "status"))
    return refs


def _field_sources(field: Field, technology: str, pin: str | None, role: str) -> list[SourceRef]:
    if field.items:
        return [SourceRef(technology, url, item.line, pin, role) for item in field.items for url in _field_urls(item)]
    return [SourceRef(technology, url, field.line, pin, role) for url in _field_urls(field)]


def _field_urls(field: Field) -> list[str]:
    """A reference link (``[Prisma docs][ref]``) names its definition's URL, which only the parser
    knows; a field whose text holds no URL of its own takes the links the parser read in it."""
    if field.urls and not find_urls(field.value):
        return field.urls
    return _urls(field.value)


def _urls(value: str) -> list[str]:
    """The sources a value names: each URL in it, whatever label comes before or after
    (``OWASP Logging Cheat Sheet — https://…``, ``https://a … and https://b``); with none, its first
    word (``missing``, or what the schema reports as not a URL); an empty value is one empty source."""
    found = find_urls(value)
    if found:
        return found
    words = value.strip().strip("`").split()
    return [words[0].strip("<>`")] if words else [""]


def required_entries(report: Report) -> list[Entry]:
    section = report.section(REPORT_HEADING)
    return section.entries if section else []


def internal_entries(report: Report) -> list[Entry]:
    section = report.section(INTERNAL_HEADING)
    return section.entries if section else []


def decision_section_present(report: Report) -> bool:
    return report.section(DECISION_HEADING) is not None

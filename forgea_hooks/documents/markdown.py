"""Markdown text -> Document, through the normalized tree (``documents/tree.py``) that either parser
builds (markdown-it-pyrs by default, markdown-it-py as the fallback), lines kept from the parser.

Code blocks and HTML comments never become structure because only paragraphs, headings, lists and
tables are read from the tree.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator

from forgea_hooks.documents import frontmatter, links, parsers
from forgea_hooks.documents.tree import MAX_NESTING, Node, Tree
from forgea_hooks.model import (
    DECISION_HEADING,
    REPORT_HEADING,
    Block,
    Decision,
    Document,
    Entry,
    Field,
    Report,
    Section,
    StatusLine,
    Table,
    TableRow,
)
from forgea_hooks.text import drop_trailing_qualifier

HEAD_KEYS = frozenset({"technology", "path"})

KEY_ALIASES = {
    "decision it informs": "what decision it informs",
    "version pin": "exact version requirement",
    "required version pin": "exact version requirement",
    "canonical path": "path",
    "official sources": "official source",
}

_MARKUP = "*_`"
_LONGEST_KEY = 80
_NOT_IN_KEY = frozenset(":`*_[]<>")
_KEY = re.compile(
    rf"^\s*(?P<open>\*\*|__|`)?\s*(?P<key>[^:`*_\[\]<>]{{1,{_LONGEST_KEY}}}?)\s*(?(open)(?P=open)?)\s*:(?!//)"
    r"\s*(?(open)(?P=open)?)\s*"
)
_STATUS = re.compile(
    r"^`?(?P<concept>[^`:\s][^`:]*?):`?\s+`?(?P<source>\S+?)`?\s+(?:—|–|--|-)\s+"
    r"`?(?P<status>approved|pending|missing|deprecated)`?\.?\s*$",
    re.IGNORECASE,
)
# What a status line's last word can look like: the regex above runs only on items that end so.
_STATUS_ENDINGS = tuple(
    word + tail for word in ("approved", "pending", "missing", "deprecated") for tail in ("", "`", ".", "`.")
)
# The rule list stops at the first `-->` and its blanks are stripped after: a `\s*` before `-->`
# would rescan every run of blanks after a lazy group, quadratic in an unclosed comment.
_DISABLE = re.compile(r"<!--\s*forgea-hooks:\s*disable=([\w\s,-]+?)-->")
_DASHES = re.compile(r"\s*(?:—|–|--|-)\s*")


def mute_rule_debug_logging() -> None:
    """Make the debug calls of markdown-it-py's block rules cost nothing, for the worker processes
    that parse a whole tree with the fallback parser. Each rule attempt makes one, a few hundred per
    doc, and at any level but debug each is dropped after two calls: about 2% of the worker's time.
    A logger that is enabled for debug is left alone."""
    if parsers.NAME != "markdown-it-py":
        return
    import logging  # only the fallback's workers need it

    from forgea_hooks.documents.parsers.pure import _PARSER

    for rule in _PARSER.block.ruler.getRules(""):
        logger = logging.getLogger(rule.__module__)
        if not logger.isEnabledFor(logging.DEBUG):
            logger.debug = _discard  # type: ignore[method-assign]  # shadows Logger.debug for this logger only


def _discard(*args: object, **kwargs: object) -> None:
    """Takes a logging call and does nothing with it."""


# Keys and headings repeat across a tree's docs ("Technology", "Rollback"), so each is worked out once.
@functools.lru_cache(maxsize=4096)
def canonical_key(raw: str) -> str:
    key = " ".join(raw.strip(_MARKUP + " ").casefold().split())
    return KEY_ALIASES.get(key, key)


@functools.lru_cache(maxsize=4096)
def heading_name(title: str) -> str:
    """Heading text as the spec matches it; a trailing ``(required)``-style suffix is dropped."""
    title = drop_trailing_qualifier(title)
    kept = "".join(char for char in title if unicodedata.category(char)[0] in "LNZ" or char in "-—–.&/#+:")
    name = " ".join(kept.replace("*", " ").replace("_", " ").casefold().split())
    return name.strip(" :")


def decision_value(text: str) -> str | None:
    words = heading_name(text.replace("\n", " "))
    words = _DASHES.sub(" - ", words)
    return {
        "documentation complete": "complete",
        "documentation partial - extension required": "partial",
        "documentation missing - blocked": "missing",
    }.get(words)


def split_key(text: str) -> tuple[str, str] | None:
    """``Key: value`` of a list item's first line, or None for a plain item."""
    colon = text.find(":")
    if colon < 0:
        return None  # most plain items: no colon, so no key, without running the regex
    prefix = text[:colon]
    if prefix and not prefix[0].isspace() and _NOT_IN_KEY.isdisjoint(prefix):
        # Most keys: no markup around them, so what _KEY matches is all before the first colon
        # (which a key cannot hold), without its trailing space; found here without the regex.
        key = prefix.rstrip()
        if len(key) > _LONGEST_KEY or text.startswith("//", colon + 1):
            return None
        value = text[colon + 1 :].strip()
    else:
        match = _KEY.match(text)
        if match is None:
            return None
        key, value = match["key"].strip(), text[match.end() :].strip()
    if "//" in key or key.casefold() in ("http", "https"):
        return None
    return key, value


def parse(text: str, path: str, relpath: str, kind: str) -> tuple[Document, list[tuple[int, str]]]:
    """Parse ``text``; returns the document and problems (line, message) that make it invalid."""
    problems: list[tuple[int, str]] = []
    doc = Document(path=path, relpath=relpath, kind=kind, source=text)
    front = frontmatter.split(text)
    if front.end_line:
        if front.error:
            problems.append((front.error_line, front.error))
        else:
            doc.front_matter = front.data
            doc.front_matter_lines = front.lines
        # Blank the block rather than cut it, so every later line keeps its number.
        lines = text.split("\n")
        text = "\n" * front.end_line + "\n".join(lines[front.end_line :])
    tree = parsers.parse(text)
    if tree.failed:
        problems.append((1, f"the Markdown parser could not read this doc ({tree.failed}); nothing of it was read"))
    if tree.stopped_at:
        problems.append(
            (
                tree.stopped_at,
                f"lists or quotes nest deeper than {MAX_NESTING // 2} levels here; nothing from this line on "
                "was read (flatten the nesting)",
            )
        )
    _Builder(doc).build(tree, "<!--" in text)
    _fill_views(doc)
    return doc, problems


class _Builder:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.section = Section(title="", name="", level=0, line=1)
        doc.sections.append(self.section)
        self.open_entry: Entry | None = None

    def build(self, tree: Tree, comments: bool) -> None:
        """``comments``: whether the text holds ``<!--`` at all; most docs do not, and then no
        block needs scanning for an inline-disable comment."""
        for node in tree.root.children:
            self._block(node)
        if comments:
            self._scan_comments(tree.root)
        self.doc.links = links.extract(tree)

    def _block(self, node: Node) -> None:
        kind = node.kind
        if kind == "heading":
            title = node.text
            self.section = Section(title=title, name=heading_name(title), level=node.level, line=node.line)
            self.doc.sections.append(self.section)
            self.open_entry = None
        elif kind == "paragraph":
            self.section.paragraphs.append(Block(node.text, node.line))
            self.open_entry = None
        elif kind in ("bullet_list", "ordered_list"):
            self._list(node)
        elif kind == "table":
            self.section.tables.append(_table(node))
            self.open_entry = None
        elif kind != "html_block":
            self.open_entry = None

    def _list(self, node: Node) -> None:
        for item in node.children:
            first = _first_paragraph(item)
            if first is None:
                self.open_entry = None
                continue
            text = first.text
            head = text.split("\n", 1)[0].strip()
            status = _STATUS.match(head) if head.casefold().endswith(_STATUS_ENDINGS) else None
            if status:
                self.doc.status_lines.append(
                    StatusLine(status["concept"].strip(), status["source"], status["status"].lower(), first.line)
                )
                continue
            field = _field(item, first)
            if field is None:
                self.section.items.append(Block(text, first.line))
                self.open_entry = None
                continue
            if field.key in HEAD_KEYS:
                entry = Entry(head=field)
                entry.fields.append(field)
                # Fields nested under the head item are the entry's fields, not a list value.
                entry.fields.extend(field.items)
                field.items = []
                self.section.entries.append(entry)
                self.open_entry = entry
            elif self.open_entry is not None:
                self.open_entry.fields.append(field)
            else:
                self.section.fields.append(field)

    def _scan_comments(self, parent: Node) -> None:
        """Inline-disable comments: read from every text-bearing block, never from code."""
        for node in parent.children:
            if node.kind == "html_block" or ("<!--" in node.text and node.kind != "code"):
                if "<!--" in node.text:
                    for offset, line_text in enumerate(node.text.split("\n")):
                        self._comment(line_text, node.line + offset)
            elif node.children:
                self._scan_comments(node)

    def _comment(self, text: str, line: int) -> None:
        for match in _DISABLE.finditer(text):
            rules = frozenset(rule.strip() for rule in match.group(1).split(",") if rule.strip())
            target = line + 1
            self.doc.disabled[target] = self.doc.disabled.get(target, frozenset()) | rules


def _field(item: Node, first: Node) -> Field | None:
    text = first.text
    head, _, rest = text.partition("\n")
    parts = split_key(head)
    if parts is None:
        return None
    raw_key, value = parts
    if rest.strip():
        value = " ".join([value, *rest.split()]).strip()
    field = Field(key=canonical_key(raw_key), raw_key=raw_key, value=value, line=first.line, urls=_urls(first))
    for child in item.children:
        if child.kind in ("bullet_list", "ordered_list"):
            for sub in child.children:
                paragraph = _first_paragraph(sub)
                if paragraph is None:
                    continue
                nested = _field(sub, paragraph)
                if nested is None:
                    sub_text = " ".join(paragraph.text.split())
                    nested = Field(key="", raw_key="", value=sub_text, line=paragraph.line, urls=_urls(paragraph))
                field.items.append(nested)
    return field


def _table(node: Node) -> Table:
    headers: list[str] = []
    rows: list[TableRow] = []
    for part in node.children:
        for row in part.children:
            cells = [cell.text for cell in row.children]
            if part.kind == "thead":
                headers = [canonical_key(cell) for cell in cells]
            else:
                rows.append(TableRow(dict(zip(headers, (cell.strip() for cell in cells), strict=False)), row.line))
    return Table(headers, rows, node.line)


def _urls(block: Node) -> list[str]:
    # Most fields link nowhere: no call into links for them.
    return links.urls(block) if block.inlines else []


def _first_paragraph(item: Node) -> Node | None:
    for child in item.children:
        if child.kind == "paragraph":
            return child
        if child.kind != "html_block":
            return None
    return None


def _reports(sections: list[Section]) -> Iterator[Report]:
    """Split a gatekeeper file into reports: one starts at each REQUIRED OFFICIAL DOCUMENTATION heading."""
    starts = [index for index, section in enumerate(sections) if section.name == REPORT_HEADING]
    if not starts:
        yield Report(line=1, references=_references(sections[:1]), sections=sections)
        return
    for number, start in enumerate(starts):
        end = starts[number + 1] if number + 1 < len(starts) else len(sections)
        before = sections[starts[number - 1] + 1 : start] if number else sections[:start]
        yield Report(line=sections[start].line, references=_references(before), sections=sections[start:end])


def _references(sections: list[Section]) -> list[Block]:
    return [
        block
        for section in sections
        for block in section.paragraphs
        if block.text.startswith(("Referencing", "Reference:"))
    ]


def _fill_views(doc: Document) -> None:
    if doc.kind == "gatekeeper-report":
        doc.reports = list(_reports(doc.sections))
        for report in doc.reports:
            section = report.section(DECISION_HEADING)
            if section is not None:
                first = section.paragraphs[0] if section.paragraphs else None
                text = first.text if first else ""
                report.decision = Decision(text, decision_value(text), first.line if first else section.line)
    elif doc.kind == "registry":
        for section in doc.sections:
            for table in section.tables:
                if "technology" in table.headers and doc.table is None:
                    doc.table = table
    elif doc.kind == "official-doc":
        _official_metadata(doc)


_FRONT_MATTER_KEYS = {
    "technology": "technology",
    "version": "exact version requirement",
    "official_source": "official source",
    "status": "status",
}


def _official_metadata(doc: Document) -> None:
    """Metadata from front matter, else from the document's first list of fields."""
    if doc.front_matter:
        for raw, key in _FRONT_MATTER_KEYS.items():
            if raw in doc.front_matter:
                value = doc.front_matter[raw]
                text = "" if value is None else str(value) if not isinstance(value, (list, dict)) else ""
                line = doc.front_matter_lines.get(raw, 1)
                doc.metadata[key] = Field(key=key, raw_key=raw, value=text, line=line)
        if doc.metadata:
            return
    for section in doc.sections:
        fields = [field for entry in section.entries for field in entry.fields] or section.fields
        if fields:
            for field in fields:
                doc.metadata.setdefault(field.key, field)
            return

"""The rules. Each module documents its rules in its docstring and declares them in ``RULES``:
rule id -> default severity per document kind (None: the rule does not apply to that kind).

A module with per-document checks defines ``check(doc, ctx)``; it reports through ``ctx.report`` so
that configuration (severities, ``off``) and inline disables apply in one place.
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING

from forgea_hooks.config import Config
from forgea_hooks.findings import Finding, Severity
from forgea_hooks.model import Document

if TYPE_CHECKING:
    from forgea_hooks.tree import Tree

# Order is the order of `forgea-hooks rules` and of the README's table.
MODULE_NAMES = (
    "structure",
    "pins",
    "decision",
    "paths",
    "sources",
    "consistency",
    "links",
    "handoff",
    "online",
    "baseline",
)

SeverityTable = Mapping[str, Mapping[str, Severity | None]]


def modules() -> Iterator[ModuleType]:
    for name in MODULE_NAMES:
        yield importlib.import_module(f"forgea_hooks.rules.{name}")


def defaults() -> dict[str, Mapping[str, Severity | None]]:
    table: dict[str, Mapping[str, Severity | None]] = {}
    for module in modules():
        table.update(module.RULES)
        table.update(getattr(module, "VARIANTS", {}))
    return table


@functools.cache
def hints() -> dict[str, str]:
    """Rule id -> how to fix it, from each module's ``HINTS``: the hint of a finding whose rule
    gave no more specific one."""
    table: dict[str, str] = {}
    for module in modules():
        table.update(getattr(module, "HINTS", {}))
    return table


def catalog() -> dict[str, str]:
    """Rule id -> its one-line description, taken from the rule's module docstring."""
    described: dict[str, str] = {}
    for module in modules():
        for rule in module.RULES:
            described[rule] = describe(module, rule)
    return described


def describe(module: ModuleType, rule: str) -> str:
    """The first sentence of the docstring paragraph that starts with the rule's id."""
    lines = (module.__doc__ or "").splitlines()
    for index, line in enumerate(lines):
        if line.strip().startswith(f"``{rule}``:"):
            paragraph = [line.strip().split(":", 1)[1].strip()]
            for following in lines[index + 1 :]:
                if not following.strip():
                    break
                paragraph.append(following.strip())
            text = " ".join(paragraph)
            end = text.find(". ")
            return text if end < 0 else text[: end + 1]
    return rule


@dataclass
class Severities:
    """Default severities overlaid with the config's, by rule, kind and (for pin-drift) variant."""

    config: Config
    table: SeverityTable

    def __call__(self, rule: str, kind: str, variant: str = "") -> Severity | None:
        override = self.config.severity_overrides.get((rule, kind), _UNSET)
        if override is not _UNSET:
            return override  # type: ignore[return-value]
        key = f"{rule}:{variant}" if variant else rule
        return self.table.get(key, self.table.get(rule, {})).get(kind)


_UNSET = object()


@dataclass
class RuleContext:
    doc: Document
    config: Config
    severity: Severities
    tree: Tree
    findings: list[Finding] = field(default_factory=list)
    # Files a rule looked for, and whether they were there: a cached result holds only while
    # these still hold.
    probes: list[tuple[str, bool]] = field(default_factory=list)
    # The doc's text, to find the column of what a finding is about; without it, column 1.
    text: str = ""
    _lines: list[str] | None = field(default=None, repr=False)

    def exists(self, relpath: str) -> bool:
        found = (self.config.root / relpath).exists()
        self.probes.append((relpath, found))
        return found

    def report(
        self,
        rule: str,
        line: int,
        message: str,
        hint: str = "",
        *,
        column: int = 0,
        variant: str = "",
        at: str = "",
    ) -> None:
        """A finding at ``line``. Its column is ``column`` when given, else where ``at`` (the
        offending text) is on the line, else where the first value the message quotes is."""
        severity = self.severity(rule, self.doc.kind, variant)
        if severity is None or rule in self.doc.disabled.get(line, ()):
            return
        named = [quoted or pin for quoted, pin in _QUOTED.findall(message)]
        column = column or self._column(line, [at] if at else named)
        self.findings.append(
            Finding(self.doc.path, line, column, rule, severity, message, hint or hints().get(rule, ""))
        )

    def _column(self, line: int, values: list[str]) -> int:
        if not self.text or not values:
            return 1
        if self._lines is None:
            self._lines = self.text.splitlines()
        source = self._lines[line - 1] if 0 < line <= len(self._lines) else ""
        for value in values:
            index = source.find(value)
            if index >= 0:
                return index + 1
        return 1


# A value a message quotes ('like this'), or the pin it names ("pinned to 6.19.0"): the thing the
# finding is about.
_QUOTED = re.compile(r"'([^'\n]{2,})'|pinned to (\S+?)(?=[\s,;]|$)")

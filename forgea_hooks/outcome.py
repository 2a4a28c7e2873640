"""What a check takes and gives: the options (``options``), one file's outcome and the run's result.

Plain data below ``api``, ``linkcheck`` and ``rules.consistency``, so that each of them can name
these types without importing the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from forgea_hooks.findings import Finding, Severity
from forgea_hooks.options import CheckOptions

if TYPE_CHECKING:
    from forgea_hooks.online.check import OnlineRun
    from forgea_hooks.views import PinRef

__all__ = ["CheckOptions", "CheckResult", "FileOutcome"]


@dataclass
class FileOutcome:
    """What the whole-tree rules, the link check and the pin table need of a checked file: small
    and picklable, so that worker processes can hand it back."""

    path: str
    relpath: str
    kind: str
    findings: list[Finding]
    pins: list[PinRef] = field(default_factory=list)
    links: list[tuple[str, int]] = field(default_factory=list)
    disabled: dict[int, frozenset[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    digest: str = ""
    stat: tuple[int, int] | None = None  # size and mtime (ns) of what was read, for the result cache
    probes: list[tuple[str, bool]] = field(default_factory=list)

    def to_cache(self) -> dict[str, Any]:
        # The cache's codec is imported by the runs that keep results; a replay imports none of it.
        from forgea_hooks import resultcache

        return {
            "digest": self.digest,
            "kind": self.kind,
            "findings": resultcache.encode_findings(self.findings),
            "pins": resultcache.encode_pins(self.pins),
            "links": self.links,
            "disabled": {str(line): sorted(rules) for line, rules in self.disabled.items()} if self.disabled else {},
            "probes": self.probes,
            "warnings": self.warnings,
        }

    @classmethod
    def from_cache(cls, entry: dict[str, Any], path: str, relpath: str) -> FileOutcome:
        from forgea_hooks import resultcache

        # Most of these are empty, and each comprehension is a call of its own: a run decodes an
        # entry for every file of the tree, in the process that also takes in the workers' results.
        findings, pins, links, disabled, probes = (
            entry["findings"],
            entry["pins"],
            entry["links"],
            entry["disabled"],
            entry["probes"],
        )
        return cls(
            path,
            relpath,
            entry["kind"],
            resultcache.decode_findings(findings, path) if findings else [],
            pins=resultcache.decode_pins(pins) if pins else [],
            links=[(url, line) for url, line in links] if links else [],
            disabled={int(line): frozenset(rules) for line, rules in disabled.items()} if disabled else {},
            warnings=list(entry["warnings"]),
            digest=entry["digest"],
            probes=[(path, existed) for path, existed in probes] if probes else [],
        )


@dataclass
class CheckResult:
    findings: list[Finding]
    files_checked: int
    warnings: list[str] = field(default_factory=list)
    outcomes: list[FileOutcome] = field(default_factory=list)
    # Paths that could not be checked at all (named but absent): the CLI exits 2 for them.
    errors: list[str] = field(default_factory=list)
    # Paths given that exist but led to no doc (not a doc of any kind, excluded, a folder with no
    # doc), each with the reason, as a sentence.
    not_checked: list[str] = field(default_factory=list)
    # With --online: the pins judged and what their sources said (`pins --online` shows them).
    online: OnlineRun | None = None
    # Findings the baseline holds, not in ``findings``: the summary line and the Action count them.
    baselined: int = 0
    # The findings only a whole-tree run can make (docs that disagree with each other), a subset of
    # ``findings``: the consistency hook prints these whatever files it was given.
    whole_tree: list[Finding] = field(default_factory=list)

    def worst(self) -> Severity | None:
        return max((finding.severity for finding in self.findings), key=lambda s: s.rank, default=None)

"""Consistency rules: a pin is only useful if it is the same everywhere and true of the code.

Technology names are compared after normalization (case folded, a trailing ``(qualifier)``
dropped, punctuation other than ``.``, ``+`` and ``#`` folded to spaces) and aliases (``Postgres`` and
``PG`` are PostgreSQL, ``Node`` is Node.js, ``TF`` is Terraform, ``Compose`` is Docker Compose;
``technologies.<name>.aliases`` in config adds more). Unknown, unconfirmed and range values are left
to the pin rules.

``pin-inconsistent``: one technology given two different concrete pins across documents. The
registry's pin wins and the finding goes to the other place; a major pin (``16``, ``16.x``) agrees
with any pin whose major is 16. Without a registry row, a whole-tree run (``check`` with no paths,
or the ``forgea-docs-consistency`` hook) reports the disagreement at every place. Default: error in
official docs and tasks, warning in gatekeeper reports.

``pin-drift``: a concrete doc pin disagrees with what the repo's manifests install. They are read
by the readers in ``forgea_hooks/manifests/`` (package managers with their locks and workspaces, compose,
Dockerfiles, Terraform, version files, CI and cluster manifests; the README lists every file).
Which packages stand for a technology comes from built-in defaults (PostgreSQL: image and engine
``postgres``; Prisma: npm ``prisma`` and ``@prisma/client``; Redis: image ``redis``; Node.js:
``.nvmrc`` and ``.tool-versions`` ``nodejs``; Terraform: ``required_version``; and more) and
``technologies.<name>.packages`` in config. Reported at the doc pin's line; the hint shows the
installed version and where it was read (``installed: package-lock.json:346 @prisma/client 5.20.0
(from ^5.0.0)``). Default: error (warning in gatekeeper reports) when a manifest installs another
version; one step lower (warning; info in gatekeeper reports) when a manifest range or a moving
image tag admits versions other than the pin (``^7.3.0`` against 7.3.0, ``traefik:3.6`` against
3.6.2), or when a service outside the default stack (a compose profile) installs another version.
A major pin agrees with any install of that major.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Sequence

from forgea_hooks.findings import Finding, Severity
from forgea_hooks.model import Document
from forgea_hooks.outcome import FileOutcome
from forgea_hooks.pins import PinClass, PinPart, classify, versions_agree
from forgea_hooks.rules import RuleContext, Severities
from forgea_hooks.technologies import Catalog
from forgea_hooks.views import UNPINNED_STATUSES, PinRef, pin_refs

RULES = {
    "pin-inconsistent": {
        "official-doc": Severity.ERROR,
        "task": Severity.ERROR,
        "gatekeeper-report": Severity.WARNING,
    },
    "pin-drift": {
        "registry": Severity.ERROR,
        "official-doc": Severity.ERROR,
        "task": Severity.ERROR,
        "gatekeeper-report": Severity.WARNING,
    },
}
VARIANTS = {
    "pin-drift:range": {
        "registry": Severity.WARNING,
        "official-doc": Severity.WARNING,
        "task": Severity.WARNING,
        "gatekeeper-report": Severity.INFO,
    }
}

_COMPARABLE = frozenset({PinClass.EXACT, PinClass.MAJOR})


@functools.lru_cache(maxsize=4096)
def concrete_parts(value: str) -> tuple[PinPart, ...]:
    """The parts of a pin that can be compared: exact or major, with a version. Cached: a tree
    repeats the same few pins thousands of times."""
    return tuple(part for part in classify(value).parts if part.cls in _COMPARABLE and part.version)


def check(doc: Document, ctx: RuleContext) -> None:
    for ref in pin_refs(doc):
        if not ref.technology:
            continue
        parts = concrete_parts(ref.value)
        if not parts:
            continue
        technology = ctx.tree.catalog.canonical(ref.technology)
        if ref.role != "registry":
            _against_registry(ref, technology, parts, ctx)
        _against_manifests(ref, technology, parts, ctx)


def _against_registry(ref: PinRef, technology: str, parts: Sequence[PinPart], ctx: RuleContext) -> None:
    registry_parts = _registry_parts(ctx, technology)
    if not registry_parts or _agree(parts, registry_parts):
        return
    registry_doc, row = ctx.tree.registry_rows[technology]
    ctx.report(
        "pin-inconsistent",
        ref.line,
        f"{ref.technology} is pinned to {_versions(parts)} here but to {_versions(registry_parts)} in the registry",
        f"the registry wins: {registry_doc.path}:{row.line}",
    )


def _against_manifests(ref: PinRef, technology: str, parts: Sequence[PinPart], ctx: RuleContext) -> None:
    installs = ctx.tree.installs_for(technology)
    if not installs:
        return
    from forgea_hooks.manifests import compare

    other: list[str] = []
    loose: list[str] = []
    optional: list[str] = []
    advice: dict[str, None] = {}
    for install in installs:
        verdicts = {compare(part, install) for part in parts}
        if "agree" in verdicts:
            continue
        if install.optional:
            optional.append(f"{install.path}:{install.line} {install.package} {install.spec} ({install.how})")
        elif "range-admits-others" in verdicts:
            loose.append(f"{install.path}:{install.line} {install.package} {install.spec}")
            advice[install.advice or "pin it exactly, or lock it"] = None
        else:
            # Where the installed version was read, and the range it was resolved from.
            written = f" (from {install.spec})" if install.spec and install.spec != install.version else ""
            other.append(f"{install.path}:{install.line} {install.package} {install.version or install.spec}{written}")
    if other:
        ctx.report(
            "pin-drift",
            ref.line,
            f"{ref.technology} is pinned to {_versions(parts)} but the repo installs another version",
            "installed: " + "; ".join(other),
        )
    if loose:
        ctx.report(
            "pin-drift",
            ref.line,
            f"{ref.technology} is pinned to {_versions(parts)} but a manifest range admits other versions",
            "range: " + "; ".join(loose) + f" ({'; '.join(advice)})",
            variant="range",
        )
    if optional:
        ctx.report(
            "pin-drift",
            ref.line,
            f"{ref.technology} is pinned to {_versions(parts)} but a service outside the default stack "
            "installs another version",
            "optional: " + "; ".join(optional),
            variant="range",
        )


def _agree(left: Sequence[PinPart], right: Sequence[PinPart]) -> bool:
    return any(versions_agree(a, b) for a in left for b in right)


def _versions(parts: Iterable[PinPart]) -> str:
    return " / ".join(dict.fromkeys(part.text.strip("` ") for part in parts))


def check_tree(outcomes: Iterable[FileOutcome], catalog: Catalog, severity: Severities) -> list[Finding]:
    """Whole-tree runs: docs that disagree about a technology the registry does not pin, at every place."""
    registry: dict[str, Sequence[PinPart]] = {}
    groups: dict[str, list[tuple[FileOutcome, PinRef, Sequence[PinPart]]]] = defaultdict(list)
    for outcome in outcomes:
        for ref in outcome.pins:
            parts = concrete_parts(ref.value) if ref.technology else []
            if not parts:
                continue
            technology = catalog.canonical(ref.technology)
            if ref.role == "registry":
                registry.setdefault(technology, parts)
            else:
                groups[technology].append((outcome, ref, parts))
    findings: list[Finding] = []
    for technology, members in groups.items():
        if technology in registry:
            continue  # the registry settles it; each doc was compared with it already
        for outcome, ref, parts in members:
            others = [(other, other_ref) for other, other_ref, other_parts in members if not _agree(parts, other_parts)]
            level = severity("pin-inconsistent", outcome.kind)
            if not others or level is None or "pin-inconsistent" in outcome.disabled.get(ref.line, ()):
                continue
            where = "; ".join(
                f"{other.path}:{other_ref.line} {other_ref.value.strip()}" for other, other_ref in others[:5]
            )
            findings.append(
                Finding(
                    outcome.path,
                    ref.line,
                    1,
                    "pin-inconsistent",
                    level,
                    f"{ref.technology} is pinned to {_versions(parts)} here but differently elsewhere, "
                    "and the registry does not settle it",
                    f"other pins: {where}; add a registry row to make one pin win",
                )
            )
    return findings


def _registry_parts(ctx: RuleContext, technology: str) -> Sequence[PinPart]:
    found = ctx.tree.registry_rows.get(technology)
    # A missing or deprecated row pins nothing (pin_refs skips it, and so does check_tree): it must
    # not settle here either, or a whole-tree run reports the same place twice, contradicting itself.
    if found is None or found[1].cells.get("status", "").strip("` ").casefold() in UNPINNED_STATUSES:
        return []
    return concrete_parts(found[1].cells.get("version", ""))

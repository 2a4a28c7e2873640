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

``pin-drift``: a concrete doc pin disagrees with what the repo's manifests install. Read at the
root: ``package.json`` (the lockfile's resolved version when ``package-lock.json``, ``pnpm-lock.yaml`` or
``yarn.lock`` is present), ``requirements*.txt``, ``pyproject.toml``, images in
``docker-compose*.yml``/``compose*.yaml`` and ``Dockerfile`` ``FROM`` lines (``postgres:16.4`` is
16.4, ``redis:7.2.5-alpine`` is 7.2.5), Terraform ``required_version``, ``.tool-versions``,
``.nvmrc``. Which packages stand for a technology comes from built-in defaults (PostgreSQL: image
``postgres``; Prisma: npm ``prisma`` and ``@prisma/client``; Redis: image ``redis``; Node.js:
``.nvmrc`` and ``.tool-versions`` ``nodejs``; Terraform: ``required_version``) and
``technologies.<name>.packages`` in config. Reported at the doc pin's line with the manifest's
path and line in the hint. Default: error (warning in gatekeeper reports) when a manifest installs
another version; one step lower (warning; info in gatekeeper reports) when a manifest range admits
versions other than the pin (``^7.3.0`` against 7.3.0). A major pin agrees with any install of that
major.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from forgea_hooks.findings import Severity
from forgea_hooks.manifests import compare
from forgea_hooks.model import Document
from forgea_hooks.pins import PinClass, PinPart, classify, versions_agree
from forgea_hooks.rules import RuleContext
from forgea_hooks.views import PinRef, pin_refs

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


def concrete_parts(value: str) -> list[PinPart]:
    """The parts of a pin that can be compared: exact or major, with a version."""
    return [part for part in classify(value).parts if part.cls in _COMPARABLE and part.version]


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


def _against_registry(ref: PinRef, technology: str, parts: list[PinPart], ctx: RuleContext) -> None:
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


def _against_manifests(ref: PinRef, technology: str, parts: list[PinPart], ctx: RuleContext) -> None:
    other: list[str] = []
    loose: list[str] = []
    for install in ctx.tree.installs_for(technology):
        verdicts = {compare(part, install) for part in parts}
        place = f"{install.path}:{install.line} {install.package} {install.spec}"
        if "agree" in verdicts:
            continue
        if "range-admits-others" in verdicts:
            loose.append(place)
        else:
            other.append(place)
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
            "range: " + "; ".join(loose) + " (pin it exactly, or lock it)",
            variant="range",
        )


def _agree(left: Sequence[PinPart], right: Sequence[PinPart]) -> bool:
    return any(versions_agree(a, b) for a in left for b in right)


def _versions(parts: Iterable[PinPart]) -> str:
    return " / ".join(dict.fromkeys(part.text.strip("` ") for part in parts))


def check_tree(places: Iterable[tuple[RuleContext, PinRef]]) -> None:
    """Whole-tree runs: docs that disagree about a technology the registry does not pin, at every place."""
    groups: dict[str, list[tuple[RuleContext, PinRef, list[PinPart]]]] = defaultdict(list)
    for ctx, ref in places:
        parts = concrete_parts(ref.value) if ref.technology and ref.role != "registry" else []
        if parts:
            groups[ctx.tree.catalog.canonical(ref.technology)].append((ctx, ref, parts))
    for technology, members in groups.items():
        if members and _registry_parts(members[0][0], technology):
            continue  # the registry settles it; each doc was compared with it already
        for ctx, ref, parts in members:
            others = [(o_ctx, o_ref) for o_ctx, o_ref, o_parts in members if not _agree(parts, o_parts)]
            if others:
                where = "; ".join(f"{o_ctx.doc.path}:{o_ref.line} {o_ref.value.strip()}" for o_ctx, o_ref in others[:5])
                ctx.report(
                    "pin-inconsistent",
                    ref.line,
                    f"{ref.technology} is pinned to {_versions(parts)} here but differently elsewhere, "
                    "and the registry does not settle it",
                    f"other pins: {where}; add a registry row to make one pin win",
                )


def _registry_parts(ctx: RuleContext, technology: str) -> list[PinPart]:
    found = ctx.tree.registry_rows.get(technology)
    return concrete_parts(found[1].cells.get("version", "")) if found else []

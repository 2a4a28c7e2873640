"""Pin rules: every version value must be a concrete pin. Where a version is unknown,
implementation pauses until it is pinned.

A value is split into parts (at ``;``, `` and `` and ``, ``, never inside parentheses or backticks)
and each part is classified as the spec's Pins table says: not versioned, unknown, unconfirmed,
range, major or exact. Exact, major and not-versioned parts are concrete; the others are findings
that name the failing parts, at the line of the version value (the field's line, the front-matter
key's line, the registry row's line, the task pin item's line). Registry rows whose status is
``missing`` or ``deprecated`` need no pin.

``pin-unknown``: a version field with no version: ``VERSION UNKNOWN``, ``TBD``, ``MUST BE PINNED``,
empty, or text with no version-like token at all.

``pin-unconfirmed``: a version hedged as provisional: ``e.g., 15.x (to be confirmed by infra)``,
``PCI DSS v4.0 (pin before implementation)``.

``pin-range``: a range or moving target instead of a pin: ``^7.3.0``, ``~7.3``, ``>=15``, ``7.*``,
``7.3.x``, ``latest``.

A part that names a technology's version without giving it and defers to another place
(`` `Postgres` version (see registry) ``, ``pinned Postgres version``, ``the registry's Prisma pin``)
takes the class of that place's pin: the registry row of that technology (by name or alias), else,
in a whole-tree run, the one concrete pin the tree's docs agree on. With neither it is
``pin-unknown``, and the message says where it looked. (A run over a few paths cannot see the whole
tree: a deferring part with no registry row is judged by the whole-tree run, as the consistency hook
and CI make.)

Default severity: error in the registry, official docs and tasks; warning in gatekeeper reports,
which exist to name unknown pins.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from forgea_hooks.findings import Finding, Severity
from forgea_hooks.model import Document
from forgea_hooks.outcome import FileOutcome
from forgea_hooks.pins import CONCRETE, PinClass, PinPart, classify, versions_agree
from forgea_hooks.rules import RuleContext, Severities
from forgea_hooks.technologies import Catalog
from forgea_hooks.views import UNPINNED_STATUSES, PinRef, pin_refs

_DEFAULTS = {
    "registry": Severity.ERROR,
    "official-doc": Severity.ERROR,
    "task": Severity.ERROR,
    "gatekeeper-report": Severity.WARNING,
}
RULES = {"pin-unknown": _DEFAULTS, "pin-unconfirmed": _DEFAULTS, "pin-range": _DEFAULTS}

_RULE_OF = {
    PinClass.UNKNOWN: ("pin-unknown", "has no version"),
    PinClass.UNCONFIRMED: ("pin-unconfirmed", "is hedged as provisional"),
    PinClass.RANGE: ("pin-range", "is a range or moving target, not a pin"),
}
_HINT = "pin the exact version implementation reads from (e.g. 16.4 or 7.3.0); until then, implementation pauses"
_DEFER_HINT = "pin {name} in the registry, or write its version here"
_QUOTE = 200


def check(doc: Document, ctx: RuleContext) -> None:
    for ref in pin_refs(doc):
        pin = classify(ref.value)
        failing: dict[PinClass, list[str]] = {}
        for part in pin.parts:
            if part.defers and doc.kind != "registry":
                _deferring(ref, part, part.defers, ctx)
            elif part.cls in _RULE_OF:
                failing.setdefault(part.cls, []).append(part.text)
        for cls, texts in failing.items():
            rule, what = _RULE_OF[cls]
            quoted = "; ".join(f"'{_quote(text)}'" if text else "(empty)" for text in texts)
            ctx.report(rule, ref.line, f"{_subject(ref)} {quoted} {what}", _HINT)


def _subject(ref: PinRef) -> str:
    return f"the {ref.technology} pin" if ref.technology else "the version pin"


def _quote(text: str) -> str:
    return text if len(text) <= _QUOTE else text[: _QUOTE - 1] + "…"


def registry_pin(name: str, ctx: RuleContext) -> str | None:
    """The version cell of the registry row that pins ``name`` (by name or alias), or None when no
    row does (none at all, or one whose status is missing or deprecated)."""
    found = ctx.tree.registry_rows.get(ctx.tree.catalog.canonical(name))
    if found is None or found[1].cells.get("status", "").strip("` ").casefold() in UNPINNED_STATUSES:
        return None
    return found[1].cells.get("version", "")


def concrete_part(part: PinPart, ctx: RuleContext) -> bool:
    """Whether a part is concrete once a deferring part takes its registry row's class. A deferring
    part with no registry row is left to the whole-tree pass (``check_tree``), so counts here."""
    if part.defers is None:
        return part.cls in CONCRETE
    value = registry_pin(part.defers, ctx)
    return value is None or classify(value).concrete


def _deferring(ref: PinRef, part: PinPart, name: str, ctx: RuleContext) -> None:
    """A part deferring to the registry takes the class of the registry row's pin. With no row that
    pins the technology, the whole-tree pass (``check_tree``) judges it."""
    value = registry_pin(name, ctx)
    if value is None:
        return
    cls = classify(value).failing_class
    if cls is None:
        return
    rule, what = _RULE_OF[cls]
    ctx.report(
        rule,
        ref.line,
        f"{_subject(ref)} '{_quote(part.text)}' defers to the registry, whose {name} pin '{_quote(value)}' {what}",
        _DEFER_HINT.format(name=name),
    )


def check_tree(outcomes: Iterable[FileOutcome], catalog: Catalog, severity: Severities) -> list[Finding]:
    """Whole-tree runs: a part deferring to a technology the registry does not pin takes the one
    concrete pin the tree's docs agree on; with none, or several that disagree, it is pin-unknown."""
    listed = list(outcomes)
    registry: set[str] = set()
    pins: dict[str, list[PinPart]] = defaultdict(list)
    deferring: list[tuple[FileOutcome, PinRef, PinPart, str]] = []
    for outcome in listed:
        for ref in outcome.pins:
            for part in classify(ref.value).parts:
                if part.defers and outcome.kind != "registry":
                    deferring.append((outcome, ref, part, part.defers))
                elif ref.technology and part.cls in CONCRETE and part.version:
                    pins[catalog.canonical(ref.technology)].append(part)
            if ref.role == "registry" and ref.technology:
                registry.add(catalog.canonical(ref.technology))
    findings: list[Finding] = []
    for outcome, ref, part, name in deferring:
        key = catalog.canonical(name)
        level = severity("pin-unknown", outcome.kind)
        if key in registry or level is None or "pin-unknown" in outcome.disabled.get(ref.line, ()):
            continue
        found = pins.get(key, [])
        if found and all(versions_agree(found[0], other) for other in found[1:]):
            continue
        versions = ", ".join(dict.fromkeys(other.text.strip("` ") for other in found))
        tree = f"the docs' pins of {name} do not agree on one ({versions})" if found else f"no doc pins {name}"
        findings.append(
            Finding(
                outcome.path,
                ref.line,
                1,
                "pin-unknown",
                level,
                f"{_subject(ref)} '{_quote(part.text)}' defers to the registry, which has no {name} row, and {tree}",
                _DEFER_HINT.format(name=name),
            )
        )
    return findings

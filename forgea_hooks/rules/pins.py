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

Default severity: error in the registry, official docs and tasks; warning in gatekeeper reports,
which exist to name unknown pins.
"""

from __future__ import annotations

from forgea_hooks.findings import Severity
from forgea_hooks.model import Document
from forgea_hooks.pins import PinClass, classify
from forgea_hooks.rules import RuleContext
from forgea_hooks.views import pin_refs

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


def check(doc: Document, ctx: RuleContext) -> None:
    for ref in pin_refs(doc):
        pin = classify(ref.value)
        failing: dict[PinClass, list[str]] = {}
        for part in pin.parts:
            if part.cls in _RULE_OF:
                failing.setdefault(part.cls, []).append(part.text)
        for cls, texts in failing.items():
            rule, what = _RULE_OF[cls]
            subject = f"the {ref.technology} pin" if ref.technology else "the version pin"
            quoted = "; ".join(f"'{text}'" if text else "(empty)" for text in texts)
            ctx.report(rule, ref.line, f"{subject} {quoted} {what}", _HINT)

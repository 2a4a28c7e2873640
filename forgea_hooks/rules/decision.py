"""``decision-inconsistent``: a gatekeeper report's coverage decision disagrees with its own content.
COMPLETE while an entry's pin is not concrete (a part deferring to the registry takes its row's
pin), or while INTERNAL DOCS TO ADD OR EXTEND still lists
entries; PARTIAL or MISSING while that section lists no entry (an absent section is
``section-missing``). Reported at the decision paragraph's line.

Default severity: error.
"""

from __future__ import annotations

from forgea_hooks.findings import Severity
from forgea_hooks.model import Document
from forgea_hooks.pins import classify
from forgea_hooks.rules import RuleContext
from forgea_hooks.rules.pins import concrete_part
from forgea_hooks.views import INTERNAL_HEADING, VERSION_KEY, internal_entries, required_entries

RULES = {"decision-inconsistent": {"gatekeeper-report": Severity.ERROR}}


def check(doc: Document, ctx: RuleContext) -> None:
    for report in doc.reports:
        decision = report.decision
        if decision is None or decision.value is None:
            continue
        internal = internal_entries(report)
        if decision.value == "complete":
            unpinned = [
                entry.head.value
                for entry in required_entries(report)
                if (version := entry.get(VERSION_KEY)) is not None
                and not all(concrete_part(part, ctx) for part in classify(version.value).parts)
            ]
            if unpinned:
                ctx.report(
                    "decision-inconsistent",
                    decision.line,
                    f"the decision is COMPLETE but these pins are not concrete: {', '.join(unpinned)}",
                    "pin them, or decide PARTIAL or MISSING",
                )
            if internal:
                ctx.report(
                    "decision-inconsistent",
                    decision.line,
                    f"the decision is COMPLETE but {len(internal)} internal doc(s) are still listed to add or extend",
                    "write those docs first, or decide PARTIAL",
                )
        elif not internal and report.section(INTERNAL_HEADING) is not None:
            ctx.report(
                "decision-inconsistent",
                decision.line,
                f"the decision is {decision.value.upper()} but INTERNAL DOCS TO ADD OR EXTEND lists no entry",
                "list each doc to add or extend with its Path, Purpose, Exact knowledge to add and pin",
            )

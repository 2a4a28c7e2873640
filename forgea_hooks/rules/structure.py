"""Structure rules: what each kind of document must contain. The bundled JSON Schemas under
``schemas/`` say what is required (a kind's ``schema`` in config replaces its bundled schema).

``file-invalid``: the file cannot be read as a doc: not UTF-8, binary, over the size limit
(5 MiB), unreadable, a directory or a link loop, or front matter that is not valid YAML (anchors and
aliases are refused). Reported at line 1 (the YAML error's line for front matter); never a crash.

``section-missing``: a required section is absent. An empty file of a known kind has every section
missing. Reported at line 1. Gatekeeper reports need REQUIRED OFFICIAL DOCUMENTATION and
DOCUMENTATION COVERAGE DECISION, and INTERNAL DOCS TO ADD OR EXTEND when the decision is PARTIAL
or MISSING; tasks need Required schema changes, Migration strategy, Rollback, Acceptance criteria
(or Verification criteria) and Required version pins; official docs need Purpose; the registry
needs its table.

``field-missing``: a required field is absent from an entry, reported at the entry's first line.
For example a gatekeeper entry without ``What decision it informs``.

``field-invalid``: a field's value breaks its schema: empty, not a URL where a URL belongs, a path
that is not repo-relative, a registry status other than approved/pending/missing/deprecated, or a
task file name that is not ``task-<ID>-<YYYY-MM-DD>.md`` with a real date.

``decision-invalid``: the DOCUMENTATION COVERAGE DECISION section is present but its first
paragraph is not one of ``✅ DOCUMENTATION COMPLETE``, ``⚠️ DOCUMENTATION PARTIAL — EXTENSION
REQUIRED``, ``❌ DOCUMENTATION MISSING — BLOCKED`` (emoji optional; the dash may be ``—``, ``--`` or
``-``). An absent section is ``section-missing``.

Default severity: error for every kind.
"""

from __future__ import annotations

import datetime
import re

from forgea_hooks.findings import KINDS, Severity
from forgea_hooks.model import Document
from forgea_hooks.rules import RuleContext
from forgea_hooks.schemas import problems, validator_for

_EVERY_KIND_ERROR = dict.fromkeys(KINDS, Severity.ERROR)
HINTS = {
    "file-invalid": "save it as UTF-8 text under 5 MiB; front matter is a YAML mapping between two --- lines",
    "section-missing": "add the section as a heading of any level; docs/format.md lists each kind's sections",
    "field-missing": "add the field to the entry as a `- Key: value` item; docs/format.md lists each kind's fields",
    "field-invalid": "write the value in the form docs/format.md gives for the field",
    "decision-invalid": "write one of: ✅ DOCUMENTATION COMPLETE, ⚠️ DOCUMENTATION PARTIAL — EXTENSION REQUIRED, "
    "❌ DOCUMENTATION MISSING — BLOCKED",
}
RULES = {
    "file-invalid": _EVERY_KIND_ERROR,
    "section-missing": _EVERY_KIND_ERROR,
    "field-missing": _EVERY_KIND_ERROR,
    "field-invalid": _EVERY_KIND_ERROR,
    "decision-invalid": _EVERY_KIND_ERROR,
}

_TASK_NAME = re.compile(r"^task-(?P<id>[^/]+?)-(?P<date>\d{4}-\d{2}-\d{2})\.md$")
_PLACEHOLDER = re.compile(r"<[^<>]+>")


def check(doc: Document, ctx: RuleContext) -> None:
    kind_settings = ctx.config.kinds[doc.kind]
    validator = validator_for(doc.kind, kind_settings.schema)
    for problem in problems(doc.to_json(), validator):
        ctx.report(problem.rule, problem.line, problem.message)
    if doc.kind == "task":
        _task_name(doc, ctx)


def _task_name(doc: Document, ctx: RuleContext) -> None:
    name = doc.relpath.rsplit("/", 1)[-1]
    if _PLACEHOLDER.search(name):
        return  # path-placeholder says it more precisely
    match = _TASK_NAME.match(name)
    hint = "name task documents task-<ID>-<YYYY-MM-DD>.md, e.g. task-B3-2026-11-20.md"
    if match is None:
        ctx.report("field-invalid", 1, f"the task file name '{name}' is not task-<ID>-<YYYY-MM-DD>.md", hint)
        return
    try:
        datetime.date.fromisoformat(match["date"])
    except ValueError:
        ctx.report("field-invalid", 1, f"the task file name '{name}' holds no real date ({match['date']})", hint)

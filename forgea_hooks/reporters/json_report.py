"""``{"findings": [...], "summary": {...}}``: the machine-readable report."""

from __future__ import annotations

import json
from collections.abc import Sequence

from forgea_hooks.findings import Finding


def document(findings: Sequence[Finding], *, files_checked: int) -> dict[str, object]:
    from forgea_hooks.reporters import counts

    tally = counts(findings)
    return {
        "findings": [finding.as_dict() for finding in findings],
        "summary": {
            "files": files_checked,
            "findings": len(findings),
            "errors": tally["error"],
            "warnings": tally["warning"],
            "info": tally["info"],
        },
    }


def render(findings: Sequence[Finding], *, files_checked: int) -> str:
    return json.dumps(document(findings, files_checked=files_checked), indent=2, ensure_ascii=False) + "\n"

"""``forgea-hooks pins``: the tree's pin table, the view a planner reads before writing a task."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from forgea_hooks.api import Checker, CheckOptions
from forgea_hooks.pins import classify

_PIN_RULES = ("pin-unknown", "pin-unconfirmed", "pin-range", "pin-inconsistent", "pin-drift")


def build(root: Path, config_file: Path | None) -> dict[str, Any]:
    checker = Checker(CheckOptions(root=root, config_file=config_file))
    result = checker.run()
    flagged: dict[tuple[str, int], list[str]] = defaultdict(list)
    for finding in result.findings:
        if finding.rule in _PIN_RULES:
            flagged[(finding.path, finding.line)].append(finding.rule)
    rows: dict[str, dict[str, Any]] = {}
    for outcome in result.outcomes:
        for ref in outcome.pins:
            if not ref.technology:
                continue
            key = checker.tree.catalog.canonical(ref.technology)
            row = rows.setdefault(key, {"technology": ref.technology, "registry": None, "places": [], "installs": []})
            place = {
                "path": outcome.path,
                "line": ref.line,
                "pin": ref.value,
                "class": "+".join(part.cls.value for part in classify(ref.value).parts),
                "findings": sorted(set(flagged.get((outcome.path, ref.line), []))),
            }
            if ref.role == "registry" and row["registry"] is None:
                row["registry"] = place
                row["technology"] = ref.technology
            else:
                row["places"].append(place)
    for key, row in rows.items():
        row["installs"] = [
            {"path": i.path, "line": i.line, "package": i.package, "spec": i.spec, "version": i.version}
            for i in checker.tree.installs_for(key)
        ]
        places = [row["registry"], *row["places"]] if row["registry"] else row["places"]
        problems = sorted({rule for place in places for rule in place["findings"]})
        row["status"] = "ok" if not problems else ", ".join(problems)
        if row["registry"] is None:
            row["status"] = ("no registry row; " + row["status"]) if problems else "no registry row"
    return {"technologies": [rows[key] for key in sorted(rows)], "warnings": checker.tree.warnings}


def render_text(table: dict[str, Any]) -> str:
    out: list[str] = []
    for row in table["technologies"]:
        registry = row["registry"]
        head = f"{row['technology']}: {registry['pin'] if registry else '(no registry row)'}"
        out.append(f"{head}    [{row['status']}]")
        if registry:
            note = f"  ({', '.join(registry['findings'])})" if registry["findings"] else ""
            out.append(f"    registry  {registry['path']}:{registry['line']}{note}")
        for place in row["places"]:
            note = f"  ({', '.join(place['findings'])})" if place["findings"] else ""
            out.append(f"    {place['pin']:<24} {place['path']}:{place['line']}{note}")
        for install in row["installs"]:
            out.append(f"    installs {install['package']} {install['spec']}  {install['path']}:{install['line']}")
    return "\n".join(out) + ("\n" if out else "")

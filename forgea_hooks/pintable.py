"""``forgea-hooks pins``: the tree's pin table, the view a planner reads before writing a task."""

from __future__ import annotations

import datetime
from collections import defaultdict
from pathlib import Path
from typing import Any

from forgea_hooks.api import Checker, CheckOptions, CheckResult
from forgea_hooks.pins import classify

_PIN_RULES = ("pin-unknown", "pin-unconfirmed", "pin-range", "pin-inconsistent", "pin-drift")
_ONLINE_RULES = ("pin-eol", "pin-unreleased", "pin-behind", "release-data-unavailable")


def build(
    root: Path,
    config_file: Path | None,
    *,
    online: bool = False,
    allow_private: bool | None = None,
    no_cache: bool = False,
) -> dict[str, Any]:
    options = CheckOptions(
        root=root, config_file=config_file, online=online, allow_private=allow_private, no_cache=no_cache
    )
    checker = Checker(options)
    result = checker.run()
    flagged: dict[tuple[str, int], list[str]] = defaultdict(list)
    for finding in result.findings:
        if finding.rule in _PIN_RULES or finding.rule in _ONLINE_RULES:
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
            {
                "path": i.path,
                "line": i.line,
                "package": i.package,
                "spec": i.spec,
                "version": i.version,
                "read": i.how,
                "optional": i.optional,
            }
            for i in checker.tree.installs_for(key)
        ]
        places = [row["registry"], *row["places"]] if row["registry"] else row["places"]
        problems = sorted({rule for place in places for rule in place["findings"]})
        row["status"] = "ok" if not problems else ", ".join(problems)
        if row["registry"] is None:
            row["status"] = ("no registry row; " + row["status"]) if problems else "no registry row"
        if online:
            row["release_data"] = _release_data(checker, result, row["technology"])
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
            version = install["version"] or install["spec"]
            written = f" (from {install['spec']})" if install["spec"] and install["spec"] != version else ""
            read = f"  [{install['read']}]" if install["read"] not in ("", install["path"]) else ""
            where = f"{install['path']}:{install['line']}"
            out.append(f"    installs {install['package']} {version}{written}  {where}{read}")
        if "release_data" in row:
            out.append(f"    checked against {row['release_data']['summary']}")
    return "\n".join(out) + ("\n" if out else "")


def _release_data(checker: Checker, result: CheckResult, technology: str) -> dict[str, Any]:
    """What ``technology``'s pins are checked against online, and what that source said."""
    from forgea_hooks.online.mapping import ReleaseMapping
    from forgea_hooks.online.model import ReleaseData
    from forgea_hooks.rules.online import supported_cycles

    source = ReleaseMapping(checker.tree.catalog, checker.config.technologies).source(technology)
    if source is None:
        return {"source": None, "summary": "nothing: no release data is mapped (not checked online)"}
    answer = result.online.answers.get(source) if result.online else None
    entry: dict[str, Any] = {"source": {"kind": source.kind, "name": source.name}}
    if answer is None:
        entry["summary"] = f"{source.describe()} (no concrete pin to check)"
    elif isinstance(answer, ReleaseData):
        entry["url"] = answer.url
        if answer.cycles:
            today = datetime.datetime.now(datetime.timezone.utc).date()
            supported = supported_cycles(answer.cycles, today)
            entry["supported"] = supported
            entry["summary"] = f"{source.describe()}: supported cycles {', '.join(supported) or 'none'}"
        else:
            entry["newest"] = answer.releases[0]
            entry["summary"] = f"{source.describe()}: newest release {answer.releases[0]}"
    else:
        entry["unavailable"] = answer.reason
        entry["summary"] = f"{source.describe()}: unavailable ({answer.reason})"
    return entry

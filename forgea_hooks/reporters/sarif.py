"""Findings as a SARIF 2.1.0 log, the format GitHub code scanning ingests (``upload-sarif``).

Artifact URIs are relative to ``%SRCROOT%`` (the checkout), so code scanning maps them onto the
repository. Each result carries a partial fingerprint built from what identifies the problem
(file, rule, message) and not where it sits, so an alert survives lines moving above it.

Code scanning rejects a run with more than 25,000 results, so a log holds at most that many,
errors first, and a run-level notification says how many were left out. Each rule carries what
the alert page shows: a one-line description without markup, the full description, help (text
and Markdown, with a failing and a passing example, from docs/format.md), a link to the rule's
documentation and its default level.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

# One fingerprint for SARIF and the baseline, so both agree on what is one problem.
from forgea_hooks.baseline import fingerprints
from forgea_hooks.findings import Finding, Severity
from forgea_hooks.reporters.ruledocs import help_markdown, rule_url

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "forgeaFindingHash/v1"
# GitHub code scanning: "SARIF results per run: 25,000" (uploads over it are rejected).
MAX_RESULTS = 25_000
SHORT_DESCRIPTION = 120
_MARKUP = re.compile(r"`+|\*\*|__")

LEVEL_FOR: Mapping[Severity, str] = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "note",
}


def artifact_uri(path: str) -> str:
    """A relative URI reference for a finding's path (``<``, ``>``, spaces and ``%`` percent-encoded)."""
    posix = path.replace("\\", "/")
    while posix.startswith("./"):
        posix = posix[2:]
    return quote(posix, safe="/-._~!$&'()*+,;=:@", errors="surrogateescape")  # a non-UTF-8 name's own bytes


def _region(finding: Finding) -> dict[str, int]:
    # SARIF and code scanning want 1-based lines; a whole-file finding points at the first line.
    region = {"startLine": max(finding.line, 1)}
    if finding.line >= 1 and finding.column >= 1:
        region["startColumn"] = finding.column
    return region


def _message(finding: Finding) -> str:
    return f"{finding.message}\nHint: {finding.hint}" if finding.hint else finding.message


def plain(text: str) -> str:
    """Markdown's code and emphasis marks dropped, white space made single: for plain-text fields."""
    return " ".join(_MARKUP.sub("", text).split())


def short(text: str) -> str:
    """One line of at most SHORT_DESCRIPTION characters: the first sentence, cut at a word if need be."""
    line = plain(text)
    line = line[:1].upper() + line[1:]
    end = line.find(". ")
    if 0 <= end < SHORT_DESCRIPTION:
        return line[: end + 1]
    if len(line) <= SHORT_DESCRIPTION:
        return line
    cut = line[: SHORT_DESCRIPTION - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def _help_text(markdown: str) -> str:
    """The help as plain text: paragraphs and example blocks kept, fences and code marks dropped."""
    lines = [line for line in markdown.splitlines() if not line.startswith("```")]
    return _MARKUP.sub("", "\n".join(lines)).strip() + "\n"


def _default_levels() -> dict[str, str]:
    """A rule's default level: its most severe default over the document kinds."""
    from forgea_hooks.rules import defaults

    levels: dict[str, str] = {}
    for rule, by_kind in defaults().items():
        if ":" in rule:
            continue
        ranked = [severity for severity in by_kind.values() if severity is not None]
        if ranked:
            levels[rule] = LEVEL_FOR[max(ranked, key=lambda severity: severity.rank)]
    return levels


def _descriptor(rule_id: str, description: str, level: str | None) -> dict[str, Any]:
    help_md = help_markdown().get(rule_id, "")
    full = plain(help_md.split("\n\n", 1)[0]) if help_md else plain(description)
    descriptor: dict[str, Any] = {
        "id": rule_id,
        "shortDescription": {"text": short(description)},
        "fullDescription": {"text": full or plain(description)},
        "helpUri": rule_url(rule_id),
        "properties": {"tags": ["documentation"]},
    }
    if help_md:
        descriptor["help"] = {"text": _help_text(help_md), "markdown": help_md}
    if level:
        descriptor["defaultConfiguration"] = {"level": level}
    return descriptor


def document(findings: Sequence[Finding], rules: Mapping[str, str], tool_version: str) -> dict[str, Any]:
    """The SARIF log as a JSON-able dict."""
    descriptions = dict(rules)
    for finding in findings:
        # A rule missing from the catalog still needs a descriptor for ruleIndex to point at.
        descriptions.setdefault(finding.rule, finding.rule)
    rule_ids = sorted(descriptions)
    index_of = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    levels = _default_levels()
    descriptors = [_descriptor(rule_id, descriptions[rule_id], levels.get(rule_id)) for rule_id in rule_ids]
    prints = fingerprints(findings)
    order = sorted(range(len(findings)), key=lambda i: (-findings[i].severity.rank, findings[i].sort_key()))
    kept = sorted(order[:MAX_RESULTS])  # the most severe, in the order they came
    results = [
        {
            "ruleId": findings[i].rule,
            "ruleIndex": index_of[findings[i].rule],
            "level": LEVEL_FOR[findings[i].severity],
            "message": {"text": _message(findings[i])},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": artifact_uri(findings[i].path), "uriBaseId": SRCROOT},
                        "region": _region(findings[i]),
                    }
                }
            ],
            "partialFingerprints": {FINGERPRINT_KEY: prints[i]},
        }
        for i in kept
    ]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "forgea-hooks",
                "version": tool_version,
                "informationUri": rule_url("rules").rsplit("#", 1)[0],
                "rules": descriptors,
            }
        },
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    left_out = len(findings) - len(kept)
    if left_out:
        run["invocations"] = [
            {
                "executionSuccessful": True,
                "toolExecutionNotifications": [
                    {
                        "level": "warning",
                        "message": {
                            "text": f"{left_out:,} of {len(findings):,} findings are not in this log: code scanning "
                            f"takes at most {MAX_RESULTS:,} results per run (errors were kept first). "
                            "The JSON report lists them all."
                        },
                    }
                ],
            }
        ]
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(findings: Sequence[Finding], rules: Mapping[str, str], tool_version: str) -> str:
    """The SARIF log as compact JSON text, ending with a newline.

    Compact on purpose: it is read by machines, and ``json`` only uses its fast encoder without
    ``indent`` (thousands of results took seconds indented).
    """
    return json.dumps(document(findings, rules, tool_version), ensure_ascii=False, separators=(",", ":")) + "\n"

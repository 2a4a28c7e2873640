"""Findings as a SARIF 2.1.0 log, the format GitHub code scanning ingests (``upload-sarif``).

Artifact URIs are relative to ``%SRCROOT%`` (the checkout), so code scanning maps them onto the
repository. Each result carries a partial fingerprint built from what identifies the problem
(file, rule, message) and not where it sits, so an alert survives lines moving above it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

# One fingerprint for SARIF and the baseline, so both agree on what is one problem.
from forgea_hooks.baseline import fingerprints
from forgea_hooks.findings import Finding, Severity

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "forgeaFindingHash/v1"

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
    return quote(posix, safe="/-._~!$&'()*+,;=:@")


def _region(finding: Finding) -> dict[str, int]:
    # SARIF and code scanning want 1-based lines; a whole-file finding points at the first line.
    region = {"startLine": max(finding.line, 1)}
    if finding.line >= 1 and finding.column >= 1:
        region["startColumn"] = finding.column
    return region


def _message(finding: Finding) -> str:
    return f"{finding.message}\nHint: {finding.hint}" if finding.hint else finding.message


def document(findings: Sequence[Finding], rules: Mapping[str, str], tool_version: str) -> dict[str, Any]:
    """The SARIF log as a JSON-able dict."""
    descriptions = dict(rules)
    for finding in findings:
        # A rule missing from the catalog still needs a descriptor for ruleIndex to point at.
        descriptions.setdefault(finding.rule, finding.rule)
    rule_ids = sorted(descriptions)
    index_of = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    descriptors = [
        {
            "id": rule_id,
            "shortDescription": {"text": descriptions[rule_id]},
            "fullDescription": {"text": descriptions[rule_id]},
            "properties": {"tags": ["documentation"]},
        }
        for rule_id in rule_ids
    ]
    results = [
        {
            "ruleId": finding.rule,
            "ruleIndex": index_of[finding.rule],
            "level": LEVEL_FOR[finding.severity],
            "message": {"text": _message(finding)},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": artifact_uri(finding.path), "uriBaseId": SRCROOT},
                        "region": _region(finding),
                    }
                }
            ],
            "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
        }
        for finding, fingerprint in zip(findings, fingerprints(findings), strict=True)
    ]
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "forgea-hooks",
                        "version": tool_version,
                        "rules": descriptors,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def render(findings: Sequence[Finding], rules: Mapping[str, str], tool_version: str) -> str:
    """The SARIF log as compact JSON text, ending with a newline.

    Compact on purpose: it is read by machines, and ``json`` only uses its fast encoder without
    ``indent`` (thousands of results took seconds indented).
    """
    return json.dumps(document(findings, rules, tool_version), ensure_ascii=False, separators=(",", ":")) + "\n"

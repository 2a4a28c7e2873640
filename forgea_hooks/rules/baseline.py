"""Baseline rules: what the baseline file (``.forgea-hooks-baseline.json``) holds that the tree no longer does.

``baseline-stale``: a finding the baseline records is gone (fixed, or its subject changed).
Reported at the file the entry names, in whole-tree runs and for the files a run checks; a run
without ``--links`` does not call a baselined link finding gone. ``forgea-hooks baseline --prune``
drops such entries without recording anything new. Default: info in every kind.
"""

from __future__ import annotations

from forgea_hooks.findings import KINDS, Severity

RULES = {"baseline-stale": dict.fromkeys(KINDS, Severity.INFO)}

"""``check --links``: which URLs the checked docs cite, checked once each, as findings at every place.

Imported only when links are asked for, so the offline path never imports requests.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from forgea_hooks.config import Config
from forgea_hooks.findings import Finding
from forgea_hooks.links.checker import check_urls
from forgea_hooks.links.model import settings_from_config
from forgea_hooks.rules import Severities
from forgea_hooks.rules.links import findings_for

if TYPE_CHECKING:
    from forgea_hooks.api import CheckOptions, FileOutcome


def check_links(
    outcomes: Sequence[FileOutcome], options: CheckOptions, config: Config, severity: Severities, warnings: list[str]
) -> list[Finding]:
    citations: dict[str, list[tuple[str, int, int, str]]] = {}
    disabled: dict[tuple[str, int], frozenset[str]] = {}
    for outcome in outcomes:
        for url, line in outcome.links:
            citations.setdefault(url, []).append((outcome.path, line, 1, outcome.kind))
        for line, rules in outcome.disabled.items():
            disabled[(outcome.path, line)] = rules
    if not citations:
        return []
    settings = settings_from_config(
        config.links,
        root=config.root,
        github_token=os.environ.get("GITHUB_TOKEN") or None,
        allow_private=bool(options.allow_private),
    )
    if options.check_fragments is not None or options.no_cache or options.cache_path is not None:
        settings = replace(
            settings,
            check_fragments=settings.check_fragments if options.check_fragments is None else options.check_fragments,
            cache_path=None if options.no_cache else (options.cache_path or settings.cache_path),
        )
    run = check_urls(citations, settings, _progress if sys.stderr.isatty() else None)
    warnings.extend(run.warnings)
    found = findings_for(run.results, citations, severity)
    return [finding for finding in found if finding.rule not in disabled.get((finding.path, finding.line), ())]


def _progress(done: int, total: int, failures: int) -> None:
    end = "\n" if done == total else ""
    sys.stderr.write(f"\rchecking links: {done}/{total}, {failures} failing{end}")
    sys.stderr.flush()

"""``check --links``: the URLs the checked docs cite, each checked once, as findings at every place.

Checking starts while documents are still being parsed: the run feeds each new URL to the link
checker as soon as a file's outcome arrives, so the network waits overlap the parsing. Imported
only when links are asked for, so the offline path never imports requests.
"""

from __future__ import annotations

import os
import queue
import sys
import threading
from collections.abc import Iterator
from dataclasses import replace

from forgea_hooks.config import Config
from forgea_hooks.findings import Finding
from forgea_hooks.links.checker import check_urls
from forgea_hooks.links.model import LinkRun, LinkSettings, settings_from_config
from forgea_hooks.outcome import CheckOptions, FileOutcome
from forgea_hooks.rules import Severities
from forgea_hooks.rules.links import findings_for


class LinkStream:
    """Takes file outcomes as they come (``add``), checks their URLs on a background thread, and
    turns the verdicts into findings (``finish``)."""

    def __init__(self, options: CheckOptions, config: Config, severity: Severities) -> None:
        self.severity = severity
        self.citations: dict[str, list[tuple[str, int, int, str]]] = {}
        self.disabled: dict[tuple[str, int], frozenset[str]] = {}
        self._urls: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        self._run: LinkRun | None = None
        self._error: BaseException | None = None
        self._progress = _progress if sys.stderr.isatty() else None
        self._thread = threading.Thread(
            target=self._check, args=(_settings(options, config),), name="forgea-hooks-links", daemon=True
        )
        self._thread.start()

    def add(self, outcome: FileOutcome) -> None:
        for url, line in outcome.links:
            places = self.citations.setdefault(url, [])
            if not places:
                self._urls.put(url)
            places.append((outcome.path, line, 1, outcome.kind))
        for line, rules in outcome.disabled.items():
            self.disabled[(outcome.path, line)] = rules

    def finish(self, warnings: list[str]) -> list[Finding]:
        self._urls.put(None)
        self._thread.join()
        if self._progress is not None:
            sys.stderr.write("\n")  # the progress line ends once, when the run does
        if self._error is not None:
            raise self._error
        assert self._run is not None
        warnings.extend(self._run.warnings)
        found = findings_for(self._run.results, self.citations, self.severity)
        return [finding for finding in found if finding.rule not in self.disabled.get((finding.path, finding.line), ())]

    def _check(self, settings: LinkSettings) -> None:
        try:
            self._run = check_urls(self._incoming(), settings, self._progress)
        except BaseException as exc:  # handed to the calling thread, which re-raises it in finish()
            self._error = exc

    def _incoming(self) -> Iterator[str]:
        while (url := self._urls.get()) is not None:
            yield url


def _settings(options: CheckOptions, config: Config) -> LinkSettings:
    settings = settings_from_config(
        config.links,
        root=config.root,
        github_token=os.environ.get("GITHUB_TOKEN") or None,
        allow_private=bool(options.allow_private),
    )
    return replace(
        settings,
        check_fragments=settings.check_fragments if options.check_fragments is None else options.check_fragments,
        cache_path=None if options.no_cache else (options.cache_path or settings.cache_path),
        cache_root=None if options.cache_path else settings.cache_root,
    )


def _progress(done: int, total: int, failures: int) -> None:
    # `total` grows while documents are still being parsed.
    sys.stderr.write(f"\rchecking links: {done}/{total}, {failures} failing ")
    sys.stderr.flush()

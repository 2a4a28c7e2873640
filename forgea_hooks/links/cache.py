"""The persistent link cache: successes for a while, so a rerun asks the network nothing.

Failures are never stored: a dead link must be seen dead again on the next run, and a flaky one
gets its next chance. Several pre-commit batches of one commit may run at once; each merges its
entries into what is on disk (entrycache.EntryCache). Two writers that race can still drop the
other's newest entries; that costs a recheck, never a wrong answer.
"""

from __future__ import annotations

from typing import Any, cast

from forgea_hooks.entrycache import EntryCache
from forgea_hooks.links.model import LinkResult, Outcome

CACHED_OUTCOMES: frozenset[str] = frozenset({"ok", "redirect"})


class LinkCache(EntryCache):
    """Entries keyed by the caller's key (URL plus everything that changes the verdict)."""

    FORMAT = "forgea-hooks link cache"
    NAME = "link cache"
    WITHOUT_IT = "checking without it"
    UNWRITTEN = "this run's results were not cached"

    def get(self, key: str) -> LinkResult | None:
        entry = self._fresh_entry(key)
        if entry is None:
            return None
        return LinkResult(
            url=entry["url"],
            outcome=cast(Outcome, entry["outcome"]),
            status=entry["status"],
            detail=entry["detail"],
            target=entry["target"],
        )

    def put(self, key: str, result: LinkResult) -> None:
        if result.outcome not in CACHED_OUTCOMES:
            return
        entry = {"url": result.url, "outcome": result.outcome, "status": result.status}
        self._put(key, {**entry, "detail": result.detail, "target": result.target})

    def valid_entry(self, entry: dict[str, Any]) -> bool:
        return (
            isinstance(entry.get("url"), str)
            and entry.get("outcome") in CACHED_OUTCOMES
            and isinstance(entry.get("status"), (int, type(None)))
            and isinstance(entry.get("detail"), str)
            and isinstance(entry.get("target"), (str, type(None)))
        )

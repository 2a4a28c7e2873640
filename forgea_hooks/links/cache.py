"""The persistent link cache: successes for a while, so a rerun asks the network nothing.

Failures are never stored: a dead link must be seen dead again on the next run, and a flaky one
gets its next chance. Several pre-commit batches of one commit may run at once; each writes by
merging its entries into what is on disk at that moment, through a temporary file renamed into
place, so a reader sees either the old file or the new one, never half of one. Two writers that
race can still drop the other's newest entries; that costs a recheck, never a wrong answer.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from forgea_hooks import safefs
from forgea_hooks.links.model import LinkResult, Outcome

_FORMAT = "forgea-hooks link cache"
_VERSION = 1
CACHED_OUTCOMES: frozenset[str] = frozenset({"ok", "redirect"})
MAX_BYTES = 64 * 1024 * 1024


class LinkCache:
    """Entries keyed by the caller's key (URL plus everything that changes the verdict)."""

    def __init__(
        self, path: Path | None, ttl: float, clock: Callable[[], float] = time.time, root: Path | None = None
    ) -> None:
        self.path = path
        # The folder the cache must stay inside, reached through no symlink: the repository's
        # root for the config's cache path. A path named on the command line is trusted as given.
        self.root = root if root is not None or path is None else path.parent
        self.ttl = ttl
        self.clock = clock
        self.warnings: list[str] = []
        self._entries: dict[str, dict[str, Any]] = {}
        self._new: dict[str, dict[str, Any]] = {}
        if path is not None:
            self._entries = self._read(path, report=True)

    def get(self, key: str) -> LinkResult | None:
        entry = self._entries.get(key)
        if entry is None or not self._fresh(entry):
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
        self._new[key] = {
            "url": result.url,
            "outcome": result.outcome,
            "status": result.status,
            "detail": result.detail,
            "target": result.target,
            "checked": self.clock(),
        }

    def save(self) -> None:
        """Merge the new entries into the file. A failure is a warning: the run stays valid, uncached."""
        if self.path is None or not self._new:
            return
        on_disk = self._read(self.path, report=False)
        merged = {key: entry for key, entry in on_disk.items() if self._fresh(entry)}
        merged.update(self._new)
        document = {"format": _FORMAT, "version": _VERSION, "entries": merged}
        payload = json.dumps(document, separators=(",", ":"))
        assert self.root is not None
        try:
            written = safefs.write_cache(self.root, self.path, payload)
        except safefs.Refused as refused:
            written, reason = False, f"it {refused.reason}"
        except OSError as exc:
            written, reason = False, str(exc.strerror or exc)
        else:
            reason = "its folder is read-only"
        if not written:
            self.warnings.append(
                f"Could not write the link cache {self.path} ({reason}); this run's results were not cached."
            )
            return
        self._entries, self._new = merged, {}

    def _fresh(self, entry: dict[str, Any]) -> bool:
        return bool(0 <= self.clock() - entry["checked"] < self.ttl)

    def _read(self, path: Path, *, report: bool) -> dict[str, dict[str, Any]]:
        assert self.root is not None
        try:
            safefs.cache_folder(self.root, path.parent)
            text = safefs.read_text(path.parent, path.name, MAX_BYTES)
        except safefs.Missing:
            return {}
        except safefs.Refused as refused:
            if report:
                problem = f"it {refused.reason}"
                self.warnings.append(f"Could not read the link cache {path} ({problem}); checking without it.")
            return {}
        try:
            entries = _parse(text)
        except RecursionError:
            if report:
                self.warnings.append(f"The link cache {path} is corrupt (nested too deeply); it will be rebuilt.")
            return {}
        except ValueError as exc:
            if report:
                self.warnings.append(f"The link cache {path} is corrupt ({exc}); it will be rebuilt.")
            return {}
        return entries


def _parse(text: str) -> dict[str, dict[str, Any]]:
    data = json.loads(text)  # JSONDecodeError is a ValueError
    if not isinstance(data, dict) or data.get("format") != _FORMAT or data.get("version") != _VERSION:
        raise ValueError("not a link cache of this version")
    entries = data.get("entries")
    if not isinstance(entries, dict):
        raise ValueError("no entries table")
    for key, entry in entries.items():
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("url"), str)
            and entry.get("outcome") in CACHED_OUTCOMES
            and isinstance(entry.get("status"), (int, type(None)))
            and isinstance(entry.get("detail"), str)
            and isinstance(entry.get("target"), (str, type(None)))
            and isinstance(entry.get("checked"), (int, float))
        ):
            raise ValueError(f"bad entry for {key!r}")
    return entries

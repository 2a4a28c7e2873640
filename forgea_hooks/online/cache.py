"""Release data kept between runs (a day by default, ``online.cache.ttl``): a warm rerun asks nothing.

Only release data is stored, never a failure: a source that did not answer is asked again next
run. Written as the link cache is (merged with what is on disk, through a temporary file renamed
into place), and read as hostile input: an entry of any other shape drops the whole file.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from forgea_hooks import safefs
from forgea_hooks.online.model import Cycle, ReleaseData, Source

MAX_BYTES = 64 * 1024 * 1024
_FORMAT = "forgea-hooks release data"
_VERSION = 1


class ReleaseCache:
    def __init__(
        self, path: Path | None, ttl: float, clock: Callable[[], float] = time.time, *, root: Path | None = None
    ) -> None:
        self.path = path
        # The repository root: the cache folder is checked from there, so a linked folder is refused.
        self.root = root
        self.ttl = ttl
        self.clock = clock
        self.warnings: list[str] = []
        self._entries: dict[str, dict[str, Any]] = {}
        self._new: dict[str, dict[str, Any]] = {}
        if path is not None:
            self._entries = self._read(path, report=True)

    def get(self, key: str, source: Source) -> ReleaseData | None:
        entry = self._entries.get(key)
        if entry is None or not self._fresh(entry):
            return None
        cycles = tuple(Cycle(name, eol, latest) for name, eol, latest in entry["cycles"])
        return ReleaseData(source, cycles, tuple(entry["releases"]), entry["complete"], entry["url"])

    def put(self, key: str, data: ReleaseData) -> None:
        self._new[key] = {
            "cycles": [[cycle.name, cycle.eol, cycle.latest] for cycle in data.cycles],
            "releases": list(data.releases),
            "complete": data.complete,
            "url": data.url,
            "checked": self.clock(),
        }

    def save(self) -> None:
        if self.path is None or not self._new:
            return
        merged = {key: entry for key, entry in self._read(self.path, report=False).items() if self._fresh(entry)}
        merged.update(self._new)
        payload = json.dumps({"format": _FORMAT, "version": _VERSION, "entries": merged}, separators=(",", ":"))
        try:
            written = safefs.write_cache(self.root or self.path.parent, self.path, payload)
            reason = "its folder is read-only"
        except safefs.Refused as refused:
            written, reason = False, f"it {refused.reason}"
        except OSError as exc:
            written, reason = False, str(exc.strerror or exc)
        if not written:
            self.warnings.append(f"Could not write the release data cache {self.path} ({reason}); not cached.")
            return
        self._entries, self._new = merged, {}

    def _fresh(self, entry: dict[str, Any]) -> bool:
        return bool(0 <= self.clock() - entry["checked"] < self.ttl)

    def _read(self, path: Path, *, report: bool) -> dict[str, dict[str, Any]]:
        # The cache file is the checkout's: a FIFO, /dev/zero or a link out must not be read.
        try:
            if self.root is not None:
                safefs.cache_folder(self.root, path.parent)
            text = safefs.read_text(self.root or path.parent, path, MAX_BYTES)
        except safefs.Missing:
            return {}
        except safefs.Refused as refused:
            if report:
                problem = f"it {refused.reason}"
                self.warnings.append(f"Could not read the release data cache {path} ({problem}); fetching afresh.")
            return {}
        try:
            return _parse(text)
        except RecursionError:
            if report:
                problem = "nested too deeply"
                self.warnings.append(f"The release data cache {path} is corrupt ({problem}); it will be rebuilt.")
            return {}
        except ValueError as exc:
            if report:
                self.warnings.append(f"The release data cache {path} is corrupt ({exc}); it will be rebuilt.")
            return {}


def _parse(text: str) -> dict[str, dict[str, Any]]:
    data = json.loads(text)
    if not isinstance(data, dict) or data.get("format") != _FORMAT or data.get("version") != _VERSION:
        raise ValueError("not a release data cache of this version")
    entries = data.get("entries")
    if not isinstance(entries, dict):
        raise ValueError("no entries table")
    for key, entry in entries.items():
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("cycles"), list)
            and all(_cycle(item) for item in entry["cycles"])
            and isinstance(entry.get("releases"), list)
            and all(isinstance(item, str) for item in entry["releases"])
            and isinstance(entry.get("complete"), bool)
            and isinstance(entry.get("url"), str)
            and isinstance(entry.get("checked"), (int, float))
        ):
            raise ValueError(f"bad entry for {key!r}")
    return entries


def _cycle(item: object) -> bool:
    return (
        isinstance(item, list)
        and len(item) == 3
        and isinstance(item[0], str)
        and isinstance(item[1], (str, bool))
        and isinstance(item[2], (str, type(None)))
    )

"""A JSON file of entries kept for a while between runs: the link cache and the release-data cache.

Each writer merges its new entries into what is on disk at that moment and writes through a
temporary file renamed into place (safefs.write_cache), so a reader sees the old file or the new
one, never half. The file is read as hostile input: inside the root, through no symlink, under a
size cap, and an entry of any other shape drops the whole file, which is then rebuilt.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from forgea_hooks import safefs

MAX_BYTES = 64 * 1024 * 1024


class EntryCache:
    """Entries keyed by the caller's key; subclasses say what the file is and what an entry holds."""

    FORMAT = ""
    VERSION = 1
    NAME = ""  # what messages call the file: "link cache"
    WITHOUT_IT = ""  # what the run does when the file cannot be read
    UNWRITTEN = ""  # what a failed write costs

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

    def valid_entry(self, entry: dict[str, Any]) -> bool:
        raise NotImplementedError

    def _fresh_entry(self, key: str) -> dict[str, Any] | None:
        entry = self._entries.get(key)
        return entry if entry is not None and self._fresh(entry) else None

    def _put(self, key: str, entry: dict[str, Any]) -> None:
        self._new[key] = {**entry, "checked": self.clock()}

    def save(self) -> None:
        """Merge the new entries into the file. A failure is a warning: the run stays valid, uncached."""
        if self.path is None or not self._new:
            return
        on_disk = self._read(self.path, report=False)
        merged = {key: entry for key, entry in on_disk.items() if self._fresh(entry)}
        merged.update(self._new)
        document = {"format": self.FORMAT, "version": self.VERSION, "entries": merged}
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
            self.warnings.append(f"Could not write the {self.NAME} {self.path} ({reason}); {self.UNWRITTEN}.")
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
                self.warnings.append(f"Could not read the {self.NAME} {path} (it {refused.reason}); {self.WITHOUT_IT}.")
            return {}
        try:
            return self._parse(text)
        except RecursionError:
            problem = "nested too deeply"
        except ValueError as exc:
            problem = str(exc)
        if report:
            self.warnings.append(f"The {self.NAME} {path} is corrupt ({problem}); it will be rebuilt.")
        return {}

    def _parse(self, text: str) -> dict[str, dict[str, Any]]:
        data = json.loads(text)  # JSONDecodeError is a ValueError
        if not isinstance(data, dict) or data.get("format") != self.FORMAT or data.get("version") != self.VERSION:
            raise ValueError(f"not a {self.NAME} of this version")
        entries = data.get("entries")
        if not isinstance(entries, dict):
            raise ValueError("no entries table")
        for key, entry in entries.items():
            if not (
                isinstance(entry, dict) and isinstance(entry.get("checked"), (int, float)) and self.valid_entry(entry)
            ):
                raise ValueError(f"bad entry for {key!r}")
        return entries

"""Per-file check results kept between runs, keyed by file content, so that a whole-tree run over
an unchanged tree reads and hashes the files and parses none of them.

A result also depends on what the file is judged against: the tool's version, the config and
user schemas, the registry and the root's manifests. Those make the cache's *context*; when it
changes every entry is dropped. Existence checks a rule made (``path-missing``) are stored with the
result and checked again on use. The file is JSON (never pickle: a checkout is untrusted input),
written to a temporary file and renamed into place, merged with what is on disk at that moment,
so parallel pre-commit batches never corrupt it; where it cannot be written the run goes on
uncached.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from forgea_hooks import __version__, safefs
from forgea_hooks.findings import Finding, Severity
from forgea_hooks.views import PinRef

FORMAT = 1
RACY_NS = 2_000_000_000
FILE_NAME = "check.json"


def digest(text: str) -> str:
    # hashlib loads OpenSSL (4 ms): imported when a run keeps results, which a pre-commit run does not.
    import hashlib

    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def context_key(parts: Iterable[str]) -> str:
    import hashlib

    hasher = hashlib.blake2b(digest_size=16)
    for part in (f"forgea-hooks {__version__} cache {FORMAT}", *parts):
        hasher.update(part.encode("utf-8", "surrogatepass"))
        hasher.update(b"\0")
    return hasher.hexdigest()


MAX_BYTES = 256 * 1024 * 1024


class ResultCache:
    """``root``: the folder the cache folder must stay inside, reached through no symlink (a
    checkout can make ``.forgea-hooks-cache`` a link to anywhere); None trusts ``folder`` as given."""

    def __init__(self, folder: Path, context: str, root: Path | None = None) -> None:
        self.path = folder / FILE_NAME
        self.folder = folder
        self.root = root if root is not None else folder
        self.context = context
        self.warnings: list[str] = []
        self.entries: dict[str, dict[str, Any]] = {}
        # This run's entries, each already in its JSON spelling (see :func:`encode_entry`).
        self.fresh: dict[str, str] = {}
        self.existing: dict[str, bool] = {}
        self._loaded_from: tuple[int, int, int] | None = None
        self._load()

    def _load(self) -> None:
        # Taken before the read: a file replaced in between then looks changed at save, never the reverse.
        self._loaded_from = _identity(self.path)
        try:
            safefs.cache_folder(self.root, self.folder)
            data = json.loads(safefs.read_text(self.folder, FILE_NAME, MAX_BYTES))
        except safefs.Missing:
            return
        except safefs.Refused as refused:
            self.warnings.append(f"The result cache {self.path} {refused.reason}; checking without it.")
            return
        except (ValueError, RecursionError):
            return  # damaged: start afresh, the write replaces it
        if isinstance(data, dict) and data.get("context") == self.context and isinstance(data.get("entries"), dict):
            # An entry of the wrong shape is dropped, so its file is checked afresh: a cache
            # never fails a run.
            self.entries = {path: entry for path, entry in data["entries"].items() if valid_entry(entry)}

    def lookup(self, relpath: str, text_digest: str, root: Path) -> dict[str, Any] | None:
        entry = self.entries.get(relpath)
        if not isinstance(entry, dict) or entry.get("digest") != text_digest:
            return None
        probes = entry.get("probes")
        if probes and any(self._exists(root, path) != existed for path, existed in probes):
            return None
        return entry

    def _exists(self, root: Path, relpath: str) -> bool:
        # Docs of a tree probe the same few paths (the docs they extend): asked once per run.
        known = self.existing.get(relpath)
        if known is None:
            known = self.existing[relpath] = os.path.exists(os.path.join(root, relpath))
        return known

    def lookup_unchanged(self, relpath: str, status: os.stat_result, root: Path) -> dict[str, Any] | None:
        """The entry, when the file's size and mtime are still those recorded with it."""
        entry = self.entries.get(relpath)
        if not isinstance(entry, dict) or entry.get("stat") != [status.st_size, status.st_mtime_ns]:
            return None
        return self.lookup(relpath, str(entry.get("digest")), root)

    def store(self, relpath: str, entry: dict[str, Any]) -> None:
        self.fresh[relpath] = encode_entry(entry)

    def store_encoded(self, relpath: str, text: str) -> None:
        """Store an entry :func:`encode_entry` wrote (a worker process's: saving then encodes nothing)."""
        self.fresh[relpath] = text

    def save(self, keep_only: set[str] | None = None) -> None:
        """Merge this run's entries into the file; ``keep_only`` drops entries of files now gone."""
        if not self.fresh and (keep_only is None or keep_only == self.entries.keys()):
            return  # nothing new and nothing gone: an unchanged tree costs no write
        try:
            # Merged with what is on disk now, which a parallel run may have rewritten since this
            # run read it; when nobody has, what was read is what is there, without a second parse.
            unchanged = self._loaded_from is not None and _identity(self.path) == self._loaded_from
            on_disk = self.entries if unchanged else ResultCache(self.folder, self.context, self.root).entries
            kept = {
                path: encode_entry(entry)
                for path, entry in on_disk.items()
                if path not in self.fresh and (keep_only is None or path in keep_only)
            }
            kept.update((path, text) for path, text in self.fresh.items() if keep_only is None or path in keep_only)
            # The file's JSON put together from its entries' own, each encoded once, where it was made.
            entries = ",".join(f"{json.dumps(path)}:{text}" for path, text in kept.items())
            payload = f'{{"context":{json.dumps(self.context)},"entries":{{{entries}}}}}'
            # A .gitignore someone deleted comes back: the folder is ours.
            safefs.write_cache(self.root, self.path, payload)
        except safefs.Refused as refused:
            self.warnings.append(f"The result cache {self.path} was not written: it {refused.reason}.")
        except OSError:
            return  # the next run is simply uncached


def encode_entry(entry: dict[str, Any]) -> str:
    """An entry's JSON as the cache file holds it (ASCII: a lone surrogate is written as its escape)."""
    return json.dumps(entry, separators=(",", ":"))


def valid_entry(entry: Any) -> bool:
    """Whether an entry read from disk has the shape this version writes (the cache file is the
    checkout's, so anything can be in it). Exact type checks, each row unpacked in place rather than
    matched against a shape by a generic loop: a warm run checks every row of every entry of the tree."""
    if type(entry) is not dict or type(entry.get("digest")) is not str or type(entry.get("kind")) is not str:
        return False
    stat = entry.get("stat")
    if stat is not None and not (
        type(stat) is list and len(stat) == 2 and type(stat[0]) is int and type(stat[1]) is int
    ):
        return False
    disabled = entry.get("disabled")
    if type(disabled) is not dict:
        return False
    # Loops, not any() over a generator: most of these lists are empty or short, and a generator
    # costs more to set up than checking them does.
    for line, rules in disabled.items():
        if not line.isdigit() or type(rules) is not list:
            return False
        for rule in rules:
            if type(rule) is not str:
                return False
    warnings = entry.get("warnings")
    if type(warnings) is not list:
        return False
    for warning in warnings:
        if type(warning) is not str:
            return False
    findings, pins, links, probes = entry.get("findings"), entry.get("pins"), entry.get("links"), entry.get("probes")
    if type(findings) is not list or type(pins) is not list or type(links) is not list or type(probes) is not list:
        return False
    for row in findings:
        if type(row) is not list or len(row) != 6:
            return False
        line_number, column, rule, level, message, hint = row
        if (
            type(line_number) is not int
            or type(column) is not int
            or type(rule) is not str
            or type(level) is not str
            or level not in _SEVERITY
            or type(message) is not str
            or (hint is not None and type(hint) is not str)
        ):
            return False
    for row in pins:
        if type(row) is not list or len(row) != 4:
            return False
        technology, value, line_number, role = row
        if (
            type(technology) is not str
            or type(value) is not str
            or type(line_number) is not int
            or type(role) is not str
        ):
            return False
    for row in links:
        if type(row) is not list or len(row) != 2 or type(row[0]) is not str or type(row[1]) is not int:
            return False
    for row in probes:
        if type(row) is not list or len(row) != 2 or type(row[0]) is not str or type(row[1]) is not bool:
            return False
    return True


def _identity(path: Path) -> tuple[int, int, int] | None:
    """Inode, size and mtime: every write replaces the file by a rename, so a rewrite changes the inode."""
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_ino, status.st_size, status.st_mtime_ns


def with_stat(entry: dict[str, Any], size_and_mtime: tuple[int, int] | None) -> dict[str, Any]:
    """The entry with the file's size and mtime (ns), unless the file changed too recently to trust
    them: a write within the same clock tick as the read would keep its old mtime."""
    fresh = {key: value for key, value in entry.items() if key != "stat"}
    if size_and_mtime is not None and time.time_ns() - size_and_mtime[1] > RACY_NS:
        fresh["stat"] = list(size_and_mtime)
    return fresh


def encode_findings(findings: Iterable[Finding]) -> list[list[Any]]:
    return [[f.line, f.column, f.rule, f.severity.value, f.message, f.hint] for f in findings]


def decode_findings(rows: Iterable[list[Any]], path: str) -> list[Finding]:
    from forgea_hooks.treesummary import finding_maker

    make = finding_maker()
    return [
        make(path, line, column, rule, _SEVERITY[level], message, hint)
        for line, column, rule, level, message, hint in rows
    ]


# A dict lookup, not Severity(level): a warm run decodes every finding of the tree.
_SEVERITY = {severity.value: severity for severity in Severity}


def encode_pins(pins: Iterable[PinRef]) -> list[list[Any]]:
    return [[pin.technology, pin.value, pin.line, pin.role] for pin in pins]


def decode_pins(rows: Iterable[list[Any]]) -> list[PinRef]:
    return [PinRef(technology, value, line, role) for technology, value, line, role in rows]

"""Read a path safely: text, or the reason it cannot be read as a doc."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from forgea_hooks import safefs
from forgea_hooks.options import DEFAULT_MAX_BYTES


@dataclass(frozen=True, slots=True)
class Unreadable:
    """Why a file is not text the tool can check: becomes a ``file-invalid`` finding."""

    reason: str


def read_text(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES, root: str | Path | None = None) -> str | Unreadable:
    return read_source(path, max_bytes, root)[0]


SizeAndMtime = tuple[int, int]


def read_source(
    path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES, root: str | Path | None = None
) -> tuple[str | Unreadable, SizeAndMtime | None]:
    """The text (or why it is not a doc's) and the size and mtime (ns) of the file it was read from,
    taken from the open file before reading: a result cache that keys on them then never pairs a
    later edit's mtime with this text.

    The file must lie inside ``root`` (a symlink that leaves it is refused, by name); without a
    root, inside the folder it was named in (a relative path is taken from the working folder),
    which is where a path given on the command line was chosen to be."""
    full = os.path.abspath(path)
    try:
        data, status = safefs.read_bytes_and_stat(os.path.dirname(full) if root is None else root, full, max_bytes)
    except safefs.Refused as refused:
        return Unreadable(refused.reason), None
    if b"\0" in data:
        return Unreadable("is binary (it holds NUL bytes), not Markdown text"), None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Unreadable(f"is not UTF-8 text (byte {exc.start} is 0x{data[exc.start]:02x})"), None
    return text.removeprefix("\ufeff"), (status.st_size, status.st_mtime_ns)

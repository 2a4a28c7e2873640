"""Read a path safely: text, or the reason it cannot be read as a doc."""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path

DEFAULT_MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Unreadable:
    """Why a file is not text the tool can check: becomes a ``file-invalid`` finding."""

    reason: str


def read_text(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> str | Unreadable:
    return read_source(path, max_bytes)[0]


SizeAndMtime = tuple[int, int]


def read_source(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str | Unreadable, SizeAndMtime | None]:
    """The text (or why it is not a doc's) and the size and mtime (ns) of the file it was read from,
    taken from the open file before reading: a result cache that keys on them then never pairs a
    later edit's mtime with this text."""
    try:
        # O_NONBLOCK so that a FIFO cannot hang the hook; the fstat then says what was opened.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        if exc.errno == errno.EISDIR:
            return Unreadable("is a directory, not a file"), None
        return Unreadable(_os_reason(exc)), None
    try:
        status = os.fstat(fd)
        if stat.S_ISDIR(status.st_mode):
            return Unreadable("is a directory, not a file"), None
        if not stat.S_ISREG(status.st_mode):
            return Unreadable("is not a regular file (a FIFO, socket or device)"), None
        if status.st_size > max_bytes:
            return Unreadable(f"is {status.st_size} bytes, over the {max_bytes}-byte limit"), None
        data = os.read(fd, max_bytes + 1)
    except OSError as exc:
        return Unreadable(_os_reason(exc)), None
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        return Unreadable(f"is over the {max_bytes}-byte limit"), None
    if b"\0" in data:
        return Unreadable("is binary (it holds NUL bytes), not Markdown text"), None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Unreadable(f"is not UTF-8 text (byte {exc.start}: {data[exc.start : exc.start + 1]!r})"), None
    return text.removeprefix("\ufeff"), (status.st_size, status.st_mtime_ns)


def _os_reason(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "is a symbolic link loop"
    return f"cannot be read: {exc.strerror or exc}"

"""Writing a cache file under the repository: both caches (results and links) write this way.

A folder whose mode says read-only is left alone, even by root, whom ``os.access`` lets write
anywhere (CI jobs often run as root over read-only checkouts). A folder the tool creates gets a
``.gitignore`` of its own, so the cache stays out of the user's commits. The file is written to a
temporary file and renamed into place: a reader sees the old file or the new one, never half.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

GITIGNORE = "# Written by forgea-hooks: caches kept between runs, not for commits.\n*\n"


def writable(folder: Path) -> bool:
    """Whether the folder, or the nearest one above it that exists, is meant to be written."""
    while not folder.exists() and folder.parent != folder:
        folder = folder.parent
    try:
        mode = folder.stat().st_mode
    except OSError:
        return False
    return bool(mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)) and os.access(folder, os.W_OK)


def write_atomically(path: Path, text: str) -> bool:
    """Write ``text`` to ``path``; False, with nothing written, when the folder is read-only.
    Other failures raise OSError."""
    folder = path.parent
    if not writable(folder):
        return False
    created = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    if created:
        (folder / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
    return True

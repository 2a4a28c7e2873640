"""Kept for callers written before safefs: a cache write with no root to stay inside.

New code calls :func:`forgea_hooks.safefs.write_cache` with the repository root, which also
refuses a cache folder reached through a symlink.
"""

from __future__ import annotations

from pathlib import Path

from forgea_hooks.safefs import GITIGNORE, writable, write_cache

__all__ = ["GITIGNORE", "writable", "write_atomically"]


def write_atomically(path: Path, text: str) -> bool:
    """Write ``text`` to ``path``; False, with nothing written, when the folder is read-only.
    Other failures raise OSError (a refusal is one)."""
    return write_cache(path.parent, path, text)

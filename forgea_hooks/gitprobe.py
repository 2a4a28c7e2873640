"""Whether git could find a repository from a folder, told without running git."""

from __future__ import annotations

import os


def maybe_in_git(root: str | os.PathLike[str]) -> bool:
    """False only where git finds no repository: no GIT_DIR, and no folder from ``root`` up holds a
    ``.git`` or looks like a bare repository (a HEAD file beside an objects folder)."""
    if "GIT_DIR" in os.environ:
        return True
    folder = os.path.abspath(root)
    while True:
        if os.path.lexists(os.path.join(folder, ".git")) or (
            os.path.isfile(os.path.join(folder, "HEAD")) and os.path.isdir(os.path.join(folder, "objects"))
        ):
            return True
        parent = os.path.dirname(folder)
        if parent == folder:
            return False
        folder = parent

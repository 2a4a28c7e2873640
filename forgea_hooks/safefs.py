"""Every read of a repository file, and every write of a cache file, goes through here.

A pull request chooses the files, the config and the symlinks of the checkout the tool runs in, so
each of them is hostile: a ``docs/x.md -> /proc/self/environ`` link, a FIFO named ``check.json``,
``cache.path: /dev/zero``. A read therefore

- resolves the path and refuses it unless it lands inside the root (a link that leaves the root is
  refused and named, and what it points to is never opened);
- opens only regular files (no FIFO, socket or device; opened non-blocking, so a FIFO cannot hang
  the open), and checks the type of what was opened, not of what was looked at;
- reads at most ``max_bytes`` (one byte more, to tell "over the limit" from "exactly at it").

A write goes only to a regular file inside a cache folder that is inside the root and reached
through no symlink; it replaces the file by a rename, so a symlink in the file's place is replaced,
never written through.

Every refusal is one exception, :class:`Refused`, whose ``reason`` names the path (never its
content) and is safe to show the user.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path

GITIGNORE = "# Written by forgea-hooks: caches kept between runs, not for commits.\n*\n"


class Refused(OSError):
    """A file the tool will not read or write; ``reason`` is a phrase to follow the path's name
    ("is a symbolic link that leaves the repository"), safe to show: it never quotes content."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Missing(Refused):
    """The path does not exist (or a folder on the way to it does not): callers often treat it as empty."""


def inside(root: Path | str, path: Path | str) -> str:
    """The real path of ``path`` (relative to ``root`` or absolute) when it lies inside the real
    ``root``; :class:`Refused` when it, or a link on the way to it, leads out."""
    real_root = os.path.realpath(root)
    full = os.path.join(root, path)
    real = os.path.realpath(full)
    if _within(real, real_root):
        return real
    if _has_link(str(root), full):
        raise Refused("is a symbolic link, or is reached through one, that leads outside the repository")
    raise Refused("is outside the repository")


def _within(real: str, real_root: str) -> bool:
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


def _has_link(root: str, full: str) -> bool:
    """Whether a component of ``full`` below ``root`` is a symlink (only for the wording of a refusal)."""
    relative = os.path.relpath(os.path.abspath(full), os.path.abspath(root))
    here = os.path.abspath(root)
    for part in relative.split(os.sep):
        here = os.path.join(here, part)
        if os.path.islink(here):
            return True
    return False


def read_bytes(root: Path | str, path: Path | str, max_bytes: int) -> bytes:
    """The bytes of a regular file inside ``root``, at most ``max_bytes`` of them; else :class:`Refused`."""
    return read_bytes_and_stat(root, path, max_bytes)[0]


_FILE_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
_FOLDER_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)
# Opening each folder relative to the one above it (``dir_fd``) needs the *at system calls and
# O_NOFOLLOW; where they are missing every read takes the resolving path.
_WALKS = os.open in os.supports_dir_fd and hasattr(os, "O_NOFOLLOW") and hasattr(os, "O_DIRECTORY")


def read_bytes_and_stat(root: Path | str, path: Path | str, max_bytes: int) -> tuple[bytes, os.stat_result]:
    """:func:`read_bytes`, and the status of the open file taken before reading it."""
    fd = _open_below(root, path) if _WALKS else None
    if fd is None:
        real = inside(root, path)
        try:
            fd = os.open(real, _FILE_FLAGS)
        except OSError as exc:
            raise _refusal(exc) from None
    try:
        status = os.fstat(fd)
        if stat.S_ISDIR(status.st_mode):
            raise Refused("is a directory, not a file")
        if not stat.S_ISREG(status.st_mode):
            raise Refused("is not a regular file (a FIFO, socket or device)")
        if status.st_size > max_bytes:
            raise Refused(f"is {status.st_size} bytes, over the {max_bytes}-byte limit")
        chunks: list[bytes] = []
        left = max_bytes + 1
        # A file can grow between the fstat and the read, and some files report size 0: the cap
        # holds on what is read, not on what was reported.
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    except Refused:
        raise
    except OSError as exc:
        raise _refusal(exc) from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > max_bytes:
        raise Refused(f"is over the {max_bytes}-byte limit")
    return data, status


def _open_below(root: Path | str, path: Path | str) -> int | None:
    """The file opened from the root down, each folder on the way and the file itself opened with
    O_NOFOLLOW relative to the folder above it: when that succeeds no link was on the way, so the
    file is inside the root, and nothing could swap a folder for a link between a check and the
    open. It costs a few system calls where resolving the path (:func:`inside`) costs two
    ``realpath`` walks in Python, most of a whole-tree run's read time.

    None for anything else (a link on the way, even one that stays inside; a missing file; a path
    outside the root): :func:`inside` then reads it or refuses it, with its reason."""
    base = os.path.abspath(root).rstrip(os.sep)
    full = os.path.abspath(os.path.join(base, path))
    if not full.startswith(base + os.sep):
        return None
    parts = full[len(base) + 1 :].split(os.sep)
    try:
        # The root itself may be reached through links: it is where the user chose to run.
        folder = os.open(base or os.sep, _FOLDER_FLAGS)
    except OSError:
        return None
    try:
        for part in parts[:-1]:
            inner = os.open(part, _FOLDER_FLAGS | os.O_NOFOLLOW, dir_fd=folder)
            os.close(folder)
            folder = inner
        return os.open(parts[-1], _FILE_FLAGS, dir_fd=folder)
    except OSError:
        return None
    finally:
        os.close(folder)


def read_text(root: Path | str, path: Path | str, max_bytes: int) -> str:
    """The UTF-8 text (without a byte-order mark) of a regular file inside ``root``; else :class:`Refused`."""
    data = read_bytes(root, path, max_bytes)
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise Refused(f"is not UTF-8 text (byte {exc.start} is 0x{data[exc.start]:02x})") from None


def _refusal(exc: OSError) -> Refused:
    if exc.errno in (errno.ENOENT, errno.ENOTDIR):
        return Missing("does not exist")
    if exc.errno == errno.ELOOP:
        return Refused("is a symbolic link loop")
    if exc.errno == errno.EISDIR:
        return Refused("is a directory, not a file")
    return Refused(f"cannot be read: {exc.strerror or type(exc).__name__}")


def cache_folder(root: Path | str, folder: Path | str) -> Path:
    """``folder`` (relative to ``root`` or absolute) when it is a place the tool may write caches:
    inside the root, and reached through no symlink (not even one that stays inside, since a pull
    request can aim it anywhere later); else :class:`Refused`."""
    base = os.path.abspath(root)
    full = os.path.abspath(os.path.join(base, folder))
    if not _within(full, base):
        raise Refused("is outside the repository: caches are written only inside it")
    here = base
    for part in os.path.relpath(full, base).split(os.sep):
        if part in ("", "."):
            continue
        here = os.path.join(here, part)
        if os.path.islink(here):
            link = os.path.relpath(here, base)
            raise Refused(f"is reached through the symbolic link {link}: caches are not written through links")
        if os.path.exists(here) and not os.path.isdir(here):
            raise Refused(f"cannot be a cache folder: {os.path.relpath(here, base)} is not a folder")
    return Path(full)


def writable(folder: Path) -> bool:
    """Whether the folder, or the nearest one above it that exists, is meant to be written.

    A folder whose mode says read-only is left alone, even by root, whom ``os.access`` lets write
    anywhere (CI jobs often run as root over read-only checkouts)."""
    while not folder.exists() and folder.parent != folder:
        folder = folder.parent
    try:
        mode = folder.stat().st_mode
    except OSError:
        return False
    return bool(mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)) and os.access(folder, os.W_OK)


def write_cache(root: Path | str, path: Path | str, text: str) -> bool:
    """Write ``text`` to the cache file ``path`` (relative to ``root`` or absolute), whose folder
    must pass :func:`cache_folder`. False, with nothing written, when the folder is read-only;
    :class:`Refused` when the place is not allowed; other failures raise OSError.

    A folder the tool creates gets a ``.gitignore`` of its own, so the cache stays out of the
    user's commits. The text goes to a temporary file renamed into place: a reader sees the old
    file or the new one, never half, and a symlink standing where the file goes is replaced by the
    file instead of being written through."""
    target = Path(os.path.abspath(os.path.join(root, path)))
    folder = cache_folder(root, target.parent)
    if target.name in ("", ".", ".."):
        raise Refused("is not a file name")
    if not writable(folder):
        return False
    created = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    # Checked again once it exists: a link could have been put in place while it was made.
    cache_folder(root, folder)
    gitignore = folder / ".gitignore"
    if created or not os.path.lexists(gitignore):
        _replace(folder, gitignore, GITIGNORE)
    _replace(folder, target, text)
    return True


def _replace(folder: Path, target: Path, text: str) -> None:
    import tempfile  # only writers need it, and a check of a few files writes nothing

    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        # newline="": the bytes as given on every platform (a replayed report is printed as kept).
        with os.fdopen(handle, "w", encoding="utf-8", errors="backslashreplace", newline="") as stream:
            stream.write(text)
        os.replace(temporary, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)

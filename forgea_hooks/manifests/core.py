"""The shapes every reader shares: an install, a problem met reading, the run's reading state, and the
declaration a reader makes of the files it reads."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

# A lockfile of a large monorepo runs to tens of megabytes; more than this is no manifest a tool wrote.
MAX_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Install:
    """One thing the repo installs. ``source`` is one of the config's `packages:` keys (`npm`, `pypi`,
    `image`, `terraform`, `tool-versions`, `nvmrc`, ...). ``spec`` is as written; ``version`` is the
    concrete version installed (lockfile-resolved, or the spec itself when exact), None when only a
    range is known. ``path`` and ``line`` are where ``version`` (or, without one, ``spec``) is written;
    ``how`` says how it was read (`package-lock.json (from ^5.0.0)`), for the hint and `pins`."""

    source: str
    package: str
    spec: str
    version: str | None
    path: str
    line: int
    how: str = field(default="", compare=False)
    # What to do about a range install, for the hint; empty means "pin it exactly, or lock it".
    advice: str = field(default="", compare=False)
    # Not part of what a default run installs (a compose service behind a profile): reported apart.
    optional: bool = field(default=False, compare=False)


@dataclass(frozen=True, slots=True)
class ManifestProblem:
    path: str
    line: int
    message: str


@dataclass
class Found:
    """One reading of a root: the files at it, what was installed, what went wrong, what was read."""

    root: Path
    files: frozenset[str]
    installs: list[Install] = field(default_factory=list)
    problems: list[ManifestProblem] = field(default_factory=list)
    read: set[str] = field(default_factory=set)
    # Files other readers need too (a lockfile), parsed once per reading.
    memo: dict[str, object] = field(default_factory=dict)

    def problem(self, path: str, line: int, message: str) -> None:
        self.problems.append(ManifestProblem(path, line, message))

    def install(self, install: Install) -> None:
        self.installs.append(install if install.how else replace(install, how=install.path))

    def text(self, name: str) -> str | None:
        """The text of the root-relative file ``name``, or None with a problem saying why not."""
        self.read.add(name)
        try:
            data = _read_inside(self.root, name)
        except _Refused as refused:
            self.problem(name, 1, f"{name} {refused}")
            return None
        except OSError as error:
            self.problem(name, 1, f"{name} cannot be read: {error.strerror or type(error).__name__}")
            return None
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            self.problem(name, 1, f"{name} is not UTF-8 text")
        return None


class _Refused(Exception):
    pass


def _read_inside(root: Path, name: str) -> bytes:
    path = root / name
    # A pull request chooses the files: a link out of the root or a FIFO must not be read.
    real_root = os.path.realpath(root)
    real = os.path.realpath(path)
    if os.path.commonpath([real_root, real]) != real_root:
        raise _Refused("is a link out of the repository (not read)")
    # Non-blocking: opening a FIFO would otherwise wait for a writer that never comes.
    descriptor = os.open(real, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(descriptor, "rb") as handle:
        status = os.fstat(handle.fileno())
        if not _regular(status.st_mode):
            raise _Refused("is not a regular file (not read)")
        if status.st_size > MAX_BYTES:
            raise _Refused(f"is over the manifest size limit ({MAX_BYTES // (1024 * 1024)} MiB; not read)")
        data = handle.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise _Refused(f"is over the manifest size limit ({MAX_BYTES // (1024 * 1024)} MiB; not read)")
    return data


def _regular(mode: int) -> bool:
    return stat.S_ISREG(mode)


ReadFunction = Callable[[str, str, Found], None]


@dataclass(frozen=True, slots=True)
class Reader:
    """A reader's declaration: the file names (globs, root-relative) it reads, the files it reads
    alongside them (lockfiles), and one line for the README's table of what is read."""

    ecosystem: str
    names: tuple[str, ...]
    read: ReadFunction
    reads: str
    companions: tuple[str, ...] = ()
    # The `packages:` keys (in config) of what it installs.
    sources: tuple[str, ...] = ()
    # Files it reads beside each of its own (a chart's `values.yaml`).
    beside: tuple[str, ...] = ()
    # Whether its files name other files it reads too (`-r base.txt`, compose `include`, `extends`).
    follows: bool = False

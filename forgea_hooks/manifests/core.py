"""The shapes every reader shares: an install, a problem met reading, the run's reading state, and the
declaration a reader makes of the files it reads."""

from __future__ import annotations

import importlib
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
        """The text of the root-relative file ``name``, or None with a problem saying why not (naming
        the file, never quoting it): read through safefs, so never outside the root, never a FIFO
        or a device, never more than ``MAX_BYTES``."""
        from forgea_hooks import safefs

        self.read.add(name)
        if "\0" in name:
            # A name taken from a file (`-r x<NUL>.txt`) that no file system can hold.
            self.problem(name.replace("\0", "\\0"), 1, "a file name with a NUL character (not read)")
            return None
        try:
            data = safefs.read_bytes(self.root, name, MAX_BYTES)
        except safefs.Refused as refused:
            self.problem(name, 1, f"{name} {refused.reason} (not read)")
            return None
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            self.problem(name, 1, f"{name} is not UTF-8 text")
        return None


ReadFunction = Callable[[str, str, Found], None]


@dataclass(frozen=True, slots=True)
class Reader:
    """A reader's declaration: the file names (globs, root-relative) it reads, the function that
    reads them, the files it reads alongside them (lockfiles), and one line for the README's table
    of what is read."""

    ecosystem: str
    names: tuple[str, ...]
    # `module.function` in forgea_hooks.manifests: the module is imported when a file is to be read.
    function: str
    reads: str
    companions: tuple[str, ...] = ()
    # The `packages:` keys (in config) of what it installs.
    sources: tuple[str, ...] = ()
    # Files it reads beside each of its own (a chart's `values.yaml`).
    beside: tuple[str, ...] = ()
    # Whether its files name other files it reads too (`-r base.txt`, compose `include`, `extends`).
    follows: bool = False

    def resolve(self) -> ReadFunction:
        module, _, name = self.function.rpartition(".")
        read: ReadFunction = getattr(importlib.import_module(f"forgea_hooks.manifests.{module}"), name)
        return read

    def read(self, path: str, text: str, found: Found) -> None:
        self.resolve()(path, text, found)

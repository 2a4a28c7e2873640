"""What the repository installs, read from its manifests (spec, "Manifests"), and how an install
compares with a doc pin (rule `pin-drift`).

One reader module per ecosystem; the catalog (catalog.py) declares the file names each reader reads
and the function that reads them, and imports no reader: a reader module is loaded only when a file
it reads is there. The catalog drives discovery, the consistency hook's `files` pattern in
`.pre-commit-hooks.yaml`, the README's table of what is read and `forgea-hooks pins`. Every install
keeps the path and line where its version is written, so a finding can point there. A manifest that
cannot be read becomes a problem to report, never an exception."""

from __future__ import annotations

import functools
import re
from pathlib import Path

from forgea_hooks.manifests.catalog import READERS
from forgea_hooks.manifests.core import Found, Install, ManifestProblem, Reader
from forgea_hooks.manifests.versions import Verdict, compare

__all__ = [
    "READERS",
    "Install",
    "ManifestProblem",
    "Reader",
    "Verdict",
    "compare",
    "hook_files_pattern",
    "is_manifest",
    "nested_files",
    "read_installs",
    "readers_markdown",
]

# A repository with more manifest files than this below its root is no repository a reader serves.
_MAX_NESTED = 2000


@functools.lru_cache(maxsize=256)
def _glob(glob: str) -> re.Pattern[str]:
    # `*` stays inside one folder, as the hook pattern and the shell have it (fnmatch's would not).
    return re.compile(_glob_regex(glob) + "$")


def _matches(glob: str, name: str) -> bool:
    # Most globs are plain names, and a name that does not start as a glob does cannot match it:
    # neither needs a pattern compiled (a root of twenty files would otherwise compile forty).
    literal = glob.partition("*")[0]
    if not name.startswith(literal):
        return False
    return name == glob if literal == glob else _glob(glob).match(name) is not None


def _reader_for(name: str) -> Reader | None:
    return next((reader for reader in READERS if any(_matches(glob, name) for glob in reader.names)), None)


def is_manifest(name: str) -> bool:
    """Whether a file with this root-relative name is one the readers read (or read alongside)."""
    return any(_matches(glob, name) for reader in READERS for glob in (*reader.names, *reader.companions))


def _discover(root: Path) -> tuple[list[str], list[str]]:
    """The files at the root, and the ones below it that a reader names (workflows, charts, ...)."""
    files = sorted(entry.name for entry in root.iterdir() if entry.is_file())
    below: dict[str, None] = {}
    for glob in dict.fromkeys(glob for reader in READERS for glob in reader.names if "/" in glob):
        head = glob.split("/", 1)[0]
        if "*" in head or not (root / head).is_dir() or (root / head).is_symlink():
            continue
        for path in sorted(root.glob(glob)):
            relative = path.relative_to(root).as_posix()
            if len(below) >= _MAX_NESTED:
                return files, list(below)
            if path.is_file() and not path.is_symlink():
                below[relative] = None
    return files, list(below)


def read_installs(root: Path) -> tuple[list[Install], list[ManifestProblem]]:
    """Every install the root's manifests declare (with the files they name, and the ones below the
    root a reader names), and the problems met reading them."""
    files, below = _discover(root)
    found = Found(root, frozenset(files))
    for name in [*files, *below]:
        reader = _reader_for(name)
        if reader is not None and (text := found.text(name)) is not None:
            reader.read(name, text, found)
    # A file included by another (`-r base.txt`) and read on its own gives its installs twice.
    installs = list({(i.source, i.package, i.spec, i.version, i.path, i.line): i for i in found.installs}.values())
    return installs, found.problems


_REFERENCE = re.compile(r"(?:^|[\s:\[,'\"])(-[rc]\s+)?([\w./-]+\.(?:ya?ml|txt|in))\b", re.MULTILINE)


def nested_files(root: Path) -> list[str]:
    """Files below the root that readers read (workspace members, included compose and requirement
    files), found without parsing a lockfile: the result cache keys on these besides the root's own
    files. A name that merely looks like a reference costs a stat, never a wrong result."""
    files, below = _discover(root)
    found = Found(root, frozenset(files))
    nested: dict[str, None] = dict.fromkeys(below)
    if "package.json" in files and (text := found.text("package.json")) is not None:
        from forgea_hooks.manifests import npm
        from forgea_hooks.manifests.formats import json_object

        data = json_object("package.json", text, found)
        for member in npm.members(data or {}, found):
            nested[f"{member}/package.json"] = None
    for name in [*files, *below]:
        reader = _reader_for(name)
        folder = name.rpartition("/")[0]
        for companion in reader.beside if reader is not None else ():
            nested[f"{folder}/{companion}" if folder else companion] = None
        if reader is not None and reader.follows:
            for match in _REFERENCE.finditer(found.text(name) or ""):
                nested[match.group(2).removeprefix("./")] = None
    return [name for name in nested if "/" in name and (root / name).is_file()]


def _glob_regex(glob: str) -> str:
    return "".join("[^/]*" if char == "*" else "\\" + char if char in ".+?()[]{}^$|\\" else char for char in glob)


def hook_files_pattern() -> str:
    """The consistency hook's `files` pattern: docs, the config, and every file a reader reads."""
    globs = dict.fromkeys(glob for reader in READERS for glob in (*reader.names, *reader.companions, *reader.beside))
    names = "|".join(_glob_regex(glob) for glob in globs)
    return rf"(^|/)([^/]*\.md|\.forgea-hooks\.yaml|{names})$"


def readers_markdown() -> str:
    """The README's table of what each reader reads."""
    rows = ["| ecosystem | files | what is read |", "| --- | --- | --- |"]
    for reader in READERS:
        files = ", ".join(f"`{glob}`" for glob in (*reader.names, *reader.companions))
        rows.append(f"| {reader.ecosystem} | {files} | {reader.reads} |")
    return "\n".join(rows) + "\n"

"""npm, pnpm, yarn and bun: `package.json` dependencies, the root's and every workspace member's, with
the version the lockfile resolved for each (npm/yarn/bun `workspaces`, `pnpm-workspace.yaml`)."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from forgea_hooks import redact
from forgea_hooks.manifests.core import Found, Install
from forgea_hooks.manifests.formats import json_key_lines, json_object, node_line, yaml_get, yaml_items, yaml_root
from forgea_hooks.manifests.versions import FULL_SEMVER, npm_exact

# A monorepo has tens of members, a large one a few hundred; a glob matching more is no workspace.
_MAX_MEMBERS = 2000
_SECTIONS = ("dependencies", "devDependencies", "optionalDependencies")


@dataclass(frozen=True, slots=True)
class _Resolved:
    version: str
    path: str
    line: int


# (package name, spec as written, importer: "." for the root or the member's folder) -> what was locked.
_Lookup = Callable[[str, str, str], _Resolved | None]


def _read_package_json(path: str, text: str, found: Found) -> None:
    data = json_object(path, text, found)
    if data is None:
        return
    lookup = _lockfile(found)
    _read_dependencies(path, text, data, ".", lookup=lookup, found=found)
    _read_engines(path, text, data, found)
    for member in members(data, found):
        member_path = f"{member}/package.json"
        member_text = found.text(member_path)
        member_data = json_object(member_path, member_text, found) if member_text is not None else None
        if member_text is not None and member_data is not None:
            _read_dependencies(member_path, member_text, member_data, member, lookup=lookup, found=found)


def _read_dependencies(
    path: str, text: str, data: dict[str, object], importer: str, *, lookup: _Lookup | None, found: Found
) -> None:
    lines = json_key_lines(text, depth=2)
    for section in ("dependencies", "devDependencies"):
        dependencies = data.get(section)
        if dependencies is None:
            continue
        if not isinstance(dependencies, dict):
            found.problem(path, lines.get((section,), 1), f"{path}: {section} is not an object")
            continue
        for name, spec in dependencies.items():
            line = lines.get((section, name), 1)
            if not isinstance(spec, str):
                found.problem(path, line, f"{path}: the version of {name} is not a string")
                continue
            resolved = lookup(name, spec, importer) if lookup else None
            if resolved is not None:
                how = f"{resolved.path} (from {spec} in {path})"
                found.install(Install("npm", name, spec, resolved.version, resolved.path, resolved.line, how=how))
            else:
                found.install(Install("npm", name, spec, npm_exact(spec), path, line, how=path))


def _read_engines(path: str, text: str, data: dict[str, object], found: Found) -> None:
    engines = data.get("engines")
    if not isinstance(engines, dict):
        return
    lines = json_key_lines(text, depth=2)
    for name, spec in engines.items():
        if isinstance(spec, str):
            line = lines.get(("engines", name), 1)
            advice = "`engines` states what the package accepts: pin the version that runs in `.nvmrc`"
            found.install(Install("engines", name, spec, npm_exact(spec), path, line, advice=advice))


def members(data: dict[str, object], found: Found) -> list[str]:
    """The workspace members' folders, root-relative, as npm, yarn and bun (`workspaces`) or pnpm
    (`pnpm-workspace.yaml`) declare them; only folders holding a package.json."""
    globs: list[str] = []
    workspaces = data.get("workspaces")
    if isinstance(workspaces, dict):  # yarn 1's `{packages: [...], nohoist: [...]}`
        workspaces = workspaces.get("packages")
    if isinstance(workspaces, list):
        globs += [glob for glob in workspaces if isinstance(glob, str)]
    if "pnpm-workspace.yaml" in found.files and (text := found.text("pnpm-workspace.yaml")) is not None:
        import yaml

        packages = yaml_get(yaml_root("pnpm-workspace.yaml", text, found), "packages")
        if isinstance(packages, yaml.SequenceNode):
            globs += [str(item.value) for item in packages.value if isinstance(item, yaml.ScalarNode)]
    members: dict[str, None] = {}
    excluded = [glob[1:].strip("/") for glob in globs if glob.startswith("!")]
    for glob in globs:
        if glob.startswith("!"):
            continue
        for member in _expand_glob(found.root, glob):
            if len(members) >= _MAX_MEMBERS:
                found.problem("package.json", 1, f"workspaces match over {_MAX_MEMBERS} folders (the rest not read)")
                return list(members)
            if member != "." and not any(_glob_matches(pattern, member) for pattern in excluded):
                members[member] = None
    return list(members)


def _expand_glob(root: Path, glob: str) -> Iterator[str]:
    pattern = posixpath.normpath(glob.strip().removeprefix("./").rstrip("/"))
    if pattern.startswith("..") or posixpath.isabs(pattern) or not pattern:
        return  # members outside the root are no part of this repository
    for candidate in sorted(root.glob(f"{pattern}/package.json")):
        relative = candidate.parent.relative_to(root).as_posix()
        if "node_modules" not in relative.split("/") and candidate.is_file() and not candidate.is_symlink():
            yield relative


def _glob_matches(pattern: str, path: str) -> bool:
    from fnmatch import fnmatchcase

    return fnmatchcase(path, pattern.replace("**", "*"))


def _lockfile(found: Found) -> _Lookup | None:
    """The lookup of the first lockfile present; the others would describe an install not in use."""
    readers: tuple[tuple[str, Callable[[str, str, Found], _Lookup | None]], ...] = (
        ("package-lock.json", _package_lock),
        ("pnpm-lock.yaml", _pnpm_lock),
        ("yarn.lock", _yarn_lock),
        ("bun.lock", _bun_lock),
    )
    for name, reader in readers:
        if name in found.files:
            text = found.text(name)
            return reader(name, text, found) if text is not None else None
    return None


def _package_lock(path: str, text: str, found: Found) -> _Lookup | None:
    data = json_object(path, text, found)
    if data is None:
        return None
    lines = json_key_lines(text)
    packages, dependencies = data.get("packages"), data.get("dependencies")

    def lookup(name: str, _spec: str, importer: str) -> _Resolved | None:
        # lockfileVersion 2 and 3 list `packages` by install path; version 1 only `dependencies`.
        if isinstance(packages, dict):
            # A member's copy is nested under it when it differs from the hoisted one.
            places = [f"node_modules/{name}"]
            if importer != ".":
                places.insert(0, f"{importer}/node_modules/{name}")
            place = next((place for place in places if place in packages), places[-1])
            entry, key = packages.get(place), ("packages", place, "version")
        elif isinstance(dependencies, dict):
            entry, key = dependencies.get(name), ("dependencies", name, "version")
        else:
            return None
        version = entry.get("version") if isinstance(entry, dict) else None
        match = FULL_SEMVER.match(version) if isinstance(version, str) else None
        return _Resolved(match.group(1), path, lines.get(key, 1)) if match else None

    return lookup


def _pnpm_lock(path: str, text: str, found: Found) -> _Lookup | None:
    import yaml

    root = yaml_root(path, text, found)
    if root is None:
        return None
    # Workspaces (and lockfileVersion 9 always) keep each project under `importers`; 5 and 6 keep a
    # lone root project at the top.
    importers = yaml_get(root, "importers")
    projects = dict(yaml_items(importers)) if importers is not None else {".": root}
    resolved: dict[tuple[str, str], _Resolved] = {}
    for importer, project in projects.items():
        for section in _SECTIONS:
            for name, value in yaml_items(yaml_get(project, section)):
                node = value if isinstance(value, yaml.ScalarNode) else yaml_get(value, "version")
                if isinstance(node, yaml.ScalarNode):
                    # `7.3.0(typescript@5.4.0)` (v6+) and `7.3.0_typescript@5.4.0` (v5) carry peer suffixes.
                    match = FULL_SEMVER.match(re.split(r"[(_]", str(node.value), maxsplit=1)[0])
                    if match:
                        resolved[(importer, name)] = _Resolved(match.group(1), path, node_line(node))
    return lambda name, _spec, importer: resolved.get((importer, name))


_JSONC_TRAILING_COMMA = re.compile(r'("(?:[^"\\\n]|\\.)*")|,(\s*[}\]])')


def _bun_lock(path: str, text: str, found: Found) -> _Lookup | None:
    """bun.lock, the text format: JSON with trailing commas. `packages` maps a hoisted name, or
    `<member name>/<name>` for a member's own copy, to `["name@version", ...]`."""
    data = json_object(path, _JSONC_TRAILING_COMMA.sub(lambda m: m.group(1) or m.group(2), text), found)
    if data is None:
        return None
    packages, workspaces = data.get("packages"), data.get("workspaces")
    if not isinstance(packages, dict):
        return None
    names = {
        folder or ".": str(entry.get("name", ""))
        for folder, entry in (workspaces.items() if isinstance(workspaces, dict) else [])
        if isinstance(entry, dict)
    }
    key_lines = _bun_key_lines(text)

    def lookup(name: str, _spec: str, importer: str) -> _Resolved | None:
        member = names.get(importer, "")
        for key in ([f"{member}/{name}"] if member and importer != "." else []) + [name]:
            entry = packages.get(key)
            if isinstance(entry, list) and entry and isinstance(entry[0], str):
                match = FULL_SEMVER.match(entry[0].rpartition("@")[2])
                if match:
                    return _Resolved(match.group(1), path, key_lines.get(key, 1))
        return None

    return lookup


_BUN_PACKAGE = re.compile(r'^    "((?:[^"\\]|\\.)*)": \[', re.MULTILINE)


def _bun_key_lines(text: str) -> dict[str, int]:
    """The line of each `packages` entry: bun writes one a line, four spaces in."""
    start = text.find('"packages"')
    lines: dict[str, int] = {}
    if start < 0:
        return lines
    line = text.count("\n", 0, start) + 1
    last = start
    for match in _BUN_PACKAGE.finditer(text, start):
        line += text.count("\n", last, match.start())
        last = match.start()
        lines.setdefault(match.group(1), line)
    return lines


_YARN_VERSION = re.compile(r'  version:?\s+"?([^"\s]+)"?\s*$')


def _yarn_lock(path: str, text: str, found: Found) -> _Lookup | None:
    """yarn.lock, classic (`version "7.3.0"`) or berry (`version: 7.3.0`): entries keyed by the
    `name@range` descriptors that resolved to them, so a lookup needs the range package.json wrote."""
    resolved: dict[tuple[str, str], _Resolved] = {}
    descriptors: list[tuple[str, str]] = []
    entry_line, has_version = 0, True
    for number, line in enumerate([*text.splitlines(), ""], start=1):
        if line.strip().startswith("#"):
            continue
        if not line[:1].isspace():
            if not has_version:
                found.problem(path, entry_line, f"{path}: the entry has no version")
            has_version = True
            if not line.strip():
                continue
            if not line.rstrip().endswith(":"):
                found.problem(path, number, f"{path}: not an entry header: {redact.excerpt(line.strip(), 60)}")
                descriptors = []
                continue
            descriptors = [d for d in map(_yarn_descriptor, line.rstrip()[:-1].split(",")) if d]
            entry_line, has_version = number, not descriptors
            continue
        match = _YARN_VERSION.match(line)
        if match and descriptors:
            has_version = True
            for descriptor in descriptors:
                resolved[descriptor] = _Resolved(match.group(1), path, number)
    return lambda name, spec, _importer: resolved.get((name, spec.strip()))


def _yarn_descriptor(text: str) -> tuple[str, str] | None:
    text = text.strip().strip('"')
    at = text.rfind("@")
    if at <= 0:
        return None
    return text[:at], text[at + 1 :].removeprefix("npm:")

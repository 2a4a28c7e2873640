"""npm, pnpm and yarn: `package.json` dependencies, with the version each lockfile resolved."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from forgea_hooks.manifests.core import Found, Install, Reader
from forgea_hooks.manifests.formats import json_key_lines, json_object, node_line, yaml_get, yaml_items, yaml_root
from forgea_hooks.manifests.versions import FULL_SEMVER, npm_exact


@dataclass(frozen=True, slots=True)
class _Resolved:
    version: str
    path: str
    line: int


_Lookup = Callable[[str, str], _Resolved | None]


def _read_package_json(path: str, text: str, found: Found) -> None:
    data = json_object(path, text, found)
    if data is None:
        return
    lines = json_key_lines(text, depth=2)
    lookup = _lockfile(found)
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
            resolved = lookup(name, spec) if lookup else None
            if resolved is not None:
                found.install(Install("npm", name, spec, resolved.version, resolved.path, resolved.line))
            else:
                found.install(Install("npm", name, spec, npm_exact(spec), path, line))


def _lockfile(found: Found) -> _Lookup | None:
    """The lookup of the first lockfile present; the others would describe an install not in use."""
    readers: tuple[tuple[str, Callable[[str, str, Found], _Lookup | None]], ...] = (
        ("package-lock.json", _package_lock),
        ("pnpm-lock.yaml", _pnpm_lock),
        ("yarn.lock", _yarn_lock),
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

    def lookup(name: str, _spec: str) -> _Resolved | None:
        # lockfileVersion 2 and 3 list `packages` by install path; version 1 only `dependencies`.
        if isinstance(packages, dict):
            entry, key = packages.get(f"node_modules/{name}"), ("packages", f"node_modules/{name}", "version")
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
    # lockfileVersion 9 keeps the root project under `importers: {.: ...}`; 5 and 6 at the top.
    importer = yaml_get(yaml_get(root, "importers"), ".") or root
    resolved: dict[str, _Resolved] = {}
    for section in ("dependencies", "devDependencies", "optionalDependencies"):
        for name, value in yaml_items(yaml_get(importer, section)):
            node = value if isinstance(value, yaml.ScalarNode) else yaml_get(value, "version")
            if isinstance(node, yaml.ScalarNode):
                # `7.3.0(typescript@5.4.0)` (v6+) and `7.3.0_typescript@5.4.0` (v5) carry peer suffixes.
                match = FULL_SEMVER.match(re.split(r"[(_]", str(node.value), maxsplit=1)[0])
                if match:
                    resolved[name] = _Resolved(match.group(1), path, node_line(node))
    return lambda name, _spec: resolved.get(name)


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
                found.problem(path, number, f"{path}: not an entry header: {line.strip()[:60]}")
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
    return lambda name, spec: resolved.get((name, spec.strip()))


def _yarn_descriptor(text: str) -> tuple[str, str] | None:
    text = text.strip().strip('"')
    at = text.rfind("@")
    if at <= 0:
        return None
    return text[:at], text[at + 1 :].removeprefix("npm:")


READERS = (
    Reader(
        "npm",
        ("package.json",),
        _read_package_json,
        "`dependencies`, `devDependencies`; the locked version from `package-lock.json`, `pnpm-lock.yaml` "
        "or `yarn.lock`",
        companions=("package-lock.json", "pnpm-lock.yaml", "yarn.lock"),
    ),
)

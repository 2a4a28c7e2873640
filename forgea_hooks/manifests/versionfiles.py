"""Version files: the one version a tool manager installs (`.tool-versions`, `.nvmrc`, `.node-version`,
`.python-version`, `.terraform-version`, `mise.toml`), and the lockfiles of Go, Rust and Ruby."""

from __future__ import annotations

import re

from forgea_hooks.manifests.core import Found, Install
from forgea_hooks.manifests.formats import locked_packages
from forgea_hooks.manifests.versions import FULL_SEMVER, RELEASE, components_of


def _short_or_exact(spec: str, parts: int = 2) -> str | None:
    """The version a tool manager installs for ``spec``: exact when it names a release of at least
    ``parts`` components, None when it names a series (`20`, `3.12` of a three-part release)."""
    components = components_of(spec)
    exact = RELEASE.fullmatch(spec.removeprefix("v")) if components and len(components) >= parts else None
    return exact.group(1) if exact else None


def _read_tool_versions(path: str, text: str, found: Found) -> None:
    for number, line in enumerate(text.splitlines(), start=1):
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        if len(words) < 2:
            found.problem(path, number, f"{path}: {words[0]} has no version")
            continue
        # Further words are fallbacks; the first is the one installed.
        tool, spec = words[0], words[1]
        found.install(Install("tool-versions", tool, spec, _short_or_exact(spec), path, number))


def _first_word(path: str, text: str, found: Found) -> tuple[int, str] | None:
    for number, line in enumerate(text.splitlines(), start=1):
        words = line.split("#", 1)[0].split()
        if words:
            return number, words[0]
    found.problem(path, 1, f"{path} names no version")
    return None


def _read_nvmrc(path: str, text: str, found: Found) -> None:
    """`.nvmrc` and `.node-version`: one Node.js version."""
    first = _first_word(path, text, found)
    if first is not None:
        # Node.js releases always have three components, so `20` or `20.11` is the newest match.
        exact = FULL_SEMVER.match(first[1])
        found.install(Install("nvmrc", "node", first[1], exact.group(1) if exact else None, path, first[0]))


_TOOL_FILES = {".python-version": ("python", 3), ".terraform-version": ("terraform", 3)}


def _read_tool_file(path: str, text: str, found: Found) -> None:
    """`.python-version` (pyenv) and `.terraform-version` (tfenv): one version of one tool."""
    tool, parts = _TOOL_FILES[path]
    first = _first_word(path, text, found)
    if first is not None:
        spec = first[1].removeprefix("python-")
        found.install(Install("tool-versions", tool, spec, _short_or_exact(spec, parts), path, first[0]))


_MISE_TOOL = re.compile(r"""^\s*["']?([\w:@/.-]+)["']?\s*=""")


def _read_mise(path: str, text: str, found: Found) -> None:
    """mise's `[tools]`: a version, a list of them (the first is the default) or a table with one."""
    from forgea_hooks.manifests.python import toml

    data = toml(path, text, found)
    tools = data.get("tools") if data is not None else None
    if not isinstance(tools, dict):
        return
    lines: dict[str, int] = {}
    inside = False
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip().startswith("["):
            inside = line.strip().split("#", 1)[0].strip() == "[tools]"
        elif inside and (match := _MISE_TOOL.match(line)):
            lines.setdefault(match.group(1), number)
    for tool, value in tools.items():
        first = value[0] if isinstance(value, list) and value else value
        spec = first.get("version") if isinstance(first, dict) else first
        if isinstance(spec, str):
            where = lines.get(tool, 1)
            found.install(Install("tool-versions", tool, spec, _short_or_exact(spec, 3), path, where))


_GO_DIRECTIVE = re.compile(r"^(go|toolchain)\s+(?:go)?(\S+)\s*(?://.*)?$")
_GO_REQUIRE = re.compile(r"^(?:require\s+)?([^\s()]+)\s+v(\S+)(?:\s*//.*)?$")


def _read_go_mod(path: str, text: str, found: Found) -> None:
    """`go`/`toolchain` (the toolchain a build uses, `toolchain` winning) and each `require`d module."""
    toolchain: tuple[int, str] | None = None
    in_require = False
    for number, written in enumerate(text.splitlines(), start=1):
        line = written.strip()
        if in_require:
            if line.startswith(")"):
                in_require = False
                continue
        elif line.startswith("require ("):
            in_require = True
            continue
        elif (directive := _GO_DIRECTIVE.match(line)) is not None:
            if directive.group(1) == "toolchain" or toolchain is None:
                toolchain = (number, directive.group(2))
            continue
        elif not line.startswith("require "):
            continue
        module = _GO_REQUIRE.match(line)
        if module is not None:
            version = module.group(2)
            found.install(
                Install("go", module.group(1), "v" + version, RELEASE.match(version) and version, path, number)
            )
    if toolchain is not None:
        number, spec = toolchain
        found.install(Install("go", "go", spec, _short_or_exact(spec, 2), path, number))


def _read_cargo_lock(path: str, text: str, found: Found) -> None:
    for name, version, number in locked_packages(text):
        found.install(Install("cargo", name, version, version, path, number))


_GEM_SPEC = re.compile(r"^    ([A-Za-z0-9_.-]+) \(([^)\s]+)\)\s*$")


def _read_gemfile_lock(path: str, text: str, found: Found) -> None:
    """The resolved gems: four spaces in, under a `specs:` of the GEM section (their dependencies
    are six spaces in, ranges, not installs)."""
    for number, line in enumerate(text.splitlines(), start=1):
        match = _GEM_SPEC.match(line)
        if match is not None:
            version = match.group(2).split("-", 1)[0]  # `1.15.5-x86_64-linux` is a platform build
            found.install(Install("gem", match.group(1), match.group(2), version, path, number))

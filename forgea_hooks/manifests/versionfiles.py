"""Version files: the one version a tool manager installs."""

from __future__ import annotations

from forgea_hooks.manifests.core import Found, Install, Reader
from forgea_hooks.manifests.versions import FULL_SEMVER, RELEASE, components_of


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
        components = components_of(spec)
        exact = RELEASE.fullmatch(spec) if components and len(components) > 1 else None
        found.install(Install("tool-versions", tool, spec, exact.group(1) if exact else None, path, number))


def _read_nvmrc(path: str, text: str, found: Found) -> None:
    for number, line in enumerate(text.splitlines(), start=1):
        words = line.split("#", 1)[0].split()
        if words:
            # Node.js releases always have three components, so nvm reads `20` or `20.11` as the newest match.
            exact = FULL_SEMVER.match(words[0])
            found.install(Install("nvmrc", "node", words[0], exact.group(1) if exact else None, path, number))
            return
    found.problem(path, 1, f"{path} names no version")


READERS = (
    Reader("version files", (".tool-versions",), _read_tool_versions, "each tool's first version"),
    Reader("version files", (".nvmrc",), _read_nvmrc, "the Node.js version"),
)

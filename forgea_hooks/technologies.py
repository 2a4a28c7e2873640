"""Technology names as a join key: normalization, aliases, and what each technology installs as."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from forgea_hooks.text import drop_trailing_qualifier

_PEP503 = re.compile(r"[-_.]+")


# `.`, `+` and `#` carry meaning in names (`Node.js`, `C++`, `C#`); other punctuation is decoration.
_PUNCTUATION = re.compile(r"[^\w\s.+#]|_")
_SPACE = re.compile(r"\s+")

_BUILTIN_ALIASES: dict[str, str] = {
    "Postgres": "PostgreSQL",
    "PG": "PostgreSQL",
    "Node": "Node.js",
    "TF": "Terraform",
    "Compose": "Docker Compose",
}

# The spec's defaults for which manifest entries stand for a technology, keyed by manifest source.
_BUILTIN_PACKAGES: dict[str, dict[str, tuple[str, ...]]] = {
    "PostgreSQL": {"image": ("postgres",), "engine": ("postgres", "aurora-postgresql")},
    "MySQL": {"image": ("mysql",), "engine": ("mysql", "aurora-mysql")},
    "Prisma": {"npm": ("prisma", "@prisma/client")},
    "Redis": {"image": ("redis",)},
    "Node.js": {"nvmrc": ("node",), "tool-versions": ("nodejs", "node"), "engines": ("node",)},
    "Terraform": {"terraform": ("required_version",), "tool-versions": ("terraform",)},
    "Python": {"tool-versions": ("python",)},
    "Go": {"go": ("go",), "tool-versions": ("golang", "go")},
}

_DOCKER_HUB_PREFIXES = ("docker.io/", "index.docker.io/", "registry-1.docker.io/")
_TERRAFORM_REGISTRY = "registry.terraform.io/"


def normalize_name(name: str) -> str:
    """The form names are compared in: `Prisma (ORM & Migrations)` and `prisma` are both `prisma`."""
    text = name.casefold().strip()
    without_qualifier = drop_trailing_qualifier(text)
    # A name that is nothing but a parenthesis keeps its text rather than becoming empty.
    if without_qualifier.strip():
        text = without_qualifier
    return _SPACE.sub(" ", _PUNCTUATION.sub(" ", text)).strip()


def package_key(source: str, package: str) -> str:
    """How a manifest entry's name is compared: the way its own ecosystem compares names."""
    name = package.strip()
    if source == "pypi":
        # PEP 503's normalization; packaging's implementation costs 40 ms of import per hook run.
        return _PEP503.sub("-", name).lower()
    if source == "image":
        name = name.lower()
        for prefix in _DOCKER_HUB_PREFIXES:
            name = name.removeprefix(prefix)
        return name.removeprefix("library/")
    if source == "terraform":
        return name.lower().removeprefix(_TERRAFORM_REGISTRY)
    return name


def _strings(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, Iterable):
        return tuple(item for item in value if isinstance(item, str))
    return ()


class Catalog:
    """Built-in aliases and packages merged with the config's `technologies:` key.

    The config is taken as already validated against the config schema; entries of other shapes
    are ignored rather than re-reported."""

    def __init__(self, config: Mapping[str, object] | None = None) -> None:
        self._aliases: dict[str, str] = {
            normalize_name(alias): normalize_name(name) for alias, name in _BUILTIN_ALIASES.items()
        }
        self._domains: dict[str, tuple[str, ...]] = {}
        self._unversioned: set[str] = set()
        self._canonical: dict[str, str] = {}
        # (source, package key) to (technology, the package as written): one owner per package.
        self._by_package: dict[tuple[str, str], tuple[str, str]] = {}
        for name, packages in _BUILTIN_PACKAGES.items():
            self._add_packages(normalize_name(name), packages)

        for name, entry in (config or {}).items():
            if not isinstance(entry, Mapping):
                continue
            # A config key may itself be a built-in alias (`Postgres:`); it then extends PostgreSQL.
            key = self.canonical(name)
            for alias in _strings(entry.get("aliases")):
                self._aliases[normalize_name(alias)] = key
            domains = tuple(d.strip().lower() for d in _strings(entry.get("official-domains")))
            self._domains[key] = self._domains.get(key, ()) + domains
            if entry.get("unversioned-docs") is True:
                self._unversioned.add(key)
            listed = entry.get("packages")
            if isinstance(listed, Mapping):
                self._add_packages(key, {str(src): _strings(names) for src, names in listed.items()})
        # Names looked up while the aliases were still being added may map differently now.
        self._canonical.clear()

    def _add_packages(self, key: str, packages: Mapping[str, tuple[str, ...]]) -> None:
        for source, names in packages.items():
            for package in names:
                # Later entries win, so config can move a built-in package to another technology.
                self._by_package[(source, package_key(source, package))] = (key, package)

    def canonical(self, name: str) -> str:
        """The normalized key every alias of ``name`` maps to (`PG` and `Postgres` give `postgresql`)."""
        # Memoized: a whole-tree run asks for the same few names tens of thousands of times.
        known = self._canonical.get(name)
        if known is None:
            normalized = normalize_name(name)
            known = self._canonical[name] = self._aliases.get(normalized, normalized)
        return known

    def packages(self, canonical: str) -> Mapping[str, tuple[str, ...]]:
        """Manifest source (`npm`, `pypi`, `image`, ...) to the package names that stand for it."""
        key = self.canonical(canonical)
        found: dict[str, list[str]] = {}
        for (source, _), (owner, package) in self._by_package.items():
            if owner == key:
                found.setdefault(source, []).append(package)
        return {source: tuple(names) for source, names in found.items()}

    def official_domains(self, canonical: str) -> tuple[str, ...]:
        """Hosts the config declares official; the registry's `Official domains` column is read elsewhere."""
        return self._domains.get(self.canonical(canonical), ())

    def unversioned_docs(self, canonical: str) -> bool:
        """Whether config says the technology's site has no per-version pages."""
        return self.canonical(canonical) in self._unversioned

    def technology_for_package(self, source: str, package: str) -> str | None:
        owner = self._by_package.get((source, package_key(source, package)))
        return owner[0] if owner else None

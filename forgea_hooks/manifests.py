"""What the repository installs, read from the manifests at its root (spec, "Manifests"), and how an
install compares with a doc pin (rule `pin-drift`).

Every install keeps the path and line where its version is written, so a finding can point there.
A manifest that cannot be read becomes a problem to report, never an exception."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import yaml
    from packaging.specifiers import SpecifierSet

from forgea_hooks.pins import PinClass, PinPart, versions_agree

Verdict = Literal["agree", "other-version", "range-admits-others"]


@dataclass(frozen=True, slots=True)
class Install:
    """One thing the repo installs. ``source`` is one of `npm`, `pypi`, `image`, `terraform`,
    `tool-versions`, `nvmrc` (the config's `packages:` keys). ``spec`` is as written; ``version`` is the
    concrete version installed (lockfile-resolved, or the spec itself when exact), None when only a
    range is known. ``path`` and ``line`` are where ``version`` (or, without one, ``spec``) is written."""

    source: str
    package: str
    spec: str
    version: str | None
    path: str
    line: int


@dataclass(frozen=True, slots=True)
class ManifestProblem:
    path: str
    line: int
    message: str


@dataclass
class _Found:
    root: Path
    files: frozenset[str]
    installs: list[Install] = field(default_factory=list)
    problems: list[ManifestProblem] = field(default_factory=list)

    def problem(self, path: str, line: int, message: str) -> None:
        self.problems.append(ManifestProblem(path, line, message))

    def text(self, name: str) -> str | None:
        try:
            return (self.root / name).read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            self.problem(name, 1, f"{name} is not UTF-8 text")
        except OSError as error:
            self.problem(name, 1, f"{name} cannot be read: {error.strerror or error}")
        return None


def is_manifest(name: str) -> bool:
    """Whether a file at the root with this name is one the manifest readers read."""
    return any(fnmatchcase(name, pattern) for pattern, _ in _READERS)


def read_installs(root: Path) -> tuple[list[Install], list[ManifestProblem]]:
    """Every install the manifests at ``root`` (not below it) declare, and the problems met reading them."""
    files = sorted(entry.name for entry in root.iterdir() if entry.is_file())
    found = _Found(root, frozenset(files))
    for name in files:
        reader = next((read for pattern, read in _READERS if fnmatchcase(name, pattern)), None)
        if reader is not None and (text := found.text(name)) is not None:
            reader(name, text, found)
    return found.installs, found.problems


# --- versions and the sets of versions a spec admits ------------------------------------------------

_Key = tuple[int, ...]
_RELEASE = re.compile(r"v?(\d+(?:\.\d+)*)")
_FULL_SEMVER = re.compile(r"v?(\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]*)?)$")


def _components(version: str) -> _Key | None:
    match = _RELEASE.match(version.strip())
    return tuple(int(part) for part in match.group(1).split(".")) if match else None


def _key(components: _Key) -> _Key:
    """Trailing zeros dropped, so `7.3`, `7.3.0` and `7.3.0.0` are one point and order is kept."""
    end = len(components)
    while end and components[end - 1] == 0:
        end -= 1
    return components[:end]


def _bump(components: _Key) -> _Key:
    return (*components[:-1], components[-1] + 1)


@dataclass(frozen=True, slots=True)
class _Interval:
    """Versions between two bounds; None is unbounded. Prereleases are not modelled: pins name releases."""

    low: _Key | None = None
    low_in: bool = True
    high: _Key | None = None
    high_in: bool = True

    def empty(self) -> bool:
        if self.low is None or self.high is None:
            return False
        return self.low > self.high or (self.low == self.high and not (self.low_in and self.high_in))

    def __and__(self, other: _Interval) -> _Interval:
        low, low_in = self.low, self.low_in
        if other.low is not None and (low is None or other.low > low):
            low, low_in = other.low, other.low_in
        elif other.low is not None and other.low == low:
            low_in = low_in and other.low_in
        high, high_in = self.high, self.high_in
        if other.high is not None and (high is None or other.high < high):
            high, high_in = other.high, other.high_in
        elif other.high is not None and other.high == high:
            high_in = high_in and other.high_in
        return _Interval(low, low_in, high, high_in)


_ANY: list[_Interval] = [_Interval()]


def _point(components: _Key) -> _Interval:
    key = _key(components)
    return _Interval(key, True, key, True)


def _prefix(components: _Key) -> _Interval:
    """Every version that starts with ``components`` (`16` is 16.0 up to, not including, 17)."""
    return _Interval(_key(components), True, _key(_bump(components)), False)


def _both(left: list[_Interval], right: list[_Interval]) -> list[_Interval]:
    return [both for a in left for b in right if not (both := a & b).empty()]


def _clause(operator: str, components: _Key) -> list[_Interval]:
    key = _key(components)
    if operator == ">":
        return [_Interval(key, False)]
    if operator == ">=":
        return [_Interval(key, True)]
    if operator == "<":
        return [_Interval(high=key, high_in=False)]
    if operator == "<=":
        return [_Interval(high=key, high_in=True)]
    if operator == "!=":
        return [_Interval(high=key, high_in=False), _Interval(key, False)]
    if operator in ("~>", "~="):
        # Pessimistic: the last component written may grow (`~> 1.5` is >= 1.5, < 2.0).
        if len(components) < 2:
            return [_Interval(key, True)]
        return [_Interval(key, True, _key(_bump(components[:-1])), False)]
    return [_point(components)]


def _npm_range(spec: str) -> str | None:
    spec = spec.strip()
    if not spec.startswith("npm:"):
        return spec
    # An alias (`npm:other@^1.2`) installs another package; its range is after the last `@`.
    alias = spec[4:]
    at = alias.rfind("@")
    return alias[at + 1 :] if at > 0 else None


def _npm_comparators(spec: str) -> list[list[str]] | None:
    """The range as npm desugars it: alternatives of comparator lists (`^7.3.0` is `>=7.3.0 <8.0.0`)."""
    npm_range = _npm_range(spec)
    if npm_range is None:
        return None
    # Imported on use: the range libraries cost more start-up than a five-file pre-commit run.
    import nodesemver  # type: ignore[import-untyped]

    try:
        sets = nodesemver.to_comparators(npm_range, False)
    except ValueError:
        # Tags, git URLs, `file:` and `workspace:` specs name no versions.
        return None
    return [[str(comparator) for comparator in comparators] for comparators in sets]


_COMPARATOR = re.compile(r"(<=|>=|<|>|=)?(\d+(?:\.\d+)*)")


def _npm_set(spec: str) -> list[_Interval] | None:
    sets = _npm_comparators(spec)
    if sets is None:
        return None
    admitted: list[_Interval] = []
    for comparators in sets:
        current = _ANY
        for comparator in comparators:
            match = _COMPARATOR.match(comparator)
            if match:
                components = tuple(int(part) for part in match.group(2).split("."))
                current = _both(current, _clause(match.group(1) or "=", components))
        admitted.extend(current)
    return admitted


def _npm_exact(spec: str) -> str | None:
    sets = _npm_comparators(spec)
    if sets is None or len(sets) != 1 or len(sets[0]) != 1:
        return None
    match = _FULL_SEMVER.match(sets[0][0].removeprefix("="))
    return match.group(1) if match else None


def _pep440_set(spec: str) -> list[_Interval] | None:
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        specifiers = SpecifierSet(spec)
    except InvalidSpecifier:
        return None
    current = _ANY
    for specifier in specifiers:
        components = _components(specifier.version)
        if components is None:
            # `===` with a string that is no version: nothing to reason about.
            continue
        if specifier.version.endswith(".*"):
            window = _prefix(components)
            if specifier.operator == "==":
                clause = [window]
            else:
                clause = [_Interval(high=window.low, high_in=False), _Interval(window.high, True)]
        else:
            clause = _clause(specifier.operator, components)
        current = _both(current, clause)
    return current


def _pep440_exact(specifiers: SpecifierSet) -> str | None:
    for specifier in specifiers:
        if specifier.operator == "===" or (specifier.operator == "==" and not specifier.version.endswith(".*")):
            return specifier.version
    return None


def _poetry_set(spec: str) -> list[_Interval] | None:
    # Poetry accepts PEP 440 specifiers and npm-style `^`/`~`/`||` constraints with comma conjunctions.
    pep440 = _pep440_set(spec)
    if pep440 is not None:
        return pep440
    return _npm_set(re.sub(r"\|+", "||", spec.replace(",", " ")))


_POETRY_EXACT = re.compile(r"(?:==?)?\s*(\d+(?:\.\d+)*)$")


def _poetry_exact(spec: str) -> str | None:
    match = _POETRY_EXACT.match(spec.strip())
    return match.group(1) if match else None


_TERRAFORM_CLAUSE = re.compile(r"\s*(=|!=|>=|<=|>|<|~>)?\s*v?(\d+(?:\.\d+)*)(?:-[0-9A-Za-z.-]+)?\s*$")


def _terraform_set(spec: str) -> list[_Interval] | None:
    if not spec.strip():
        return _ANY
    current = _ANY
    for text in spec.split(","):
        match = _TERRAFORM_CLAUSE.match(text)
        if match is None:
            return None
        components = tuple(int(part) for part in match.group(2).split("."))
        current = _both(current, _clause(match.group(1) or "=", components))
    return current


def _terraform_exact(spec: str) -> str | None:
    match = _TERRAFORM_CLAUSE.match(spec)
    if "," in spec or match is None or match.group(1) not in (None, "="):
        return None
    return match.group(2)


def _prefix_set(spec: str) -> list[_Interval] | None:
    """A tag or tool version written short floats over every release it prefixes (`16` is any 16.x)."""
    components = _components(spec)
    return [_prefix(components)] if components else None


_SPEC_READERS: dict[str, Callable[[str], list[_Interval] | None]] = {
    "npm": _npm_set,
    "pypi": _poetry_set,
    "terraform": _terraform_set,
}


def _admitted(install: Install) -> list[_Interval]:
    # Images, `.tool-versions` and `.nvmrc` write versions, not ranges: a short one floats.
    admitted = _SPEC_READERS.get(install.source, _prefix_set)(install.spec)
    # A spec that names no version (a tag, a URL, `latest`) may install anything.
    return _ANY if admitted is None else admitted


def compare(pin: PinPart, install: Install) -> Verdict:
    """How ``install`` stands against a doc pin: the same version, another one, or a range that admits
    the pin and others too. Only exact and major pins have a version to compare."""
    components = _components(pin.version or "")
    if pin.cls not in (PinClass.EXACT, PinClass.MAJOR) or components is None:
        raise ValueError(f"a {pin.cls.value} pin has no version to compare: {pin.text!r}")
    if install.version is not None:
        installed = PinPart(install.version, PinClass.EXACT, install.version)
        return "agree" if versions_agree(pin, installed) else "other-version"

    admitted = [interval for interval in _admitted(install) if not interval.empty()]
    if pin.cls is PinClass.MAJOR:
        target = _prefix(components[:1])
        if admitted and all(interval & target == interval for interval in admitted):
            return "agree"
    else:
        target = _point(components)
        if admitted and all(interval == target for interval in admitted):
            return "agree"
    if any(not (interval & target).empty() for interval in admitted):
        return "range-admits-others"
    return "other-version"


# --- JSON and YAML with line numbers -----------------------------------------------------------------

_JSON_TOKEN = re.compile(r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"|[{}\[\]:\n]')


def _json_key_lines(text: str, depth: int = 3) -> dict[tuple[str, ...], int]:
    """The line each object key is written on, by its path of keys, down to ``depth`` keys.

    The standard parser keeps no positions; valid JSON (checked before) tokenizes simply enough."""
    lines: dict[tuple[str, ...], int] = {}
    stack: list[tuple[str, str]] = []
    line, last, last_line = 1, "", 1
    for token in _JSON_TOKEN.findall(text):
        if token == "\n":
            line += 1
        elif token[0] == '"':
            last, last_line = token, line
        elif token == ":":
            stack[-1] = ("{", json.loads(last))
            if len(stack) <= depth and all(kind == "{" for kind, _ in stack):
                lines.setdefault(tuple(key for _, key in stack), last_line)
        elif token in "{[":
            stack.append((token, ""))
        else:
            stack.pop()
    return lines


def _json_object(path: str, text: str, found: _Found) -> dict[str, object] | None:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        found.problem(path, error.lineno, f"{path} is not valid JSON: {error.msg}")
        return None
    if not isinstance(data, dict):
        found.problem(path, 1, f"{path} is not a JSON object")
        return None
    return data


def _yaml_root(path: str, text: str, found: _Found) -> yaml.MappingNode | None:
    """The document's top mapping, with marks for line numbers; None (and a problem) when there is none."""
    # PyYAML is imported by the YAML readers alone: most roots have no compose file or pnpm lock,
    # and the import is a twentieth of a pre-commit run.
    import yaml

    try:
        # Lockfiles run to megabytes; libyaml composes them many times faster than pure Python.
        loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        node = yaml.compose(text, Loader=loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        found.problem(path, mark.line + 1 if mark else 1, f"{path} is not valid YAML: {error.problem}")
        return None
    except yaml.YAMLError as error:
        found.problem(path, 1, f"{path} is not valid YAML: {error}")
        return None
    if not isinstance(node, yaml.MappingNode):
        found.problem(path, _line(node), f"{path} is not a YAML mapping")
        return None
    return node


def _line(node: yaml.Node | None) -> int:
    return node.start_mark.line + 1 if node is not None and node.start_mark is not None else 1


_YAML_MERGE = "tag:yaml.org,2002:merge"


def _yaml_get(node: yaml.Node | None, key: str) -> yaml.Node | None:
    import yaml

    if not isinstance(node, yaml.MappingNode):
        return None
    for key_node, value in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key and isinstance(value, yaml.Node):
            return value
    # `<<: *base` merges: compose services often take `image` from an anchored template.
    for key_node, value in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.tag == _YAML_MERGE:
            for source in value.value if isinstance(value, yaml.SequenceNode) else [value]:
                if (merged := _yaml_get(source, key)) is not None:
                    return merged
    return None


def _yaml_items(node: yaml.Node | None) -> Iterator[tuple[str, yaml.Node]]:
    import yaml

    if isinstance(node, yaml.MappingNode):
        for key_node, value in node.value:
            if isinstance(key_node, yaml.ScalarNode) and isinstance(value, yaml.Node):
                yield str(key_node.value), value


# --- npm: package.json and its lockfile --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Resolved:
    version: str
    path: str
    line: int


_Lookup = Callable[[str, str], _Resolved | None]


def _read_package_json(path: str, text: str, found: _Found) -> None:
    data = _json_object(path, text, found)
    if data is None:
        return
    lines = _json_key_lines(text, depth=2)
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
                found.installs.append(Install("npm", name, spec, resolved.version, resolved.path, resolved.line))
            else:
                found.installs.append(Install("npm", name, spec, _npm_exact(spec), path, line))


def _lockfile(found: _Found) -> _Lookup | None:
    """The lookup of the first lockfile present; the others would describe an install not in use."""
    readers: tuple[tuple[str, Callable[[str, str, _Found], _Lookup | None]], ...] = (
        ("package-lock.json", _package_lock),
        ("pnpm-lock.yaml", _pnpm_lock),
        ("yarn.lock", _yarn_lock),
    )
    for name, reader in readers:
        if name in found.files:
            text = found.text(name)
            return reader(name, text, found) if text is not None else None
    return None


def _package_lock(path: str, text: str, found: _Found) -> _Lookup | None:
    data = _json_object(path, text, found)
    if data is None:
        return None
    lines = _json_key_lines(text)
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
        match = _FULL_SEMVER.match(version) if isinstance(version, str) else None
        return _Resolved(match.group(1), path, lines.get(key, 1)) if match else None

    return lookup


def _pnpm_lock(path: str, text: str, found: _Found) -> _Lookup | None:
    import yaml

    root = _yaml_root(path, text, found)
    if root is None:
        return None
    # lockfileVersion 9 keeps the root project under `importers: {.: ...}`; 5 and 6 at the top.
    importer = _yaml_get(_yaml_get(root, "importers"), ".") or root
    resolved: dict[str, _Resolved] = {}
    for section in ("dependencies", "devDependencies", "optionalDependencies"):
        for name, value in _yaml_items(_yaml_get(importer, section)):
            node = value if isinstance(value, yaml.ScalarNode) else _yaml_get(value, "version")
            if isinstance(node, yaml.ScalarNode):
                # `7.3.0(typescript@5.4.0)` (v6+) and `7.3.0_typescript@5.4.0` (v5) carry peer suffixes.
                match = _FULL_SEMVER.match(re.split(r"[(_]", str(node.value), maxsplit=1)[0])
                if match:
                    resolved[name] = _Resolved(match.group(1), path, _line(node))
    return lambda name, _spec: resolved.get(name)


_YARN_VERSION = re.compile(r'  version:?\s+"?([^"\s]+)"?\s*$')


def _yarn_lock(path: str, text: str, found: _Found) -> _Lookup | None:
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


# --- Python: requirements*.txt and pyproject.toml ----------------------------------------------------

_COMMENT = re.compile(r"(?:^|\s)#.*$")
_OPTION_TAIL = re.compile(r"\s+--?[A-Za-z]")
_NOT_A_NAME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://|[./~]")


def _read_requirements(path: str, text: str, found: _Found) -> None:
    for number, logical in _logical_lines(text):
        line = _COMMENT.sub("", logical).strip()
        # Options (`-r`, `-e`, `--index-url`) and bare paths or URLs name no versioned package.
        if not line or line.startswith("-") or _NOT_A_NAME.match(line):
            continue
        line = _OPTION_TAIL.split(line, maxsplit=1)[0]
        _add_requirement(found, path, number, line)


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """Lines with `\\` continuations joined, each with the number of the line it starts on."""
    pending, start = "", 0
    for number, line in enumerate(text.splitlines(), start=1):
        if not pending:
            start = number
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        yield start, pending + line
        pending = ""
    if pending:
        yield start, pending


def _add_requirement(found: _Found, path: str, line: int, text: str) -> None:
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        requirement = Requirement(text)
    except InvalidRequirement as error:
        reason = str(error).splitlines()[0]
        found.problem(path, line, f"{path}: not a requirement: {text.strip()!r} ({reason})")
        return
    if requirement.url:
        found.installs.append(Install("pypi", requirement.name, requirement.url, None, path, line))
        return
    # packaging re-orders specifiers when printing them; the spec is kept as the user wrote it.
    written = _REQUIREMENT_HEAD.sub("", text.split(";", 1)[0]).strip().removeprefix("(").removesuffix(")")
    exact = _pep440_exact(requirement.specifier)
    found.installs.append(Install("pypi", requirement.name, written.strip(), exact, path, line))


_REQUIREMENT_HEAD = re.compile(r"^\s*[A-Za-z0-9][A-Za-z0-9._-]*\s*(?:\[[^\]]*\])?\s*")
_TOML_LINE = re.compile(r"line (\d+)")


def _read_pyproject(path: str, text: str, found: _Found) -> None:
    if sys.version_info >= (3, 11):
        import tomllib
    else:
        import tomli as tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        where = _TOML_LINE.search(str(error))
        found.problem(path, int(where.group(1)) if where else 1, f"{path} is not valid TOML: {error}")
        return
    project = data.get("project")
    if isinstance(project, dict):
        optional = project.get("optional-dependencies", {})
        groups = [("dependencies", project.get("dependencies", []))]
        if isinstance(optional, dict):
            groups += [(f"optional-dependencies.{name}", deps) for name, deps in optional.items()]
        else:
            line = _line_of(text, "optional-dependencies")
            found.problem(path, line, f"{path}: optional-dependencies is not a table")
        for label, requirements in groups:
            if not isinstance(requirements, list) or not all(isinstance(r, str) for r in requirements):
                line = _line_of(text, label.rpartition(".")[2])
                found.problem(path, line, f"{path}: {label} is not a list of strings")
                continue
            for requirement in requirements:
                _add_requirement(found, path, _line_of(text, requirement, quoted=True), requirement)

    tool = data.get("tool")
    poetry = tool.get("poetry") if isinstance(tool, dict) else None
    if isinstance(poetry, dict):
        tables = [("tool.poetry.dependencies", poetry.get("dependencies"))]
        group_tables = poetry.get("group")
        if isinstance(group_tables, dict):
            tables += [
                (f"tool.poetry.group.{name}.dependencies", group.get("dependencies"))
                for name, group in group_tables.items()
                if isinstance(group, dict)
            ]
        for table, dependencies in tables:
            if dependencies is not None:
                _read_poetry_table(path, text, table, dependencies, found)


def _read_poetry_table(path: str, text: str, table: str, dependencies: object, found: _Found) -> None:
    if not isinstance(dependencies, dict):
        found.problem(path, _line_of(text, table), f"{path}: [{table}] is not a table")
        return
    for name, value in dependencies.items():
        if name.lower() == "python":
            continue
        line = _toml_key_line(text, table, name)
        spec = _poetry_spec(value)
        if spec is None:
            found.problem(path, line, f"{path}: the version of {name} is not a string or table")
            continue
        found.installs.append(Install("pypi", name, spec, _poetry_exact(spec), path, line))


def _poetry_spec(value: object) -> str | None:
    # A list holds one constraint per environment marker; any of them may be the one installed.
    specs: list[str] = []
    for constraint in value if isinstance(value, list) else [value]:
        # A table without `version` is a git or path dependency: no version is named.
        spec = constraint.get("version", "") if isinstance(constraint, dict) else constraint
        if not isinstance(spec, str):
            return None
        specs.append(spec)
    return " || ".join(specs)


def _line_of(text: str, needle: str, *, quoted: bool = False) -> int:
    candidates = [f'"{needle}"', f"'{needle}'"] if quoted else [needle]
    for candidate in candidates:
        at = text.find(candidate)
        if at >= 0:
            return text.count("\n", 0, at) + 1
    return 1


def _toml_key_line(text: str, table: str, key: str) -> int:
    """The line of ``key`` inside ``[table]``; tomllib keeps no positions."""
    header = re.compile(r"\s*\[\s*" + r"\s*\.\s*".join(map(re.escape, table.split("."))) + r"\s*\]\s*(?:#.*)?$")
    entry = re.compile(r"\s*[\"']?" + re.escape(key) + r"[\"']?\s*=")
    inside, header_line = False, 1
    for number, line in enumerate(text.splitlines(), start=1):
        if header.match(line):
            inside, header_line = True, number
        elif inside and re.match(r"\s*\[", line):
            inside = False
        elif inside and entry.match(line):
            return number
    return header_line


# --- container images: compose files and Dockerfiles -------------------------------------------------

_VARIABLE = re.compile(r"\$\{(?P<braced>\w+)(?::?-(?P<default>[^}]*))?\}|\$(?P<bare>\w+)")


def _expand(text: str, values: dict[str, str]) -> str:
    """Variables as the file's own defaults give them; an unknown one stays, so its tag reads as none."""

    def value(match: re.Match[str]) -> str:
        name = match.group("braced") or match.group("bare")
        if values.get(name):
            return values[name]
        default = match.group("default")
        return default if default is not None else match.group()

    return _VARIABLE.sub(value, text)


def _add_image(found: _Found, path: str, line: int, reference: str) -> None:
    # A digest pins bytes, not a version the docs can name; the tag is what is compared.
    reference = reference.strip().split("@", 1)[0]
    slash = reference.rfind("/")
    colon = reference.rfind(":")
    name, tag = (reference[:colon], reference[colon + 1 :]) if colon > slash else (reference, "")
    components = _components(tag)
    # `postgres:16.4` is 16.4 and `redis:7.2.5-alpine` 7.2.5; a bare major tag (`16`) moves within it.
    exact = _RELEASE.match(tag) if components and len(components) > 1 else None
    found.installs.append(Install("image", name, tag, exact.group(1) if exact else None, path, line))


def _read_compose(path: str, text: str, found: _Found) -> None:
    import yaml

    root = _yaml_root(path, text, found)
    services = _yaml_get(root, "services")
    if services is None:
        return
    if not isinstance(services, yaml.MappingNode):
        found.problem(path, _line(services), f"{path}: services is not a mapping")
        return
    for name, service in _yaml_items(services):
        if not isinstance(service, yaml.MappingNode):
            found.problem(path, _line(service), f"{path}: service {name} is not a mapping")
            continue
        image = _yaml_get(service, "image")
        if image is None:
            continue
        if not isinstance(image, yaml.ScalarNode):
            found.problem(path, _line(image), f"{path}: the image of service {name} is not a string")
            continue
        _add_image(found, path, _line(image), _expand(str(image.value), {}))


_ARG = re.compile(r"\s*ARG\s+(\w+)(?:=(\S*))?", re.IGNORECASE)
_FROM = re.compile(r"\s*FROM(?:\s+(.*))?$", re.IGNORECASE)


def _read_dockerfile(path: str, text: str, found: _Found) -> None:
    # Only ARGs declared before the first FROM can be used in FROM lines.
    arguments: dict[str, str] = {}
    stages: set[str] = set()
    seen_from = False
    for number, line in enumerate(text.splitlines(), start=1):
        argument = _ARG.match(line)
        if argument and not seen_from:
            arguments[argument.group(1)] = (argument.group(2) or "").strip("\"'")
            continue
        instruction = _FROM.match(line)
        if instruction is None:
            continue
        seen_from = True
        words = [word for word in (instruction.group(1) or "").split() if not word.startswith("--")]
        if not words:
            found.problem(path, number, f"{path}: FROM names no image")
            continue
        image = _expand(words[0], arguments)
        # `FROM build` names an earlier stage, and `scratch` is no image at all.
        if image.lower() not in stages and image.lower() != "scratch":
            _add_image(found, path, number, image)
        if len(words) >= 3 and words[1].lower() == "as":
            stages.add(words[2].lower())


# --- Terraform ---------------------------------------------------------------------------------------

_HCL_SKIP = re.compile(r'"(?:[^"\\\n]|\\.)*"|#[^\n]*|//[^\n]*|/\*.*?\*/', re.DOTALL)
_HCL_STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
_TERRAFORM_BLOCK = re.compile(r"(?m)^[ \t]*terraform[ \t]*\{")
_REQUIRED_PROVIDERS = re.compile(r"(?m)^[ \t]*required_providers[ \t]*\{")
_HCL_ATTRIBUTE = re.compile(r"(?m)^[ \t]*([A-Za-z_][\w-]*)[ \t]*=[ \t]*")


def _hcl_code(text: str) -> str:
    """``text`` with comments and the braces inside strings blanked, at the same offsets: a `{` or `#`
    in a comment or string must not be read as structure."""

    def blank(match: re.Match[str]) -> str:
        token = match.group()
        if token.startswith('"'):
            return '"' + re.sub(r"[{}]", " ", token[1:-1]) + '"'
        return re.sub(r"[^\n]", " ", token)

    return _HCL_SKIP.sub(blank, text)


def _closing_brace(code: str, opening: int) -> int | None:
    depth = 0
    for at in range(opening, len(code)):
        if code[at] == "{":
            depth += 1
        elif code[at] == "}":
            depth -= 1
            if depth == 0:
                return at
    return None


def _top_level(code: str, start: int, end: int) -> str:
    """The block body between ``start`` and ``end`` with the insides of nested blocks blanked (their
    braces kept), offsets kept: attributes of nested blocks are not the block's own."""
    out, depth = [], 0
    for char in code[start:end]:
        if char == "}":
            depth -= 1
        out.append(char if depth == 0 or char == "\n" else " ")
        if char == "{":
            depth += 1
    return "".join(out)


def _attributes(code: str, opening: int, closing: int) -> Iterator[tuple[str, int]]:
    """Each attribute of the block between braces at ``opening`` and ``closing``: its name and where
    its value starts."""
    body = _top_level(code, opening + 1, closing)
    # Nested blocks keep their braces, so the blanks after `=` never run into a nested value.
    for attribute in _HCL_ATTRIBUTE.finditer(body):
        yield attribute.group(1), opening + 1 + attribute.end()


def _read_terraform(path: str, text: str, found: _Found) -> None:
    """`required_version` and `required_providers` in `terraform {}` blocks. A small reader rather than an
    HCL parser: these two attributes are all that is needed, with their line numbers, which the HCL
    parsers on PyPI do not give for attributes."""
    code = _hcl_code(text)

    def line_at(offset: int) -> int:
        return code.count("\n", 0, offset) + 1

    for block in _TERRAFORM_BLOCK.finditer(code):
        opening = block.end() - 1
        closing = _closing_brace(code, opening)
        if closing is None:
            found.problem(path, line_at(block.start()), f"{path}: the terraform block is not closed")
            continue
        for name, at in _attributes(code, opening, closing):
            if name != "required_version":
                continue
            value = _HCL_STRING.match(text, at)
            if value is None:
                found.problem(path, line_at(at), f"{path}: required_version is not a string")
                continue
            spec = value.group(1)
            found.installs.append(
                Install("terraform", "required_version", spec, _terraform_exact(spec), path, line_at(at))
            )
        for providers in _REQUIRED_PROVIDERS.finditer(_top_level(code, opening + 1, closing)):
            _read_providers(path, text, code, opening + providers.end(), found)


def _read_providers(path: str, text: str, code: str, opening: int, found: _Found) -> None:
    """The `required_providers` block whose `{` is at ``opening``."""

    def line_at(offset: int) -> int:
        return code.count("\n", 0, offset) + 1

    closing = _closing_brace(code, opening)
    if closing is None:
        found.problem(path, line_at(opening), f"{path}: the required_providers block is not closed")
        return
    for name, at in _attributes(code, opening, closing):
        # Without `source`, Terraform reads a provider's local name as `hashicorp/<name>`.
        source, spec, spec_at = f"hashicorp/{name}", "", at
        if (legacy := _HCL_STRING.match(text, at)) is not None:
            spec = legacy.group(1)
        elif code.startswith("{", at) and (end := _closing_brace(code, at)) is not None:
            fields = dict(_attributes(code, at, end))
            if "source" in fields and (written := _HCL_STRING.match(text, fields["source"])):
                source = written.group(1)
            if "version" in fields and (written := _HCL_STRING.match(text, fields["version"])):
                spec, spec_at = written.group(1), fields["version"]
        else:
            found.problem(path, line_at(at), f"{path}: provider {name} is neither a string nor an object")
            continue
        found.installs.append(Install("terraform", source, spec, _terraform_exact(spec), path, line_at(spec_at)))


# --- .tool-versions and .nvmrc -----------------------------------------------------------------------


def _read_tool_versions(path: str, text: str, found: _Found) -> None:
    for number, line in enumerate(text.splitlines(), start=1):
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        if len(words) < 2:
            found.problem(path, number, f"{path}: {words[0]} has no version")
            continue
        # Further words are fallbacks; the first is the one installed.
        tool, spec = words[0], words[1]
        components = _components(spec)
        exact = _RELEASE.fullmatch(spec) if components and len(components) > 1 else None
        found.installs.append(Install("tool-versions", tool, spec, exact.group(1) if exact else None, path, number))


def _read_nvmrc(path: str, text: str, found: _Found) -> None:
    for number, line in enumerate(text.splitlines(), start=1):
        words = line.split("#", 1)[0].split()
        if words:
            # Node.js releases always have three components, so nvm reads `20` or `20.11` as the newest match.
            exact = _FULL_SEMVER.match(words[0])
            found.installs.append(Install("nvmrc", "node", words[0], exact.group(1) if exact else None, path, number))
            return
    found.problem(path, 1, f"{path} names no version")


_READERS: tuple[tuple[str, Callable[[str, str, _Found], None]], ...] = (
    ("package.json", _read_package_json),
    ("requirements*.txt", _read_requirements),
    ("pyproject.toml", _read_pyproject),
    ("docker-compose*.yml", _read_compose),
    ("docker-compose*.yaml", _read_compose),
    ("compose*.yaml", _read_compose),
    ("compose*.yml", _read_compose),
    ("Dockerfile*", _read_dockerfile),
    ("*.tf", _read_terraform),
    (".tool-versions", _read_tool_versions),
    (".nvmrc", _read_nvmrc),
)

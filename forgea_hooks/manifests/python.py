"""Python: `requirements*.txt` (with `-r` and `-c` includes), `pyproject.toml` (PEP 621 dependencies,
optional dependencies, PEP 735 `[dependency-groups]`, Poetry dependencies and groups) and the locks
that fix what they install: `uv.lock`, `poetry.lock`, `Pipfile.lock`. A locked version is exact."""

from __future__ import annotations

import bisect
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass

from forgea_hooks import redact
from forgea_hooks.manifests.core import Found, Install
from forgea_hooks.manifests.formats import json_key_lines, json_object, locked_packages
from forgea_hooks.manifests.versions import pep440_exact, poetry_exact
from forgea_hooks.technologies import package_key

_COMMENT = re.compile(r"(?:^|\s)#.*$")
# The look-behind keeps the split linear: a run of blanks is tried from its first blank only.
_OPTION_TAIL = re.compile(r"(?<!\s)\s+--?[A-Za-z]")
_NOT_A_NAME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://|[./~]")
_INCLUDE = re.compile(r"(-r|--requirement|-c|--constraint)(?:\s*=\s*|\s+)(\S+)$")
# A requirement is a name, extras, specifiers and markers: a line longer than this is no requirement.
_MAX_REQUIREMENT = 4096
_MAX_INCLUDES = 64


@dataclass(frozen=True, slots=True)
class _Locked:
    version: str
    path: str
    line: int


def _read_requirements(path: str, text: str, found: Found) -> None:
    constraints: dict[str, _Locked] = {}
    pending: list[tuple[int, str]] = []
    _requirement_lines(path, text, found, out=pending, constraints=constraints, seen={path})
    for number, line in pending:
        _add_requirement(found, path, number, line, constraints, how=path)


def _requirement_lines(
    path: str,
    text: str,
    found: Found,
    *,
    out: list[tuple[int, str]],
    constraints: dict[str, _Locked],
    seen: set[str],
) -> None:
    """The requirement lines of ``path``, and, read as pip reads them, the files it includes: `-r`
    adds their requirements (read under their own path), `-c` their exact versions as constraints."""
    for number, logical in _logical_lines(text):
        line = _COMMENT.sub("", logical).strip()
        include = _INCLUDE.match(line)
        if include is not None:
            _include(path, number, include.group(1), include.group(2), found, constraints=constraints, seen=seen)
            continue
        # Other options (`-e`, `--index-url`) and bare paths or URLs name no versioned package.
        if not line or line.startswith("-") or _NOT_A_NAME.match(line):
            continue
        out.append((number, _OPTION_TAIL.split(line, maxsplit=1)[0]))


def _include(
    path: str, number: int, option: str, target: str, found: Found, *, constraints: dict[str, _Locked], seen: set[str]
) -> None:
    import posixpath

    name = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
    if name in seen or len(seen) > _MAX_INCLUDES:
        return  # an include cycle, or a chain no real project has: each file is read once
    if name.startswith("../") or name == ".." or posixpath.isabs(name):
        found.problem(path, number, f"{path}: {target} is outside the repository (not read)")
        return
    seen.add(name)
    text = found.text(name)
    if text is None:
        return
    lines: list[tuple[int, str]] = []
    _requirement_lines(name, text, found, out=lines, constraints=constraints, seen=seen)
    if option in ("-c", "--constraint"):
        for line_number, line in lines:
            exact = _exact_requirement(line)
            if exact is not None:
                constraints.setdefault(package_key("pypi", exact[0]), _Locked(exact[1], name, line_number))
    else:
        for line_number, line in lines:
            _add_requirement(found, name, line_number, line, constraints, how=name)


def _exact_requirement(text: str) -> tuple[str, str] | None:
    from packaging.requirements import InvalidRequirement, Requirement

    if len(text) > _MAX_REQUIREMENT:
        return None
    try:
        requirement = Requirement(text)
    except InvalidRequirement:
        return None
    exact = pep440_exact(requirement.specifier)
    return (requirement.name, exact) if exact else None


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """Lines with `\\` continuations joined, each with the number of the line it starts on."""
    pending: list[str] = []
    start = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if not pending:
            start = number
        if line.endswith("\\"):
            pending.append(line[:-1] + " ")
            continue
        yield start, "".join(pending) + line
        pending = []
    if pending:
        yield start, "".join(pending)


def _add_requirement(
    found: Found, path: str, line: int, text: str, locked: dict[str, _Locked] | None = None, *, how: str
) -> None:
    from packaging.requirements import InvalidRequirement, Requirement

    if len(text) > _MAX_REQUIREMENT:
        found.problem(path, line, f"{path}: a requirement of {len(text)} characters (not read)")
        return
    try:
        requirement = Requirement(text)
    except InvalidRequirement as error:
        # Quoted from a file a PR may point anywhere: scrubbed before it is cut, and short.
        reason = redact.excerpt(str(error).splitlines()[0], 120)
        found.problem(path, line, f"{path}: not a requirement: {redact.excerpt(text.strip(), 80)!r} ({reason})")
        return
    if requirement.url:
        found.install(Install("pypi", requirement.name, requirement.url, None, path, line, how=how))
        return
    # packaging re-orders specifiers when printing them; the spec is kept as the user wrote it.
    written = _REQUIREMENT_HEAD.sub("", text.split(";", 1)[0]).strip().removeprefix("(").removesuffix(")").strip()
    _add(found, requirement.name, written, pep440_exact(requirement.specifier), path, line=line, locked=locked, how=how)


def _add(
    found: Found,
    name: str,
    spec: str,
    exact: str | None,
    path: str,
    *,
    line: int,
    locked: dict[str, _Locked] | None,
    how: str,
) -> None:
    hit = (locked or {}).get(package_key("pypi", name))
    if hit is not None:
        from_spec = f" (from {spec})" if spec else ""
        how = f"{hit.path}{from_spec}, declared in {how}"
        found.install(Install("pypi", name, spec, hit.version, hit.path, hit.line, how=how))
        return
    advice = "the lock does not list it: lock it" if locked else ""
    found.install(Install("pypi", name, spec, exact, path, line, how=how, advice=advice))


_REQUIREMENT_HEAD = re.compile(r"^\s*[A-Za-z0-9][A-Za-z0-9._-]*\s*(?:\[[^\]]*\])?\s*")
_TOML_LINE = re.compile(r"line (\d+)")


def toml(path: str, text: str, found: Found) -> dict[str, object] | None:
    if sys.version_info >= (3, 11):
        import tomllib
    else:
        import tomli as tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        where = _TOML_LINE.search(str(error))
        found.problem(path, int(where.group(1)) if where else 1, f"{path} is not valid TOML: {error}")
    except RecursionError:
        found.problem(path, 1, f"{path} is nested too deeply to read")
    return None


class _Lines:
    """Line numbers of offsets and of quoted strings, found in order in one pass over the text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.newlines = [at for at, char in enumerate(text) if char == "\n"]
        self.cursor = 0

    def line_at(self, offset: int) -> int:
        return bisect.bisect_left(self.newlines, offset) + 1

    def of(self, needle: str, *, quoted: bool = False) -> int:
        # Requirements are written in the order TOML gives them: search on from the last one found.
        for start in (self.cursor, 0):
            for candidate in [f'"{needle}"', f"'{needle}'"] if quoted else [needle]:
                at = self.text.find(candidate, start)
                if at >= 0:
                    self.cursor = at
                    return self.line_at(at)
        return 1


def _read_pyproject(path: str, text: str, found: Found) -> None:
    data = toml(path, text, found)
    if data is None:
        return
    lines = _Lines(text)
    locked = _python_lock(found)
    project = data.get("project")
    groups: list[tuple[str, object]] = []
    if isinstance(project, dict):
        optional = project.get("optional-dependencies", {})
        groups.append(("dependencies", project.get("dependencies", [])))
        if isinstance(optional, dict):
            groups += [(f"optional-dependencies.{name}", deps) for name, deps in optional.items()]
        else:
            found.problem(path, lines.of("optional-dependencies"), f"{path}: optional-dependencies is not a table")
    dependency_groups = data.get("dependency-groups")
    if isinstance(dependency_groups, dict):
        # PEP 735: a group lists requirements and `{include-group = ...}` tables, which name no version.
        groups += [
            (f"dependency-groups.{name}", [item for item in deps if not isinstance(item, dict)])
            for name, deps in dependency_groups.items()
            if isinstance(deps, list)
        ]
    for label, requirements in groups:
        if not isinstance(requirements, list) or not all(isinstance(r, str) for r in requirements):
            found.problem(path, lines.of(label.rpartition(".")[2]), f"{path}: {label} is not a list of strings")
            continue
        for requirement in requirements:
            _add_requirement(found, path, lines.of(requirement, quoted=True), requirement, locked, how=path)

    tool = data.get("tool")
    poetry = tool.get("poetry") if isinstance(tool, dict) else None
    if isinstance(poetry, dict):
        tables = [("tool.poetry.dependencies", poetry.get("dependencies"))]
        tables.append(("tool.poetry.dev-dependencies", poetry.get("dev-dependencies")))
        group_tables = poetry.get("group")
        if isinstance(group_tables, dict):
            tables += [
                (f"tool.poetry.group.{name}.dependencies", group.get("dependencies"))
                for name, group in group_tables.items()
                if isinstance(group, dict)
            ]
        keys = _toml_keys(text)
        for table, dependencies in tables:
            if dependencies is not None:
                _read_poetry_table(path, keys, table, dependencies, found, locked=locked)


def _read_poetry_table(
    path: str,
    keys: dict[str, tuple[int, dict[str, int]]],
    table: str,
    dependencies: object,
    found: Found,
    *,
    locked: dict[str, _Locked] | None,
) -> None:
    header_line, entries = keys.get(table, (1, {}))
    if not isinstance(dependencies, dict):
        found.problem(path, header_line, f"{path}: [{table}] is not a table")
        return
    for name, value in dependencies.items():
        if name.lower() == "python":
            continue
        line = entries.get(name, header_line)
        spec = _poetry_spec(value)
        if spec is None:
            found.problem(path, line, f"{path}: the version of {name} is not a string or table")
            continue
        _add(found, name, spec, poetry_exact(spec), path, line=line, locked=locked, how=path)


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


_TABLE_HEADER = re.compile(r"\s*\[\s*([^\[\]#]*?)\s*\]\s*(?:#.*)?$")
_TOML_KEY = re.compile(r"""\s*(?:"([^"]*)"|'([^']*)'|([A-Za-z0-9_.-]+))\s*=""")


def _toml_keys(text: str) -> dict[str, tuple[int, dict[str, int]]]:
    """Each table's header line and the line of each key in it, in one pass (tomllib keeps no
    positions)."""
    tables: dict[str, tuple[int, dict[str, int]]] = {}
    current: dict[str, int] | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        header = _TABLE_HEADER.match(line)
        if header is not None:
            name = ".".join(part.strip().strip("\"'") for part in header.group(1).split("."))
            current = tables.setdefault(name, (number, {}))[1]
            continue
        key = _TOML_KEY.match(line)
        if key is not None and current is not None:
            current.setdefault(key.group(1) or key.group(2) or key.group(3), number)
    return tables


# --- locks ---------------------------------------------------------------------------------------------


def _python_lock(found: Found) -> dict[str, _Locked] | None:
    """The versions the first lock at the root fixes, by normalized name; None when there is none.
    uv and Poetry write the same shape: `[[package]]` tables of `name` and `version`."""
    if "python-lock" in found.memo:
        return found.memo["python-lock"]  # type: ignore[return-value]
    locked: dict[str, _Locked] | None = None
    for name in ("uv.lock", "poetry.lock"):
        if name in found.files:
            text = found.text(name)
            locked = _package_tables(name, text, found) if text is not None else None
            break
    found.memo["python-lock"] = locked
    return locked


def _package_tables(path: str, text: str, found: Found) -> dict[str, _Locked] | None:
    if toml(path, text, found) is None:
        return None
    locked: dict[str, _Locked] = {}
    for name, version, number in locked_packages(text):
        locked.setdefault(package_key("pypi", name), _Locked(version, path, number))
    return locked


def _read_pipfile_lock(path: str, text: str, found: Found) -> None:
    data = json_object(path, text, found)
    if data is None:
        return
    lines = json_key_lines(text, depth=2)
    for section in ("default", "develop"):
        packages = data.get(section)
        if not isinstance(packages, dict):
            continue
        for name, entry in packages.items():
            version = entry.get("version") if isinstance(entry, dict) else None
            if not isinstance(version, str):
                continue  # a git or path package: no version is named
            line = lines.get((section, name), 1)
            exact = version.removeprefix("==") if version.startswith("==") else None
            found.install(Install("pypi", name, version, exact, path, line, how=f"{path} {section}"))

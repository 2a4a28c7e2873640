"""Python: `requirements*.txt` and `pyproject.toml` (PEP 621 and Poetry)."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator

from forgea_hooks.manifests.core import Found, Install, Reader
from forgea_hooks.manifests.versions import pep440_exact, poetry_exact

_COMMENT = re.compile(r"(?:^|\s)#.*$")
_OPTION_TAIL = re.compile(r"\s+--?[A-Za-z]")
_NOT_A_NAME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://|[./~]")


def _read_requirements(path: str, text: str, found: Found) -> None:
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


def _add_requirement(found: Found, path: str, line: int, text: str) -> None:
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        requirement = Requirement(text)
    except InvalidRequirement as error:
        reason = str(error).splitlines()[0]
        found.problem(path, line, f"{path}: not a requirement: {text.strip()!r} ({reason})")
        return
    if requirement.url:
        found.install(Install("pypi", requirement.name, requirement.url, None, path, line))
        return
    # packaging re-orders specifiers when printing them; the spec is kept as the user wrote it.
    written = _REQUIREMENT_HEAD.sub("", text.split(";", 1)[0]).strip().removeprefix("(").removesuffix(")")
    exact = pep440_exact(requirement.specifier)
    found.install(Install("pypi", requirement.name, written.strip(), exact, path, line))


_REQUIREMENT_HEAD = re.compile(r"^\s*[A-Za-z0-9][A-Za-z0-9._-]*\s*(?:\[[^\]]*\])?\s*")
_TOML_LINE = re.compile(r"line (\d+)")


def _read_pyproject(path: str, text: str, found: Found) -> None:
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


def _read_poetry_table(path: str, text: str, table: str, dependencies: object, found: Found) -> None:
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
        found.install(Install("pypi", name, spec, poetry_exact(spec), path, line))


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


READERS = (
    Reader("python", ("requirements*.txt",), _read_requirements, "requirements, one a line"),
    Reader(
        "python",
        ("pyproject.toml",),
        _read_pyproject,
        "`[project]` dependencies and optional dependencies, `[tool.poetry]` dependencies and groups",
    ),
)

"""``.forgea-hooks.yaml`` or ``[tool.forgea-hooks]`` in ``pyproject.toml`` -> Config.

The file is validated against the bundled ``config.schema.json``; anything wrong is a ConfigError
naming the file and the key, which the CLI turns into exit 2.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from forgea_hooks import fastschema, safefs
from forgea_hooks.findings import KINDS, Severity

CONFIG_FILE = ".forgea-hooks.yaml"
BASELINE_FILE = ".forgea-hooks-baseline.json"
SCHEMA_DIR = Path(__file__).parent / "schemas"

DEFAULT_KIND_PATHS: dict[str, tuple[str, ...]] = {
    "registry": ("docs/official-docs-registry.md",),
    "official-doc": ("docs/official-docs/**/*.md",),
    "task": ("docs/tasks/**/*.md",),
    "gatekeeper-report": ("docs/gatekeeper/**/*.md",),
}


class ConfigError(Exception):
    """A configuration or usage problem: the message names the file and the key."""


@dataclass(frozen=True)
class KindSettings:
    paths: tuple[str, ...]
    sniff: bool
    schema: Path | None


@dataclass(frozen=True)
class Config:
    root: Path
    origin: str | None = None
    kinds: Mapping[str, KindSettings] = field(default_factory=dict)
    exclude: tuple[str, ...] = ()
    severity_overrides: Mapping[tuple[str, str], Severity | None] = field(default_factory=dict)
    technologies: Mapping[str, Any] = field(default_factory=dict)
    links: Mapping[str, Any] = field(default_factory=dict)
    online: Mapping[str, Any] = field(default_factory=dict)
    baseline: str | None = None  # the baseline file, relative to the root
    fix: Mapping[str, Any] = field(default_factory=dict)  # the fix engine's settings

    def kind_globs(self) -> dict[str, tuple[str, ...]]:
        return {kind: settings.paths for kind, settings in self.kinds.items()}

    def sniffs(self) -> bool:
        return self.kinds["gatekeeper-report"].sniff


def load(root: Path, explicit: Path | None, known_rules: Collection[str]) -> Config:
    """Read the config for ``root``: ``explicit`` if given, else the first of the two places found."""
    raw: dict[str, Any] = {}
    origin: str | None = None
    if explicit is not None:
        raw, origin = _read(explicit), str(explicit)
    elif os.path.lexists(root / CONFIG_FILE):
        raw, origin = _read(root / CONFIG_FILE, root), str(root / CONFIG_FILE)
    elif (root / "pyproject.toml").is_file():
        table = _read_pyproject(root / "pyproject.toml", root)
        if table is not None:
            raw, origin = table, f"{root / 'pyproject.toml'} [tool.forgea-hooks]"
    if raw:
        _validate(raw, origin or "config")
    return _build(root, raw, origin, known_rules)


def _read(path: Path, root: Path | None = None) -> dict[str, Any]:
    if path.name == "pyproject.toml":
        return _read_pyproject(path, root) or {}
    text = _read_capped(path, root, "the config file")
    # Imported on use: most repos have no config file, and start-up time is part of the hook.
    import yaml

    try:
        # A pull request can change this file: anchors and aliases ("billion laughs") and deep
        # nesting (a RecursionError in the constructor) are refused before anything is built.
        depth = 0
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                raise ConfigError(f"{path}: YAML anchors and aliases are not allowed in the config")
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise ConfigError(f"{path}: the config is nested more than {MAX_DEPTH} levels deep")
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: {yaml_problem(exc)}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the config must be a mapping of keys (kinds, exclude, rules, ...)")
    _check_keys(data, str(path))
    return data


def yaml_problem(exc: Exception) -> str:
    """PyYAML's complaint with its line and column (1-based), which its first line leaves out."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or (str(exc).strip().splitlines() or [exc.__class__.__name__])[0]
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
    return f"not valid YAML{where}: {problem}"


CONFIG_MAX_BYTES = 1024 * 1024
MAX_DEPTH = 32


def _read_capped(path: Path, root: Path | None, what: str) -> str:
    """The file's text through safefs: inside ``root`` (for an explicitly named file, its own
    folder), a regular file, at most CONFIG_MAX_BYTES."""
    from forgea_hooks import safefs

    folder = root if root is not None else path.absolute().parent
    try:
        return safefs.read_text(folder, path.absolute(), CONFIG_MAX_BYTES)
    except safefs.Refused as refused:
        raise ConfigError(f"{path}: cannot read {what}: it {refused.reason}") from None


def _check_keys(node: Any, origin: str, where: str = "") -> None:
    """Every mapping key must be a string (YAML allows `1: a`, which the schema cannot name)."""
    stack = [(node, where)]
    while stack:
        item, place = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if not isinstance(key, str):
                    raise ConfigError(f"{origin}: key '{place}{key!s:.50}' is not a string; config keys are words")
                stack.append((value, f"{place}{key}."))
        elif isinstance(item, list):
            stack.extend((value, place) for value in item)


def _read_pyproject(path: Path, root: Path | None = None) -> dict[str, Any] | None:
    # Imported here: most roots configure forgea-hooks in .forgea-hooks.yaml or not at all.
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib

    text = _read_capped(path, root, "pyproject.toml")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: cannot read pyproject.toml: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{path}: pyproject.toml is nested too deeply") from None
    tool = data.get("tool", {})
    table = tool.get("forgea-hooks") if isinstance(tool, dict) else None
    if table is None:
        return None
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.forgea-hooks] must be a table")
    if _depth(table) > MAX_DEPTH:
        raise ConfigError(f"{path}: [tool.forgea-hooks] is nested more than {MAX_DEPTH} levels deep")
    return table


def _depth(node: Any) -> int:
    deepest = 0
    stack = [(node, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def _validate(raw: dict[str, Any], origin: str) -> None:
    # jsonschema-rs, which the docs' check loads anyway, answers "valid" for most configs; only a
    # config it does not call valid pays for importing python-jsonschema, which says what is wrong.
    verdict = _fast_verdict()
    if verdict is not None and fastschema.plain_json(raw) and verdict(raw):
        return
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(_schema())
    errors = sorted(validator.iter_errors(raw), key=lambda error: list(map(str, error.absolute_path)))
    if errors:
        from forgea_hooks.schemawords import explain

        raise ConfigError(f"{origin}: {explain(errors[0], _config_key)}")


@functools.cache
def _schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((SCHEMA_DIR / "config.schema.json").read_text(encoding="utf-8"))
    return loaded


@functools.cache
def _fast_verdict() -> fastschema.Verdict | None:
    from forgea_hooks.schemas import inline_local_refs  # it reads this module's names at import

    return fastschema.fast_verdict(inline_local_refs(_schema()))


def _config_key(path: Sequence[str | int]) -> str:
    return "'" + ".".join(str(part) for part in path) + "'" if path else "the config"


def _check_links(root: Path, links: Mapping[str, Any], origin: str | None) -> None:
    """What the schema cannot say about ``links:``: the cache stays inside the root, status ranges
    run low to high, and exclude patterns run in bounded time."""
    from forgea_hooks import saferegex

    cache = links.get("cache", {}).get("path")
    if cache is not None:
        try:
            safefs.cache_folder(root, (root / cache).parent)
        except safefs.Refused as refused:
            raise ConfigError(f"{origin}: key 'links.cache.path': {cache} {refused.reason}") from None
    for text in links.get("accept", ()):
        low, _, high = str(text).partition("-")
        if high and int(low) > int(high):
            raise ConfigError(f"{origin}: key 'links.accept': '{text}' runs backwards; write it low-high")
    for pattern in links.get("exclude", ()):
        problem = saferegex.problem(pattern)
        if problem is not None:
            raise ConfigError(f"{origin}: key 'links.exclude': {pattern[:100]!r}: {problem}")


def _severity(value: Any) -> Severity | None:
    return None if value in ("off", False) else Severity(value)


def _build(root: Path, raw: dict[str, Any], origin: str | None, known_rules: Collection[str]) -> Config:
    kinds: dict[str, KindSettings] = {}
    for kind in KINDS:
        given = raw.get("kinds", {}).get(kind, {})
        schema = given.get("schema")
        schema_path = None
        if schema is not None:
            schema_path = Path(schema) if Path(schema).is_absolute() else root / schema
            try:
                safefs.inside(root, schema_path)
            except safefs.Refused as refused:
                raise ConfigError(f"{origin}: key 'kinds.{kind}.schema': {schema} {refused.reason}") from None
            if not schema_path.is_file():
                raise ConfigError(f"{origin}: key 'kinds.{kind}.schema': no schema file at {schema_path}")
        kinds[kind] = KindSettings(
            paths=tuple(given.get("paths", DEFAULT_KIND_PATHS[kind])),
            sniff=bool(given.get("sniff", kind == "gatekeeper-report")),
            schema=schema_path,
        )
    _check_links(root, raw.get("links", {}), origin)
    overrides: dict[tuple[str, str], Severity | None] = {}
    for rule, setting in raw.get("rules", {}).items():
        if rule not in known_rules:
            from forgea_hooks.schemawords import suggest

            near = suggest(rule, known_rules)
            raise ConfigError(f"{origin}: key 'rules.{rule}': no such rule{near} (see `forgea-hooks rules`)")
        if isinstance(setting, dict):
            for kind, value in setting.items():
                overrides[(rule, kind)] = _severity(value)
        else:
            for kind in KINDS:
                overrides[(rule, kind)] = _severity(setting)
    return Config(
        root=root,
        origin=origin,
        kinds=kinds,
        exclude=tuple(raw.get("exclude", ())),
        severity_overrides=overrides,
        technologies=raw.get("technologies", {}),
        links=raw.get("links", {}),
        online=raw.get("online", {}),
        baseline=raw.get("baseline"),
        fix=raw.get("fix", {}),
    )

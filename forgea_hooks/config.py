"""``.forgea-hooks.yaml`` or ``[tool.forgea-hooks]`` in ``pyproject.toml`` -> Config.

The file is validated against the bundled ``config.schema.json``; anything wrong is a ConfigError
naming the file and the key, which the CLI turns into exit 2.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from forgea_hooks.findings import KINDS, Severity

CONFIG_FILE = ".forgea-hooks.yaml"
CACHE_DIR = ".forgea-hooks-cache"
SCHEMA_DIR = Path(__file__).parent / "schemas"

DEFAULT_KIND_PATHS: dict[str, tuple[str, ...]] = {
    "registry": ("docs/official-docs-registry.md",),
    "official-doc": ("docs/official-docs/**/*.md",),
    "task": ("docs/tasks/**/*.md",),
    "gatekeeper-report": ("docs/gatekeeper/**/*.md",),
}
ALWAYS_SKIPPED = (".git", "node_modules", "vendor", CACHE_DIR)


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
    elif (root / CONFIG_FILE).is_file():
        raw, origin = _read(root / CONFIG_FILE), str(root / CONFIG_FILE)
    elif (root / "pyproject.toml").is_file():
        table = _read_pyproject(root / "pyproject.toml")
        if table is not None:
            raw, origin = table, f"{root / 'pyproject.toml'} [tool.forgea-hooks]"
    if raw:
        _validate(raw, origin or "config")
    return _build(root, raw, origin, known_rules)


def _read(path: Path) -> dict[str, Any]:
    if path.name == "pyproject.toml":
        return _read_pyproject(path) or {}
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the config file: {exc}") from None
    # Imported on use: most repos have no config file, and start-up time is part of the hook.
    import yaml

    try:
        # A pull request can change this file: anchors and aliases ("billion laughs") are refused
        # before anything is built from it.
        if any(isinstance(event, yaml.AliasEvent) for event in yaml.parse(text, Loader=yaml.SafeLoader)):
            raise ConfigError(f"{path}: YAML anchors and aliases are not allowed in the config")
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: {yaml_problem(exc)}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the config must be a mapping of keys (kinds, exclude, rules, ...)")
    return data


def yaml_problem(exc: Exception) -> str:
    """PyYAML's complaint with its line and column (1-based), which its first line leaves out."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or (str(exc).strip().splitlines() or [exc.__class__.__name__])[0]
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
    return f"not valid YAML{where}: {problem}"


def _read_pyproject(path: Path) -> dict[str, Any] | None:
    # Imported here: most roots configure forgea-hooks in .forgea-hooks.yaml or not at all.
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read pyproject.toml: {exc}") from None
    table = data.get("tool", {}).get("forgea-hooks")
    if table is None:
        return None
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.forgea-hooks] must be a table")
    return table


def _validate(raw: dict[str, Any], origin: str) -> None:
    from jsonschema import Draft202012Validator

    schema = json.loads((SCHEMA_DIR / "config.schema.json").read_text(encoding="utf-8"))
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(raw), key=lambda error: list(map(str, error.absolute_path)))
    if errors:
        from forgea_hooks.schemawords import explain

        raise ConfigError(f"{origin}: {explain(errors[0], _config_key)}")


def _config_key(path: Sequence[str | int]) -> str:
    return "'" + ".".join(str(part) for part in path) + "'" if path else "the config"


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
            if not schema_path.is_file():
                raise ConfigError(f"{origin}: key 'kinds.{kind}.schema': no schema file at {schema_path}")
        kinds[kind] = KindSettings(
            paths=tuple(given.get("paths", DEFAULT_KIND_PATHS[kind])),
            sniff=bool(given.get("sniff", kind == "gatekeeper-report")),
            schema=schema_path,
        )
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
    )

"""No JSON Schema wording reaches a user: every failure the bundled schemas can produce, and every
error class of Draft 2020-12, reads as a sentence about the user's file."""

from __future__ import annotations

import copy
import json
import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from forgea_hooks.api import Checker, CheckOptions
from forgea_hooks.config import SCHEMA_DIR, ConfigError, load
from forgea_hooks.documents.markdown import parse
from forgea_hooks.findings import KINDS
from forgea_hooks.schemas import problems, validator_for
from forgea_hooks.schemawords import explain
from tests.conftest import REPO, TREES

JARGON = re.compile(
    r"given schema|schemas|is not of type|is a required property|additional propert|does not match|is not one of"
    r"|non-empty"
    r"|is too (short|long)|unevaluated|is a dependency|\['|'\]|should (not )?be|is not valid under|expected to be"
    r"|is not a multiple|is less than|is greater than|does not contain|non-unique|expected at most|valid under each"
    r"|(?-i:\bNone\b|\bTrue\b|\bFalse\b)",
    re.I,
)
# Keywords that hold subschemas or annotations: they never fail by themselves.
STRUCTURAL = {
    "$schema",
    "$id",
    "$ref",
    "$defs",
    "$comment",
    "title",
    "description",
    "properties",
    "items",
    "allOf",
    "if",
    "then",
}


def mutations(instance: Any, most: int = 1000) -> list[Any]:
    """The instance with one place broken: each value replaced by values of its own type that
    break it (empty, odd) and by one of another type, each key removed, an unknown key added to
    each mapping. A fixed sample of ``most`` when there are more."""
    every = list(_mutations(instance))
    return random.Random(0).sample(every, most) if len(every) > most else every


def _bad_values(value: Any) -> list[Any]:
    if isinstance(value, str):
        return ["", "x", None]
    if isinstance(value, list):
        return [[], ["x"], "x"]
    if isinstance(value, dict):
        return [{}, "x", "add", *(("delete", key) for key in value)]
    return ["x", None]


def _mutations(instance: Any) -> Iterator[Any]:
    places: list[tuple[list[Any], Any]] = []

    def walk(node: Any, path: list[Any]) -> None:
        places.append((path, node))
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, [*path, key])
        elif isinstance(node, list):
            for index, value in enumerate(node[:2]):
                walk(value, [*path, index])

    walk(instance, [])
    for path, node in places:
        for bad in _bad_values(node):
            broken = copy.deepcopy(instance)
            parent: Any = broken
            for step in path[:-1]:
                parent = parent[step]
            target = parent[path[-1]] if path else broken
            if bad == "add":
                target["colour"] = "blue"
            elif isinstance(bad, tuple):
                del target[bad[1]]
            elif path:
                parent[path[-1]] = bad
            else:
                continue
            yield broken


def models(kind: str) -> Iterator[dict[str, Any]]:
    """From each of the project's trees (the valid and the invalid one), the model of the kind with
    the most different keys, the smallest of those: the most places to break per validation."""
    for tree in TREES.values():
        checker = Checker(CheckOptions(root=tree, no_cache=True))
        found = []
        for candidate in checker._candidates():
            if checker._kind_of(candidate.relpath) == kind:
                text = (tree / candidate.relpath).read_text(encoding="utf-8", errors="replace")
                found.append(parse(text, candidate.display, candidate.relpath, kind)[0].to_json())
        if found:
            yield min(
                found,
                key=lambda model: (-len(set(re.findall(r'"([^"]+)":', json.dumps(model)))), len(json.dumps(model))),
            )


def keywords(errors: list[ValidationError]) -> Iterator[str]:
    for error in errors:
        yield str(error.validator)
        yield from keywords(list(error.context or []))


def schema_keywords(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            found.add(key)
            # Data, and conditions (`if`, what `contains` looks for), which never fail by themselves.
            if key not in ("enum", "const", "required", "examples", "default", "if", "contains"):
                found |= (
                    schema_keywords(value)
                    if key not in ("properties", "$defs")
                    else set().union(*(schema_keywords(sub) for sub in value.values()))
                )
    elif isinstance(node, list):
        for item in node:
            found |= schema_keywords(item)
    return found


@pytest.mark.parametrize("kind", KINDS)
def test_every_failure_of_a_bundled_kind_schema_reads_plainly(kind: str) -> None:
    validator = validator_for(kind, None).validator
    seen: set[str] = set()
    messages: set[str] = set()
    for model in models(kind):
        for broken in mutations(model):
            seen.update(keywords(list(validator.iter_errors(broken))))
            messages.update(problem.message for problem in problems(broken, validator))
    assert messages
    assert [message for message in messages if JARGON.search(message)] == []
    schema = json.loads((SCHEMA_DIR / f"{kind}.schema.json").read_text(encoding="utf-8"))
    failing = {key for key in schema_keywords(schema) if not key.startswith("x-")} - STRUCTURAL
    assert failing <= seen, f"never made to fail: {failing - seen}"


def readme_config() -> dict[str, Any]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Configuration", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    loaded: dict[str, Any] = yaml.safe_load(block)
    del loaded["kinds"]["gatekeeper-report"]["schema"]  # a file the example names, not in this tree
    return loaded


def test_every_failure_of_the_config_schema_reads_plainly(tmp_path: Path) -> None:
    config = tmp_path / ".forgea-hooks.yaml"
    messages: set[str] = set()
    rules = {"pin-unknown", "pin-drift", "source-insecure"}
    for broken in mutations(readme_config(), most=200):
        config.write_text(json.dumps(broken), encoding="utf-8")  # JSON is YAML
        try:
            load(tmp_path, config, rules)
        except ConfigError as exc:
            messages.add(str(exc).split(": ", 1)[1])
    assert len(messages) > 20
    assert [message for message in messages if JARGON.search(message)] == []


# One failing instance for every error class of Draft 2020-12.
EVERY_CLASS: list[tuple[dict[str, Any], Any]] = [
    ({"type": "string"}, 3),
    ({"type": ["string", "array"]}, {}),
    ({"enum": ["error", "warning"]}, "eror"),
    ({"const": "status"}, "state"),
    ({"pattern": "^v[0-9]+$", "description": "a version such as v2"}, "2"),
    ({"format": "regex"}, "("),
    ({"minLength": 1}, ""),
    ({"minLength": 3}, "ab"),
    ({"maxLength": 2}, "abc"),
    ({"minItems": 1}, []),
    ({"minItems": 2}, ["a"]),
    ({"maxItems": 1}, ["a", "b"]),
    ({"uniqueItems": True}, ["a", "a"]),
    ({"minimum": 1}, 0),
    ({"maximum": 1}, 2),
    ({"exclusiveMinimum": 0}, 0),
    ({"exclusiveMaximum": 0}, 0),
    ({"multipleOf": 2}, 3),
    ({"minProperties": 1}, {}),
    ({"maxProperties": 1}, {"a": 1, "b": 2}),
    ({"required": ["technology", "version"]}, {"technology": "x"}),
    ({"dependentRequired": {"url": ["status"]}}, {"url": "x"}),
    ({"properties": {"version": True}, "additionalProperties": False}, {"verison": 1}),
    ({"properties": {"version": True}, "unevaluatedProperties": False}, {"verison": 1}),
    ({"prefixItems": [True], "items": False}, [1, 2]),
    ({"prefixItems": [True], "unevaluatedItems": False}, [1, 2]),
    ({"contains": {"const": "status"}}, ["technology", "version"]),
    ({"contains": {"type": "number"}, "minContains": 2}, [1, "a"]),
    ({"contains": {"type": "number"}, "maxContains": 1}, [1, 2]),
    ({"anyOf": [{"type": "integer"}, {"enum": ["error", "off"]}]}, "fatal"),
    ({"oneOf": [{"type": "integer"}, {"enum": ["error", "off"]}]}, "fatal"),
    ({"oneOf": [{"type": "integer"}, {"minimum": 0}]}, 1),
    ({"not": {"const": "TBD"}}, "TBD"),
    ({"properties": {"x": False}}, {"x": 1}),
    ({"propertyNames": {"pattern": "^[a-z]+$"}}, {"Bad Key": 1}),
    ({"dependentSchemas": {"url": {"required": ["status"]}}}, {"url": "x"}),
    ({"if": {"const": "a"}, "then": {"const": "b"}, "else": {"const": "c"}}, "d"),
    ({"$defs": {"v": {"type": "string"}}, "$ref": "#/$defs/v"}, 1),
]


@pytest.mark.parametrize(("schema", "instance"), EVERY_CLASS)
def test_every_error_class_has_a_sentence(schema: dict[str, Any], instance: Any) -> None:
    errors = list(
        Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER).iter_errors(instance)
    )
    assert errors
    for error in errors:
        sentence = explain(error, lambda path: "'field'")
        assert not JARGON.search(sentence), sentence
        assert "not allowed here" not in sentence or error.validator in ("not", "false", None, "properties"), sentence


def test_a_near_miss_gets_a_suggestion(tmp_path: Path) -> None:
    config = tmp_path / ".forgea-hooks.yaml"
    for text, said in [
        ("rules:\n  pin-unknown: eror\n", "did you mean 'error'?"),
        ("linkz: {}\n", "unknown key 'linkz'; did you mean 'links'?"),
        ("links:\n  per-hots: 3\n", "unknown key 'per-hots' in 'links'; did you mean 'per-host'?"),
        ("rules:\n  pin-drif: error\n", "no such rule; did you mean 'pin-drift'?"),
    ]:
        config.write_text(text, encoding="utf-8")
        with pytest.raises(ConfigError) as raised:
            load(tmp_path, config, {"pin-drift", "pin-unknown"})
        assert said in str(raised.value)


def test_yaml_errors_keep_line_and_column(tmp_path: Path) -> None:
    config = tmp_path / ".forgea-hooks.yaml"
    config.write_text("rules:\n  pin-unknown: error\n  bad: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load(tmp_path, config, set())
    assert re.search(r"not valid YAML at line \d+, column \d+: ", str(raised.value)), str(raised.value)


def test_front_matter_yaml_errors_keep_line_and_column(tmp_path: Path) -> None:
    doc = tmp_path / "docs" / "official-docs" / "pg.md"
    doc.parent.mkdir(parents=True)
    doc.write_text("---\ntechnology: PostgreSQL\nversion: [16.4\n---\n\n## Purpose\n\nx\n", encoding="utf-8")
    result = Checker(CheckOptions(root=tmp_path, paths=(str(doc),))).run()
    invalid = [finding for finding in result.findings if finding.rule == "file-invalid"]
    assert len(invalid) == 1
    assert invalid[0].line == 4 and re.search(r"not valid YAML at column \d+: ", invalid[0].message), invalid[0]

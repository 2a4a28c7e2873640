"""Bundled and user JSON Schemas (Draft 2020-12), and their errors turned into findings.

A schema names the finding a failure becomes with the keyword ``x-rule`` on the failing subschema,
and may give the message with ``x-message``; without them a failed ``required`` is
``field-missing`` and anything else ``field-invalid``. The line is that of the
nearest model element on the error's path that has one (the entry's head line for a missing field).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from forgea_hooks import fastschema, safefs
from forgea_hooks.config import SCHEMA_DIR, ConfigError

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError


@dataclass(frozen=True, slots=True)
class SchemaProblem:
    rule: str
    line: int
    message: str


SCHEMA_MAX_BYTES = 1024 * 1024
MAX_SCHEMA_FILES = 32


class KindSchema:
    """A kind's schema, prepared for validation (``inline_local_refs``, ``skip_annotation_only``),
    with the two validators ``problems`` asks built on first need: the jsonschema-rs verdict from
    the first doc, python-jsonschema only for a doc the verdict does not call valid. A pre-commit
    run of valid docs so never imports python-jsonschema, which costs it more than the docs do."""

    __slots__ = ("_failures", "_registry", "_validator", "_verdict", "schema")

    def __init__(self, schema: Any, registry: Any = None, validator: Draft202012Validator | None = None) -> None:
        self.schema = schema
        self._registry = registry
        self._validator = validator
        self._verdict: list[fastschema.Verdict | None] = []
        self._failures: list[fastschema.Failures | None] = []

    @property
    def validator(self) -> Draft202012Validator:
        """The python-jsonschema validator, which gives every finding."""
        if self._validator is None:
            from jsonschema import Draft202012Validator

            if self._registry is None:
                self._validator = Draft202012Validator(self.schema)
            else:
                self._validator = Draft202012Validator(self.schema, registry=self._registry)
        return self._validator

    def verdict(self) -> fastschema.Verdict | None:
        """jsonschema-rs's "certainly valid", or None where only python-jsonschema may decide."""
        if not self._verdict:
            self._verdict.append(fastschema.fast_verdict(self.schema))
        return self._verdict[0]

    def failures(self) -> fastschema.Failures | None:
        """jsonschema-rs's account of what fails, where it needs no python-jsonschema to explain."""
        if not self._failures:
            self._failures.append(fastschema.fast_failures(self.schema))
        return self._failures[0]


@functools.lru_cache(maxsize=16)
def validator_for(kind: str, user_schema: Path | None) -> KindSchema:
    if user_schema is None:
        schema = json.loads((SCHEMA_DIR / f"{kind}.schema.json").read_text(encoding="utf-8"))
        return KindSchema(skip_annotation_only(inline_local_refs(schema)))
    # A user's schema is checked against the metaschema before any doc, which takes python-jsonschema.
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError

    schema, registry = _load_user_schema(user_schema, kind)
    try:
        # The bundled schemas are checked against the metaschema by the test suite; checking
        # them again on every run costs a pre-commit hook 40 ms.
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        raise ConfigError(f"{user_schema}: not a valid JSON Schema: {exc.message}") from None
    except RecursionError:
        raise ConfigError(f"{user_schema}: the schema is nested too deeply") from None
    if not isinstance(schema, dict):
        return KindSchema(schema, validator=Draft202012Validator(schema))  # `true` or `false`: nothing to inline
    prepared = skip_annotation_only(inline_local_refs(schema))
    return KindSchema(prepared, validator=Draft202012Validator(prepared, registry=registry))


def _load_user_schema(path: Path, kind: str) -> tuple[Any, Any]:
    """The user's schema and a registry of the schema files it refers to.

    A pull request can change the schema, so a ``$ref`` may only point inside the file
    (``#/$defs/x``) or at a file next to it (``common.json#/$defs/x``), read like any repo file;
    the registry has no way to fetch anything else, and anything else is refused here, before any
    doc is validated: never a request, in particular in an offline run."""
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    folder = path.parent
    schema = _read_schema(folder, path.name, kind)
    given = schema.get("$id") if isinstance(schema, dict) else None
    base = given if isinstance(given, str) else ""
    loaded: dict[str, Any] = {}
    pending = [(path.name, schema)]
    while pending:
        name, document = pending.pop()
        for reference in _references(document, path, top=True):
            target = reference.partition("#")[0]
            if not target or target in loaded or target == path.name:
                continue
            if not _NEIGHBOUR.fullmatch(target):
                raise ConfigError(
                    f"{path}: $ref '{reference[:200]}' (in {name}) is not allowed: a schema may refer only to "
                    "itself ('#/$defs/...') or to a .json file in its own folder ('common.json#/$defs/...')"
                )
            if len(loaded) >= MAX_SCHEMA_FILES:
                raise ConfigError(f"{path}: the schema refers to more than {MAX_SCHEMA_FILES} files")
            loaded[target] = _read_schema(folder, target, kind)
            pending.append((target, loaded[target]))
    resources = [(urljoin(base, name), Resource.from_contents(data, DRAFT202012)) for name, data in loaded.items()]
    return schema, Registry().with_resources(resources)


_NEIGHBOUR = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}\.json")


def _read_schema(folder: Path, name: str, kind: str) -> Any:
    try:
        return json.loads(safefs.read_text(folder, name, SCHEMA_MAX_BYTES))
    except safefs.Refused as refused:
        raise ConfigError(f"{folder / name}: cannot read the schema for kind '{kind}': it {refused.reason}") from None
    except json.JSONDecodeError as exc:
        problem = f"{exc.msg} (line {exc.lineno})"
        raise ConfigError(f"{folder / name}: the schema for kind '{kind}' is not JSON: {problem}") from None
    except RecursionError:
        raise ConfigError(f"{folder / name}: the schema for kind '{kind}' is nested too deeply") from None


def _references(node: Any, path: Path, *, top: bool) -> Iterator[str]:
    """Every ``$ref`` and ``$dynamicRef`` in a schema document; an ``$id`` below the top would
    change what a relative reference means, so one that is more than a fragment is refused."""
    stack = [(node, top)]
    while stack:
        item, at_top = stack.pop()
        if isinstance(item, list):
            stack.extend((child, False) for child in item)
        elif isinstance(item, dict):
            for key, value in item.items():
                if key in ("$ref", "$dynamicRef") and isinstance(value, str):
                    yield value
                elif key == "$id" and not at_top and isinstance(value, str) and not value.startswith("#"):
                    raise ConfigError(f"{path}: a nested $id ('{value[:200]}') is not allowed in a user schema")
                else:
                    stack.append((value, False))


def inline_local_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with each ``{"$ref": "#/$defs/name", ...}`` replaced by that definition (its
    siblings kept beside it under ``allOf``, or merged into it when they are only annotations),
    which means the same in Draft 2020-12.

    Resolving a ``$ref`` through jsonschema's registry costs more than the rest of validating a
    doc; the bundled schemas use ``$defs`` so that users can copy and extend them. A schema with
    any other reference (remote, recursive, ``$id``-relative) is left exactly as written.
    """
    definitions = schema.get("$defs", {})

    def resolve(node: Any, trail: tuple[str, ...]) -> Any:
        if isinstance(node, list):
            return [resolve(item, trail) for item in node]
        if not isinstance(node, dict):
            return node
        reference = node.get("$ref")
        if reference is None:
            return {key: resolve(value, trail) for key, value in node.items()}
        name = reference.removeprefix("#/$defs/") if isinstance(reference, str) else ""
        if not reference.startswith("#/$defs/") or "/" in name or name not in definitions or name in trail:
            raise _NotInlinable
        target = resolve(definitions[name], (*trail, name))
        siblings = {key: resolve(value, trail) for key, value in node.items() if key != "$ref"}
        if not siblings:
            return target
        if isinstance(target, dict) and all(_annotation(key) and key not in target for key in siblings):
            # Annotations validate nothing, so they can sit in the definition itself: one
            # subschema fewer to descend into for every field of every doc.
            return {**target, **siblings}
        if "allOf" in siblings:
            siblings["allOf"] = [*siblings["allOf"], target]
            return siblings
        return {**siblings, "allOf": [target]}

    try:
        return {key: resolve(value, ()) for key, value in schema.items()}
    except _NotInlinable:
        return schema


TITLES = "x-forgea-titles"


def skip_annotation_only(schema: Any) -> Any:
    """The schema with each ``properties`` entry that holds only annotations (``{"title":
    "Rollback"}``) replaced by ``true``, which means the same: jsonschema passes over ``true`` but
    descends into anything else, once for every such field of every doc. Their titles, which
    messages name, are kept beside ``properties`` under ``x-forgea-titles``. Only keywords that
    hold subschemas are walked, so data (``enum``, ``const``, ``default``) is never rewritten."""
    if not isinstance(schema, dict):
        return schema
    result = dict(schema)
    for keyword, value in schema.items():
        if keyword in _SCHEMA_KEYWORDS:
            result[keyword] = skip_annotation_only(value)
        elif keyword in _SCHEMA_LIST_KEYWORDS and isinstance(value, list):
            result[keyword] = [skip_annotation_only(item) for item in value]
        elif keyword in _SCHEMA_MAP_KEYWORDS and isinstance(value, dict):
            result[keyword] = {name: skip_annotation_only(item) for name, item in value.items()}
    properties = result.get("properties")
    if isinstance(properties, dict) and TITLES not in result:
        titles: dict[str, str] = {}
        for name, subschema in properties.items():
            if isinstance(subschema, dict) and all(_annotation(keyword) for keyword in subschema):
                properties[name] = True
                if isinstance(subschema.get("title"), str):
                    titles[name] = subschema["title"]
        if titles:
            result[TITLES] = titles
    return result


_SCHEMA_KEYWORDS = frozenset(
    {
        "additionalItems",
        "additionalProperties",
        "contains",
        "else",
        "if",
        "items",
        "not",
        "propertyNames",
        "then",
        "unevaluatedItems",
        "unevaluatedProperties",
    }
)
_SCHEMA_LIST_KEYWORDS = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
_SCHEMA_MAP_KEYWORDS = frozenset({"$defs", "definitions", "dependentSchemas", "patternProperties", "properties"})
_ANNOTATIONS = frozenset({"title", "description", "$comment", "examples", "default", "deprecated"})


def _annotation(keyword: str) -> bool:
    return keyword in _ANNOTATIONS or keyword.startswith("x-")


class _NotInlinable(Exception):
    """A reference that inlining would change the meaning of."""


def problems(instance: dict[str, Any], schema: KindSchema | Draft202012Validator) -> Iterator[SchemaProblem]:
    """What is wrong with the instance, from python-jsonschema; none, without asking it, when
    jsonschema-rs says the instance is valid (``fastschema``: only its *valid* is trusted). A bare
    python-jsonschema validator is asked directly."""
    if isinstance(schema, KindSchema):
        verdict = schema.verdict()
        if verdict is not None and verdict(instance):
            return
        failures = schema.failures()
        found = failures(instance) if failures is not None else None
        if found is not None:
            # What python-jsonschema would have said, in its order, at a fraction of its cost: a doc
            # missing a section is common in a tree, and python-jsonschema walks all of it to say so.
            explained = (_explain(_NativeError(failure), instance) for failure in found)
            yield from _unique(problem for problems_of in explained for problem in problems_of)
            return
        validator = schema.validator
    else:
        validator = schema
    from referencing.exceptions import Unresolvable

    try:
        errors = validator.iter_errors(instance)
        yield from _unique(problem for error in errors for problem in _explain(error, instance))
    except Unresolvable as exc:
        # The registry holds only the schema's own folder; a reference that escapes the checks
        # above (a $ref built from an $id) ends here, never in a request.
        raise ConfigError(f"a user schema refers to something it may not: {str(exc)[:200]}") from None
    except RecursionError:
        raise ConfigError("a user schema recurses without end (a $ref cycle that consumes nothing)") from None


def _unique(found: Iterable[SchemaProblem]) -> Iterator[SchemaProblem]:
    # jsonschema reports a `required` failure once per missing name, each listing all of them.
    seen: set[SchemaProblem] = set()
    for problem in found:
        if problem not in seen:
            seen.add(problem)
            yield problem


class _NativeError:
    """A jsonschema-rs failure with the attributes of a python-jsonschema error that ``_explain``
    reads for a ``required`` or a subschema's ``x-message``."""

    __slots__ = ("absolute_path", "instance", "schema", "validator", "validator_value")

    def __init__(self, failure: fastschema.NativeFailure) -> None:
        self.validator = failure.keyword
        self.schema = failure.holder
        self.validator_value = failure.holder[failure.keyword]
        self.absolute_path = failure.path
        self.instance = failure.value


def _explain(error: ValidationError | _NativeError, instance: dict[str, Any]) -> Iterator[SchemaProblem]:
    rule = _keyword(error, "x-rule")
    message = _keyword(error, "x-message")
    line, context = _locate(instance, list(error.absolute_path))
    if error.validator == "required":
        present = error.instance if isinstance(error.instance, dict) else {}
        schema = error.schema if isinstance(error.schema, dict) else {}
        properties = schema.get("properties", {})
        titles = schema.get(TITLES, {})
        required = error.validator_value if isinstance(error.validator_value, list) else []
        for name in required:
            if name in present:
                continue
            subschema = properties.get(name)
            title = subschema.get("title") if isinstance(subschema, dict) else titles.get(name)
            what = rule or "field-missing"
            noun = "section" if what == "section-missing" else "field"
            text = message or f"missing {noun} '{title or name}'{context}"
            yield SchemaProblem(what, 1 if what == "section-missing" else line, text)
        return
    if message is None:
        from forgea_hooks.schemawords import explain

        # fast_failures leaves such a failure to python-jsonschema, whose error explain reads.
        assert not isinstance(error, _NativeError)

        message = explain(error, _model_subject)
    yield SchemaProblem(rule or "field-invalid", line, message + context)


# Steps of a model path that are its structure, not a name the user wrote.
_STRUCTURE = frozenset(
    {
        "value",
        "fields",
        "entries",
        "sections",
        "section_list",
        "items",
        "reports",
        "head",
        "line",
        "text",
        "paragraphs",
        "tables",
        "rows",
        "cells",
        "columns",
        "metadata",
        "table",
        "front_matter",
        "status_lines",
    }
)


def _model_subject(path: Sequence[str | int]) -> str:
    """The user's name for a place in the model: the innermost field or section name on the path."""
    names = [step for step in path if isinstance(step, str) and step not in _STRUCTURE]
    return f"'{names[-1]}'" if names else "the document"


def _keyword(error: ValidationError | _NativeError, keyword: str) -> str | None:
    schema = error.schema if isinstance(error.schema, dict) else {}
    return str(schema[keyword]) if keyword in schema else None


def _locate(instance: Any, path: list[Any]) -> tuple[int, str]:
    """The line of the nearest element on the path that has one, and what it is (for the message)."""
    line, context = 1, ""
    node = instance
    for step in path:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict) and isinstance(node.get("line"), int):
            line = node["line"]
            head = node.get("head")
            if isinstance(head, dict) and head.get("value"):
                from forgea_hooks.schemawords import show

                context = f" in the entry for {show(head['value'])}"
    return line, context

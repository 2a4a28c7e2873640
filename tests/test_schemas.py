"""Bundled schemas: valid Draft 2020-12, and inlined without changing what they say."""

from __future__ import annotations

import json
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from forgea_hooks.config import SCHEMA_DIR
from forgea_hooks.schemas import inline_local_refs

KINDS = ("registry", "official-doc", "task", "gatekeeper-report")


@pytest.mark.parametrize("kind", KINDS)
def test_bundled_schema_is_valid_and_inlines_every_reference(kind: str) -> None:
    schema = json.loads((SCHEMA_DIR / f"{kind}.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    inlined = inline_local_refs(schema)
    Draft202012Validator.check_schema(inlined)
    assert '"$ref"' not in json.dumps({key: value for key, value in inlined.items() if key != "$defs"})


def test_annotations_beside_a_reference_join_it_and_other_siblings_stay_beside_it() -> None:
    schema = {
        "$defs": {"n": {"minLength": 1}},
        "properties": {"a": {"title": "A", "$ref": "#/$defs/n"}, "b": {"maxLength": 9, "$ref": "#/$defs/n"}},
    }
    inlined = inline_local_refs(schema)["properties"]
    assert inlined["a"] == {"minLength": 1, "title": "A"}
    assert inlined["b"] == {"maxLength": 9, "allOf": [{"minLength": 1}]}


@pytest.mark.parametrize(
    "schema",
    [
        {"$defs": {"tree": {"items": {"$ref": "#/$defs/tree"}}}, "$ref": "#/$defs/tree"},
        {"properties": {"a": {"$ref": "https://example.invalid/other.json"}}},
        {"$defs": {"a": {"b": {}}}, "properties": {"a": {"$ref": "#/$defs/a/b"}}},
    ],
)
def test_references_inlining_would_change_are_left_alone(schema: dict[str, Any]) -> None:
    assert inline_local_refs(schema) is schema

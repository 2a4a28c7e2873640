"""Bundled schemas: valid Draft 2020-12, and inlined and trimmed without changing what they say."""

from __future__ import annotations

import json
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from forgea_hooks.api import Checker, CheckOptions
from forgea_hooks.config import SCHEMA_DIR
from forgea_hooks.documents.markdown import parse
from forgea_hooks.schemas import TITLES, inline_local_refs, problems, skip_annotation_only
from tests.conftest import CORPUS, TREES

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


def test_annotation_only_properties_become_true_and_keep_their_titles_for_messages() -> None:
    schema: dict[str, Any] = {
        "properties": {
            "fields": {
                "required": ["why", "purpose"],
                "properties": {"why": {"title": "Why required", "description": "d"}, "purpose": {"minLength": 1}},
            }
        }
    }
    skipped = skip_annotation_only(schema)
    fields = skipped["properties"]["fields"]
    assert fields["properties"] == {"why": True, "purpose": {"minLength": 1}}
    assert fields[TITLES] == {"why": "Why required"}
    assert schema["properties"]["fields"]["properties"]["why"] == {"title": "Why required", "description": "d"}
    found = list(problems({"fields": {"purpose": ""}}, Draft202012Validator(skipped)))
    assert [(problem.rule, problem.message) for problem in found] == [
        ("field-missing", "missing field 'Why required'"),
        ("field-invalid", "'purpose' is empty; expected some text"),
    ]


def test_only_subschemas_are_rewritten_never_data() -> None:
    data = {"properties": {"a": {"title": "A"}}}
    schema: dict[str, Any] = {
        "enum": [data],
        "default": data,
        "properties": {"properties": {"properties": {"x": {"title": "X"}}}},
        "anyOf": [{"properties": {"b": {"$comment": "c"}}}],
        "$defs": {"d": {"properties": {"c": {"title": "C", "minimum": 1}}}},
    }
    skipped = skip_annotation_only(schema)
    assert skipped["enum"] == [data] and skipped["default"] == data
    assert skipped["properties"]["properties"] == {"properties": {"x": True}, TITLES: {"x": "X"}}
    assert skipped["anyOf"] == [{"properties": {"b": True}}]
    assert skipped["$defs"]["d"] == schema["$defs"]["d"]


@pytest.mark.parametrize("kind", KINDS)
def test_bundled_schemas_judge_the_corpus_the_same_with_annotation_only_properties_skipped(kind: str) -> None:
    """The rewrite means the same: every corpus doc gets the same problems, messages included."""
    schema = inline_local_refs(json.loads((SCHEMA_DIR / f"{kind}.schema.json").read_text(encoding="utf-8")))
    plain, skipped = Draft202012Validator(schema), Draft202012Validator(skip_annotation_only(schema))
    judged = 0
    shared = [CORPUS / "valid", CORPUS / "invalid"] if CORPUS.is_dir() else []
    for tree in [*TREES.values(), *shared]:
        checker = Checker(CheckOptions(root=tree, no_cache=True))
        for candidate in checker._candidates():
            if checker._kind_of(candidate.relpath) != kind:
                continue
            text = (tree / candidate.relpath).read_text(encoding="utf-8", errors="replace")
            instance = parse(text, candidate.display, candidate.relpath, kind)[0].to_json()
            assert list(problems(instance, skipped)) == list(problems(instance, plain))
            judged += 1
    assert judged

"""jsonschema-rs answers "valid" first and python-jsonschema gives every finding (forgea_hooks/fastschema.py):
the two must agree on every verdict, and a run without jsonschema-rs must find the same things."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from forgea_hooks import config, fastschema
from forgea_hooks.documents.markdown import parse
from forgea_hooks.findings import KINDS
from forgea_hooks.schemas import KindSchema, problems, validator_for
from tests import fresh
from tests.conftest import CORPUS, NO_SHARED, REPO, TREES, copy_tree
from tests.test_fuzz import doc
from tests.test_schema_words import models, mutations

NO_RS = "jsonschema-rs is not installed (no wheel for this platform): python-jsonschema validates alone"
rs_installed = pytest.mark.skipif(importlib.util.find_spec("jsonschema_rs") is None, reason=NO_RS)
FIXTURES = sorted({*REPO.joinpath("tests").rglob("*.md"), *REPO.joinpath("examples").rglob("*.md")})


def verdicts() -> list[tuple[str, Any, fastschema.Verdict]]:
    """Each bundled schema's python-jsonschema validator and the fast verdict beside it."""
    if fastschema._module() is None:
        pytest.skip(NO_RS if os.environ.get("FORGEA_HOOKS_SCHEMA", "") != "pure" else "FORGEA_HOOKS_SCHEMA=pure")
    found = []
    for kind in KINDS:
        schema = validator_for(kind, None)
        verdict = schema.verdict()
        assert verdict is not None, f"the bundled {kind} schema does not take the fast path"
        found.append((kind, schema.validator, verdict))
    return found


def disagreements(instances: list[dict[str, Any]]) -> list[str]:
    """Where jsonschema-rs (through the wrapper) and python-jsonschema give different verdicts,
    every instance under every bundled schema; counted, so that the test cannot pass on nothing."""
    found = []
    for kind, validator, verdict in verdicts():
        for index, instance in enumerate(instances):
            if verdict(instance) != validator.is_valid(instance):
                found.append(f"{kind} schema, instance {index}: {json.dumps(instance)[:300]}")
    return found


def text_models(texts: list[str]) -> list[dict[str, Any]]:
    return [parse(text, "doc.md", "doc.md", kind)[0].to_json() for text in texts for kind in KINDS]


def both_ways(instances: list[dict[str, Any]]) -> None:
    valid = sum(validator_for(model["kind"], None).validator.is_valid(model) for model in instances)
    assert 0 < valid < len(instances), "every verdict the same: nothing compared"
    assert disagreements(instances) == []


@rs_installed
def test_the_fixture_models_get_the_same_verdict() -> None:
    both_ways(text_models([path.read_text(encoding="utf-8", errors="replace") for path in FIXTURES]))


@rs_installed
def test_the_shared_corpus_models_get_the_same_verdict() -> None:
    if not CORPUS.is_dir():
        pytest.skip(NO_SHARED)
    paths = sorted(CORPUS.rglob("*.md"))
    both_ways(text_models([path.read_text(encoding="utf-8", errors="replace") for path in paths]))


@rs_installed
@pytest.mark.parametrize("kind", KINDS)
def test_models_broken_every_way_get_the_same_verdict(kind: str) -> None:
    broken = [mutated for model in models(kind) for mutated in mutations(model, most=400)]
    assert len(broken) > 50
    assert disagreements(broken) == []


@rs_installed
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc)
def test_generated_docs_get_the_same_verdict(text: str) -> None:
    assert disagreements(text_models([text])) == []


@rs_installed
@pytest.mark.parametrize(
    "value",
    [
        "!!float 1.5",
        "!!float .nan",
        "!!int 99999999999999999999999",
        "!!timestamp 2026-11-30",
        "!!binary aGVsbG8=",
        "{!!int 1: a}",
        '"\\ud800"',
        "!!set {a, b}",
    ],
)
def test_front_matter_beyond_plain_json_goes_to_python_jsonschema(value: str) -> None:
    model = parse(f"---\nversion: {value}\n---\n# Purpose\n\nx\n", "doc.md", "doc.md", "official-doc")[0].to_json()
    assert model["front_matter"], "the YAML did not load: nothing tested"
    for _, _, verdict in verdicts():
        assert verdict(model) is False


@rs_installed
def test_pattern_is_python_re() -> None:
    # Python's \d and \w read Unicode digits and letters, and (?P=name) is Python syntax.
    verdicts()  # skips where jsonschema-rs is off
    verdict = fastschema.fast_verdict({"pattern": r"^(?P<d>\d)(?P=d)\w$"})
    assert verdict is not None
    assert verdict("٣٣é") is True and verdict("34x") is False and verdict(7) is True


def test_only_keywords_that_mean_the_same_take_the_fast_path() -> None:
    assert fastschema.portable({"properties": {"a": {"type": "string", "pattern": "x", "x-rule": "r"}}}, top=True)
    assert not fastschema.portable({"properties": {"a": {"$ref": "#/$defs/a"}}}, top=True)
    assert not fastschema.portable({"properties": {"a": {"format": "uri"}}}, top=True)
    assert not fastschema.portable({"patternProperties": {"^a": True}}, top=True)
    assert not fastschema.portable({"items": {"multipleOf": 0.1}}, top=True)
    assert not fastschema.portable({"$schema": "http://json-schema.org/draft-07/schema#"}, top=True)
    assert not fastschema.portable({"allOf": [{"$id": "https://elsewhere.invalid/x"}]}, top=True)


def test_only_plain_json_instances_take_the_fast_path() -> None:
    assert fastschema.plain_json({"a": [1, "x", None, True, {"b": -(2**63)}]})
    for odd in (1.5, 2**63, (1,), {1: "a"}, b"x", {"a": {2}}):
        assert not fastschema.plain_json({"a": odd})


# Every key the config schema knows, each with a valid value: mutations break it one place at a time.
FULL_CONFIG: dict[str, Any] = {
    "kinds": {
        kind: {"paths": ["docs/**/*.md"], "sniff": True, "schema": "schemas/x.json"}
        for kind in ("registry", "official-doc", "task", "gatekeeper-report")
    },
    "exclude": ["docs/archive/**"],
    "fix": {"version-segments": {"docs.example.invalid": "v{major}.{minor}"}},
    "baseline": ".forgea-hooks-baseline.json",
    "rules": {"pin-unknown": "warning", "path-missing": {"task": "off", "gatekeeper-report": "error"}, "x": False},
    "technologies": {
        "Prisma": {
            "aliases": ["prisma orm"],
            "official-domains": ["prisma.io"],
            "unversioned-docs": False,
            "packages": {source: ["prisma"] for source in ("npm", "pypi", "image", "terraform", "go", "cargo", "gem")},
            "release-data": {"endoflife": "prisma"},
        },
        "Next.js": {"release-data": {"github": "vercel/next.js"}},
        "Legacy": {"release-data": False},
    },
    "links": {
        "max-in-flight": 16,
        "per-host": 4,
        "timeout": {"connect": 5, "read": 10, "total": 30, "budget": 300},
        "retries": 2,
        "accept": ["200", "300-399"],
        "exclude": ["^https://internal\\."],
        "cache": {"path": ".forgea-hooks-cache/links.json", "ttl": "1d"},
        "allow-private": False,
        "check-fragments": True,
        "max-body": 1048576,
    },
    "online": {"sources": {"endoflife": "https://eol.invalid/api"}, "cache": {"ttl": 3600}},
}


def bounds(instance: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The config with each integer of ``links`` just inside and just outside its bounds."""
    for key, values in {
        "max-in-flight": (0, 1, 1024, 1025),
        "per-host": (0, 1, 256, 257),
        "retries": (-1, 0, 10, 11),
        "max-body": (1023, 1024),
    }.items():
        for value in values:
            yield {**instance, "links": {**instance["links"], key: value}}
    for value in (-1, 0, 1):
        yield {**instance, "links": {**instance["links"], "timeout": {"read": value}}}


@rs_installed
def test_configs_get_the_same_verdict() -> None:
    verdicts()  # skips where jsonschema-rs is off
    from jsonschema import Draft202012Validator

    verdict = config._fast_verdict()
    assert verdict is not None, "the config schema does not take the fast path"
    validator = Draft202012Validator(config._schema())
    assert validator.is_valid(FULL_CONFIG)
    instances = [FULL_CONFIG, *mutations(FULL_CONFIG, most=3000), *bounds(FULL_CONFIG)]
    compared = [instance for instance in instances if fastschema.plain_json(instance)]
    valid = sum(validator.is_valid(instance) for instance in compared)
    assert len(compared) > 300 and 10 < valid < len(compared) - 10, "too few of each verdict to compare"
    assert [json.dumps(i)[:300] for i in compared if verdict(i) != validator.is_valid(i)] == []


def test_bounds_take_the_fast_path_only_as_integers() -> None:
    assert fastschema.portable({"properties": {"a": {"minimum": 1, "exclusiveMaximum": 10}}}, top=True)
    assert not fastschema.portable({"properties": {"a": {"minimum": 0.5}}}, top=True)
    assert not fastschema.portable({"properties": {"a": {"maximum": True}}}, top=True)
    assert not fastschema.portable({"properties": {"a": {"maximum": 2**64}}}, top=True)


def run(args: list[str], cwd: Path, *, blocked: bool) -> subprocess.CompletedProcess[str]:
    return fresh.cli(args, cwd, blocked="jsonschema_rs" if blocked else None)


def test_without_jsonschema_rs_the_version_says_so(tmp_path: Path) -> None:
    assert "schemas: jsonschema)" in run(["--version"], tmp_path, blocked=True).stdout


def copies(tmp_path: Path) -> Iterator[Path]:
    """The project's trees (jsonschema-rs answers from a run's first doc)."""
    for name, source in TREES.items():
        yield copy_tree(source, tmp_path / name)


def test_without_jsonschema_rs_the_trees_give_the_same_findings(tmp_path: Path) -> None:
    if importlib.util.find_spec("jsonschema_rs") is not None:
        assert "schemas: jsonschema-rs)" in run(["--version"], tmp_path, blocked=False).stdout
    compared = 0
    for tree in copies(tmp_path):
        args = ["check", "--root", ".", "--format", "json", "--no-cache"]
        pure, default = run(args, tree, blocked=True), run(args, tree, blocked=False)
        assert pure.returncode == default.returncode, pure.stderr + default.stderr
        assert pure.stdout == default.stdout
        compared += len(json.loads(default.stdout)["findings"])
    assert compared > 0


def explanation_disagreements(instances: list[dict[str, Any]]) -> tuple[list[str], int]:
    """Where the problems found through jsonschema-rs's failures differ (in content or order) from
    python-jsonschema's, every instance under every bundled schema; and how many invalid instances
    were explained from rs, so that the test cannot pass on nothing."""
    verdicts()  # skips without jsonschema-rs
    found = []
    native = 0
    for kind in KINDS:
        schema = validator_for(kind, None)
        failures = schema.failures()
        assert failures is not None, f"the bundled {kind} schema's failures are not read from jsonschema-rs"
        for index, instance in enumerate(instances):
            if failures(instance):
                native += 1
            if list(problems(instance, schema)) != list(problems(instance, schema.validator)):
                found.append(f"{kind} schema, instance {index}: {json.dumps(instance)[:300]}")
    return found, native


@rs_installed
def test_the_fixture_and_corpus_models_get_the_same_problems() -> None:
    paths = [*FIXTURES, *(sorted(CORPUS.rglob("*.md")) if CORPUS.is_dir() else [])]
    found, native = explanation_disagreements(
        text_models([p.read_text(encoding="utf-8", errors="replace") for p in paths])
    )
    assert found == []
    assert native > 20


@rs_installed
@pytest.mark.parametrize("kind", KINDS)
def test_models_broken_every_way_get_the_same_problems(kind: str) -> None:
    found, native = explanation_disagreements(
        [mutated for model in models(kind) for mutated in mutations(model, most=400)]
    )
    assert found == []
    assert native > 50


@rs_installed
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc)
def test_generated_docs_get_the_same_problems(text: str) -> None:
    assert explanation_disagreements(text_models([text]))[0] == []


@rs_installed
def test_failures_from_jsonschema_rs_come_in_python_jsonschemas_order() -> None:
    # jsonschema-rs checks `required` before `properties`, and this schema's keywords are in
    # another order: each failure is placed where python-jsonschema would report it.
    schema = {
        "type": "object",
        "properties": {
            "b": {"type": "array", "items": {"type": "object", "required": ["x", "y"]}},
            "a": {"type": "integer", "x-message": "a is odd"},
        },
        "allOf": [{"required": ["q"]}],
        "if": {"required": ["c"]},
        "then": {"required": ["d", "e"]},
        "required": ["z", "a"],
    }
    instance = {"b": [{"x": 1}, {}], "c": 1, "a": "1"}
    native = KindSchema(schema)
    failures = native.failures()
    assert failures is not None and failures(instance)
    expected = list(problems(instance, native.validator))
    messages = ["missing field 'y'", "missing field 'x'", "a is odd", *(f"missing field '{n}'" for n in "qdez")]
    assert [problem.message for problem in expected] == messages
    assert list(problems(instance, native)) == expected


@rs_installed
def test_a_failure_explained_from_its_details_goes_to_python_jsonschema() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "integer"}}, "anyOf": [{"required": ["b"]}]}
    failures = KindSchema(schema).failures()
    assert failures is not None
    assert failures({"a": "x"}) is None  # `type` without an x-message: python-jsonschema words it
    assert failures({"a": 1}) is None  # behind anyOf: python-jsonschema reports it as the anyOf's
    assert failures({"a": 1, "b": 2}) == []


@rs_installed
@pytest.mark.parametrize(
    ("schema", "instance"),
    [
        # A `false` subschema: python-jsonschema reports it from that schema, without the holder's
        # x-message (rs gives the path of the subschema, which reads like a failed keyword).
        ({"x-message": "m", "if": {}, "then": False}, {}),
        ({"properties": {"a": {"x-message": "m", "if": {"required": ["k"]}, "else": False}}}, {"a": {}}),
        ({"x-message": "m", "propertyNames": False}, {"a": 1}),
        # minContains and maxContains are reported from `contains`, wherever they stand.
        ({"contains": {"const": 1}, "items": {"required": ["x"]}, "minContains": 2, "x-message": "m"}, [{}]),
        ({"maxContains": 1, "items": {"required": ["x"]}, "contains": {"type": "object"}, "x-message": "m"}, [{}, {}]),
        # rs's paths drop an empty key: the walk must not land on another subschema or crash.
        (
            {
                "properties": {
                    "": {"properties": {"then": {"required": ["x"]}}},
                    "properties": {"if": {}, "then": {"required": ["y"]}},
                }
            },
            {"": {"then": {}}},
        ),
        (
            {
                "properties": {
                    "": {"properties": {"then": {"required": ["x"]}}},
                    "properties": {"if": {}, "then": {"required": ["y"]}},
                }
            },
            {"": {"then": {}}, "then": {}},
        ),
        ({"properties": {"0": {"required": ["x"]}, "01": {"required": ["y"]}}}, {"0": {}, "01": {}}),
    ],
)
def test_failures_rs_reports_unlike_python_jsonschema_get_its_problems(schema: dict[str, Any], instance: Any) -> None:
    # Found in review: each of these once gave another message, order or an internal error.
    native = KindSchema(schema)
    assert native.failures() is not None
    assert list(problems(instance, native)) == list(problems(instance, native.validator))

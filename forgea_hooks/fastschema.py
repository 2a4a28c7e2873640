"""A native "this doc is valid" answer before python-jsonschema: jsonschema-rs, where installed.

Most docs pass their schema, and python-jsonschema spends a quarter of a doc's CPU proving it.
jsonschema-rs answers valid or invalid about seven times faster. Its *valid* is trusted. On
*invalid*, its failures are used only where python-jsonschema's error would be explained from the
schema alone (a ``required``, or a subschema's ``x-message``) and only behind ``properties``,
``items``, ``prefixItems``, ``allOf`` and ``if``/``then``/``else``, whose order of reporting is
known, so they are put in python-jsonschema's order (``fast_failures``). Anything else, or when rs
cannot answer, goes to python-jsonschema, which then validates as before and words every finding
(``schemas.problems``). The fast path is taken only where both libraries mean the same thing:

* schemas whose keywords are all in ``SAME_IN_BOTH`` (no ``$ref`` left after inlining, so nothing
  is ever resolved, let alone fetched; no ``format``, no numeric bounds, no ``patternProperties``);
  ``pattern`` is run by Python's ``re.search``, as python-jsonschema does, since Rust's regex
  differs (``\\b``, ``\\S``, ``$``, Unicode classes);
* instances of plain JSON: the model is built from strictly decoded UTF-8 text, strings, integers
  and booleans; only its front matter comes from YAML, where a tag (``!!float``, ``!!timestamp``,
  ``!!binary``), a non-string key or an escaped lone surrogate can put something else, so front
  matter outside plain JSON goes the slow way, as does a path that is not UTF-8 (a file name's
  undecodable bytes become lone surrogates), and anything jsonschema-rs raises on.

jsonschema-rs is asked from the first doc, and python-jsonschema is imported only for a doc it does
not call valid (or a user's schema, which it checks against the metaschema): importing
python-jsonschema and building its validator costs more (about 0.1 s) than importing jsonschema-rs
(about 30 ms), so a pre-commit run of valid docs pays only the smaller. Where jsonschema-rs is not
installed (no wheel for the platform), or with ``FORGEA_HOOKS_SCHEMA=pure``, python-jsonschema
validates alone.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

NATIVE = "jsonschema-rs"
PURE = "jsonschema"

# Keywords that assert something of the instance at hand, and validate the same in python-jsonschema
# and jsonschema-rs on plain JSON (Draft 2020-12), ``pattern`` given to Python's re. A failure of one
# of them python-jsonschema reports as the holding subschema's own (its error's ``validator`` is the
# keyword and its ``schema`` the holder, so the holder's x-message applies); minContains and
# maxContains it reports from ``contains``. A path that ends at a subschema (``then: false``,
# ``propertyNames: false``) is not among them: python-jsonschema reports that from the ``false``
# schema itself.
_OWN_FAILURES = frozenset(
    {
        "type",
        "enum",
        "const",
        "required",
        "minLength",
        "maxLength",
        "pattern",
        "minItems",
        "maxItems",
        "uniqueItems",
        "minProperties",
        "maxProperties",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "dependentRequired",
        "additionalProperties",
        "anyOf",
        "oneOf",
        "not",
        "contains",
    }
)
# Every keyword that validates the same in both; annotations and ``x-`` keywords validate nothing.
SAME_IN_BOTH = _OWN_FAILURES | frozenset(
    {
        "minContains",
        "maxContains",
        "properties",
        "propertyNames",
        "items",
        "prefixItems",
        "allOf",
        "if",
        "then",
        "else",
        "$defs",
        "$schema",
        "$id",
        "$comment",
        "title",
        "description",
        "default",
        "examples",
        "deprecated",
        "readOnly",
        "writeOnly",
    }
)
_BOUNDS = frozenset({"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"})
_SUBSCHEMA = frozenset({"additionalProperties", "propertyNames", "items", "contains", "not", "if", "then", "else"})
_SUBSCHEMA_LIST = frozenset({"prefixItems", "allOf", "anyOf", "oneOf"})
_SUBSCHEMA_MAP = frozenset({"properties", "$defs"})
_DRAFT = ("https://json-schema.org/draft/2020-12/schema", "https://json-schema.org/draft/2020-12/schema#")
_I64 = 2**63
_SURROGATE = re.compile("[\ud800-\udfff]")

Verdict = Callable[[Any], bool]
# Where python-jsonschema would say what is wrong, in the order it would: (the keyword that failed,
# the subschema holding it, the instance's path), or None where only it may say.
Failures = Callable[[Any], "list[NativeFailure] | None"]


def name() -> str:
    """The validator that answers first."""
    return NATIVE if _module() is not None else PURE


def fast_verdict(schema: Any) -> Verdict | None:
    """A function telling whether an instance is certainly valid under ``schema``, or None where
    only python-jsonschema may decide (rs not loaded, or a keyword the two may read differently)."""
    validator = _native_validator(schema)
    if validator is None:
        return None
    is_valid: Callable[[Any], bool] = validator.is_valid

    def verdict(instance: Any) -> bool:
        if isinstance(instance, dict) and not plain_json([instance.get("front_matter"), instance.get("path")]):
            return False
        try:
            return is_valid(instance)
        except Exception:  # what rs cannot take (a lone surrogate): Python validates
            return False

    return verdict


@dataclass(frozen=True, slots=True)
class NativeFailure:
    """One failed keyword as jsonschema-rs found it, in the terms of a python-jsonschema error."""

    keyword: str
    holder: dict[str, Any]  # the subschema the keyword is in
    path: list[str | int]  # the instance's path to what failed
    value: Any  # what failed: the instance at ``path``


def fast_failures(schema: Any) -> Failures | None:
    """What fails in an instance that is not valid, from jsonschema-rs, for the failures whose
    explanation needs no python-jsonschema error: a ``required``, or any keyword of a subschema with
    an ``x-message``. None from the function where another keyword fails, or where the failure lies
    behind an applicator that reports its subschemas' failures as its own (anyOf, oneOf, not,
    contains, ...), or where rs cannot answer: python-jsonschema then says it all. Same conditions
    as :func:`fast_verdict`."""
    validator = _native_validator(schema) if isinstance(schema, dict) else None
    if validator is None:
        return None
    iter_errors = validator.iter_errors

    def failures(instance: Any) -> list[NativeFailure] | None:
        if isinstance(instance, dict) and not plain_json([instance.get("front_matter"), instance.get("path")]):
            return None
        ordered: list[tuple[list[int], NativeFailure]] = []
        try:
            for error in iter_errors(instance):
                path = list(error.instance_path)
                placed = _place(schema, list(error.schema_path), path)
                if placed is None:
                    return None
                order, keyword, holder = placed
                # rs's paths drop empty keys and give digit keys as numbers: one that does not
                # lead through the instance is not the path python-jsonschema would report.
                ordered.append((order, NativeFailure(keyword, holder, path, _at(instance, path))))
        except Exception:
            return None
        ordered.sort(key=lambda pair: pair[0])
        return [failure for _, failure in ordered]

    return failures


_FROM_CONTAINS = frozenset({"minContains", "maxContains"})


def _at(instance: Any, path: list[Any]) -> Any:
    """The instance at ``path``; raises (KeyError, IndexError, TypeError) where the path does not
    lead through it. Its mappings have only string keys: a key rs gave as a number is not found."""
    node = instance
    for step in path:
        node = node[step]
    return node


def _place(
    schema: dict[str, Any], schema_path: list[Any], instance_path: list[Any]
) -> tuple[list[int], str, dict[str, Any]] | None:
    """Where python-jsonschema would yield the failure at the end of ``schema_path``, the keyword and
    the subschema holding it: it walks a subschema's keywords in their order, ``properties`` in
    theirs, ``allOf`` in its, and an array's items in the instance's. None for a path through
    anything else, or a failure it explains from its error's details."""
    order: list[int] = []
    holder = schema
    instance_step = 0
    step = 0
    while step < len(schema_path) - 1:
        keyword = schema_path[step]
        if not isinstance(keyword, str) or keyword not in holder:
            return None
        keys = list(holder)
        if keyword in ("then", "else"):
            if "if" not in holder:
                return None
            order.append(keys.index("if"))
            holder = holder[keyword]
            step += 1
        elif keyword in ("properties", "allOf", "prefixItems"):
            order.append(keys.index(keyword))
            inner = schema_path[step + 1] if step + 1 < len(schema_path) - 1 else None
            members = holder[keyword]
            if keyword == "properties":
                if not isinstance(inner, str) or not isinstance(members, dict) or inner not in members:
                    return None
                order.append(list(members).index(inner))
            else:
                if not isinstance(inner, int) or not isinstance(members, list) or not 0 <= inner < len(members):
                    return None
                order.append(inner)
            if keyword != "allOf":
                # The property or position the schema step names is the instance's next step.
                if instance_step >= len(instance_path) or instance_path[instance_step] != inner:
                    return None
                instance_step += 1
            holder = members[inner]
            step += 2
        elif keyword == "items":
            if instance_step >= len(instance_path) or not isinstance(instance_path[instance_step], int):
                return None
            order.extend((keys.index(keyword), instance_path[instance_step]))
            instance_step += 1
            holder = holder[keyword]
            step += 1
        else:
            return None
        if not isinstance(holder, dict):
            return None
    failed = schema_path[-1] if schema_path else None
    if not isinstance(failed, str) or failed not in holder or instance_step != len(instance_path):
        return None
    if failed != "required" and "x-message" not in holder:
        return None
    reported_by = "contains" if failed in _FROM_CONTAINS else failed
    if reported_by not in _OWN_FAILURES or reported_by not in holder:
        return None
    order.append(list(holder).index(reported_by))
    return order, failed, holder


def _native_validator(schema: Any) -> Any:
    """jsonschema-rs's validator for a schema it judges as python-jsonschema does, else None."""
    if not isinstance(schema, (dict, bool)) or not portable(schema, top=True):
        return None  # before the import: a schema rs may not judge never pays for loading it
    module = _module()
    if module is None:
        return None
    try:
        return module.Draft202012Validator(
            schema, keywords={"pattern": _PythonPattern}, validate_formats=False, retriever=_no_retrieval
        )
    except Exception:  # any schema rs will not build is left to python-jsonschema
        return None


def portable(schema: Any, *, top: bool = False) -> bool:
    """Whether every keyword of the schema, its subschemas included, is in ``SAME_IN_BOTH``."""
    if isinstance(schema, bool):
        return True
    if not isinstance(schema, dict):
        return False
    for keyword, value in schema.items():
        if keyword.startswith("x-"):
            continue
        if keyword not in SAME_IN_BOTH:
            return False
        if keyword == "$schema" and value not in _DRAFT:
            return False
        if keyword == "$id" and not top:
            return False
        if keyword == "pattern" and not isinstance(value, str):
            return False
        # Bounds compared with integers only: both compare those exactly (plain_json keeps floats out).
        if keyword in _BOUNDS and (type(value) is not int or not -_I64 <= value < _I64):
            return False
        if keyword in _SUBSCHEMA and not portable(value):
            return False
        if keyword in _SUBSCHEMA_LIST and not (isinstance(value, list) and all(portable(item) for item in value)):
            return False
        if keyword in _SUBSCHEMA_MAP and not (isinstance(value, dict) and all(portable(v) for v in value.values())):
            return False
    return True


def plain_json(value: Any) -> bool:
    """Whether the value is JSON as both libraries read it alike: no float (NaN, precision), no
    integer beyond 64 bits, no tuple (an array to rs, not to Python), only string keys, no lone
    surrogate (rs would compare it as U+FFFD)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if item.isascii() or _SURROGATE.search(item) is None:
                continue
            return False
        if item is None or isinstance(item, bool):
            continue
        if isinstance(item, int):
            if -_I64 <= item < _I64:
                continue
            return False
        if type(item) is list:
            stack.extend(item)
        elif type(item) is dict:
            if not all(type(key) is str for key in item):
                return False
            stack.extend(item)
            stack.extend(item.values())
        else:
            return False
    return True


class _PythonPattern:
    """``pattern`` as python-jsonschema runs it: ``re.search`` on strings, nothing else checked."""

    def __init__(self, parent_schema: dict[str, Any], value: Any, schema_path: list[str | int]) -> None:
        self._search = re.compile(value).search

    def validate(self, instance: Any) -> None:
        if isinstance(instance, str) and self._search(instance) is None:
            raise ValueError("does not match")


def _no_retrieval(uri: str) -> Any:
    # Never reached (no schema with a $ref takes the fast path); there in case: rs would fetch.
    raise LookupError(f"{uri}: schemas are never fetched")


_loaded: list[Any] = []


def _module() -> Any:
    if not _loaded:
        module: Any = None
        if os.environ.get("FORGEA_HOOKS_SCHEMA", "").strip().lower() != "pure":
            try:
                import jsonschema_rs

                module = jsonschema_rs
            except ImportError:
                pass
        _loaded.append(module)
    return _loaded[0]

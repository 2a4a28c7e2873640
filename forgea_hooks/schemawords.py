"""JSON Schema errors in words a person reads: what was found, where, and what is expected.

jsonschema's own messages (``'fatal' is not valid under any of the given schemas``, ``[...] does
not contain items matching the given schema``) speak of schemas, not of the user's file. Every
error class of Draft 2020-12 has a sentence here, so a bundled schema, a user's schema or the config
schema never shows its wording to a user. A schema can still give its own message (``x-message``)
or describe what it expects (``description``, else ``title``), and that is used where it helps.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

TYPES = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping of keys to values",
    "null": "nothing",
}
FORMATS = {"regex": "regular expression", "uri": "URL", "uri-reference": "URL", "date": "date (YYYY-MM-DD)"}


def suggest(word: str, choices: Iterable[str]) -> str:
    """``; did you mean 'pin-drift'?`` for the nearest choice, or nothing when none is near."""
    near = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{near[0]}'?" if near else ""


def show(value: Any) -> str:
    """A value as the user wrote it, short."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif value is None:
        text = "nothing"
    elif isinstance(value, str):
        text = f"'{value}'" if value else "empty"
    elif isinstance(value, (int, float)):
        text = str(value)
    elif isinstance(value, dict):
        return "a mapping" if value else "an empty mapping"
    elif isinstance(value, list):
        if not value:
            return "an empty list"
        items = ", ".join(show(item) for item in value[:6]) + (", …" if len(value) > 6 else "")
        return f"a list ({items})"
    else:
        text = str(value)
    return text if len(text) <= 80 else text[:77] + "…'"


def kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return TYPES["boolean"]
    if value is None:
        return TYPES["null"]
    for name, python in (("integer", int), ("number", float), ("string", str), ("array", list), ("object", dict)):
        if isinstance(value, python):
            return TYPES[name]
    return type(value).__name__


def _either(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _expected(schema: Any) -> str:
    """What a subschema says it expects, in its own words, when it has any."""
    if isinstance(schema, dict):
        for keyword in ("x-message", "description", "title"):
            if isinstance(schema.get(keyword), str):
                return str(schema[keyword])
    return ""


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


Subject = Callable[[Sequence[str | int]], str]


def explain(error: ValidationError, subject_for: Subject) -> str:
    """One sentence for ``error``; ``subject_for`` names a place from its path in the instance
    (``key 'rules.pin-drift'``, ``'official source'``)."""
    subject = subject_for(list(error.absolute_path))
    keyword: Any = error.validator
    value: Any = error.validator_value
    found: Any = error.instance
    schema: dict[str, Any] = error.schema if isinstance(error.schema, dict) else {}

    if keyword == "type":
        types = [TYPES.get(str(name), str(name)) for name in (value if isinstance(value, list) else [value])]
        return f"{subject} is {kind_of(found)} ({show(found)}); expected {_either(types)}"
    if keyword == "enum":
        choices = ", ".join(show(choice) for choice in value)
        hint = suggest(found, [c for c in value if isinstance(c, str)]) if isinstance(found, str) else ""
        return f"{subject} is {show(found)}; expected one of: {choices}{hint}"
    if keyword == "const":
        return f"{subject} is {show(found)}; expected {show(value)}"
    if keyword == "pattern":
        wanted = _expected(schema)
        return f"{subject} is {show(found)}, not of the expected form" + (f" ({wanted})" if wanted else "")
    if keyword == "format":
        return f"{subject} is {show(found)}, not a valid {FORMATS.get(value, value)}"
    if keyword == "minLength":
        if found == "" or value <= 1:
            return f"{subject} is empty; expected some text"
        return f"{subject} is {show(found)}, shorter than {_count(value, 'character')}"
    if keyword == "maxLength":
        return f"{subject} is longer than {_count(value, 'character')}"
    if keyword in ("minItems", "minContains"):
        if not found:
            return f"{subject} lists nothing; expected at least {_count(value, 'item')}"
        return f"{subject} lists {_count(len(found), 'item')}; expected at least {value}"
    if keyword in ("maxItems", "maxContains"):
        return f"{subject} lists {_count(len(found), 'item')}; at most {value} allowed"
    if keyword == "uniqueItems":
        return f"{subject} lists the same item more than once"
    if keyword == "minimum":
        return f"{subject} is {show(found)}; expected {value} or more"
    if keyword == "maximum":
        return f"{subject} is {show(found)}; expected {value} or less"
    if keyword == "exclusiveMinimum":
        return f"{subject} is {show(found)}; expected more than {value}"
    if keyword == "exclusiveMaximum":
        return f"{subject} is {show(found)}; expected less than {value}"
    if keyword == "multipleOf":
        return f"{subject} is {show(found)}; expected a multiple of {value}"
    if keyword == "minProperties":
        return f"{subject} has {_count(len(found), 'key')}; expected at least {value}"
    if keyword == "maxProperties":
        return f"{subject} has {_count(len(found), 'key')}; at most {value} allowed"
    if keyword == "required":
        missing = [name for name in value if isinstance(found, dict) and name not in found]
        names = ", ".join(f"'{name}'" for name in missing) or "a required key"
        return f"{subject} lacks {names}"
    if keyword == "dependentRequired":
        for name, needs in value.items():
            absent = [need for need in needs if isinstance(found, dict) and name in found and need not in found]
            if absent:
                return f"{subject} gives '{name}' without {', '.join(repr(n) for n in absent)}, which it needs"
        return f"{subject} lacks a key that another key needs"
    if keyword in ("additionalProperties", "unevaluatedProperties"):
        known = [str(name) for name in schema.get("properties", {})]
        extra = sorted(str(name) for name in found if name not in known) if isinstance(found, dict) else []
        if extra:
            where = f" in {subject}" if error.absolute_path else ""
            keys = ", ".join(f"'{name}'" for name in extra)
            return f"unknown key {keys}{where}" + (suggest(extra[0], known) if len(extra) == 1 else "")
        return f"{subject} has a key that is not allowed here"
    if keyword in ("items", "prefixItems", "unevaluatedItems", "additionalItems"):
        return f"{subject} lists more items than allowed ({len(found) if isinstance(found, list) else '?'})"
    if keyword in ("contains",):
        wanted = _expected(value)
        if isinstance(value, dict) and "const" in value:
            wanted = wanted or show(value["const"])
        return f"{subject} has no item that is {wanted}" if wanted else f"{subject} has no item of the expected form"
    if keyword in ("anyOf", "oneOf"):
        if keyword == "oneOf" and not error.context:
            return f"{subject} fits more than one of the allowed forms; it must fit exactly one"
        from jsonschema.exceptions import best_match

        closest = best_match(error.context) if error.context else None
        if closest is not None:
            return explain(closest, subject_for)
        return f"{subject} is {show(found)}, which is none of the allowed forms"
    if keyword == "not":
        return f"{subject} is {show(found)}, which is not allowed here"
    if keyword is None or value is False:
        return f"{subject} is not allowed here"
    wanted = _expected(schema)
    return f"{subject} is {show(found)}, which is not allowed here" + (f"; expected {wanted}" if wanted else "")

"""YAML front matter: its values as strings (a pin such as 16.10 must not become the float 16.1) and
the line of each top-level key."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import yaml

_OPEN = re.compile(r"\A---[ \t]*\r?\n")
_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
MAX_FRONT_MATTER = 64 * 1024


@functools.cache
def _string_loader() -> type[yaml.SafeLoader]:
    """The safe loader, but every plain scalar stays the text that was written. Built on first
    use: most docs have no front matter, and PyYAML is a fifth of a pre-commit run's start-up."""
    import yaml

    class StringLoader(yaml.SafeLoader):
        pass

    StringLoader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag == "tag:yaml.org,2002:null"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return StringLoader


@dataclass
class FrontMatter:
    data: dict[str, Any] | None
    lines: dict[str, int]
    end_line: int  # last line of the block (the closing ---), 0 when there is none
    error: str | None = None
    error_line: int = 1


def split(text: str) -> FrontMatter:
    opening = _OPEN.match(text)
    if opening is None:
        return FrontMatter(None, {}, 0)
    close = _CLOSE.search(text, opening.end())
    if close is None:
        return FrontMatter(None, {}, 0)
    body = text[opening.end() : close.start()]
    end_line = text.count("\n", 0, close.start()) + 1
    if len(body) > MAX_FRONT_MATTER:
        return FrontMatter(None, {}, end_line, f"front matter is over {MAX_FRONT_MATTER} bytes")
    import yaml

    loader = _string_loader()
    try:
        # Anchors and aliases have no use in doc metadata and are how "billion laughs" bombs are built.
        for event in yaml.parse(body, Loader=loader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                line = event.start_mark.line + 2 if event.start_mark else 1
                return FrontMatter(None, {}, end_line, "front matter uses YAML anchors or aliases", line)
        node = yaml.compose(body, Loader=loader)
        data = yaml.load(body, Loader=loader)  # a SafeLoader subclass: no object construction
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        # The finding has the line; the column and PyYAML's own words (its message's first line is
        # only the context, "while parsing a flow sequence") go in the message.
        column = f" at column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or _first_line(exc)
        return FrontMatter(None, {}, end_line, f"front matter is not valid YAML{column}: {problem}", line)
    if data is None:
        return FrontMatter({}, {}, end_line)
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        return FrontMatter(None, {}, end_line, "front matter is not a mapping of keys to values")
    lines = {str(key.value): key.start_mark.line + 2 for key, _ in node.value if isinstance(key, yaml.ScalarNode)}
    return FrontMatter({str(key): value for key, value in data.items()}, lines, end_line)


def _first_line(exc: yaml.YAMLError) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__

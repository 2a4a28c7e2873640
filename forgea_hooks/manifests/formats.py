"""JSON, YAML and TOML with line numbers, read as hostile input: bounded in size, depth and expansion."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import yaml

from forgea_hooks.manifests.core import Found

_JSON_TOKEN = re.compile(r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"|[{}\[\]:\n]')


def json_key_lines(text: str, depth: int = 3) -> dict[tuple[str, ...], int]:
    """The line each object key is written on, by its path of keys, down to ``depth`` keys.

    The standard parser keeps no positions; valid JSON (checked before) tokenizes simply enough."""
    lines: dict[tuple[str, ...], int] = {}
    stack: list[tuple[str, str]] = []
    line, last, last_line = 1, "", 1
    for token in _JSON_TOKEN.findall(text):
        if token == "\n":
            line += 1
        elif token[0] == '"':
            last, last_line = token, line
        elif token == ":":
            stack[-1] = ("{", json.loads(last))
            if len(stack) <= depth and all(kind == "{" for kind, _ in stack):
                lines.setdefault(tuple(key for _, key in stack), last_line)
        elif token in "{[":
            stack.append((token, ""))
        else:
            stack.pop()
    return lines


def json_object(path: str, text: str, found: Found) -> dict[str, object] | None:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        found.problem(path, error.lineno, f"{path} is not valid JSON: {error.msg}")
        return None
    except RecursionError:
        found.problem(path, 1, f"{path} is nested too deeply to read")
        return None
    if not isinstance(data, dict):
        found.problem(path, 1, f"{path} is not a JSON object")
        return None
    return data


def yaml_root(path: str, text: str, found: Found) -> yaml.MappingNode | None:
    """The document's top mapping, with marks for line numbers; None (and a problem) when there is none."""
    documents = yaml_documents(path, text, found, single=True)
    if documents is None:
        return None
    node = documents[0] if documents else None
    if not isinstance(node, _mapping_type()):
        found.problem(path, node_line(node), f"{path} is not a YAML mapping")
        return None
    return node


def _mapping_type() -> type[yaml.MappingNode]:
    import yaml

    return yaml.MappingNode


def yaml_documents(path: str, text: str, found: Found, *, single: bool = False) -> list[yaml.Node] | None:
    """Each document's top node (one when ``single``), checked before any reader walks it: no alias
    into the node that holds it, bounded depth and alias expansion. None (and a problem) when not."""
    # PyYAML is imported by the YAML readers alone: most roots have no compose file or pnpm lock,
    # and the import is a twentieth of a pre-commit run.
    import yaml

    try:
        # Lockfiles run to megabytes; libyaml composes them many times faster than pure Python.
        loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        if single:
            node = yaml.compose(text, Loader=loader)
            nodes = [node] if node is not None else []
        else:
            nodes = [node for node in yaml.compose_all(text, Loader=loader) if node is not None]
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        found.problem(path, mark.line + 1 if mark else 1, f"{path} is not valid YAML: {error.problem}")
        return None
    except yaml.YAMLError as error:
        found.problem(path, 1, f"{path} is not valid YAML: {error}")
        return None
    except RecursionError:
        # The pure-Python composer recurses per level; libyaml refuses deep nesting itself.
        found.problem(path, 1, f"{path} is nested too deeply to read")
        return None
    # Without an anchor there is no alias: every node is walked once, and libyaml bounds the depth.
    for node in nodes if "&" in text else ():
        if (refusal := _unbounded(node)) is not None:
            found.problem(path, node_line(node), f"{path}: {refusal} (not read)")
            return None
    return nodes


MAX_DEPTH = 100
# Aliases share nodes; a reader walking through them sees each as many times as it is referred to.
# A real manifest refers to a template a few times, an alias bomb billions of times.
_EXPANSION_FACTOR = 10
_EXPANSION_FLOOR = 100_000


def _unbounded(root: yaml.Node) -> str | None:
    """Why walking the node graph from ``root`` would not end, or not end soon: an alias (or a
    ``<<`` merge) into the node that holds it, nesting past ``MAX_DEPTH``, or aliases that expand to
    far more nodes than the document holds. One iterative pass, linear in the distinct nodes."""

    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        children = _children(node)
        if done:
            on_path.discard(key)
            size[key] = 1 + sum(size[id(child)] for child in children)
            depth[key] = 1 + max((depth[id(child)] for child in children), default=0)
            if depth[key] > MAX_DEPTH:
                return f"nested more than {MAX_DEPTH} levels deep"
            continue
        if key in size:
            continue
        on_path.add(key)
        stack.append((node, True))
        for child in children:
            if id(child) in on_path:
                return f"an alias at line {node_line(child)} refers to a node that contains it"
            if id(child) not in size:
                stack.append((child, False))
    if size[id(root)] > max(_EXPANSION_FLOOR, _EXPANSION_FACTOR * len(size)):
        return f"its aliases expand to {size[id(root)]} nodes from {len(size)}"
    return None


def _children(node: yaml.Node) -> list[yaml.Node]:
    import yaml

    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def node_line(node: yaml.Node | None) -> int:
    return node.start_mark.line + 1 if node is not None and node.start_mark is not None else 1


_YAML_MERGE = "tag:yaml.org,2002:merge"


def yaml_get(node: yaml.Node | None, key: str) -> yaml.Node | None:
    import yaml

    if not isinstance(node, yaml.MappingNode):
        return None
    for key_node, value in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key and isinstance(value, yaml.Node):
            return value
    # `<<: *base` merges: compose services often take `image` from an anchored template.
    for key_node, value in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.tag == _YAML_MERGE:
            for source in value.value if isinstance(value, yaml.SequenceNode) else [value]:
                if (merged := yaml_get(source, key)) is not None:
                    return merged
    return None


def yaml_items(node: yaml.Node | None) -> Iterator[tuple[str, yaml.Node]]:
    import yaml

    if isinstance(node, yaml.MappingNode):
        for key_node, value in node.value:
            if isinstance(key_node, yaml.ScalarNode) and isinstance(value, yaml.Node):
                yield str(key_node.value), value


_LOCK_NAME = re.compile(r'name = "([^"]+)"\s*$')
_LOCK_VERSION = re.compile(r'version = "([^"]+)"\s*$')


def locked_packages(text: str) -> Iterator[tuple[str, str, int]]:
    """(name, version, line of the version) of each `[[package]]` table in a TOML lockfile (uv.lock,
    poetry.lock, Cargo.lock): read line by line, so each version keeps its line."""
    name: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("["):
            name = None
        elif (match := _LOCK_NAME.match(line)) is not None:
            name = match.group(1)
        elif name is not None and (match := _LOCK_VERSION.match(line)) is not None:
            yield name, match.group(1), number
            name = None

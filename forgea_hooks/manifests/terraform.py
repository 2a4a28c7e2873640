"""Terraform: `required_version` and `required_providers` in `terraform {}` blocks."""

from __future__ import annotations

import re
from collections.abc import Iterator

from forgea_hooks.manifests.core import Found, Install, Reader
from forgea_hooks.manifests.versions import terraform_exact

_HCL_SKIP = re.compile(r'"(?:[^"\\\n]|\\.)*"|#[^\n]*|//[^\n]*|/\*.*?\*/', re.DOTALL)
_HCL_STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
_TERRAFORM_BLOCK = re.compile(r"(?m)^[ \t]*terraform[ \t]*\{")
_REQUIRED_PROVIDERS = re.compile(r"(?m)^[ \t]*required_providers[ \t]*\{")
_HCL_ATTRIBUTE = re.compile(r"(?m)^[ \t]*([A-Za-z_][\w-]*)[ \t]*=[ \t]*")


def _hcl_code(text: str) -> str:
    """``text`` with comments and the braces inside strings blanked, at the same offsets: a `{` or `#`
    in a comment or string must not be read as structure."""

    def blank(match: re.Match[str]) -> str:
        token = match.group()
        if token.startswith('"'):
            return '"' + re.sub(r"[{}]", " ", token[1:-1]) + '"'
        return re.sub(r"[^\n]", " ", token)

    return _HCL_SKIP.sub(blank, text)


def _closing_brace(code: str, opening: int) -> int | None:
    depth = 0
    for at in range(opening, len(code)):
        if code[at] == "{":
            depth += 1
        elif code[at] == "}":
            depth -= 1
            if depth == 0:
                return at
    return None


def _top_level(code: str, start: int, end: int) -> str:
    """The block body between ``start`` and ``end`` with the insides of nested blocks blanked (their
    braces kept), offsets kept: attributes of nested blocks are not the block's own."""
    out, depth = [], 0
    for char in code[start:end]:
        if char == "}":
            depth -= 1
        out.append(char if depth == 0 or char == "\n" else " ")
        if char == "{":
            depth += 1
    return "".join(out)


def _attributes(code: str, opening: int, closing: int) -> Iterator[tuple[str, int]]:
    """Each attribute of the block between braces at ``opening`` and ``closing``: its name and where
    its value starts."""
    body = _top_level(code, opening + 1, closing)
    # Nested blocks keep their braces, so the blanks after `=` never run into a nested value.
    for attribute in _HCL_ATTRIBUTE.finditer(body):
        yield attribute.group(1), opening + 1 + attribute.end()


def _read_terraform(path: str, text: str, found: Found) -> None:
    """`required_version` and `required_providers` in `terraform {}` blocks. A small reader rather than an
    HCL parser: these two attributes are all that is needed, with their line numbers, which the HCL
    parsers on PyPI do not give for attributes."""
    code = _hcl_code(text)

    def line_at(offset: int) -> int:
        return code.count("\n", 0, offset) + 1

    for block in _TERRAFORM_BLOCK.finditer(code):
        opening = block.end() - 1
        closing = _closing_brace(code, opening)
        if closing is None:
            found.problem(path, line_at(block.start()), f"{path}: the terraform block is not closed")
            continue
        for name, at in _attributes(code, opening, closing):
            if name != "required_version":
                continue
            value = _HCL_STRING.match(text, at)
            if value is None:
                found.problem(path, line_at(at), f"{path}: required_version is not a string")
                continue
            spec = value.group(1)
            found.install(Install("terraform", "required_version", spec, terraform_exact(spec), path, line_at(at)))
        for providers in _REQUIRED_PROVIDERS.finditer(_top_level(code, opening + 1, closing)):
            _read_providers(path, text, code, opening + providers.end(), found)


def _read_providers(path: str, text: str, code: str, opening: int, found: Found) -> None:
    """The `required_providers` block whose `{` is at ``opening``."""

    def line_at(offset: int) -> int:
        return code.count("\n", 0, offset) + 1

    closing = _closing_brace(code, opening)
    if closing is None:
        found.problem(path, line_at(opening), f"{path}: the required_providers block is not closed")
        return
    for name, at in _attributes(code, opening, closing):
        # Without `source`, Terraform reads a provider's local name as `hashicorp/<name>`.
        source, spec, spec_at = f"hashicorp/{name}", "", at
        if (legacy := _HCL_STRING.match(text, at)) is not None:
            spec = legacy.group(1)
        elif code.startswith("{", at) and (end := _closing_brace(code, at)) is not None:
            fields = dict(_attributes(code, at, end))
            if "source" in fields and (written := _HCL_STRING.match(text, fields["source"])):
                source = written.group(1)
            if "version" in fields and (written := _HCL_STRING.match(text, fields["version"])):
                spec, spec_at = written.group(1), fields["version"]
        else:
            found.problem(path, line_at(at), f"{path}: provider {name} is neither a string nor an object")
            continue
        found.install(Install("terraform", source, spec, terraform_exact(spec), path, line_at(spec_at)))


READERS = (
    Reader(
        "terraform",
        ("*.tf",),
        _read_terraform,
        "`required_version` and `required_providers` versions in `terraform {}` blocks",
    ),
)

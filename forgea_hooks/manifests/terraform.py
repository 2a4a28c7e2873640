"""Terraform: `required_version` and `required_providers` in `terraform {}` blocks."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from forgea_hooks.manifests.catalog import TERRAFORM_LOCK
from forgea_hooks.manifests.core import Found, Install
from forgea_hooks.manifests.versions import RELEASE, terraform_exact

# Each token that cannot close (a string at the end of its line, a comment at the end of the file)
# runs to where it would stop, so no start is scanned twice: linear in the file's length.
_HCL_SKIP = re.compile(r'"(?:[^"\\\n]|\\[^\n]?)*"?|#[^\n]*|//[^\n]*|/\*.*?(?:\*/|\Z)', re.DOTALL)
_HCL_STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
_TERRAFORM_BLOCK = re.compile(r"(?m)^[ \t]*terraform[ \t]*\{")
_LOCKED_PROVIDER = re.compile(r'(?m)^[ \t]*provider[ \t]+"([^"\n]*)"[ \t]*\{')
# The blocks where teams write a database engine's version: RDS instances and clusters, and modules.
_ENGINE_BLOCK = re.compile(
    r'(?m)^[ \t]*(?:resource[ \t]+"(aws_db_instance|aws_rds_cluster|aws_rds_global_cluster)"|(module))'
    r'[ \t]+"([^"\n]*)"[ \t]*\{'
)
_VARIABLE_BLOCK = re.compile(r'(?m)^[ \t]*variable[ \t]+"([^"\n]*)"[ \t]*\{')
_VAR_REFERENCE = re.compile(r"var\.([A-Za-z_][\w-]*)")
_TWO_PART_ENGINES = frozenset({"postgres", "aurora-postgresql"})
_TERRAFORM_REGISTRY = "registry.terraform.io/"
_REQUIRED_PROVIDERS = re.compile(r"(?m)^[ \t]*required_providers[ \t]*\{")
_HCL_ATTRIBUTE = re.compile(r"(?m)^[ \t]*([A-Za-z_][\w-]*)[ \t]*=[ \t]*")


def _hcl_code(text: str) -> str:
    """``text`` with comments and the braces inside strings blanked, at the same offsets: a `{` or `#`
    in a comment or string must not be read as structure."""

    def blank(match: re.Match[str]) -> str:
        token = match.group()
        if token.startswith('"'):
            return token.replace("{", " ").replace("}", " ")
        return re.sub(r"[^\n]", " ", token)

    return _HCL_SKIP.sub(blank, text)


class _Code:
    """The blanked code with its braces matched, the depth at every brace and its lines indexed, all
    in one pass; what lies at a block's own level is then found by depth, never by rescanning."""

    def __init__(self, text: str) -> None:
        self.code = _hcl_code(text)
        self.closing: dict[int, int] = {}
        self.depth: dict[int, int] = {}
        self.braces: list[int] = []
        self.after: list[int] = []  # the depth just after each brace
        open_at: list[int] = []
        for brace in re.finditer(r"[{}]", self.code):
            if brace.group() == "{":
                self.depth[brace.start()] = len(open_at)
                open_at.append(brace.start())
            elif open_at:
                self.closing[open_at.pop()] = brace.start()
            self.braces.append(brace.start())
            self.after.append(len(open_at))
        self.newlines = [newline.start() for newline in re.finditer("\n", self.code)]

    def line_at(self, offset: int) -> int:
        return bisect.bisect_left(self.newlines, offset) + 1

    def depth_at(self, offset: int) -> int:
        index = bisect.bisect_right(self.braces, offset) - 1
        return self.after[index] if index >= 0 else 0

    def own(self, pattern: re.Pattern[str], opening: int) -> Iterator[re.Match[str]]:
        """Matches of ``pattern`` inside the block whose `{` is at ``opening``, at its own level."""
        level = self.depth[opening] + 1
        for match in pattern.finditer(self.code, opening + 1, self.closing[opening]):
            if self.depth_at(match.start()) == level:
                yield match

    def attributes(self, opening: int) -> Iterator[tuple[str, int]]:
        """Each attribute of the block whose `{` is at ``opening``: its name and where its value starts."""
        for attribute in self.own(_HCL_ATTRIBUTE, opening):
            yield attribute.group(1), attribute.end()


def _read_terraform(path: str, text: str, found: Found) -> None:
    """`required_version` and `required_providers` in `terraform {}` blocks. A small reader rather than an
    HCL parser: these two attributes are all that is needed, with their line numbers, which the HCL
    parsers on PyPI do not give for attributes. Only top-level blocks count (Terraform allows no
    other), which also keeps the reading linear: top-level blocks never overlap."""
    code = _Code(text)
    for block in _TERRAFORM_BLOCK.finditer(code.code):
        opening = block.end() - 1
        if code.depth[opening] != 0:
            continue
        if opening not in code.closing:
            found.problem(path, code.line_at(block.start()), f"{path}: the terraform block is not closed")
            return
        for name, at in code.attributes(opening):
            if name != "required_version":
                continue
            value = _HCL_STRING.match(text, at)
            if value is None:
                found.problem(path, code.line_at(at), f"{path}: required_version is not a string")
                continue
            spec = value.group(1)
            found.install(Install("terraform", "required_version", spec, terraform_exact(spec), path, code.line_at(at)))
        for providers in code.own(_REQUIRED_PROVIDERS, opening):
            _read_providers(path, text, code, providers.end() - 1, found)
    _read_engines(path, text, code, found)


def _read_engines(path: str, text: str, code: _Code, found: Found) -> None:
    """`engine` and `engine_version` of RDS resources and of module inputs, from literals or from
    the default of the variable they name."""
    for block in _ENGINE_BLOCK.finditer(code.code):
        opening = block.end() - 1
        if code.depth[opening] != 0 or opening not in code.closing:
            continue
        fields = dict(code.attributes(opening))
        if "engine" not in fields or "engine_version" not in fields:
            continue
        engine = _value(text, fields["engine"], found)
        version = _value(text, fields["engine_version"], found)
        if engine is None or version is None:
            continue
        (engine_name, _, _), (spec, version_path, version_line) = engine, version
        spec = spec.strip()
        parts = 2 if engine_name in _TWO_PART_ENGINES else 3
        release = RELEASE.match(spec)
        exact = release.group(1) if release and len(release.group(1).split(".")) >= parts else None
        what = block.group(1) or block.group(2)
        how = f"{path} {what} {block.group(3)}" + (f" (default in {version_path})" if version_path else "")
        if not version_path:  # a literal: where the attribute is written
            version_path, version_line = path, code.line_at(fields["engine_version"])
        found.install(
            Install("engine", engine_name, spec, exact, version_path, version_line, how=how, advice=_FLOATING_ENGINE)
        )


_FLOATING_ENGINE = "an engine version without its minor lets the provider pick one: write it in full"


def _value(text: str, at: int, found: Found) -> tuple[str, str, int] | None:
    """The string an attribute's value is: a literal, or a variable's default (value, path, line)."""
    literal = _HCL_STRING.match(text, at)
    if literal is not None:
        return literal.group(1), "", 0
    reference = _VAR_REFERENCE.match(text, at)
    if reference is None:
        return None
    return _variables(found).get(reference.group(1))


def _variables(found: Found) -> dict[str, tuple[str, str, int]]:
    """Every root `variable` with a string default, across the root's `.tf` files, read once."""
    memo = found.memo.get("terraform-variables")
    if isinstance(memo, dict):
        return memo
    variables: dict[str, tuple[str, str, int]] = {}
    found.memo["terraform-variables"] = variables
    for name in sorted(found.files):
        if not name.endswith(".tf") or (text := found.text(name)) is None:
            continue
        code = _Code(text)
        for block in _VARIABLE_BLOCK.finditer(code.code):
            opening = block.end() - 1
            if code.depth[opening] != 0 or opening not in code.closing:
                continue
            default = dict(code.attributes(opening)).get("default")
            value = _HCL_STRING.match(text, default) if default is not None else None
            if value is not None:
                variables.setdefault(block.group(1), (value.group(1), name, code.line_at(default or 0)))
    return variables


def _locked_providers(found: Found) -> dict[str, tuple[str, int]]:
    """`.terraform.lock.hcl`: each provider's locked version and its line, by source address."""
    memo = found.memo.get("terraform-lock")
    if isinstance(memo, dict):
        return memo
    locked: dict[str, tuple[str, int]] = {}
    found.memo["terraform-lock"] = locked
    if TERRAFORM_LOCK not in found.files or (text := found.text(TERRAFORM_LOCK)) is None:
        return locked
    code = _Code(text)
    for block in _LOCKED_PROVIDER.finditer(code.code):
        opening = block.end() - 1
        if code.depth[opening] != 0 or opening not in code.closing:
            continue
        at = dict(code.attributes(opening)).get("version")
        version = _HCL_STRING.match(text, at) if at is not None else None
        if version is not None:
            locked[_address(block.group(1))] = (version.group(1), code.line_at(at or 0))
    return locked


def _address(source: str) -> str:
    return source.lower().removeprefix(_TERRAFORM_REGISTRY)


def _read_providers(path: str, text: str, code: _Code, opening: int, found: Found) -> None:
    """The `required_providers` block whose `{` is at ``opening``."""
    for name, at in code.attributes(opening):
        # Without `source`, Terraform reads a provider's local name as `hashicorp/<name>`.
        source, spec, spec_at = f"hashicorp/{name}", "", at
        if (legacy := _HCL_STRING.match(text, at)) is not None:
            spec = legacy.group(1)
        elif code.code.startswith("{", at) and at in code.closing:
            fields = dict(code.attributes(at))
            if "source" in fields and (written := _HCL_STRING.match(text, fields["source"])):
                source = written.group(1)
            if "version" in fields and (written := _HCL_STRING.match(text, fields["version"])):
                spec, spec_at = written.group(1), fields["version"]
        else:
            found.problem(path, code.line_at(at), f"{path}: provider {name} is neither a string nor an object")
            continue
        locked = _locked_providers(found).get(_address(source))
        if locked is not None:
            how = f"{TERRAFORM_LOCK} (from {spec or 'any version'} in {path})"
            found.install(Install("terraform", source, spec, locked[0], TERRAFORM_LOCK, locked[1], how=how))
        else:
            found.install(Install("terraform", source, spec, terraform_exact(spec), path, code.line_at(spec_at)))

"""Terraform: `required_version` and `required_providers` in `terraform {}` blocks."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from forgea_hooks.manifests.core import Found, Install, Reader
from forgea_hooks.manifests.versions import terraform_exact

# Each token that cannot close (a string at the end of its line, a comment at the end of the file)
# runs to where it would stop, so no start is scanned twice: linear in the file's length.
_HCL_SKIP = re.compile(r'"(?:[^"\\\n]|\\[^\n]?)*"?|#[^\n]*|//[^\n]*|/\*.*?(?:\*/|\Z)', re.DOTALL)
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
        found.install(Install("terraform", source, spec, terraform_exact(spec), path, code.line_at(spec_at)))


READERS = (
    Reader(
        "terraform",
        ("*.tf",),
        _read_terraform,
        "`required_version` and `required_providers` versions in `terraform {}` blocks",
    ),
)

"""Container images: compose files and Dockerfiles. An image tag is compared on its version part."""

from __future__ import annotations

import re

from forgea_hooks.manifests.core import Found, Install, Reader
from forgea_hooks.manifests.formats import node_line, yaml_get, yaml_items, yaml_root
from forgea_hooks.manifests.versions import RELEASE, components_of

_VARIABLE = re.compile(r"\$\{(?P<braced>\w+)(?::?-(?P<default>[^}]*))?\}|\$(?P<bare>\w+)")


def _expand(text: str, values: dict[str, str]) -> str:
    """Variables as the file's own defaults give them; an unknown one stays, so its tag reads as none."""

    def value(match: re.Match[str]) -> str:
        name = match.group("braced") or match.group("bare")
        if values.get(name):
            return values[name]
        default = match.group("default")
        return default if default is not None else match.group()

    return _VARIABLE.sub(value, text)


def _add_image(found: Found, path: str, line: int, reference: str) -> None:
    # A digest pins bytes, not a version the docs can name; the tag is what is compared.
    reference = reference.strip().split("@", 1)[0]
    slash = reference.rfind("/")
    colon = reference.rfind(":")
    name, tag = (reference[:colon], reference[colon + 1 :]) if colon > slash else (reference, "")
    components = components_of(tag)
    # `postgres:16.4` is 16.4 and `redis:7.2.5-alpine` 7.2.5; a bare major tag (`16`) moves within it.
    exact = RELEASE.match(tag) if components and len(components) > 1 else None
    found.install(Install("image", name, tag, exact.group(1) if exact else None, path, line))


def _read_compose(path: str, text: str, found: Found) -> None:
    import yaml

    root = yaml_root(path, text, found)
    services = yaml_get(root, "services")
    if services is None:
        return
    if not isinstance(services, yaml.MappingNode):
        found.problem(path, node_line(services), f"{path}: services is not a mapping")
        return
    for name, service in yaml_items(services):
        if not isinstance(service, yaml.MappingNode):
            found.problem(path, node_line(service), f"{path}: service {name} is not a mapping")
            continue
        image = yaml_get(service, "image")
        if image is None:
            continue
        if not isinstance(image, yaml.ScalarNode):
            found.problem(path, node_line(image), f"{path}: the image of service {name} is not a string")
            continue
        _add_image(found, path, node_line(image), _expand(str(image.value), {}))


_ARG = re.compile(r"\s*ARG\s+(\w+)(?:=(\S*))?", re.IGNORECASE)
_FROM = re.compile(r"\s*FROM(?:\s+(.*))?$", re.IGNORECASE)


def _read_dockerfile(path: str, text: str, found: Found) -> None:
    # Only ARGs declared before the first FROM can be used in FROM lines.
    arguments: dict[str, str] = {}
    stages: set[str] = set()
    seen_from = False
    for number, line in enumerate(text.splitlines(), start=1):
        argument = _ARG.match(line)
        if argument and not seen_from:
            arguments[argument.group(1)] = (argument.group(2) or "").strip("\"'")
            continue
        instruction = _FROM.match(line)
        if instruction is None:
            continue
        seen_from = True
        words = [word for word in (instruction.group(1) or "").split() if not word.startswith("--")]
        if not words:
            found.problem(path, number, f"{path}: FROM names no image")
            continue
        image = _expand(words[0], arguments)
        # `FROM build` names an earlier stage, and `scratch` is no image at all.
        if image.lower() not in stages and image.lower() != "scratch":
            _add_image(found, path, number, image)
        if len(words) >= 3 and words[1].lower() == "as":
            stages.add(words[2].lower())


READERS = (
    Reader(
        "containers",
        ("docker-compose*.yml", "docker-compose*.yaml", "compose*.yaml", "compose*.yml"),
        _read_compose,
        "each service's `image`",
    ),
    Reader("containers", ("Dockerfile*",), _read_dockerfile, "`FROM` images, with `ARG` defaults"),
)

"""Container images: compose files, read as `docker compose config` resolves them, and Dockerfiles.

An image tag is compared on its version part (`postgres:16.4` is 16.4, `redis:7.2.5-alpine` 7.2.5,
`1.12.2-otp-24` 1.12.2; a digest beside a tag leaves the tag's version). A tag shorter than the
image's releases floats (`traefik:3.6` is the newest 3.6.x): a range, never a wrong version. Images
behind mirrors and registries (`docker.io/library/…`, `public.ecr.aws/docker/library/…`,
`mirror.gcr.io/library/…`) are the same image."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, replace

from forgea_hooks.manifests.core import Found, Install
from forgea_hooks.manifests.formats import node_line, yaml_get, yaml_items, yaml_root
from forgea_hooks.manifests.versions import RELEASE, components_of

# `docker compose` reads the first of these as the project, then the first override present over it.
_DEFAULT_FILES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")
_OVERRIDE_FILES = (
    "compose.override.yaml",
    "compose.override.yml",
    "docker-compose.override.yaml",
    "docker-compose.override.yml",
)
_MAX_FOLLOW = 16
# Images whose releases are major.minor: their two-part tags name a release, not a series.
_TWO_PART_RELEASES = frozenset({"postgres"})
_MIRROR_PREFIX = re.compile(
    r"^(?:(?:docker\.io|index\.docker\.io|registry-1\.docker\.io)/|public\.ecr\.aws/docker/|mirror\.gcr\.io/"
    r"|[a-z0-9.-]+\.[a-z]{2,}(?::\d+)?/(?=library/))"
)
_VARIABLE = re.compile(r"\$\$|\$\{(?P<braced>\w+)(?:(?P<op>:?[-?+])(?P<default>[^}]*))?\}|\$(?P<bare>\w+)")
_FLOATING = "a moving tag: pin the full tag, or a digest"


def _expand(text: str, values: dict[str, str]) -> str:
    """Variables as compose interpolates them from `.env` (or the file's own defaults); an unknown
    one without a default stays, so its tag reads as none."""

    def value(match: re.Match[str]) -> str:
        if match.group() == "$$":
            return "$"
        name = match.group("braced") or match.group("bare")
        op, default = match.group("op") or "", match.group("default")
        known = values.get(name)
        if op.endswith("+"):
            return (default or "") if known else ""
        if op.endswith("?"):
            return known if known is not None else match.group()
        if known is not None and (known or not op.startswith(":")):
            return known
        return default if default is not None else match.group()

    return _VARIABLE.sub(value, text)


def image_name(reference: str) -> str:
    """An image's name with the registry or mirror it is pulled through dropped: the same image."""
    name = reference.lower()
    name = _MIRROR_PREFIX.sub("", name, count=1)
    return name.removeprefix("library/")


def add_image(found: Found, path: str, line: int, reference: str, *, how: str = "", optional: bool = False) -> None:
    reference = reference.strip()
    if len(reference) > 512:
        found.problem(path, line, f"{path}: an image reference of {len(reference)} characters (not read)")
        return
    # A digest pins bytes, not a version the docs can name; the tag beside it is what is compared.
    reference = reference.split("@", 1)[0]
    slash = reference.rfind("/")
    colon = reference.rfind(":")
    name, tag = (reference[:colon], reference[colon + 1 :]) if colon > slash else (reference, "")
    name = image_name(name)
    components = components_of(tag)
    release = RELEASE.match(tag)
    # A full release (`7.2.5`, or `16.4` of an image whose releases are major.minor) is exact; a
    # shorter tag follows the newest release it prefixes.
    parts = 2 if name in _TWO_PART_RELEASES else 3
    exact = release.group(1) if release and components and len(components) >= parts else None
    advice = _FLOATING if exact is None and components else ""
    found.install(Install("image", name, tag, exact, path, line, how=how or path, advice=advice, optional=optional))


@dataclass(frozen=True)
class _Service:
    image: str | None
    path: str
    line: int
    profiles: bool
    extends: tuple[str, str] | None  # (service, file)


def _dotenv(found: Found) -> dict[str, str]:
    if ".env" not in found.files:
        return {}
    text = found.text(".env")
    values: dict[str, str] = {}
    for written in (text or "").splitlines():
        line = written.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.removeprefix("export ").partition("=")
        value = value.strip()
        if value[:1] in "\"'" and len(value) > 1 and value[-1] == value[0]:
            value = value[1:-1]
        else:
            value = value.split(" #", 1)[0].strip()
        values[key.strip()] = value
    return values


def _services(path: str, found: Found, env: dict[str, str], seen: set[str]) -> dict[str, _Service] | None:
    """The services one compose file declares, with those of the files it `include`s; each file is
    read once per reading, however many services extend from it."""
    key = f"compose:{path}"
    if key not in found.memo:
        found.memo[key] = None  # a file that includes itself, directly or not, finds nothing more
        found.memo[key] = _read_services(path, found, env, seen)
    return found.memo[key]  # type: ignore[return-value]


def _read_services(path: str, found: Found, env: dict[str, str], seen: set[str]) -> dict[str, _Service] | None:
    import yaml

    text = found.text(path)
    if text is None:
        return None
    root = yaml_root(path, text, found)
    if root is None:
        return None
    services: dict[str, _Service] = {}
    include = yaml_get(root, "include")
    for item in include.value if isinstance(include, yaml.SequenceNode) else []:
        where = yaml_get(item, "path") if isinstance(item, yaml.MappingNode) else item
        if isinstance(where, yaml.ScalarNode):
            included = _follow(path, str(where.value), found, seen, node_line(where))
            if included is not None:
                services.update(_services(included, found, env, seen) or {})
    declared = yaml_get(root, "services")
    if declared is None:
        return services
    if not isinstance(declared, yaml.MappingNode):
        found.problem(path, node_line(declared), f"{path}: services is not a mapping")
        return services
    for name, node in yaml_items(declared):
        if not isinstance(node, yaml.MappingNode):
            found.problem(path, node_line(node), f"{path}: service {name} is not a mapping")
            continue
        image = yaml_get(node, "image")
        if image is not None and not isinstance(image, yaml.ScalarNode):
            found.problem(path, node_line(image), f"{path}: the image of service {name} is not a string")
            image = None
        extends = yaml_get(node, "extends")
        target: tuple[str, str] | None = None
        if isinstance(extends, yaml.ScalarNode):
            target = (str(extends.value), path)
        elif isinstance(extends, yaml.MappingNode):
            other, file = yaml_get(extends, "service"), yaml_get(extends, "file")
            if isinstance(other, yaml.ScalarNode):
                where = (
                    _follow(path, str(file.value), found, seen, node_line(file))
                    if isinstance(file, yaml.ScalarNode)
                    else path
                )
                target = (str(other.value), where) if where else None
        services[name] = _Service(
            _expand(str(image.value), env) if isinstance(image, yaml.ScalarNode) else None,
            path,
            node_line(image) if image is not None else node_line(node),
            yaml_get(node, "profiles") is not None,
            target,
        )
    return services


def _follow(path: str, target: str, found: Found, seen: set[str], line: int) -> str | None:
    name = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
    if name.startswith("../") or name == ".." or posixpath.isabs(name):
        found.problem(path, line, f"{path}: {target} is outside the repository (not read)")
        return None
    if len(seen) >= _MAX_FOLLOW:
        found.problem(path, line, f"{path}: more than {_MAX_FOLLOW} compose files followed (the rest not read)")
        return None
    seen.add(name)
    return name


def _extended(service: _Service, found: Found, env: dict[str, str], seen: set[str]) -> _Service:
    """The service with the image it inherits through `extends`, when it declares none itself."""
    chain: set[tuple[str, str]] = set()
    current = service
    while current.image is None and current.extends is not None and current.extends not in chain:
        if len(chain) >= _MAX_FOLLOW:
            break
        chain.add(current.extends)
        other, where = current.extends
        base = (_services(where, found, env, seen) or {}).get(other)
        if base is None:
            break
        current = base
    return replace(service, image=current.image, path=current.path, line=current.line) if current.image else service


def _read_compose(path: str, text: str, found: Found) -> None:
    del text  # read again by _services, which also reads the files a project includes or extends
    base = next((name for name in _DEFAULT_FILES if name in found.files), None)
    override = next((name for name in _OVERRIDE_FILES if name in found.files), None)
    if path == override and base is not None:
        return  # merged over the project file when that is read
    env = _dotenv(found)
    seen = {path}
    read = _services(path, found, env, seen)
    if read is None:
        return
    services = dict(read)  # the override merges into a copy: the file's own services stay as read
    files = [path]
    if path == base and override is not None:
        files.append(override)
        for name, overriding in (_services(override, found, env, seen) or {}).items():
            service = overriding
            # The override wins field by field: an image it sets replaces the project's.
            if name in services:
                previous = services[name]
                service = replace(
                    previous,
                    image=service.image or previous.image,
                    path=service.path if service.image else previous.path,
                    line=service.line if service.image else previous.line,
                    profiles=service.profiles or previous.profiles,
                    extends=service.extends or previous.extends,
                )
            services[name] = service
    how = " + ".join(files)
    for name, service in services.items():
        resolved = _extended(service, found, env, seen)
        if resolved.image is not None:
            suffix = f" (service {name}, profile only)" if resolved.profiles else f" (service {name})"
            add_image(found, resolved.path, resolved.line, resolved.image, how=how + suffix, optional=resolved.profiles)


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
            add_image(found, path, number, image)
        if len(words) >= 3 and words[1].lower() == "as":
            stages.add(words[2].lower())

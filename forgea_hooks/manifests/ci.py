"""CI and cluster manifests: GitHub workflow `services:` and `container:` images (where the CI database
version lives), Helm charts' dependencies and their values' `image.repository`/`image.tag`, and the
container images of Kubernetes manifests (only documents that parse as Kubernetes objects)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from forgea_hooks.manifests.containers import add_image
from forgea_hooks.manifests.core import Found, Install
from forgea_hooks.manifests.formats import node_line, yaml_documents, yaml_get, yaml_items, yaml_root
from forgea_hooks.manifests.versions import npm_exact

if TYPE_CHECKING:
    import yaml


def _scalar(node: yaml.Node | None) -> tuple[str, int] | None:
    import yaml

    if isinstance(node, yaml.ScalarNode) and isinstance(node.value, str) and node.value.strip():
        return node.value, node_line(node)
    return None


def _image(found: Found, path: str, node: yaml.Node | None, how: str) -> None:
    written = _scalar(node)
    # `${{ matrix.pg }}` is decided when the workflow runs: no version the file can give.
    if written is not None and "${{" not in written[0]:
        add_image(found, path, written[1], written[0], how=how)


def _read_workflow(path: str, text: str, found: Found) -> None:
    import yaml

    jobs = yaml_get(yaml_root(path, text, found), "jobs")
    for job, body in yaml_items(jobs):
        container = yaml_get(body, "container")
        _image(
            found,
            path,
            container if isinstance(container, yaml.ScalarNode) else yaml_get(container, "image"),
            f"{path} job {job} container",
        )
        for service, definition in yaml_items(yaml_get(body, "services")):
            _image(found, path, yaml_get(definition, "image"), f"{path} job {job} service {service}")


def _read_chart(path: str, text: str, found: Found) -> None:
    """`Chart.yaml` dependencies, and the images its `values.yaml` sets beside it."""
    dependencies = yaml_get(yaml_root(path, text, found), "dependencies")
    import yaml

    for item in dependencies.value if isinstance(dependencies, yaml.SequenceNode) else []:
        name, version = _scalar(yaml_get(item, "name")), _scalar(yaml_get(item, "version"))
        if name is not None and version is not None:
            spec = version[0].strip()
            found.install(Install("helm", name[0], spec, npm_exact(spec), path, version[1], how=f"{path} dependencies"))
    folder = path.rpartition("/")[0]
    values = f"{folder}/values.yaml" if folder else "values.yaml"
    if (found.root / values).is_file() and (values_text := found.text(values)) is not None:
        _read_values(values, values_text, found)


def _read_values(path: str, text: str, found: Found) -> None:
    """`image: {repository, tag}` at the top of a chart's values, or one level down (per component)."""
    root = yaml_root(path, text, found)
    candidates = [("image", yaml_get(root, "image"))]
    candidates += [(f"{key}.image", yaml_get(node, "image")) for key, node in yaml_items(root)]
    for where, image in candidates:
        repository, tag = _scalar(yaml_get(image, "repository")), _scalar(yaml_get(image, "tag"))
        if repository is not None and tag is not None:
            registry = _scalar(yaml_get(image, "registry"))
            name = f"{registry[0]}/{repository[0]}" if registry else repository[0]
            add_image(found, path, tag[1], f"{name}:{tag[0]}", how=f"{path} {where}")


_POD_PATHS = (
    ("spec",),
    ("spec", "template", "spec"),
    ("spec", "jobTemplate", "spec", "template", "spec"),
)


def _read_kubernetes(path: str, text: str, found: Found) -> None:
    documents = yaml_documents(path, text, found)
    for document in documents or []:
        kind = _scalar(yaml_get(document, "kind"))
        if kind is None or _scalar(yaml_get(document, "apiVersion")) is None:
            continue  # not a Kubernetes object: a values file, a config, anything else
        import yaml

        for steps in _POD_PATHS:
            pod: yaml.Node | None = document
            for step in steps:
                pod = yaml_get(pod, step)
            for section in ("containers", "initContainers"):
                containers = yaml_get(pod, section)
                for container in containers.value if isinstance(containers, yaml.SequenceNode) else []:
                    name = _scalar(yaml_get(container, "name"))
                    how = f"{path} {kind[0]} container {name[0] if name else '?'}"
                    _image(found, path, yaml_get(container, "image"), how)

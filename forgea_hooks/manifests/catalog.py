"""Which files each reader reads, and the function that reads them.

The declarations live apart from the readers so that finding out what a root holds costs no reader
module: a module is imported the first time a file it reads is there (a check of a few docs in a
repository without Terraform never loads the Terraform reader, one with no manifest loads none).
A reader's function is named ``module.function`` inside ``forgea_hooks.manifests``.
"""

from __future__ import annotations

from forgea_hooks.manifests.core import Reader

TERRAFORM_LOCK = ".terraform.lock.hcl"
_CLUSTER_FOLDERS = ("k8s", "kubernetes", "deploy", "manifests")

READERS: tuple[Reader, ...] = (
    Reader(
        "npm",
        ("package.json",),
        "npm._read_package_json",
        "`dependencies`, `devDependencies`, the root's and each workspace member's (`workspaces`, "
        "`pnpm-workspace.yaml`); the locked version from `package-lock.json`, `pnpm-lock.yaml`, `yarn.lock` "
        "or `bun.lock`",
        companions=("package-lock.json", "pnpm-lock.yaml", "yarn.lock", "bun.lock", "pnpm-workspace.yaml"),
        sources=("npm", "engines"),
    ),
    Reader(
        "python",
        ("requirements*.txt",),
        "python._read_requirements",
        "requirements, one a line, with `-r` includes and `-c` constraints",
        follows=True,
        sources=("pypi",),
    ),
    Reader(
        "python",
        ("pyproject.toml",),
        "python._read_pyproject",
        "`[project]` dependencies and optional dependencies, `[dependency-groups]`, `[tool.poetry]` "
        "dependencies and groups; the locked version from `uv.lock` or `poetry.lock`",
        companions=("uv.lock", "poetry.lock"),
        sources=("pypi",),
    ),
    Reader(
        "python", ("Pipfile.lock",), "python._read_pipfile_lock", "`default` and `develop` packages", sources=("pypi",)
    ),
    Reader(
        "containers",
        ("compose*.yaml", "compose*.yml", "docker-compose*.yaml", "docker-compose*.yml"),
        "containers._read_compose",
        "each service's `image`, as `docker compose config` resolves it: `.env` interpolation, the "
        "override file merged over the project, `include` and `extends` followed; `profiles` services "
        "apart, one step lower",
        companions=(".env",),
        follows=True,
        sources=("image",),
    ),
    Reader(
        "containers",
        ("Dockerfile*",),
        "containers._read_dockerfile",
        "`FROM` images, with `ARG` defaults",
        sources=("image",),
    ),
    Reader(
        "terraform",
        ("*.tf",),
        "terraform._read_terraform",
        "`required_version` and `required_providers` versions in `terraform {}` blocks (the locked "
        "version from `.terraform.lock.hcl`); `engine`/`engine_version` of `aws_db_instance`, "
        "`aws_rds_cluster` and module inputs, literal or a variable's default",
        companions=(TERRAFORM_LOCK,),
        sources=("terraform", "engine"),
    ),
    Reader(
        "version files",
        (".tool-versions",),
        "versionfiles._read_tool_versions",
        "each tool's first version",
        sources=("tool-versions",),
    ),
    Reader(
        "version files",
        (".nvmrc", ".node-version"),
        "versionfiles._read_nvmrc",
        "the Node.js version",
        sources=("nvmrc",),
    ),
    Reader(
        "version files",
        (".python-version", ".terraform-version"),
        "versionfiles._read_tool_file",
        "the Python (pyenv) or Terraform (tfenv) version",
        sources=("tool-versions",),
    ),
    Reader(
        "version files",
        ("mise.toml", ".mise.toml"),
        "versionfiles._read_mise",
        "`[tools]` versions",
        sources=("tool-versions",),
    ),
    Reader(
        "go",
        ("go.mod",),
        "versionfiles._read_go_mod",
        "`go`/`toolchain` and `require`d module versions",
        sources=("go",),
    ),
    Reader("rust", ("Cargo.lock",), "versionfiles._read_cargo_lock", "each locked crate's version", sources=("cargo",)),
    Reader("ruby", ("Gemfile.lock",), "versionfiles._read_gemfile_lock", "each locked gem's version", sources=("gem",)),
    Reader(
        "ci",
        (".github/workflows/*.yml", ".github/workflows/*.yaml"),
        "ci._read_workflow",
        "GitHub workflow jobs' `services:` and `container:` images",
        sources=("image",),
    ),
    Reader(
        "cluster",
        ("Chart.yaml", "charts/*/Chart.yaml", "helm/*/Chart.yaml", "deploy/*/Chart.yaml"),
        "ci._read_chart",
        "Helm chart `dependencies` versions, and `image.repository`/`image.tag` in the `values.yaml` beside it",
        sources=("helm", "image"),
        beside=("values.yaml",),
    ),
    Reader(
        "cluster",
        tuple(
            f"{folder}/{depth}*.{ext}" for folder in _CLUSTER_FOLDERS for depth in ("", "*/") for ext in ("yaml", "yml")
        ),
        "ci._read_kubernetes",
        "Kubernetes objects' container images (documents with `apiVersion` and `kind`)",
        sources=("image",),
    ),
)

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from forgea_hooks.manifests import Install, ManifestProblem, compare, read_installs
from forgea_hooks.pins import classify


def write(root: Path, name: str, text: str) -> None:
    (root / name).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


def installs_of(root: Path, source: str) -> list[Install]:
    installs, problems = read_installs(root)
    assert problems == []
    return [install for install in installs if install.source == source]


PACKAGE_JSON = """
{
  "name": "app",
  "dependencies": {
    "prisma": "^7.3.0",
    "@prisma/client": "7.3.0"
  },
  "devDependencies": {
    "typescript": "~5.4"
  }
}
"""


# --- npm ---------------------------------------------------------------------------------------------


def test_package_json_without_lockfile(tmp_path: Path) -> None:
    write(tmp_path, "package.json", PACKAGE_JSON)
    assert installs_of(tmp_path, "npm") == [
        Install("npm", "prisma", "^7.3.0", None, "package.json", 4),
        Install("npm", "@prisma/client", "7.3.0", "7.3.0", "package.json", 5),
        Install("npm", "typescript", "~5.4", None, "package.json", 8),
    ]


@pytest.mark.parametrize(
    ("spec", "version"),
    [
        ("=7.3.0", "7.3.0"),
        ("v7.3.0", "7.3.0"),
        ("7.3.0-beta.1", "7.3.0-beta.1"),
        ("npm:prisma-fork@7.3.0", "7.3.0"),
        ("7.3", None),
        ("7.3.0 || 7.4.0", None),
        ("latest", None),
        ("github:prisma/prisma", None),
        ("workspace:*", None),
    ],
)
def test_exact_npm_spec_is_the_version(tmp_path: Path, spec: str, version: str | None) -> None:
    write(tmp_path, "package.json", json.dumps({"dependencies": {"prisma": spec}}))
    (install,) = installs_of(tmp_path, "npm")
    assert (install.spec, install.version) == (spec, version)


def test_package_lock_v1(tmp_path: Path) -> None:
    write(tmp_path, "package.json", PACKAGE_JSON)
    write(
        tmp_path,
        "package-lock.json",
        """
        {
          "name": "app",
          "lockfileVersion": 1,
          "requires": true,
          "dependencies": {
            "@prisma/client": {
              "version": "7.3.0",
              "requires": {
                "prisma": "^7.0.0"
              }
            },
            "prisma": {
              "version": "7.3.1",
              "resolved": "https://registry.npmjs.org/prisma/-/prisma-7.3.1.tgz"
            }
          }
        }
        """,
    )
    assert installs_of(tmp_path, "npm") == [
        Install("npm", "prisma", "^7.3.0", "7.3.1", "package-lock.json", 13),
        Install("npm", "@prisma/client", "7.3.0", "7.3.0", "package-lock.json", 7),
        # not in the lockfile: the spec is all there is
        Install("npm", "typescript", "~5.4", None, "package.json", 8),
    ]


def test_package_lock_v3_reads_packages_by_install_path(tmp_path: Path) -> None:
    write(tmp_path, "package.json", PACKAGE_JSON)
    write(
        tmp_path,
        "package-lock.json",
        """
        {
          "name": "app",
          "lockfileVersion": 3,
          "packages": {
            "": {
              "name": "app",
              "dependencies": {
                "prisma": "^7.3.0",
                "version": "1.0.0"
              }
            },
            "node_modules/@prisma/client": {
              "version": "7.3.0"
            },
            "node_modules/prisma": {
              "version": "7.4.2",
              "dev": false
            },
            "node_modules/typescript": {
              "resolved": "git+ssh://git@github.com/microsoft/TypeScript.git#abc",
              "version": "git+ssh://git@github.com/microsoft/TypeScript.git#abc"
            }
          }
        }
        """,
    )
    assert installs_of(tmp_path, "npm") == [
        Install("npm", "prisma", "^7.3.0", "7.4.2", "package-lock.json", 16),
        Install("npm", "@prisma/client", "7.3.0", "7.3.0", "package-lock.json", 13),
        Install("npm", "typescript", "~5.4", None, "package.json", 8),
    ]


@pytest.mark.parametrize(
    "lockfile",
    [
        # lockfileVersion 9: the root project under importers
        """
        lockfileVersion: '9.0'
        importers:
          .:
            dependencies:
              '@prisma/client':
                specifier: 7.3.0
                version: 7.3.0(prisma@7.3.2)
              prisma:
                specifier: ^7.3.0
                version: 7.3.2
            devDependencies:
              typescript:
                specifier: ~5.4
                version: 5.4.5
        packages:
          prisma@7.3.2:
            resolution: {integrity: sha512-abc}
        """,
        # lockfileVersion 6: the same at the top level
        """
        lockfileVersion: '6.0'
        dependencies:
          '@prisma/client':
            specifier: 7.3.0
            version: 7.3.0(prisma@7.3.2)
          prisma:
            specifier: ^7.3.0
            version: 7.3.2
        devDependencies:
          typescript:
            specifier: ~5.4
            version: 5.4.5
        """,
        # lockfileVersion 5: plain versions with peer suffixes
        """
        lockfileVersion: 5.4
        specifiers:
          prisma: ^7.3.0
        dependencies:
          '@prisma/client': 7.3.0_prisma@7.3.2
          prisma: 7.3.2
        devDependencies:
          typescript: 5.4.5
        """,
    ],
    ids=["v9", "v6", "v5"],
)
def test_pnpm_lock(tmp_path: Path, lockfile: str) -> None:
    write(tmp_path, "package.json", PACKAGE_JSON)
    write(tmp_path, "pnpm-lock.yaml", lockfile)
    text = (tmp_path / "pnpm-lock.yaml").read_text().splitlines()
    found = {i.package: (i.version, i.path, text[i.line - 1].strip()) for i in installs_of(tmp_path, "npm")}
    assert found["prisma"][:2] == ("7.3.2", "pnpm-lock.yaml")
    assert "7.3.2" in found["prisma"][2]
    assert found["@prisma/client"][:2] == ("7.3.0", "pnpm-lock.yaml")
    assert found["@prisma/client"][2].startswith(("version: 7.3.0", "'@prisma/client': 7.3.0"))
    assert found["typescript"][:2] == ("5.4.5", "pnpm-lock.yaml")


def test_yarn_classic_lock(tmp_path: Path) -> None:
    write(tmp_path, "package.json", PACKAGE_JSON)
    write(
        tmp_path,
        "yarn.lock",
        """
        # THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.
        # yarn lockfile v1


        "@prisma/client@7.3.0":
          version "7.3.0"
          resolved "https://registry.yarnpkg.com/@prisma/client/-/client-7.3.0.tgz"
          dependencies:
            version "1.0.0"

        prisma@^7.0.0, prisma@^7.3.0:
          version "7.3.4"
          resolved "https://registry.yarnpkg.com/prisma/-/prisma-7.3.4.tgz"

        typescript@~5.3:
          version "5.3.3"
        """,
    )
    assert installs_of(tmp_path, "npm") == [
        Install("npm", "prisma", "^7.3.0", "7.3.4", "yarn.lock", 12),
        Install("npm", "@prisma/client", "7.3.0", "7.3.0", "yarn.lock", 6),
        # the lock resolves another range of typescript, not the one package.json asks for
        Install("npm", "typescript", "~5.4", None, "package.json", 8),
    ]


def test_yarn_berry_lock(tmp_path: Path) -> None:
    write(tmp_path, "package.json", PACKAGE_JSON)
    write(
        tmp_path,
        "yarn.lock",
        """
        __metadata:
          version: 6
          cacheKey: 8

        "prisma@npm:^7.3.0":
          version: 7.3.5
          resolution: "prisma@npm:7.3.5"
        """,
    )
    (prisma, *_) = installs_of(tmp_path, "npm")
    assert prisma == Install("npm", "prisma", "^7.3.0", "7.3.5", "yarn.lock", 6)


def test_package_lock_wins_over_other_lockfiles(tmp_path: Path) -> None:
    write(tmp_path, "package.json", json.dumps({"dependencies": {"prisma": "^7.3.0"}}))
    write(tmp_path, "package-lock.json", json.dumps({"packages": {"node_modules/prisma": {"version": "7.3.1"}}}))
    write(tmp_path, "yarn.lock", 'prisma@^7.3.0:\n  version "7.9.9"\n')
    (install,) = installs_of(tmp_path, "npm")
    assert (install.version, install.path) == ("7.3.1", "package-lock.json")


# --- Python ------------------------------------------------------------------------------------------


def test_requirements_files(tmp_path: Path) -> None:
    write(
        tmp_path,
        "requirements.txt",
        """
        # pinned for prod
        Django>=4.2,<5 ; python_version > "3.8"
        requests[socks]==2.31.0 \\
            --hash=sha256:abc
        -r requirements-dev.txt
        --index-url https://example.org/simple
        -e git+https://github.com/org/repo.git#egg=repo
        ./local/package
        pkg @ https://example.org/pkg-1.0.tar.gz
        psycopg2-binary===2.9.9  # exact
        """,
    )
    write(tmp_path, "requirements-dev.txt", "pytest~=8.0\n")
    assert installs_of(tmp_path, "pypi") == [
        Install("pypi", "pytest", "~=8.0", None, "requirements-dev.txt", 1),
        Install("pypi", "Django", ">=4.2,<5", None, "requirements.txt", 2),
        Install("pypi", "requests", "==2.31.0", "2.31.0", "requirements.txt", 3),
        Install("pypi", "pkg", "https://example.org/pkg-1.0.tar.gz", None, "requirements.txt", 9),
        Install("pypi", "psycopg2-binary", "===2.9.9", "2.9.9", "requirements.txt", 10),
    ]


def test_pyproject_pep621_and_poetry(tmp_path: Path) -> None:
    write(
        tmp_path,
        "pyproject.toml",
        """
        [project]
        name = "app"
        dependencies = [
            "prisma==0.15.0",
            'redis>=5',
        ]

        [project.optional-dependencies]
        pg = ["psycopg[binary]~=3.1"]

        [tool.poetry.dependencies]
        python = "^3.10"
        fastapi = "^0.110"
        "sqlalchemy" = { version = "2.0.29", extras = ["asyncio"] }
        uvicorn = [
            { version = "0.29.0", python = ">=3.11" },
            { version = "^0.28", python = "<3.11" },
        ]
        mylib = { git = "https://github.com/org/mylib.git" }

        [tool.poetry.group.dev.dependencies]
        pytest = "8.1.1"
        """,
    )
    assert installs_of(tmp_path, "pypi") == [
        Install("pypi", "prisma", "==0.15.0", "0.15.0", "pyproject.toml", 4),
        Install("pypi", "redis", ">=5", None, "pyproject.toml", 5),
        Install("pypi", "psycopg", "~=3.1", None, "pyproject.toml", 9),
        Install("pypi", "fastapi", "^0.110", None, "pyproject.toml", 13),
        Install("pypi", "sqlalchemy", "2.0.29", "2.0.29", "pyproject.toml", 14),
        Install("pypi", "uvicorn", "0.29.0 || ^0.28", None, "pyproject.toml", 15),
        Install("pypi", "mylib", "", None, "pyproject.toml", 19),
        Install("pypi", "pytest", "8.1.1", "8.1.1", "pyproject.toml", 22),
    ]


# --- images ------------------------------------------------------------------------------------------


def test_compose_images(tmp_path: Path) -> None:
    write(
        tmp_path,
        "docker-compose.yml",
        """
        x-cache: &cache
          image: redis:7.2.5-alpine
        services:
          db:
            image: postgres:${PG_TAG:-16.4}
          cache:
            <<: *cache
          app:
            build: .
          proxy:
            image: docker.io/library/nginx
          queue:
            image: "rabbitmq:3-management@sha256:0123abcd"
        """,
    )
    write(tmp_path, "compose.override.yaml", "services:\n  db:\n    image: postgres:latest\n")
    write(tmp_path, "compose-other.yml", "services: {}\n")
    write(tmp_path, "docker-compose.prod.yaml", "services:\n  db:\n    image: postgres:16\n")
    # docker-compose.yml is the project, the override merged over it (its `db` image wins, not a
    # second install); docker-compose.prod.yaml is a stack of its own.
    assert installs_of(tmp_path, "image") == [
        Install("image", "postgres", "16", None, "docker-compose.prod.yaml", 3),
        Install("image", "postgres", "latest", None, "compose.override.yaml", 3),
        Install("image", "redis", "7.2.5-alpine", "7.2.5", "docker-compose.yml", 2),
        Install("image", "nginx", "", None, "docker-compose.yml", 11),
        Install("image", "rabbitmq", "3-management", None, "docker-compose.yml", 13),
    ]


def test_dockerfiles(tmp_path: Path) -> None:
    write(
        tmp_path,
        "Dockerfile",
        """
        # syntax=docker/dockerfile:1
        ARG NODE_VERSION=20.11.0
        FROM --platform=$BUILDPLATFORM node:${NODE_VERSION}-alpine AS build
        ARG NODE_VERSION=18
        RUN echo FROM nothing
        FROM build AS test
        from postgres:16.4@sha256:0123abcd
        FROM scratch
        FROM registry.example.com:5000/team/api:2.1.0
        """,
    )
    write(tmp_path, "Dockerfile.dev", "FROM redis\n")
    assert installs_of(tmp_path, "image") == [
        Install("image", "node", "20.11.0-alpine", "20.11.0", "Dockerfile", 3),
        Install("image", "postgres", "16.4", "16.4", "Dockerfile", 7),
        Install("image", "registry.example.com:5000/team/api", "2.1.0", "2.1.0", "Dockerfile", 9),
        Install("image", "redis", "", None, "Dockerfile.dev", 1),
    ]


# --- Terraform ---------------------------------------------------------------------------------------


def test_terraform(tmp_path: Path) -> None:
    write(
        tmp_path,
        "versions.tf",
        """
        # terraform { required_version = "0.12" }
        terraform {
          required_version = ">= 1.5.0, < 2.0.0"

          backend "s3" {
            required_version = "not this one"
            key = "state/{env}"
          }

          required_providers {
            aws = {
              source  = "hashicorp/aws" // { not a brace
              version = "~> 5.0"
            }
            random = "3.6.0"
            null = {
              source = "hashicorp/null"
            }
          }
        }
        /* terraform {
          required_version = "0.11"
        } */
        """,
    )
    write(tmp_path, "main.tf", 'terraform {\n  required_version = "1.7.5"\n}\n')
    write(tmp_path, "vars.tfvars", 'terraform {\n  required_version = "9.9.9"\n}\n')
    assert installs_of(tmp_path, "terraform") == [
        Install("terraform", "required_version", "1.7.5", "1.7.5", "main.tf", 2),
        Install("terraform", "required_version", ">= 1.5.0, < 2.0.0", None, "versions.tf", 3),
        Install("terraform", "hashicorp/aws", "~> 5.0", None, "versions.tf", 13),
        Install("terraform", "hashicorp/random", "3.6.0", "3.6.0", "versions.tf", 15),
        Install("terraform", "hashicorp/null", "", None, "versions.tf", 16),
    ]


# --- .tool-versions and .nvmrc -----------------------------------------------------------------------


def test_tool_versions(tmp_path: Path) -> None:
    write(
        tmp_path,
        ".tool-versions",
        """
        # runtimes
        nodejs 20.11.0
        terraform 1.7.5 1.6.0   # fallback
        python 3.12
        postgres 16
        ruby latest
        """,
    )
    assert installs_of(tmp_path, "tool-versions") == [
        Install("tool-versions", "nodejs", "20.11.0", "20.11.0", ".tool-versions", 2),
        Install("tool-versions", "terraform", "1.7.5", "1.7.5", ".tool-versions", 3),
        Install("tool-versions", "python", "3.12", "3.12", ".tool-versions", 4),
        Install("tool-versions", "postgres", "16", None, ".tool-versions", 5),
        Install("tool-versions", "ruby", "latest", None, ".tool-versions", 6),
    ]


@pytest.mark.parametrize(
    ("text", "spec", "version", "line"),
    [
        ("v20.11.0\n", "v20.11.0", "20.11.0", 1),
        ("20.11.0", "20.11.0", "20.11.0", 1),
        ("\n# pinned\nlts/iron\n", "lts/iron", None, 3),
        ("20\n", "20", None, 1),
        ("20.11\n", "20.11", None, 1),
    ],
)
def test_nvmrc(tmp_path: Path, text: str, spec: str, version: str | None, line: int) -> None:
    (tmp_path / ".nvmrc").write_text(text)
    assert installs_of(tmp_path, "nvmrc") == [Install("nvmrc", "node", spec, version, ".nvmrc", line)]


# --- what is read, and what is not -------------------------------------------------------------------


def test_only_the_root_is_read(tmp_path: Path) -> None:
    (tmp_path / "packages" / "web").mkdir(parents=True)
    write(tmp_path / "packages" / "web", "package.json", PACKAGE_JSON)
    write(tmp_path / "packages", "requirements.txt", "django==5.0\n")
    (tmp_path / "Dockerfile.d").mkdir()
    assert read_installs(tmp_path) == ([], [])


# --- malformed manifests are problems, never exceptions ----------------------------------------------


@pytest.mark.parametrize(
    ("files", "problem"),
    [
        ({"package.json": '{\n  "dependencies": {\n    "prisma": "^7"\n  \n'}, ("package.json", 5)),
        ({"package.json": "[1, 2]"}, ("package.json", 1)),
        ({"package.json": '{\n  "dependencies": ["prisma"]\n}'}, ("package.json", 2)),
        ({"package.json": '{\n  "dependencies": {\n    "prisma": 7\n  }\n}'}, ("package.json", 3)),
        (
            {"package.json": '{"dependencies": {"prisma": "^7.3.0"}}', "package-lock.json": "{,}"},
            ("package-lock.json", 1),
        ),
        (
            {"package.json": '{"dependencies": {"prisma": "^7.3.0"}}', "pnpm-lock.yaml": "a: [\n  b\nc: d\n"},
            ("pnpm-lock.yaml", 3),
        ),
        (
            {
                "package.json": '{"dependencies": {"prisma": "^7.3.0"}}',
                "yarn.lock": 'prisma@^7.3.0:\n  version "7.3.0"\ngarbage\n',
            },
            ("yarn.lock", 3),
        ),
        (
            {"package.json": '{"dependencies": {"prisma": "^7.3.0"}}', "yarn.lock": 'prisma@^7.3.0:\n  resolved "x"\n'},
            ("yarn.lock", 1),
        ),
        ({"requirements.txt": "django==5.0\nnot a requirement!\n"}, ("requirements.txt", 2)),
        (
            {"pyproject.toml": '[project]\nname = "x"\ndependencies = [\n  "django",\n  oops\n]\n'},
            ("pyproject.toml", 5),
        ),
        ({"pyproject.toml": '[project]\ndependencies = "django"\n'}, ("pyproject.toml", 2)),
        ({"pyproject.toml": '[project]\ndependencies = ["django>>5"]\n'}, ("pyproject.toml", 2)),
        ({"pyproject.toml": "[tool.poetry.dependencies]\ndjango = 5\n"}, ("pyproject.toml", 2)),
        ({"pyproject.toml": '[tool.poetry]\ndependencies = "django"\n'}, ("pyproject.toml", 1)),
        ({"docker-compose.yml": "services:\n  db:\n    image: [postgres\n"}, ("docker-compose.yml", 4)),
        ({"docker-compose.yml": "- just\n- a list\n"}, ("docker-compose.yml", 1)),
        ({"docker-compose.yml": "services:\n  - db\n"}, ("docker-compose.yml", 2)),
        ({"compose.yaml": "services:\n  db: postgres\n"}, ("compose.yaml", 2)),
        ({"compose.yaml": "services:\n  db:\n    image:\n      name: postgres\n"}, ("compose.yaml", 4)),
        ({"Dockerfile": "FROM\n"}, ("Dockerfile", 1)),
        ({"main.tf": 'terraform {\n  required_version = ">= 1.5"\n'}, ("main.tf", 1)),
        ({"main.tf": "terraform {\n  required_version = var.v\n}\n"}, ("main.tf", 2)),
        ({"main.tf": "terraform {\n  required_providers {\n    aws = hashicorp\n  }\n}\n"}, ("main.tf", 3)),
        ({".tool-versions": "nodejs 20.11.0\nterraform\n"}, (".tool-versions", 2)),
        ({".nvmrc": "\n# nothing\n"}, (".nvmrc", 1)),
    ],
)
def test_malformed_manifests_become_problems(tmp_path: Path, files: dict[str, str], problem: tuple[str, int]) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    _, problems = read_installs(tmp_path)
    assert [(p.path, p.line) for p in problems] == [problem]
    assert all(p.message.startswith(p.path) for p in problems)


def test_undecodable_manifest_is_a_problem(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_bytes(b"django==5.0\n\xff\xfe\x00")
    (tmp_path / ".nvmrc").write_text("20.11.0\n")
    installs, problems = read_installs(tmp_path)
    assert problems == [ManifestProblem("requirements.txt", 1, "requirements.txt is not UTF-8 text")]
    assert [install.source for install in installs] == ["nvmrc"]


def test_malformed_lockfile_falls_back_to_the_spec(tmp_path: Path) -> None:
    write(tmp_path, "package.json", '{"dependencies": {"prisma": "7.3.0"}}')
    write(tmp_path, "package-lock.json", "not json")
    installs, problems = read_installs(tmp_path)
    assert installs == [Install("npm", "prisma", "7.3.0", "7.3.0", "package.json", 1)]
    assert [p.path for p in problems] == ["package-lock.json"]


# --- compare -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pin", "source", "spec", "version", "verdict"),
    [
        # exact installs and lockfile-resolved versions
        ("7.3.0", "npm", "7.3.0", "7.3.0", "agree"),
        ("7.3.0", "npm", "^7.3.0", "7.3.0", "agree"),
        ("7.3.0", "npm", "^7.3.0", "7.4.1", "other-version"),
        ("7.3", "npm", "7.3.0", "7.3.0", "agree"),
        ("v4.0", "pypi", "==4.0", "4.0", "agree"),
        ("16.4", "image", "16.4", "16.4", "agree"),
        ("16.4", "image", "16.3", "16.3", "other-version"),
        ("3.12", "tool-versions", "3.12.3", "3.12.3", "agree"),
        ("3.12", "tool-versions", "3.13.1", "3.13.1", "other-version"),
        ("7.3.0", "npm", "7.3.5", "7.3.5", "other-version"),
        ("7.2.5", "image", "7.2.5-alpine", "7.2.5", "agree"),
        # a major pin agrees with any install of that major
        ("16", "image", "16.4", "16.4", "agree"),
        ("16.x", "npm", "^16.0.0", "16.9.1", "agree"),
        ("16", "image", "17.0", "17.0", "other-version"),
        # ranges against exact pins
        ("7.3.0", "npm", "^7.3.0", None, "range-admits-others"),
        ("7.3.0", "npm", "~7.3.0", None, "range-admits-others"),
        ("7.3.0", "npm", "^8.0.0", None, "other-version"),
        ("7.3.0", "npm", ">=8 <7", None, "other-version"),
        ("7.3.0", "npm", "7.2.0 || ^7.3.0", None, "range-admits-others"),
        ("7.3.0", "npm", "npm:prisma-fork@^7.3.0", None, "range-admits-others"),
        ("7.3.0", "npm", "github:prisma/prisma", None, "range-admits-others"),
        ("7.3.0", "pypi", ">=7,<8", None, "range-admits-others"),
        ("7.3.0", "pypi", "==7.3.*", None, "range-admits-others"),
        ("7.3.0", "pypi", "!=7.3.0", None, "other-version"),
        ("7.3.0", "pypi", "^7.3", None, "range-admits-others"),
        ("7.3.0", "pypi", "", None, "range-admits-others"),
        ("1.7.5", "terraform", "~> 1.7", None, "range-admits-others"),
        ("1.7.5", "terraform", ">= 1.5.0, < 1.7.0", None, "other-version"),
        # ranges against major pins: inside the major agrees
        ("16", "npm", "^16.1", None, "agree"),
        ("16", "npm", "16.x", None, "agree"),
        ("16", "npm", ">=16", None, "range-admits-others"),
        ("16", "npm", "~15", None, "other-version"),
        ("7", "pypi", "~=7.1", None, "agree"),
        ("7", "pypi", ">=7.1,!=7.2.*,<8", None, "agree"),
        ("7", "pypi", "==6.*", None, "other-version"),
        ("1", "terraform", "~> 1.5", None, "agree"),
        ("1", "terraform", "~> 1", None, "range-admits-others"),
        # image tags: `latest` or none is a range; a bare major moves within it
        ("16.4", "image", "latest", None, "range-admits-others"),
        ("16.4", "image", "", None, "range-admits-others"),
        ("16", "image", "16", None, "agree"),
        ("16.4", "image", "16-alpine", None, "range-admits-others"),
        ("15", "image", "16", None, "other-version"),
        # .nvmrc and .tool-versions
        ("20", "nvmrc", "lts/iron", None, "range-admits-others"),
        ("20.11.0", "nvmrc", "20.11", None, "range-admits-others"),
        ("20", "nvmrc", "20.11", None, "agree"),
        ("20.11.0", "nvmrc", "v20.11.0", "20.11.0", "agree"),
        ("20", "tool-versions", "20", None, "agree"),
    ],
)
def test_compare(pin: str, source: str, spec: str, version: str | None, verdict: str) -> None:
    (part,) = classify(pin).parts
    assert compare(part, Install(source, "pkg", spec, version, "manifest", 1)) == verdict


@pytest.mark.parametrize("pin", ["^7.3.0", "TBD", "e.g. 16", "N/A (regulation)"])
def test_compare_needs_a_versioned_pin(pin: str) -> None:
    (part,) = classify(pin).parts
    with pytest.raises(ValueError, match="no version to compare"):
        compare(part, Install("npm", "prisma", "7.3.0", "7.3.0", "package.json", 1))

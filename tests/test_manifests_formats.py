"""Version files, Terraform locks and engine versions, CI and cluster manifests: each format read from
a real-shaped file, its installed version agreeing with a pin of that version and not with another."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from forgea_hooks.manifests import Install, compare, read_installs
from forgea_hooks.pins import classify
from tests.conftest import run_json
from tests.test_consistency import REGISTRY, REGISTRY_FIRST_ROW, registry, write

TF_MAIN = """
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

resource "aws_db_instance" "main" {
  engine         = "postgres"
  engine_version = "16.4"
}

resource "aws_rds_cluster" "aurora" {
  engine         = "aurora-postgresql"
  engine_version = var.aurora_version
}
"""
TF_LOCK = """
# This file is maintained automatically by "terraform init".

provider "registry.terraform.io/hashicorp/aws" {
  version     = "5.31.0"
  constraints = "~> 5.0"
  hashes = [
    "h1:abc=",
  ]
}
"""
WORKFLOW = """
name: ci
on: push
jobs:
  test:
    runs-on: ubuntu-latest
    container: node:20.11.1-bookworm
    services:
      postgres:
        image: postgres:16.4
        env:
          POSTGRES_PASSWORD: postgres
      redis:
        image: ${{ matrix.redis }}
"""
CHART = """
apiVersion: v2
name: app
version: 0.1.0
dependencies:
  - name: postgresql
    version: 15.5.38
    repository: oci://registry.invalid/charts
"""
VALUES = """
image:
  repository: ghcr.io/org/app
  tag: "1.4.2"
postgresql:
  image:
    registry: docker.io
    repository: bitnami/postgresql
    tag: 16.4.0-debian-12-r0
"""
K8S = """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      initContainers:
        - name: migrate
          image: flyway/flyway:10.10.0
      containers:
        - name: api
          image: ghcr.io/org/api:2.3.1
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: backup
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: dump
              image: postgres:16.4-alpine
---
not: kubernetes
image: nope:1.0.0
"""
GO_MOD = """
module example.com/app

go 1.22

toolchain go1.22.3

require github.com/jackc/pgx/v5 v5.5.5

require (
	gorm.io/gorm v1.25.10 // indirect
)
"""
CARGO_LOCK = """
version = 3

[[package]]
name = "sqlx"
version = "0.7.4"
source = "registry+https://registry.invalid/crates"
"""
GEMFILE_LOCK = """
GEM
  remote: https://registry.invalid/
  specs:
    pg (1.5.6)
    rails (7.1.3.2)
      actionpack (= 7.1.3.2)
    nokogiri (1.16.4-x86_64-linux)

PLATFORMS
  x86_64-linux
"""
MISE = """
[tools]
node = "20.11.1"
python = ["3.12.3", "3.11"]
terraform = { version = "1.8.5" }
"""

# files -> (source, package, installed version, where)
CASES: dict[str, tuple[dict[str, str], str, str, str, str]] = {
    "tf-lock": (
        {"main.tf": TF_MAIN, "variables.tf": "", ".terraform.lock.hcl": TF_LOCK},
        "terraform",
        "hashicorp/aws",
        "5.31.0",
        ".terraform.lock.hcl:4",
    ),
    "engine-literal": ({"main.tf": TF_MAIN}, "engine", "postgres", "16.4", "main.tf:12"),
    "engine-variable": (
        {"main.tf": TF_MAIN, "variables.tf": 'variable "aurora_version" {\n  default = "15.4"\n}\n'},
        "engine",
        "aurora-postgresql",
        "15.4",
        "variables.tf:2",
    ),
    "workflow-service": (
        {".github/workflows/ci.yml": WORKFLOW},
        "image",
        "postgres",
        "16.4",
        ".github/workflows/ci.yml:9",
    ),
    "workflow-container": (
        {".github/workflows/ci.yml": WORKFLOW},
        "image",
        "node",
        "20.11.1",
        ".github/workflows/ci.yml:6",
    ),
    "helm-dependency": ({"Chart.yaml": CHART}, "helm", "postgresql", "15.5.38", "Chart.yaml:6"),
    "helm-values": (
        {"Chart.yaml": CHART, "values.yaml": VALUES},
        "image",
        "bitnami/postgresql",
        "16.4.0",
        "values.yaml:8",
    ),
    "k8s-deployment": ({"k8s/api.yaml": K8S}, "image", "ghcr.io/org/api", "2.3.1", "k8s/api.yaml:13"),
    "k8s-cronjob": ({"deploy/base/jobs.yaml": K8S}, "image", "postgres", "16.4", "deploy/base/jobs.yaml:26"),
    "node-version": ({".node-version": "20.11.1\n"}, "nvmrc", "node", "20.11.1", ".node-version:1"),
    "python-version": ({".python-version": "3.12.3\n"}, "tool-versions", "python", "3.12.3", ".python-version:1"),
    "terraform-version": (
        {".terraform-version": "1.8.5\n"},
        "tool-versions",
        "terraform",
        "1.8.5",
        ".terraform-version:1",
    ),
    "mise-node": ({"mise.toml": MISE}, "tool-versions", "node", "20.11.1", "mise.toml:2"),
    "mise-python": ({"mise.toml": MISE}, "tool-versions", "python", "3.12.3", "mise.toml:3"),
    "mise-table": ({"mise.toml": MISE}, "tool-versions", "terraform", "1.8.5", "mise.toml:4"),
    "go-toolchain": ({"go.mod": GO_MOD}, "go", "go", "1.22.3", "go.mod:5"),
    "go-require": ({"go.mod": GO_MOD}, "go", "github.com/jackc/pgx/v5", "5.5.5", "go.mod:7"),
    "go-require-block": ({"go.mod": GO_MOD}, "go", "gorm.io/gorm", "1.25.10", "go.mod:10"),
    "cargo-lock": ({"Cargo.lock": CARGO_LOCK}, "cargo", "sqlx", "0.7.4", "Cargo.lock:5"),
    "gemfile-lock": ({"Gemfile.lock": GEMFILE_LOCK}, "gem", "rails", "7.1.3.2", "Gemfile.lock:5"),
    "gemfile-platform": ({"Gemfile.lock": GEMFILE_LOCK}, "gem", "nokogiri", "1.16.4", "Gemfile.lock:7"),
}


def put(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        write(root, name, textwrap.dedent(text).lstrip("\n"))


def the_install(root: Path, source: str, package: str) -> Install:
    installs, problems = read_installs(root)
    assert problems == []
    (install,) = [i for i in installs if (i.source, i.package) == (source, package)]
    return install


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_installed_version_agrees_and_another_does_not(tmp_path: Path, case: str) -> None:
    files, source, package, version, where = CASES[case]
    put(tmp_path, files)
    install = the_install(tmp_path, source, package)
    assert (install.version, f"{install.path}:{install.line}") == (version, where)
    assert compare(classify(version).parts[0], install) == "agree"
    assert compare(classify("0.0.1").parts[0], install) == "other-version"


def test_only_kubernetes_objects_are_read(tmp_path: Path) -> None:
    put(tmp_path, {"k8s/all.yaml": K8S, "k8s/settings.yaml": "image: nope:1.0.0\nreplicas: 3\n"})
    installs, _ = read_installs(tmp_path)
    assert sorted(i.package for i in installs) == ["flyway/flyway", "ghcr.io/org/api", "postgres"]


def test_a_workflow_expression_is_no_install(tmp_path: Path) -> None:
    put(tmp_path, {".github/workflows/ci.yml": WORKFLOW})
    installs, _ = read_installs(tmp_path)
    assert sorted(i.package for i in installs) == ["node", "postgres"]


def test_package_json_engines_are_a_range(tmp_path: Path) -> None:
    put(tmp_path, {"package.json": '{"engines": {"node": ">=20.11.0 <21"}}'})
    install = the_install(tmp_path, "engines", "node")
    assert compare(classify("20.11.1").parts[0], install) == "range-admits-others"
    assert compare(classify("18.0.0").parts[0], install) == "other-version"


def test_a_short_python_version_floats(tmp_path: Path) -> None:
    put(tmp_path, {".python-version": "3.12\n"})
    install = the_install(tmp_path, "tool-versions", "python")
    assert install.version is None
    assert compare(classify("3.12").parts[0], install) == "agree"
    assert compare(classify("3.12.3").parts[0], install) == "range-admits-others"


@pytest.fixture
def in_tree(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize(
    "case",
    [
        ({"main.tf": TF_MAIN}, "PostgreSQL", "16.4", "main.tf:12"),
        ({".github/workflows/ci.yml": WORKFLOW}, "PostgreSQL", "16.4", ".github/workflows/ci.yml:9"),
        ({".python-version": "3.12.3\n"}, "Python", "3.12.3", ".python-version:1"),
        ({"go.mod": GO_MOD}, "Go", "1.22.3", "go.mod:5"),
        ({".node-version": "20.11.1\n"}, "Node.js", "20.11.1", ".node-version:1"),
    ],
)
@pytest.mark.parametrize("drift", [False, True])
def test_built_in_technologies_drift_end_to_end(
    in_tree: Path, capsys: pytest.CaptureFixture[str], case: tuple[dict[str, str], str, str, str], drift: bool
) -> None:
    files, technology, installed, where = case
    put(in_tree, files)
    write(in_tree, REGISTRY, registry((technology, "9.9.9" if drift else installed)))
    _, data = run_json(capsys, ["check", "--format", "json"])
    drifts = [(f["line"], f["severity"], f["hint"]) for f in data["findings"] if f["rule"] == "pin-drift"]
    if not drift:
        assert drifts == []
        return
    ((line, severity, hint),) = drifts
    assert (line, severity) == (REGISTRY_FIRST_ROW, "error") and f"installed: {where} " in hint

from __future__ import annotations

import pytest

from forgea_hooks.technologies import Catalog, normalize_name, package_key


@pytest.mark.parametrize(
    ("name", "normalized"),
    [
        ("PostgreSQL", "postgresql"),
        ("Prisma (ORM & Migrations)", "prisma"),
        ("Prisma", "prisma"),
        ("  Node.js  ", "node.js"),
        ("C++", "c++"),
        ("C#", "c#"),
        ("Docker   Compose", "docker compose"),
        ("docker-compose", "docker compose"),
        ("AWS / Terraform provider", "aws terraform provider"),
        ("snake_case_name", "snake case name"),
        ("Next.js (App Router) ", "next.js"),
        ("PCI DSS (v4.0) (payments)", "pci dss v4.0"),
        ("(internal)", "internal"),
        ("STRASSE", "strasse"),
        ("Straße", "strasse"),
    ],
)
def test_normalize_name(name: str, normalized: str) -> None:
    assert normalize_name(name) == normalized


@pytest.mark.parametrize(
    ("name", "canonical"),
    [
        ("Postgres", "postgresql"),
        ("PG", "postgresql"),
        ("pg", "postgresql"),
        ("PostgreSQL (database)", "postgresql"),
        ("Node", "node.js"),
        ("Node.js", "node.js"),
        ("TF", "terraform"),
        ("Compose", "docker compose"),
        ("Docker Compose", "docker compose"),
        ("Prisma (ORM & Migrations)", "prisma"),
        ("Something Else", "something else"),
    ],
)
def test_builtin_aliases(name: str, canonical: str) -> None:
    assert Catalog().canonical(name) == canonical


def test_canonical_is_idempotent() -> None:
    catalog = Catalog()
    for name in ("PG", "Node", "Prisma (ORM)", "Docker Compose"):
        key = catalog.canonical(name)
        assert catalog.canonical(key) == key


def test_builtin_packages() -> None:
    catalog = Catalog()
    assert catalog.packages("PostgreSQL") == {"image": ("postgres",), "engine": ("postgres", "aurora-postgresql")}
    assert catalog.packages("prisma") == {"npm": ("prisma", "@prisma/client")}
    assert catalog.packages("Redis") == {"image": ("redis",)}
    assert catalog.packages("Node") == {"nvmrc": ("node",), "tool-versions": ("nodejs", "node"), "engines": ("node",)}
    assert catalog.packages("terraform") == {"terraform": ("required_version",), "tool-versions": ("terraform",)}
    assert catalog.packages("unknown tech") == {}
    assert catalog.official_domains("postgresql") == ()


def test_technology_for_package() -> None:
    catalog = Catalog()
    assert catalog.technology_for_package("npm", "@prisma/client") == "prisma"
    assert catalog.technology_for_package("image", "postgres") == "postgresql"
    assert catalog.technology_for_package("image", "docker.io/library/postgres") == "postgresql"
    assert catalog.technology_for_package("image", "library/redis") == "redis"
    assert catalog.technology_for_package("nvmrc", "node") == "node.js"
    assert catalog.technology_for_package("tool-versions", "nodejs") == "node.js"
    assert catalog.technology_for_package("terraform", "required_version") == "terraform"
    assert catalog.technology_for_package("npm", "postgres") is None
    assert catalog.technology_for_package("image", "bitnami/postgresql") is None


def test_config_adds_aliases_domains_and_packages() -> None:
    catalog = Catalog(
        {
            "PostgreSQL": {
                "aliases": ["Postgres DB", "psql"],
                "official-domains": ["postgresql.org", "WWW.PostgreSQL.org "],
                "packages": {
                    "image": ["postgres", "bitnami/postgresql"],
                    "npm": ["pg"],
                    "pypi": ["Psycopg2"],
                },
            },
            "Prisma (ORM)": {"official-domains": ["prisma.io"]},
            "AWS provider": {"aliases": ["hashicorp/aws"], "packages": {"terraform": ["hashicorp/aws"]}},
        }
    )
    assert catalog.canonical("Postgres-DB") == "postgresql"
    assert catalog.canonical("PSQL") == "postgresql"
    assert catalog.canonical("PG") == "postgresql"
    assert catalog.packages("Postgres") == {
        "image": ("postgres", "bitnami/postgresql"),
        "engine": ("postgres", "aurora-postgresql"),
        "npm": ("pg",),
        "pypi": ("Psycopg2",),
    }
    assert catalog.official_domains("postgresql") == ("postgresql.org", "www.postgresql.org")
    assert catalog.official_domains("Prisma") == ("prisma.io",)
    assert catalog.technology_for_package("pypi", "psycopg2") == "postgresql"
    assert catalog.technology_for_package("npm", "pg") == "postgresql"
    assert catalog.technology_for_package("image", "bitnami/postgresql") == "postgresql"
    aws = catalog.technology_for_package("terraform", "registry.terraform.io/HashiCorp/aws")
    assert aws == "aws provider"
    # built-in packages stay
    assert catalog.packages("prisma") == {"npm": ("prisma", "@prisma/client")}


def test_config_key_that_is_a_builtin_alias_extends_the_canonical_technology() -> None:
    catalog = Catalog({"Postgres": {"aliases": ["pg16"], "official-domains": ["postgresql.org"]}})
    assert catalog.canonical("pg16") == "postgresql"
    assert catalog.official_domains("PostgreSQL") == ("postgresql.org",)


def test_config_can_move_a_package_to_another_technology() -> None:
    catalog = Catalog({"Prisma Client": {"packages": {"npm": ["@prisma/client"]}}})
    assert catalog.technology_for_package("npm", "@prisma/client") == "prisma client"
    assert catalog.packages("Prisma") == {"npm": ("prisma",)}
    assert catalog.packages("Prisma Client") == {"npm": ("@prisma/client",)}


def test_config_alias_overrides_builtin_alias() -> None:
    catalog = Catalog({"PgBouncer": {"aliases": ["PG"]}})
    assert catalog.canonical("PG") == "pgbouncer"
    assert catalog.canonical("Postgres") == "postgresql"


def test_empty_config() -> None:
    assert Catalog({}).canonical("Node") == "node.js"
    assert Catalog(None).canonical("TF") == "terraform"


@pytest.mark.parametrize(
    ("source", "package", "key"),
    [
        ("pypi", "Psycopg_2", "psycopg-2"),
        ("image", "Docker.io/library/Postgres", "postgres"),
        ("image", "ghcr.io/org/app", "ghcr.io/org/app"),
        ("terraform", "registry.terraform.io/hashicorp/aws", "hashicorp/aws"),
        ("npm", "@prisma/client", "@prisma/client"),
    ],
)
def test_package_key(source: str, package: str, key: str) -> None:
    assert package_key(source, package) == key

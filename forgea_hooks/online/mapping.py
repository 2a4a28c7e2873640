"""Which release data stands for a technology: a built-in table that config extends or turns off.

``technologies.<name>.release-data`` in config: ``{endoflife: <product>}`` (a product slug of
endoflife.date), ``{github: owner/repo}`` (that repository's GitHub releases), or ``false`` (do not
check this technology online). Names are compared as everywhere else (case, punctuation, a
trailing ``(qualifier)`` and aliases, built-in and configured, do not matter).
"""

from __future__ import annotations

from collections.abc import Mapping

from forgea_hooks.online.model import Source
from forgea_hooks.technologies import Catalog, normalize_name

# The README's table of mapped technologies is generated from this (a test keeps them in step).
# Only products whose slug was checked against endoflife.date's product list belong here.
BUILTIN: dict[str, Source] = {
    "PostgreSQL": Source("endoflife", "postgresql"),
    "MySQL": Source("endoflife", "mysql"),
    "MariaDB": Source("endoflife", "mariadb"),
    "MongoDB": Source("endoflife", "mongodb"),
    "Redis": Source("endoflife", "redis"),
    "Elasticsearch": Source("endoflife", "elasticsearch"),
    "RabbitMQ": Source("endoflife", "rabbitmq"),
    "Apache Kafka": Source("endoflife", "apache-kafka"),
    "Node.js": Source("endoflife", "nodejs"),
    "Python": Source("endoflife", "python"),
    "Ruby": Source("endoflife", "ruby"),
    "Go": Source("endoflife", "go"),
    "PHP": Source("endoflife", "php"),
    ".NET": Source("endoflife", "dotnet"),
    "Django": Source("endoflife", "django"),
    "Laravel": Source("endoflife", "laravel"),
    "Spring Boot": Source("endoflife", "spring-boot"),
    "Next.js": Source("endoflife", "nextjs"),
    "React": Source("endoflife", "react"),
    "Angular": Source("endoflife", "angular"),
    "Vue": Source("endoflife", "vue"),
    "Kubernetes": Source("endoflife", "kubernetes"),
    "Terraform": Source("endoflife", "terraform"),
    "Docker Engine": Source("endoflife", "docker-engine"),
    "nginx": Source("endoflife", "nginx"),
    "Ubuntu": Source("endoflife", "ubuntu"),
    "Debian": Source("endoflife", "debian"),
    "Docker Compose": Source("github", "docker/compose"),
    "Prisma": Source("github", "prisma/prisma"),
}

# Other names the table answers to, besides the catalog's aliases (Postgres, PG, Node, TF, ...).
BUILTIN_ALIASES: dict[str, str] = {
    "Golang": "Go",
    "K8s": "Kubernetes",
    "Kafka": "Apache Kafka",
    "Vue.js": "Vue",
    "Docker": "Docker Engine",
    "Nodejs": "Node.js",
    "Mongo": "MongoDB",
}


class ReleaseMapping:
    """Technology name -> its Source, or None when it has none (which is not a finding)."""

    def __init__(self, catalog: Catalog, technologies: Mapping[str, object] | None = None) -> None:
        self._catalog = catalog
        self._table: dict[str, Source | None] = {catalog.canonical(name): source for name, source in BUILTIN.items()}
        self._aliases = {normalize_name(alias): catalog.canonical(name) for alias, name in BUILTIN_ALIASES.items()}
        for name, entry in (technologies or {}).items():
            if not isinstance(entry, Mapping) or "release-data" not in entry:
                continue
            key = self._key(name)
            given = entry["release-data"]
            if given is False:
                self._table[key] = None
            elif isinstance(given, Mapping) and isinstance(given.get("endoflife"), str):
                self._table[key] = Source("endoflife", given["endoflife"])
            elif isinstance(given, Mapping) and isinstance(given.get("github"), str):
                self._table[key] = Source("github", given["github"])

    def _key(self, name: str) -> str:
        key = self._catalog.canonical(name)
        return key if key in self._table else self._aliases.get(key, key)

    def source(self, technology: str) -> Source | None:
        return self._table.get(self._key(technology)) if technology.strip() else None


def table_markdown() -> str:
    """The README's table of mapped technologies."""
    lines = ["| technology | also matched as | release data |", "| --- | --- | --- |"]
    for name, source in BUILTIN.items():
        aliases = [alias for alias, target in BUILTIN_ALIASES.items() if target == name]
        where = f"endoflife.date `{source.name}`" if source.kind == "endoflife" else f"GitHub releases `{source.name}`"
        lines.append(f"| {name} | {', '.join(aliases) or '—'} | {where} |")
    return "\n".join(lines)

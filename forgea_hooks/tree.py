"""What a single doc is judged against beyond itself: the registry, read once per run and only
when a rule asks (a pre-commit run over five files should not read the whole tree)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from forgea_hooks.config import Config
from forgea_hooks.documents.kinds import glob_pattern
from forgea_hooks.model import Document, TableRow
from forgea_hooks.technologies import Catalog
from forgea_hooks.views import UNPINNED_STATUSES

if TYPE_CHECKING:
    from forgea_hooks.manifests import Install


@dataclass
class Tree:
    config: Config
    load: Callable[[Path], Document | None]
    catalog: Catalog = field(init=False)
    warnings: list[str] = field(default_factory=list)
    _official_domains: dict[str, tuple[str, ...]] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self.catalog = Catalog(dict(self.config.technologies))

    @functools.cached_property
    def registries(self) -> list[Document]:
        docs = []
        for path in self.registry_paths():
            doc = self.load(path)
            if doc is not None and doc.kind == "registry":
                docs.append(doc)
        return docs

    @functools.cached_property
    def registry_rows(self) -> dict[str, tuple[Document, TableRow]]:
        """Canonical technology name -> its registry row (the first registry that names it wins; a
        missing or deprecated row gives way to a later row of the same technology that is not)."""
        rows: dict[str, tuple[Document, TableRow]] = {}
        for doc in self.registries:
            if doc.table is None:
                continue
            for row in doc.table.rows:
                name = row.cells.get("technology", "")
                if not name:
                    continue
                key = self.catalog.canonical(name)
                if key not in rows or (_unpinned(rows[key][1]) and not _unpinned(row)):
                    rows[key] = (doc, row)
        return rows

    def official_domains(self, technology: str) -> tuple[str, ...]:
        # Asked for each official source of each doc, of a few dozen technologies.
        found = self._official_domains.get(technology)
        if found is None:
            key = self.catalog.canonical(technology)
            domains = list(self.catalog.official_domains(key))
            row = self.registry_rows.get(key)
            if row is not None:
                domains.extend(_domains(row[1]))
            found = self._official_domains[technology] = tuple(dict.fromkeys(domain for domain in domains if domain))
        return found

    @functools.cached_property
    def installs(self) -> dict[str, list[Install]]:
        """Canonical technology name -> what the root's manifests install for it."""
        # Imported here: only runs whose docs name a technology pay for the manifest readers.
        from forgea_hooks.manifests import read_installs

        installs, problems = read_installs(self.config.root)
        for problem in problems:
            self.warnings.append(f"{problem.path}:{problem.line}: {problem.message} (manifest skipped for pin-drift)")
        by_technology: dict[str, list[Install]] = {}
        for install in installs:
            technology = self.catalog.technology_for_package(install.source, install.package)
            if technology is not None:
                by_technology.setdefault(technology, []).append(install)
        return by_technology

    def installs_for(self, technology: str) -> list[Install]:
        return self.installs.get(technology, [])

    def registry_paths(self) -> list[Path]:
        root = self.config.root
        paths: list[Path] = []
        for glob in self.config.kinds["registry"].paths:
            if any(char in glob for char in "*?["):
                pattern = glob_pattern(glob.lstrip("/"))
                paths.extend(
                    path for path in sorted(root.rglob("*.md")) if pattern.match(path.relative_to(root).as_posix())
                )
            elif (root / glob.lstrip("/")).is_file():
                paths.append(root / glob.lstrip("/"))
        return paths


def _unpinned(row: TableRow) -> bool:
    return row.cells.get("status", "").strip("` ").casefold() in UNPINNED_STATUSES


def _domains(row: TableRow) -> list[str]:
    cell = row.cells.get("official domains", "")
    return [part.strip(" `").casefold().rstrip(".") for part in cell.replace(";", ",").split(",") if part.strip(" `")]

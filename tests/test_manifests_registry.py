"""The reader registry is the one catalog of manifest files: the hook's pattern and the README follow it."""

from __future__ import annotations

import re

import yaml

from forgea_hooks.manifests import READERS, hook_files_pattern, is_manifest, readers_markdown
from tests.conftest import REPO


def test_the_consistency_hook_watches_what_the_readers_read() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    consistency = next(hook for hook in hooks if hook["id"] == "forgea-docs-consistency")
    assert consistency["files"] == hook_files_pattern()


def test_the_readme_table_is_generated_from_the_readers() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme.split("<!-- manifests-table:start -->\n", 1)[1].split("<!-- manifests-table:end -->", 1)[0]
    assert table == readers_markdown()


def test_the_pattern_matches_each_reader_name_and_no_other_file() -> None:
    pattern = re.compile(hook_files_pattern())
    for name in ("package.json", "apps/api/package.json", "requirements-dev.txt", "main.tf", "docs/a.md"):
        assert pattern.search(name), name
    for name in ("package.json.bak", "notes.txt", "src/app.py", "mypackage.json"):
        assert not pattern.search(name), name


def test_every_reader_declares_names_and_what_it_reads() -> None:
    for reader in READERS:
        assert reader.names and reader.reads
        for name in reader.names:
            assert is_manifest(name.replace("*", "x"))

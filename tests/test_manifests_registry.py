"""The reader registry is the one catalog of manifest files: the hook's pattern and the README follow it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from forgea_hooks.manifests import READERS, hook_files_pattern, is_manifest, readers_markdown
from tests.conftest import REPO, run_json


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


def test_nested_files_are_the_ones_readers_read(tmp_path: Path) -> None:
    from forgea_hooks.manifests import nested_files

    (tmp_path / "apps/api").mkdir(parents=True)
    (tmp_path / "apps/api/package.json").write_text('{"dependencies": {}}')
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra/cache.yaml").write_text("services: {}\n")
    (tmp_path / "reqs").mkdir()
    (tmp_path / "reqs/base.txt").write_text("x==1\n")
    (tmp_path / "package.json").write_text('{"workspaces": ["apps/*"]}')
    (tmp_path / "compose.yaml").write_text("include:\n  - infra/cache.yaml\nservices: {}\n")
    (tmp_path / "requirements.txt").write_text("-r reqs/base.txt\n")
    assert sorted(nested_files(tmp_path)) == ["apps/api/package.json", "infra/cache.yaml", "reqs/base.txt"]


def test_the_result_cache_keys_on_a_workspace_member(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.test_consistency import REGISTRY, registry, write

    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "package.json", '{"workspaces": ["apps/*"]}')
    write(tmp_path, "apps/api/package.json", '{"dependencies": {"@prisma/client": "5.22.0"}}')
    write(tmp_path, REGISTRY, registry(("Prisma", "5.22.0")))
    _, first = run_json(capsys, ["check", "--format", "json"])
    assert [f for f in first["findings"] if f["rule"] == "pin-drift"] == []
    write(tmp_path, "apps/api/package.json", '{"dependencies": {"@prisma/client": "5.20.0"}}')
    _, second = run_json(capsys, ["check", "--format", "json"])
    assert [f["hint"] for f in second["findings"] if f["rule"] == "pin-drift"] == [
        "installed: apps/api/package.json:1 @prisma/client 5.20.0"
    ]


def test_config_accepts_packages_of_every_source_a_reader_installs() -> None:
    import json

    schema = json.loads((REPO / "forgea_hooks/schemas/config.schema.json").read_text(encoding="utf-8"))
    technology = schema["properties"]["technologies"]["additionalProperties"]
    keys = set(technology["properties"]["packages"]["properties"])
    assert keys == {source for reader in READERS for source in reader.sources}

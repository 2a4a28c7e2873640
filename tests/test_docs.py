"""The user documentation ships with the repository and keeps up with the code."""

from __future__ import annotations

import re

import pytest

from forgea_hooks.cli import FORMAT_DOCS, main
from forgea_hooks.rules import catalog
from tests.conftest import REPO

FORMAT = REPO / "docs" / "format.md"


def test_every_rule_has_a_section_with_a_failing_and_a_passing_example() -> None:
    text = FORMAT.read_text(encoding="utf-8")
    parts = re.split(r"^### `([a-z-]+)`$", text.split("\n## Rules\n", 1)[1], flags=re.M)
    sections = dict(zip(parts[1::2], parts[2::2], strict=True))
    missing = [rule for rule in catalog() if rule not in sections]
    assert missing == []
    without_examples = [rule for rule in catalog() if "Fails" not in sections[rule] or "Passes" not in sections[rule]]
    assert without_examples == []


def test_the_readme_and_the_rules_command_point_at_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert "](docs/format.md)" in (REPO / "README.md").read_text(encoding="utf-8")
    assert FORMAT_DOCS.endswith("/docs/format.md")
    assert main(["rules"]) == 0
    assert FORMAT_DOCS in capsys.readouterr().out


def test_relative_links_in_the_docs_resolve() -> None:
    for page in [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]:
        for target in re.findall(r"\]\(([^)#:\s]+)(?:#[^)]*)?\)", page.read_text(encoding="utf-8")):
            assert (page.parent / target).exists(), f"{page.name} links {target}"


def test_the_example_workflow_watches_every_file_the_consistency_hook_watches() -> None:
    from forgea_hooks.manifests import READERS

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    listed = readme.split("# workflow-paths:start\n", 1)[1].split("# workflow-paths:end", 1)[0]
    paths = [line.strip().removeprefix("- ").strip('"') for line in listed.splitlines() if line.strip()]
    globs = dict.fromkeys(glob for reader in READERS for glob in (*reader.names, *reader.companions, *reader.beside))
    assert paths == ["**.md", "**/.forgea-hooks.yaml", *(f"**/{glob}" for glob in globs)]


def test_the_readme_pins_no_tag_that_does_not_exist() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    # No release tag is cut yet: copying a snippet must work, so snippets pin a commit.
    assert "rev: v0.1.0\n" not in readme and "forgea-hooks@v0.1.0" not in readme
    assert "## [0.1.0]" in (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "github.run_attempt" in readme and "actions: read" in readme

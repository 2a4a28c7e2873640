"""Start-up: a pre-commit run of a few files is mostly imports, so it imports only what it uses.

Timing belongs to bench/ (bench_check.py, bench_startup.py); these tests pin down what must stay
out of a plain offline run, whose absence is what keeps it fast.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from forgea_hooks.cli import COMMANDS, _command_named, _parser
from tests import fresh
from tests.conftest import REPO, TREES, copy_tree

# Modules an offline check of a few docs has no use for: the network (requests, the link checker,
# release data), the Action, and the baseline when there is none.
NOT_IMPORTED = (
    "requests",
    "urllib3",
    "forgea_hooks.links",
    "forgea_hooks.linkcheck",
    "forgea_hooks.online",
    "forgea_hooks.action",
    "forgea_hooks.baseline",
    "forgea_hooks.fixes",
    "forgea_hooks.schemawords",
    "hashlib",
    "concurrent.futures",
    "multiprocessing",
)

_RUN = """
import contextlib, io, json, sys
from forgea_hooks.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main(["check", *sys.argv[1:]])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def imported_by_a_check(root: Path, *paths: str) -> tuple[int, set[str]]:
    """The exit code of ``forgea-hooks check PATHS`` run in a fresh interpreter in ``root``, and the
    modules it imported."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", _RUN, *paths], cwd=root, env=env, capture_output=True, text=True, check=False, timeout=60
    )
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout.splitlines()[-1])
    return answer["code"], set(answer["modules"])


def test_an_offline_check_of_a_few_files_imports_only_what_it_uses(tmp_path: Path) -> None:
    root = copy_tree(TREES["valid"], tmp_path / "tree")
    docs = sorted(path.relative_to(root).as_posix() for path in (root / "docs").rglob("*.md"))
    code, modules = imported_by_a_check(root, *docs)
    assert code == 0
    # The run did its work: documents were parsed, the rules ran.
    assert {"forgea_hooks.documents.markdown", "forgea_hooks.rules.structure", "forgea_hooks.rules.pins"} <= modules
    unwanted = sorted(
        module for module in modules if any(module == name or module.startswith(f"{name}.") for name in NOT_IMPORTED)
    )
    assert unwanted == []
    # The tree's root has a package.json and a docker-compose.yml: their readers, and no other.
    readers = {module for module in modules if module.startswith("forgea_hooks.manifests.")}
    assert {"forgea_hooks.manifests.npm", "forgea_hooks.manifests.containers"} <= readers
    assert not readers & {f"forgea_hooks.manifests.{name}" for name in ("terraform", "python", "versionfiles", "ci")}


def _jsonschema(modules: set[str]) -> set[str]:
    return {module for module in modules if module == "jsonschema" or module.startswith("jsonschema.")}


needs_rs = pytest.mark.skipif(
    importlib.util.find_spec("jsonschema_rs") is None or os.environ.get("FORGEA_HOOKS_SCHEMA", "") == "pure",
    reason="jsonschema-rs is not installed or is turned off: python-jsonschema validates every doc",
)


def test_an_unchanged_trees_replay_imports_no_check_machinery(tmp_path: Path) -> None:
    """The report printed again from the tree's record: no parser, no rule, no finding decoded, and
    not the dataclasses module either (with inspect and ast, a tenth of the replay's time)."""
    root = copy_tree(TREES["valid"], tmp_path / "tree")
    hour_ago = time.time() - 3600  # older than the racy window, or no record is written
    for path in [root, *root.rglob("*")]:
        os.utime(path, (hour_ago, hour_ago), follow_symlinks=False)
    first, _ = imported_by_a_check(root)
    code, modules = imported_by_a_check(root)
    assert code == first == 0 and "forgea_hooks.treesummary" in modules
    heavy = {"dataclasses", "forgea_hooks.api", "forgea_hooks.findings", "forgea_hooks.outcome", "forgea_hooks.config"}
    assert sorted(modules & heavy) == []
    assert not any(
        module.startswith(("forgea_hooks.rules", "forgea_hooks.documents", "markdown_it")) for module in modules
    )


@needs_rs
def test_a_check_of_valid_docs_leaves_python_jsonschema_unimported(tmp_path: Path) -> None:
    """jsonschema-rs answers "valid" from the first doc; python-jsonschema, slower to import than
    the docs are to check, is loaded only for a doc it does not call valid."""
    root = copy_tree(TREES["valid"], tmp_path / "tree")
    docs = sorted(path.relative_to(root).as_posix() for path in (root / "docs").rglob("*.md"))
    code, modules = imported_by_a_check(root, *docs)
    assert code == 0
    assert "jsonschema_rs" in modules and "forgea_hooks.rules.structure" in modules
    assert _jsonschema(modules) == set()


@needs_rs
def test_a_valid_config_leaves_python_jsonschema_unimported(tmp_path: Path) -> None:
    """Most repositories have a config: jsonschema-rs calls it valid, as it does the docs."""
    root = copy_tree(TREES["valid"], tmp_path / "tree")
    (root / ".forgea-hooks.yaml").write_text("rules:\n  pin-unknown: warning\nlinks:\n  retries: 2\n")
    docs = sorted(path.relative_to(root).as_posix() for path in (root / "docs").rglob("*.md"))
    code, modules = imported_by_a_check(root, *docs)
    assert code == 0 and "forgea_hooks.config" in modules
    assert _jsonschema(modules) == set()
    # A config it does not call valid is still explained by python-jsonschema.
    (root / ".forgea-hooks.yaml").write_text("links:\n  retries: 11\n")
    done = fresh.cli(["check", *docs], root)
    assert done.returncode == 2 and "'links.retries'" in done.stderr and "10" in done.stderr, done.stderr


def _findings_and_modules(root: Path, doc: str) -> tuple[set[tuple[str, str]], set[str]]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-m", "forgea_hooks", "check", "--format", "json", "--no-cache", doc],
        cwd=root, env=env, capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    found = {(finding["rule"], finding["message"]) for finding in json.loads(done.stdout)["findings"]}
    _, modules = imported_by_a_check(root, doc)
    return found, modules


MISSING_FIELD = ("field-missing", "missing field 'What decision it informs' in the entry for 'Stripe API'")


@needs_rs
def test_a_missing_field_is_explained_without_python_jsonschema(tmp_path: Path) -> None:
    """jsonschema-rs's failures name the missing field: python-jsonschema stays unimported."""
    root = copy_tree(TREES["invalid"], tmp_path / "tree")
    found, modules = _findings_and_modules(root, "docs/gatekeeper/C4-billing.md")
    assert MISSING_FIELD in found
    assert "jsonschema_rs" in modules and _jsonschema(modules) == set()


@needs_rs
def test_an_invalid_doc_rs_cannot_judge_alike_gets_its_findings_from_python_jsonschema(tmp_path: Path) -> None:
    """A float in the front matter is not JSON both libraries read alike: python-jsonschema
    judges the doc, and the findings are the same."""
    root = copy_tree(TREES["invalid"], tmp_path / "tree")
    doc = root / "docs" / "gatekeeper" / "C4-billing.md"
    doc.write_text("---\nreviewed: !!float 1.5\n---\n" + doc.read_text(encoding="utf-8"), encoding="utf-8")
    found, modules = _findings_and_modules(root, "docs/gatekeeper/C4-billing.md")
    assert MISSING_FIELD in found
    assert "jsonschema" in _jsonschema(modules)


def test_every_reader_the_catalog_declares_names_a_function_of_its_module() -> None:
    from forgea_hooks.manifests import READERS

    assert all(callable(reader.resolve()) for reader in READERS)


def test_a_baseline_present_is_still_applied(tmp_path: Path) -> None:
    """The baseline reader is skipped only when there is no baseline file: the check that skips it
    must not skip one that is there."""
    root = copy_tree(TREES["invalid"], tmp_path / "tree")
    doc = "docs/official-docs/EPIC-C/redis.md"
    code, _ = imported_by_a_check(root, doc)
    assert code == 1
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    subprocess.run(
        [sys.executable, "-m", "forgea_hooks", "baseline"], cwd=root, env=env, capture_output=True, check=True
    )
    code, modules = imported_by_a_check(root, doc)
    assert code == 0
    assert "forgea_hooks.baseline" in modules


def _subparser(parser: argparse.ArgumentParser, command: str) -> argparse.ArgumentParser:
    action = next(action for action in parser._actions if isinstance(action, argparse._SubParsersAction))
    found: argparse.ArgumentParser = action.choices[command]
    return found


@pytest.mark.parametrize("command", COMMANDS)
def test_the_parser_built_for_one_command_reads_as_the_whole_one(command: str) -> None:
    whole, one = _parser(), _parser(command)
    assert one.format_usage() == whole.format_usage()
    assert _subparser(one, command).format_help() == _subparser(whole, command).format_help()
    assert _command_named([command, "--help"]) == command
    assert _command_named(["--help", command]) is None

"""The flow stays a flow: the types every stage shares live below the stages that use them."""

from __future__ import annotations

import ast

from tests.conftest import REPO

PACKAGE = REPO / "forgea_hooks"


def imported_modules(relpath: str) -> set[str]:
    tree = ast.parse((PACKAGE / relpath).read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_nothing_below_the_api_imports_it() -> None:
    # api imports linkcheck and rules.consistency; were they to import api back (even lazily or
    # for type checking only) the circle would be back.
    for relpath in ("outcome.py", "linkcheck.py", "rules/consistency.py", "resultcache.py", "views.py"):
        assert "forgea_hooks.api" not in imported_modules(relpath), relpath


def test_the_result_types_still_come_from_the_api() -> None:
    from forgea_hooks import api, outcome

    assert api.FileOutcome is outcome.FileOutcome
    assert api.CheckResult is outcome.CheckResult
    assert api.CheckOptions is outcome.CheckOptions

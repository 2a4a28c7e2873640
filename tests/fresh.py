"""The CLI in a fresh interpreter, with none of the caller's ``FORGEA_HOOKS_*`` switches, and
optionally with a native accelerator made unimportable, as on a platform where its wheel does not
install."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

_BLOCKED = """
import sys
from importlib.abc import MetaPathFinder

class Blocked(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == {module!r}:
            raise ImportError("blocked for the test: " + name)
        return None

sys.meta_path.insert(0, Blocked())
from forgea_hooks.cli import main
sys.exit(main(sys.argv[1:]))
"""


def cli(
    args: list[str], cwd: Path, *, env: Mapping[str, str] | None = None, blocked: str | None = None
) -> subprocess.CompletedProcess[str]:
    """``forgea-hooks ARGS`` run in ``cwd``; ``blocked`` names a top-level module that cannot be imported."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("FORGEA_HOOKS_")}
    environment.update(env or {})
    head = ["-c", _BLOCKED.format(module=blocked)] if blocked else ["-m", "forgea_hooks"]
    return subprocess.run(
        [sys.executable, *head, *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

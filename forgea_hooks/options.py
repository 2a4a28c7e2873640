"""What a check is asked to do, and the names every run knows (the cache folder, the folders never
walked, the largest doc read).

Kept free of heavier imports (no dataclasses, which bring ``inspect`` and ``ast``): an unchanged
tree's replay, which prints the report it printed last time, imports this and little else.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

# Document kinds, named as in the spec; config keys and severities use these strings.
KINDS: tuple[str, ...] = ("registry", "official-doc", "task", "gatekeeper-report")
CACHE_DIR = ".forgea-hooks-cache"
# Folders no doc of the tree lives in: never walked.
ALWAYS_SKIPPED = (".git", "node_modules", "vendor", CACHE_DIR)
# A doc larger than this is not read (file-invalid).
DEFAULT_MAX_BYTES = 5 * 1024 * 1024


class CheckOptions(NamedTuple):
    """A check's options; ``options._replace(links=False)`` gives a changed copy."""

    paths: tuple[str, ...] = ()
    root: Path = Path(".")
    config_file: Path | None = None
    links: bool = False
    all_links: bool = False
    allow_private: bool | None = None
    check_fragments: bool | None = None
    cache_path: Path | None = None
    no_cache: bool = False
    online: bool = False
    max_bytes: int = DEFAULT_MAX_BYTES
    # Report only findings the baseline does not hold; `forgea-hooks baseline` needs them all.
    use_baseline: bool = True
    # Attach a Fix to each finding the fix engine can repair (json output, review suggestions).
    fixes: bool = False
    # What report-handed-off compares the working tree with: HEAD for commits, the PR's base in the Action.
    handoff_base: str = "HEAD"

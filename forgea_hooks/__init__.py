"""forgea-hooks: keeps a repository's docs honest about the versions they build on."""

from __future__ import annotations

__version__ = "0.1.0"

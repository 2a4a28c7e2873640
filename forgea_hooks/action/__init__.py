"""The GitHub Action: ``forgea-hooks action`` (see action.yml and the README's GitHub Action section).

This package is the only place that talks HTTP to GitHub (with ``requests``); the offline
``check`` path never imports it.
"""

from __future__ import annotations

from forgea_hooks.action.run import main

__all__ = ["main"]

"""Checking that the links docs cite are alive.

``forgea_hooks.links.model`` (settings, results) and ``guard`` import nothing heavy; import
``forgea_hooks.links.checker`` (``check_urls``) only when links are to be checked: it brings in
requests, which the offline path must not pay for.
"""

from __future__ import annotations

from forgea_hooks.links.model import Document, LinkResult, LinkRun, LinkSettings, Outcome, settings_from_config

__all__ = ["Document", "LinkResult", "LinkRun", "LinkSettings", "Outcome", "settings_from_config"]

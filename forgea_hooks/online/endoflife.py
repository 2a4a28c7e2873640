"""endoflife.date's answers -> cycles. Two forms: API v1 and the older one it replaces.

v1 (``/api/v1/products/<product>/``) answers ``{"result": {"releases": [...]}}``, each release
``{"name": "16", "isEol": false, "eolFrom": "2028-11-09", "latest": {"name": "16.9", ...}}``.
The older form (``/api/<product>.json``) is a list of ``{"cycle": "16", "eol": "2028-11-09" | true
| false, "latest": "16.9"}``. Anything else is not release data: ValueError, with what was wrong.
"""

from __future__ import annotations

import json
import re
from typing import Any

from forgea_hooks.online.model import Cycle

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
MAX_CYCLES = 2000


def v1_path(product: str) -> str:
    return f"/api/v1/products/{_slug(product)}/"


def legacy_path(product: str) -> str:
    return f"/api/{_slug(product)}.json"


def _slug(product: str) -> str:
    # Slugs are lower-case words and dashes; anything else must not change the path it names.
    from urllib.parse import quote

    return quote(product.strip().lower(), safe="")


def parse_v1(body: bytes) -> tuple[Cycle, ...]:
    data = _json(body)
    result = data.get("result") if isinstance(data, dict) else None
    releases = result.get("releases") if isinstance(result, dict) else None
    if not isinstance(releases, list):
        raise ValueError("no result.releases list")
    cycles = []
    for release in releases[:MAX_CYCLES]:
        if not isinstance(release, dict) or not isinstance(release.get("name"), str):
            raise ValueError("a release without a name")
        latest = release.get("latest")
        latest_name = latest.get("name") if isinstance(latest, dict) else None
        eol_from = release.get("eolFrom")
        eol: str | bool
        eol = eol_from if isinstance(eol_from, str) and _DATE.fullmatch(eol_from) else release.get("isEol") is True
        cycles.append(Cycle(release["name"], eol, latest_name if isinstance(latest_name, str) else None))
    return tuple(cycles)


def parse_legacy(body: bytes) -> tuple[Cycle, ...]:
    data = _json(body)
    if not isinstance(data, list):
        raise ValueError("not a list of cycles")
    cycles = []
    for entry in data[:MAX_CYCLES]:
        if not isinstance(entry, dict) or not isinstance(entry.get("cycle"), (str, int, float)):
            raise ValueError("a cycle without a name")
        given = entry.get("eol")
        eol: str | bool = given if isinstance(given, str) and _DATE.fullmatch(given) else given is True
        latest = entry.get("latest")
        cycles.append(Cycle(str(entry["cycle"]), eol, str(latest) if isinstance(latest, (str, int, float)) else None))
    return tuple(cycles)


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"not JSON ({str(exc)[:80]})") from None

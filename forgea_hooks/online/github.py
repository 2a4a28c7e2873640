"""GitHub's releases list -> release versions, newest first.

``GET /repos/{owner}/{repo}/releases?per_page=100`` answers a list of
``{"tag_name": "v2.29.7", "draft": false, "prerelease": false, ...}``, newest first, paged by a
``Link`` header. Drafts are not releases; a tag that is not a version (``nightly``) is skipped.
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote

from forgea_hooks.online.versions import tag_numbers, text

_REPO = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}/[A-Za-z0-9_.-]{1,100}")


def releases_path(repo: str) -> str:
    if not _REPO.fullmatch(repo.strip()) or ".." in repo:
        raise ValueError(f"{repo!r} is not owner/repo")
    owner, name = repo.strip().split("/")
    return f"/repos/{quote(owner, safe='')}/{quote(name, safe='')}/releases?per_page=100"


def parse_releases(body: bytes) -> list[str]:
    """The final releases' versions, in the order given. A pre-release is not the release it
    precedes: with only `1.10.0-rc1` out, 1.10.0 is unreleased."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"not JSON ({str(exc)[:80]})") from None
    if not isinstance(data, list):
        raise ValueError("not a list of releases")
    stable: list[str] = []
    for release in data:
        if not isinstance(release, dict) or not isinstance(release.get("tag_name"), str):
            raise ValueError("a release without a tag_name")
        if release.get("draft") is True:
            continue
        parsed = tag_numbers(release["tag_name"])
        if parsed is None:
            continue
        numbers, marked = parsed
        if not marked and release.get("prerelease") is not True:
            stable.append(text(numbers))
    return stable

"""Finding ``#anchor`` targets in a page as it streams in."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# GitHub renders README headings as id="user-content-x" and its script scrolls #x to them.
_GITHUB_PREFIX = "user-content-"
# Line anchors (#L10, #L10-L20) on GitHub are drawn by script; the HTML never holds them.
_GITHUB_LINES = re.compile(r"L\d+(?:C\d+)?(?:-L\d+(?:C\d+)?)?")


class AnchorScanner(HTMLParser):
    """Collects every ``id`` and ``name`` attribute of the HTML fed to it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.anchors: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for key, value in attrs:
            if key in ("id", "name") and value:
                self.anchors.add(value)

    def has(self, fragment: str) -> bool:
        return fragment in self.anchors or _GITHUB_PREFIX + fragment in self.anchors


def checkable(fragment: str, host: str) -> bool:
    """Whether a page's HTML can prove or disprove ``fragment``."""
    if not fragment or fragment == "top":  # browsers scroll #top to the start without an anchor
        return False
    return not (host in ("github.com", "www.github.com") and _GITHUB_LINES.fullmatch(fragment))

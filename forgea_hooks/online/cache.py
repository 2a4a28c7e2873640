"""Release data kept between runs (a day by default, ``online.cache.ttl``): a warm rerun asks nothing.

Only release data is stored, never a failure: a source that did not answer is asked again next
run. Written and read as the link cache is (entrycache.EntryCache).
"""

from __future__ import annotations

from typing import Any

from forgea_hooks.entrycache import EntryCache
from forgea_hooks.online.model import Cycle, ReleaseData, Source


class ReleaseCache(EntryCache):
    FORMAT = "forgea-hooks release data"
    NAME = "release data cache"
    WITHOUT_IT = "fetching afresh"
    UNWRITTEN = "not cached"

    def get(self, key: str, source: Source) -> ReleaseData | None:
        entry = self._fresh_entry(key)
        if entry is None:
            return None
        cycles = tuple(Cycle(name, eol, latest) for name, eol, latest in entry["cycles"])
        return ReleaseData(source, cycles, tuple(entry["releases"]), entry["complete"], entry["url"])

    def put(self, key: str, data: ReleaseData) -> None:
        cycles = [[cycle.name, cycle.eol, cycle.latest] for cycle in data.cycles]
        self._put(key, {"cycles": cycles, "releases": list(data.releases), "complete": data.complete, "url": data.url})

    def valid_entry(self, entry: dict[str, Any]) -> bool:
        return (
            isinstance(entry.get("cycles"), list)
            and all(_cycle(item) for item in entry["cycles"])
            and isinstance(entry.get("releases"), list)
            and all(isinstance(item, str) for item in entry["releases"])
            and isinstance(entry.get("complete"), bool)
            and isinstance(entry.get("url"), str)
        )


def _cycle(item: object) -> bool:
    return (
        isinstance(item, list)
        and len(item) == 3
        and isinstance(item[0], str)
        and isinstance(item[1], (str, bool))
        and isinstance(item[2], (str, type(None)))
    )

"""Whole-tree runs of 200 files or more go to worker processes: they must find what one process finds."""

from __future__ import annotations

import concurrent.futures
import json
import os
import shutil
from pathlib import Path
from typing import Any, ClassVar

import pytest

from forgea_hooks import api
from tests.conftest import run_json


def _tree_of_copies(source: Path, target: Path, copies: int) -> None:
    """The invalid corpus, with each task and gatekeeper file copied ``copies`` times more."""
    shutil.copytree(source, target)
    for folder in ("docs/tasks", "docs/gatekeeper"):
        for path in sorted((target / folder).glob("*.md")):
            for number in range(copies):
                shutil.copyfile(path, path.with_name(f"{path.stem}-copy{number}{path.suffix}"))


class _CountingPool(concurrent.futures.ProcessPoolExecutor):
    started: ClassVar[list[int]] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _CountingPool.started.append(kwargs["max_workers"])


@pytest.mark.parametrize("cache", [True, False])
def test_workers_find_what_one_process_finds(
    corpus_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, cache: bool
) -> None:
    root = tmp_path / "tree"
    _tree_of_copies(corpus_copy / "invalid", root, copies=40)
    assert sum(1 for _ in root.rglob("*.md")) >= api.PARALLEL_THRESHOLD
    monkeypatch.chdir(root)
    argv = ["check", "--format", "json"] + ([] if cache else ["--no-cache"])
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0}, raising=False)
    _, alone = run_json(capsys, argv)
    cache_file = root / ".forgea-hooks-cache" / "check.json"
    kept_alone = json.loads(cache_file.read_text()) if cache else None
    shutil.rmtree(root / ".forgea-hooks-cache", ignore_errors=True)
    assert not _CountingPool.started
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", _CountingPool)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    _, pooled = run_json(capsys, argv)
    assert _CountingPool.started.pop() == 2
    assert pooled == alone
    assert pooled["summary"]["files"] >= api.PARALLEL_THRESHOLD and pooled["summary"]["findings"] > 0
    if cache:
        # The workers encode the result cache's entries themselves: the file must hold what a
        # single process writes.
        kept_pooled = json.loads(cache_file.read_text())
        assert kept_alone is not None and kept_pooled.keys() == kept_alone.keys()
        assert kept_pooled["context"] == kept_alone["context"]
        assert kept_pooled["entries"] == kept_alone["entries"]
    else:
        assert not cache_file.exists()


def test_chunks_cover_every_file_in_order_and_shrink_towards_the_end() -> None:
    candidates = [api._Candidate(str(number), str(number), str(number)) for number in range(1000)]
    chunks = list(api._chunks(candidates, workers=2))
    assert [candidate for chunk in chunks for candidate in chunk] == candidates
    sizes = [len(chunk) for chunk in chunks]
    assert max(sizes) == 100 and sizes == sorted(sizes, reverse=True)
    assert sizes[-2] == 16 and sizes[-1] <= 16

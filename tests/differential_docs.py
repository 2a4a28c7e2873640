"""Run both parsers over real docs and name the files whose tree or model differ.

    python tests/differential_docs.py DIR [DIR ...] [--sample N]

Each DIR's ``*.md`` files (at most N of each, picked at random with a fixed seed) are parsed by both
adapters; a file is listed when the normalized trees (where blocks end aside) or the model of any
kind differ. tests/test_parsers.py holds the differences found this way; this script is how to look
for more on public docs (a fetched repository's files, say), which no test may download.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Sequence
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from forgea_hooks.documents.parsers import pure
from tests.test_parsers import KINDS, model, native, tree


def differs(text: str) -> bool:
    if tree(native.parse, text) != tree(pure.parse, text):
        return True
    return any(model(native.parse, text, kind) != model(pure.parse, text, kind) for kind in KINDS)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--sample", type=int, default=0, help="at most this many docs of each folder")
    args = parser.parse_args(argv)
    paths: list[Path] = []
    for folder in args.folders:
        found = sorted(folder.rglob("*.md"))
        if args.sample:
            random.Random(1).shuffle(found)
            found = found[: args.sample]
        paths.extend(found)
    different = [path for path in paths if differs(path.read_text(encoding="utf-8", errors="replace"))]
    for path in different:
        print(path)
    print(f"{len(paths)} docs, {len(different)} with a difference", file=sys.stderr)
    return 1 if different else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""``forgea-hooks baseline [PATH...] [--prune | --update]``: record today's findings so that only new
ones fail.

With no flag, every current finding is added to the baseline (entries already there stay, counts
rise to what the tree holds). ``--prune`` only drops what is gone; ``--update`` records the checked
files afresh. PATHs limit all three to those files; entries for other files are kept.
"""

from __future__ import annotations

import argparse
import sys

EXIT_OK, EXIT_USAGE = 0, 2


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from forgea_hooks.commands import common

    parser = sub.add_parser("baseline", help="record the current findings so that check reports only new ones")
    parser.add_argument("paths", nargs="*", metavar="PATH")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--prune", action="store_true", help="drop entries whose findings are gone; add nothing")
    mode.add_argument("--update", action="store_true", help="re-record: the baseline becomes the current findings")
    common(parser)


def run(args: argparse.Namespace) -> int:
    from forgea_hooks import baseline
    from forgea_hooks.api import Checker, CheckOptions, ConfigError

    try:
        checker = Checker(
            CheckOptions(paths=tuple(args.paths), root=args.root, config_file=args.config, use_baseline=False)
        )
        path = baseline.resolve(checker.root, checker.config.baseline)
        before = baseline.read(path) or baseline.Baseline()
        result = checker.run()
    except ConfigError as exc:
        print(f"forgea-hooks: {exc}", file=sys.stderr)
        return EXIT_USAGE
    for error in result.errors:
        print(f"forgea-hooks: {error}", file=sys.stderr)
    if result.errors:
        return EXIT_USAGE
    relpaths = {outcome.path: outcome.relpath for outcome in result.outcomes}
    current = baseline.Baseline.of(
        result.findings, lambda display: relpaths.get(display) or checker.relpath(checker.cwd / display)
    )
    checked = {outcome.relpath for outcome in result.outcomes}

    def in_scope(entry: baseline.Entry) -> bool:
        return not args.paths or entry.path in checked

    after = baseline.Baseline()
    if args.prune:
        after = before.pruned(current)
        after.entries.update({key: e for key, e in before.entries.items() if not in_scope(e)})
    elif args.update:
        after.entries = {key: e for key, e in before.entries.items() if not in_scope(e)}
        after.entries.update(current.entries)
    else:
        after.entries = dict(before.entries)
        for key, entry in current.entries.items():
            kept = after.entries.get(key)
            if kept is None or kept.count < entry.count:
                after.entries[key] = entry
    try:
        baseline.write(path, after)
    except OSError as exc:
        print(f"forgea-hooks: cannot write {path}: {exc.strerror}", file=sys.stderr)
        return EXIT_USAGE
    shared = before.shared(after)
    files = len({entry.path for entry in after.entries.values()})
    print(
        f"{checker.display(path)}: {after.total()} baselined finding(s) in {files} file(s) "
        f"({after.total() - shared} added, {before.total() - shared} removed)"
    )
    return EXIT_OK

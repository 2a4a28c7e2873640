"""``forgea-hooks pin TECH VERSION [--dry-run]``: move a technology's pin everywhere at once.

Sets the registry row's ``Version`` cell and every doc place that restates a concrete pin for the
technology (the places ``forgea-hooks pins`` lists), each a byte-level edit of the version on its
line. Handed-off reports are records and are left alone (and said so). Places whose pin is not
concrete (unknown, hedged, a range) are left to ``fix`` and to people; a major pin that already
agrees (``16`` under 16.6) stays. ``--dry-run`` prints a unified diff and writes nothing.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from forgea_hooks.api import Checker

EXIT_OK, EXIT_USAGE = 0, 2


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from forgea_hooks.commands import common

    parser = sub.add_parser("pin", help="set a technology's pin in the registry and every doc that restates it")
    parser.add_argument("technology", metavar="TECH")
    parser.add_argument("version", metavar="VERSION")
    parser.add_argument("--dry-run", action="store_true", help="print a unified diff; change nothing")
    common(parser)


def run(args: argparse.Namespace) -> int:
    from forgea_hooks import fixes
    from forgea_hooks.api import Checker, CheckOptions, ConfigError
    from forgea_hooks.commands.fix import emit, read_for_edit
    from forgea_hooks.findings import Fix
    from forgea_hooks.pins import PinClass, classify, versions_agree
    from forgea_hooks.rules import handoff

    new = classify(args.version).parts
    if len(new) != 1 or new[0].cls is not PinClass.EXACT or not new[0].version or " " in args.version.strip():
        print(f"forgea-hooks: '{args.version}' is not one exact version (e.g. 7.3.1 or 16.4)", file=sys.stderr)
        return EXIT_USAGE
    version = args.version.strip()
    try:
        checker = Checker(CheckOptions(root=args.root, config_file=args.config, use_baseline=False, no_cache=True))
        result = checker.run()
    except ConfigError as exc:
        print(f"forgea-hooks: {exc}", file=sys.stderr)
        return EXIT_USAGE
    catalog = checker.tree.catalog
    wanted = catalog.canonical(args.technology)
    if wanted not in checker.tree.registry_rows:
        print(f"forgea-hooks: the registry has no row for {args.technology}", file=sys.stderr)
        return EXIT_USAGE
    changed = 0
    for outcome in result.outcomes:
        refs = [ref for ref in outcome.pins if ref.technology and catalog.canonical(ref.technology) == wanted]
        if not refs or outcome.relpath.startswith("/"):
            continue
        if outcome.kind == "gatekeeper-report" and handoff.handed_off(checker.root, outcome.relpath):
            print(f"forgea-hooks: {outcome.path}: left alone: a handed-off report is a record", file=sys.stderr)
            continue
        text = fixes.load(checker, outcome)
        if text is None:
            continue
        lines = text.split("\n")
        edits: list[Fix] = []
        for ref in refs:
            parts = [p for p in classify(ref.value).parts if p.cls in (PinClass.EXACT, PinClass.MAJOR) and p.version]
            if len(parts) != 1 or not 1 <= ref.line <= len(lines):
                continue
            part = parts[0]
            if part.cls is PinClass.MAJOR and versions_agree(part, new[0]):
                continue
            token = fixes.pin_token(part.text)
            line_text = lines[ref.line - 1]
            start, end = _value_span(line_text, ref.role == "registry", checker, outcome.relpath, ref.line)
            region = line_text[start:end]
            if token is None or token == version or region.count(token) != 1:
                continue
            column = start + region.index(token) + 1
            edits.append(Fix(ref.line, column, ref.line, column + len(token), version))
        new_text, applied = fixes.apply(text, edits)
        bom = read_for_edit(outcome.path, text) if applied else None
        if bom is None:
            continue
        for fix in applied:
            old = lines[fix.line - 1][fix.column - 1 : fix.end_column - 1]
            print(f"{outcome.path}:{fix.line}:{fix.column}: {args.technology}: '{old}' -> '{version}'")
        if not emit(outcome.path, outcome.relpath, text, new_text, bom, diff=args.dry_run):
            return EXIT_USAGE
        changed += len(applied)
    print(f"forgea-hooks: {'would change' if args.dry_run else 'changed'} {changed} place(s)", file=sys.stderr)
    return EXIT_OK


def _value_span(line: str, registry: bool, checker: Checker, relpath: str, number: int) -> tuple[int, int]:
    """Where on the line the version may be edited: a table row's Version cell, else after the key."""
    if not registry:
        colon = line.find(":")
        return (colon + 1 if colon >= 0 else 0), len(line)
    for doc in checker.tree.registries:
        if doc.relpath != relpath or doc.table is None:
            continue
        for row in doc.table.rows:
            if row.line == number and "version" in row.cells:
                index = list(row.cells).index("version")
                bars = [i for i, char in enumerate(line) if char == "|" and (i == 0 or line[i - 1] != "\\")]
                if not line.lstrip().startswith("|"):
                    bars.insert(0, -1)
                if index + 1 < len(bars):
                    return bars[index] + 1, bars[index + 1]
    return 0, 0

"""``forgea-hooks new KIND [NAME] [--tech NAME ...]``: start a doc that is valid for its kind.

The file goes in the kind's folder (the fixed part of its first glob in config). Pins come from
the registry for each ``--tech``; where the registry has no concrete pin the skeleton says
``VERSION UNKNOWN — MUST BE PINNED``, so that ``check`` reports exactly those. An existing file is
never overwritten.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from forgea_hooks.api import Checker

EXIT_OK, EXIT_USAGE = 0, 2
UNKNOWN = "VERSION UNKNOWN — MUST BE PINNED"
KINDS = ("gatekeeper-report", "task", "official-doc", "registry")


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from forgea_hooks.commands import common

    parser = sub.add_parser("new", help="write a skeleton doc of a kind, valid for its schema, pins from the registry")
    parser.add_argument("kind", choices=KINDS, metavar="KIND", help=", ".join(KINDS))
    parser.add_argument("name", nargs="?", metavar="NAME", help="the report's name, the task's ID or the technology")
    parser.add_argument("--tech", action="append", default=[], metavar="NAME", help="a technology to pin (repeat)")
    common(parser)


def run(args: argparse.Namespace) -> int:
    import datetime
    import re

    from forgea_hooks.api import Checker, CheckOptions, ConfigError

    try:
        checker = Checker(CheckOptions(root=args.root, config_file=args.config))
    except ConfigError as exc:
        print(f"forgea-hooks: {exc}", file=sys.stderr)
        return EXIT_USAGE
    techs = list(dict.fromkeys(args.tech))
    if args.kind == "official-doc" and args.name and not techs:
        techs = [args.name]
    if args.kind in ("gatekeeper-report", "task", "official-doc") and not techs:
        print(f"forgea-hooks: new {args.kind} needs at least one --tech NAME to pin", file=sys.stderr)
        return EXIT_USAGE
    rows = {tech: _registry(checker, tech) for tech in techs}
    folder = _folder(checker.config.kind_globs()[args.kind][0])
    named = args.name or (techs[0] if techs else "doc")
    slug = re.sub(r"[^a-z0-9]+", "-", named.casefold()).strip("-") or "doc"
    today = datetime.date.today().isoformat()
    if args.kind == "task":
        if not args.name or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.]*", args.name):
            print("forgea-hooks: new task needs its ID (letters, digits, '_', '.'): `new task C2`", file=sys.stderr)
            return EXIT_USAGE
        relpath, text = f"{folder}/task-{args.name}-{today}.md", _task(args.name, rows)
    elif args.kind == "gatekeeper-report":
        relpath, text = f"{folder}/{slug}.md", _report(args.name or slug, rows)
    elif args.kind == "official-doc":
        relpath, text = f"{folder}/{slug}.md", _official(techs[0], rows[techs[0]])
    else:
        glob = checker.config.kind_globs()["registry"][0].lstrip("/")
        relpath = glob if "*" not in glob else f"{folder}/official-docs-registry.md"
        text = _registry_doc(rows)
    path = checker.root / relpath
    if path.exists() or path.is_symlink():
        print(f"forgea-hooks: {relpath} exists; `new` never overwrites a doc", file=sys.stderr)
        return EXIT_USAGE
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
    except OSError as exc:
        print(f"forgea-hooks: cannot write {relpath}: {exc.strerror}", file=sys.stderr)
        return EXIT_USAGE
    unknown = [tech for tech, row in rows.items() if row[1] == UNKNOWN]
    print(f"wrote {checker.display(path)}" + (f" ({', '.join(unknown)}: {UNKNOWN})" if unknown else ""))
    return EXIT_OK


def _folder(glob: str) -> str:
    """The fixed part of a glob: the folders before the first one with a wildcard."""
    parts = glob.lstrip("/").split("/")
    fixed = []
    for part in parts[:-1]:
        if any(char in part for char in "*?["):
            break
        fixed.append(part)
    return "/".join(fixed) or "."


def _registry(checker: Checker, tech: str) -> tuple[str, str]:
    """(official source or 'missing', concrete pin or UNKNOWN) for the technology, from the registry."""
    from forgea_hooks.rules.consistency import concrete_parts

    found = checker.tree.registry_rows.get(checker.tree.catalog.canonical(tech))
    if found is None:
        return "missing", UNKNOWN
    cells = found[1].cells
    source = cells.get("official source", "").strip() or "missing"
    version = cells.get("version", "").strip().strip("`")
    return source, version if concrete_parts(version) else UNKNOWN


def _report(name: str, rows: dict[str, tuple[str, str]]) -> str:
    lines = [f"# Gatekeeper review: {name}", "", "## REQUIRED OFFICIAL DOCUMENTATION", ""]
    for tech, (source, pin) in rows.items():
        lines += [
            f"- Technology: {tech}",
            f"  - Concept: what this work needs from {tech} (one entry per concept)",
            f"  - Official source: {source}",
            f"  - Exact version requirement: {pin}",
            "  - Why required: the behaviour this work relies on.",
            "  - What decision it informs: the design choice it settles.",
            "  - What breaks without it: the failure if the docs were wrong.",
            "",
        ]
    unknown = [tech for tech, (_, pin) in rows.items() if pin == UNKNOWN]
    lines += ["## DOCUMENTATION COVERAGE DECISION", ""]
    if not unknown:
        lines += ["✅ DOCUMENTATION COMPLETE", ""]
        return "\n".join(lines)
    lines += ["⚠️ DOCUMENTATION PARTIAL — EXTENSION REQUIRED", "", "## INTERNAL DOCS TO ADD OR EXTEND", ""]
    for tech in unknown:
        slug = "-".join(tech.casefold().split())
        lines += [
            f"- Path: /docs/official-docs/{slug}.md (new)",
            f"  - Purpose: the team's pinned digest of {tech}.",
            "  - Exact knowledge to add: the pages this work reads, for the pinned version.",
            f"  - Required version pin: {UNKNOWN}",
            "",
        ]
    return "\n".join(lines)


def _task(task_id: str, rows: dict[str, tuple[str, str]]) -> str:
    lines = [f"# Task {task_id}", ""]
    for section, hint in (
        ("Required schema changes", "What changes in the schema, item by item."),
        ("Migration strategy", "How the change rolls out, and in what order."),
        ("Rollback", "How to undo it, and until when that is possible."),
        ("Acceptance criteria", "What must be true, and how it is checked."),
    ):
        lines += [f"## {section}", "", hint, ""]
    lines += ["## Required version pins", ""]
    lines += [f"- {tech}: {pin}" for tech, (_, pin) in rows.items()]
    return "\n".join([*lines, ""])


def _official(tech: str, row: tuple[str, str]) -> str:
    source, pin = row
    return (
        f'---\ntechnology: {tech}\nversion: "{pin}"\nofficial_source: {source}\nstatus: pending\n---\n\n'
        f"# {tech}\n\n## Purpose\n\nWhat the code relies on from {tech}, for the pinned version.\n\n"
        "## Exact knowledge\n\n- One fact a line, with the official page it comes from.\n"
    )


def _registry_doc(rows: dict[str, tuple[str, str]]) -> str:
    lines = [
        "# Official docs registry",
        "",
        "| Technology | Official source | Version | Status | Official domains |",
        "| --- | --- | --- | --- | --- |",
    ]
    lines += [f"| {tech} | {source} | {pin} | pending | |" for tech, (source, pin) in rows.items()]
    return "\n".join([*lines, ""])

"""``forgea-hooks``: argparse subcommands over the library; no logic of its own."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from forgea_hooks import __version__, commands
from forgea_hooks.findings import KINDS, Severity

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
# The installed package carries no docs folder: point at the repository's copy.
FORMAT_DOCS = "https://github.com/forgea/forgea-hooks/blob/main/docs/format.md"


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    builtin: dict[str, Callable[[argparse.Namespace], int]] = {
        "check": _check, "dump": _dump, "rules": _rules, "pins": _pins, "action": _action
    }  # fmt: skip
    handler = builtin.get(args.command) or commands.handler(args.command)
    assert handler is not None
    try:
        return handler(args)
    except BrokenPipeError:
        # `forgea-hooks check | head` closes stdout early; that is not an error worth a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        # Ctrl-C during a whole-tree run: the shell's convention, not a multiprocessing traceback.
        print("forgea-hooks: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="forgea-hooks",
        description="Keep docs honest about the versions of the technologies they build on.",
    )
    parser.add_argument("--version", action="version", version=f"forgea-hooks {__version__}")
    sub = parser.add_subparsers(dest="command")

    check = sub.add_parser("check", help="check docs (files or folders; with none, every doc under the root)")
    check.add_argument("paths", nargs="*", metavar="PATH")
    _common(check)
    default_format = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    check.add_argument("--format", choices=("text", "json", "github", "sarif"), default=default_format)
    check.add_argument("--quiet", "-q", action="store_true", help="report errors only, and no summary line")
    check.add_argument("--links", action="store_true", help="also check that official-source links are alive")
    check.add_argument("--all-links", action="store_true", help="with --links, check every http(s) link")
    check.add_argument(
        "--allow-private", action="store_true", default=None, help="let links resolve to private addresses"
    )
    check.add_argument("--check-fragments", action="store_true", default=None, help="check #anchors exist")
    check.add_argument("--cache", type=Path, metavar="PATH", help="link cache file")
    check.add_argument("--no-cache", action="store_true", help="neither read nor write the caches (results and links)")
    check.add_argument(
        "--skip-non-docs",
        action="store_true",
        help="say nothing of given files that are not docs (the pre-commit hook: it passes every Markdown file)",
    )
    check.add_argument(
        "--online", action="store_true", help="also check pins against public release data (end of life, releases)"
    )

    dump = sub.add_parser("dump", help="print a doc's model as JSON (what schemas validate)")
    dump.add_argument("path", metavar="FILE")
    dump.add_argument("--kind", choices=KINDS, help="parse as this kind (default: by path or content)")
    _common(dump)

    rules = sub.add_parser("rules", help="list the rules with their default severities")
    rules.add_argument("--format", choices=("text", "markdown", "json"), default="text")

    pins = sub.add_parser("pins", help="print the tree's pin table: every technology, every place, every install")
    _common(pins)
    pins.add_argument("--format", choices=("text", "json"), default="text")
    pins.add_argument("--online", action="store_true", help="also show the release data each pin is checked against")
    pins.add_argument(
        "--allow-private", action="store_true", default=None, help="with --online: let sources be private addresses"
    )
    pins.add_argument("--no-cache", action="store_true", help="with --online: neither read nor write the caches")

    commands.add_parsers(sub)  # fix, baseline, new, pin: forgea_hooks/commands/

    action = sub.add_parser("action", help="run as the GitHub Action (reads GITHUB_* and FORGEA_* variables)")
    action.add_argument("rest", nargs=argparse.REMAINDER)
    return parser


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", type=Path, default=Path("."), help="the repository root (default: .)")
    parser.add_argument("--config", type=Path, help="config file (default: .forgea-hooks.yaml or pyproject.toml)")


def _root_problem(root: Path) -> str | None:
    if not root.exists():
        return f"forgea-hooks: --root {root}: no such folder"
    if not root.is_dir():
        return f"forgea-hooks: --root {root}: not a folder"
    return None


def _check(args: argparse.Namespace) -> int:
    from forgea_hooks.api import CheckOptions, ConfigError, rule_catalog, run_check
    from forgea_hooks.reporters import counts, render

    if problem := _root_problem(args.root):
        print(problem, file=sys.stderr)
        return EXIT_USAGE
    options = CheckOptions(
        paths=tuple(args.paths),
        root=args.root,
        config_file=args.config,
        links=args.links or args.all_links,
        all_links=args.all_links,
        allow_private=args.allow_private,
        check_fragments=args.check_fragments,
        cache_path=args.cache,
        no_cache=args.no_cache,
        online=args.online,
    )
    try:
        result = run_check(options)
    except ConfigError as exc:
        print(f"forgea-hooks: {exc}", file=sys.stderr)
        return EXIT_USAGE
    findings = result.findings
    if args.quiet:
        findings = [finding for finding in findings if finding.severity is Severity.ERROR]
    catalog = rule_catalog() if args.format == "sarif" else {}
    sys.stdout.write(
        render(args.format, findings, files_checked=result.files_checked, rules=catalog, tool_version=__version__)
    )
    for warning in result.warnings:
        print(f"forgea-hooks: warning: {warning}", file=sys.stderr)
    for error in result.errors:
        print(f"forgea-hooks: {error}", file=sys.stderr)
    if not args.skip_non_docs:
        for unchecked in result.not_checked:
            print(f"forgea-hooks: {unchecked}", file=sys.stderr)
    if args.format == "text" and not args.quiet:
        tally = counts(result.findings)
        print(
            f"{result.files_checked} file(s) checked: {tally['error']} error(s), {tally['warning']} warning(s), "
            f"{tally['info']} info" + (f"; {result.baselined} baselined" if result.baselined else ""),
            file=sys.stderr,
        )
    if result.errors:
        return EXIT_USAGE
    if args.paths and not result.files_checked and not args.skip_non_docs:
        return EXIT_USAGE  # not one of the paths given was a doc: nothing was checked, say so
    return EXIT_FINDINGS if result.worst() is Severity.ERROR else EXIT_OK


def _dump(args: argparse.Namespace) -> int:
    from forgea_hooks.api import ConfigError, dump_document

    if problem := _root_problem(args.root):
        print(problem, file=sys.stderr)
        return EXIT_USAGE
    try:
        model = dump_document(Path(args.path), root=args.root, config_file=args.config, kind=args.kind)
    except ConfigError as exc:
        print(f"forgea-hooks: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(json.dumps(model, indent=2, ensure_ascii=False))
    return EXIT_OK


def _rules(args: argparse.Namespace) -> int:
    from forgea_hooks.rules import catalog, defaults

    described = catalog()
    table = defaults()
    if args.format == "json":
        print(
            json.dumps(
                {
                    rule: {
                        "description": described[rule],
                        "severity": {kind: _level(table[rule].get(kind)) for kind in KINDS},
                    }
                    for rule in described
                },
                indent=2,
                ensure_ascii=False,
            )
        )
    elif args.format == "markdown":
        print(rules_markdown())
    else:
        for rule, text in described.items():
            levels = ", ".join(f"{kind}={_level(table[rule].get(kind))}" for kind in KINDS)
            print(f"{rule}\n    {text}\n    default: {levels}")
        print(f"\nThe document format, and a failing and a passing example of every rule: {FORMAT_DOCS}")
    return EXIT_OK


def rules_markdown() -> str:
    """The README's rule table; a test keeps the README in step with it."""
    from forgea_hooks.rules import catalog, defaults

    table = defaults()
    lines = ["| rule | " + " | ".join(KINDS) + " | what it finds |", "| --- " * (len(KINDS) + 2) + "|"]
    for rule, text in catalog().items():
        levels = " | ".join(_level(table[rule].get(kind)) for kind in KINDS)
        lines.append(f"| `{rule}` | {levels} | {text} |")
    return "\n".join(lines)


def _level(severity: Severity | None) -> str:
    return severity.value if severity is not None else "—"


def _pins(args: argparse.Namespace) -> int:
    from forgea_hooks.api import ConfigError
    from forgea_hooks.pintable import build, render_text

    if problem := _root_problem(args.root):
        print(problem, file=sys.stderr)
        return EXIT_USAGE
    try:
        table = build(
            args.root, args.config, online=args.online, allow_private=args.allow_private, no_cache=args.no_cache
        )
    except ConfigError as exc:
        print(f"forgea-hooks: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.format == "json":
        print(json.dumps(table, indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(render_text(table))
    return EXIT_OK


def _action(args: argparse.Namespace) -> int:
    from forgea_hooks.action import main as action_main

    return action_main(args.rest)

"""``forgea-hooks``: argparse subcommands over the library; no logic of its own."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from forgea_hooks import __version__, commands, redact
from forgea_hooks.options import KINDS

if TYPE_CHECKING:
    from forgea_hooks.findings import Finding, Severity
    from forgea_hooks.outcome import CheckResult
    from forgea_hooks.treesummary import Printed

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
# The installed package carries no docs folder: point at the repository's copy.
FORMAT_DOCS = "https://github.com/forgea/forgea-hooks/blob/main/docs/format.md"
ISSUES = "https://github.com/forgea/forgea-hooks/issues"


class _Version(argparse.Action):
    """``--version``: the version, which Markdown parser runs and which JSON Schema validator answers
    first in a run of many docs (the native ones, or the fallbacks where their wheels do not
    install), found out only when asked."""

    def __call__(self, parser: argparse.ArgumentParser, *args: object, **kwargs: object) -> None:
        from forgea_hooks import fastschema
        from forgea_hooks.documents import parsers

        print(f"forgea-hooks {__version__} (parser: {parsers.NAME}, schemas: {fastschema.name()})")
        parser.exit()


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser(_command_named(sys.argv[1:] if argv is None else argv))
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    builtin: dict[str, Callable[[argparse.Namespace], int]] = {
        "check": _check, "dump": _dump, "rules": _rules, "pins": _pins, "action": _action
    }  # fmt: skip
    handler = builtin.get(args.command) or commands.handler(args.command)
    assert handler is not None
    # Every byte the command prints passes the secret scrubber, whichever module prints it.
    with redact.wrapped():
        return _guarded(handler, args)


def _guarded(handler: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
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
    except Exception as exc:
        # The last line of defence: a bug must not look like findings.
        # Exit 1 means "findings", which a crash is not; exit 2 is "could not check". The message
        # is one line, and quotes the exception only in a short, scrubbed excerpt.
        if os.environ.get("FORGEA_HOOKS_DEBUG"):
            import traceback

            traceback.print_exc()
        print(
            f"forgea-hooks: internal error ({type(exc).__name__}: {redact.excerpt(str(exc), 200)}); "
            f"this is a bug, please report it at {ISSUES} with the command and the input that caused it "
            "(FORGEA_HOOKS_DEBUG=1 prints the traceback)",
            file=sys.stderr,
        )
        return EXIT_USAGE


# In the order `forgea-hooks --help` lists them.
COMMANDS = ("check", "dump", "rules", "pins", *commands.NAMES, "action")


def _command_named(argv: Sequence[str]) -> str | None:
    """The subcommand the arguments start with, when they start with one: only its parser is then
    built (argparse makes every subcommand's parser up front, a tenth of a pre-commit run's start-up).
    Anything else (--help, --version, a typo) gets the whole parser and its messages."""
    return argv[0] if argv and argv[0] in COMMANDS else None


def _parser(only: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="forgea-hooks",
        description="Keep docs honest about the versions of the technologies they build on.",
    )
    parser.add_argument("--version", action=_Version, nargs=0, help="show the version and the Markdown parser in use")
    # With one parser built, the choices spelt out, so that usage lines read as with all of them.
    sub = parser.add_subparsers(dest="command", metavar=None if only is None else "{" + ",".join(COMMANDS) + "}")
    if only in (None, "check"):
        _check_parser(sub)
    if only in (None, "dump"):
        dump = sub.add_parser("dump", help="print a doc's model as JSON (what schemas validate)")
        dump.add_argument("path", metavar="FILE")
        dump.add_argument("--kind", choices=KINDS, help="parse as this kind (default: by path or content)")
        _common(dump)
    if only in (None, "rules"):
        rules = sub.add_parser("rules", help="list the rules with their default severities")
        rules.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    if only in (None, "pins"):
        pins = sub.add_parser("pins", help="print the tree's pin table: every technology, every place, every install")
        _common(pins)
        pins.add_argument("--format", choices=("text", "json"), default="text")
        pins.add_argument(
            "--online", action="store_true", help="also show the release data each pin is checked against"
        )
        pins.add_argument(
            "--allow-private", action="store_true", default=None, help="with --online: let sources be private addresses"
        )
        pins.add_argument("--no-cache", action="store_true", help="with --online: neither read nor write the caches")
    commands.add_parsers(
        sub, commands.NAMES if only is None else tuple(name for name in commands.NAMES if name == only)
    )
    if only in (None, "action"):
        action = sub.add_parser("action", help="run as the GitHub Action (reads GITHUB_* and FORGEA_* variables)")
        action.add_argument("rest", nargs=argparse.REMAINDER)
    return parser


def _check_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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
    check.add_argument("--select", type=_rule_list, default=None, metavar="RULE,...", help="report only these rules")
    check.add_argument("--ignore", type=_rule_list, default=(), metavar="RULE,...", help="never report these rules")
    check.add_argument(
        "--fail-on",
        choices=("error", "warning", "never"),
        default="error",
        help="exit 1 when a finding is at least this severe (default: error); never: only usage errors fail",
    )
    check.add_argument("--statistics", action="store_true", help="text format: counts per rule instead of findings")
    check.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the text format (auto: on a terminal, unless NO_COLOR is set or FORCE_COLOR asks for it)",
    )
    check.add_argument(
        "--consistency",
        action="store_true",
        help="the consistency hook: check the whole tree, print only what needs it; PATHs are the files the "
        "per-file hook was handed, whose own findings it prints",
    )
    check.add_argument(
        "--skip-non-docs",
        action="store_true",
        help="say nothing of given files that are not docs (the pre-commit hook: it passes every Markdown file)",
    )
    check.add_argument(
        "--online", action="store_true", help="also check pins against public release data (end of life, releases)"
    )


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", type=Path, default=Path("."), help="the repository root (default: .)")
    parser.add_argument("--config", type=Path, help="config file (default: .forgea-hooks.yaml or pyproject.toml)")


def _rule_list(text: str) -> tuple[str, ...]:
    return tuple(rule.strip() for rule in text.split(",") if rule.strip())


def _unknown_rules(args: argparse.Namespace) -> str | None:
    if not (args.select or args.ignore):
        return None  # nothing to look up: the rule modules stay unimported
    from forgea_hooks.rules import catalog
    from forgea_hooks.schemawords import suggest

    known = catalog()
    for flag, rules in (("--select", args.select or ()), ("--ignore", args.ignore)):
        for rule in rules:
            if rule not in known:
                return f"forgea-hooks: {flag}: no rule '{rule}'{suggest(rule, known)} (see `forgea-hooks rules`)"
    return None


def use_color(choice: str, stream: object, environ: Mapping[str, str]) -> bool:
    """--color, then NO_COLOR and FORCE_COLOR (https://no-color.org, https://force-color.org), then
    whether the stream is a terminal."""
    if choice != "auto":
        return choice == "always"
    if environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and environ.get("TERM") != "dumb"


def _fails(findings: Sequence[Finding], fail_on: str) -> bool:
    from forgea_hooks.findings import Severity

    if fail_on == "never":
        return False
    floor = Severity(fail_on).rank
    return any(finding.severity.rank >= floor for finding in findings)


def _beyond_the_file_hook(findings: list[Finding], whole_tree: list[Finding], handed: Sequence[str]) -> list[Finding]:
    """What the per-file hook, handed the same files in the same pre-commit run, does not print:
    the findings only a whole-tree run makes, and the cross-file ones (pins against other docs and
    the manifests) in docs it was not handed, which a manifest or registry change can break. A
    doc's own findings are the per-file hook's to print, so none is printed twice."""
    from forgea_hooks.rules import consistency

    cross = set(consistency.RULES)
    seen = {os.path.normpath(path) for path in handed}
    tree = set(whole_tree)
    return [
        finding
        for finding in findings
        if finding in tree or (finding.rule in cross and os.path.normpath(finding.path) not in seen)
    ]


def _root_problem(root: Path) -> str | None:
    if not root.exists():
        return f"forgea-hooks: --root {root}: no such folder"
    if not root.is_dir():
        return f"forgea-hooks: --root {root}: not a folder"
    return None


def _check(args: argparse.Namespace) -> int:
    from forgea_hooks import treesummary
    from forgea_hooks.options import CheckOptions

    if problem := _root_problem(args.root) or _unknown_rules(args):
        print(problem, file=sys.stderr)
        return EXIT_USAGE
    options = CheckOptions(
        paths=() if args.consistency else tuple(args.paths),
        root=args.root,
        config_file=args.config,
        links=args.links or args.all_links,
        all_links=args.all_links,
        allow_private=args.allow_private,
        check_fragments=args.check_fragments,
        cache_path=args.cache,
        no_cache=args.no_cache,
        online=args.online,
        fixes=args.format == "json",  # each fixable finding carries its fix
    )
    color = args.format == "text" and use_color(args.color, sys.stdout, os.environ)
    # An unchanged tree's whole-tree run is answered from its record, without the api's imports,
    # and printed as it was last time when it is printed the same way.
    snapshot = treesummary.Snapshot.take(options) if treesummary.replayable(options) else None
    printing = _printing(args, color)
    printed = snapshot.replay_printed(printing) if snapshot is not None else None
    if printed is None:
        result = snapshot.replay() if snapshot is not None else None
        if result is None:
            from forgea_hooks.api import ConfigError, run_check

            try:
                result = run_check(options, snapshot)
            except ConfigError as exc:
                print(f"forgea-hooks: {exc}", file=sys.stderr)
                return EXIT_USAGE
        printed = _report(args, result, color)
        if snapshot is not None:
            snapshot.keep_printed(printing, printed)
    sys.stdout.write(printed.stdout)
    for line in printed.stderr:
        print(line, file=sys.stderr)
    return printed.code


def _printing(args: argparse.Namespace, color: bool) -> str:
    """Everything besides the result that shapes what ``check`` prints, in one string."""
    return repr(
        (
            args.format,
            color,
            None if args.select is None else sorted(args.select),
            sorted(args.ignore),
            args.consistency and sorted(os.path.normpath(path) for path in args.paths),
            args.quiet,
            args.statistics,
            args.skip_non_docs,
            args.fail_on,
        )
    )


def _report(args: argparse.Namespace, result: CheckResult, color: bool) -> Printed:
    from forgea_hooks.findings import Severity
    from forgea_hooks.reporters import counts, render
    from forgea_hooks.treesummary import Printed

    kept = [
        finding
        for finding in result.findings
        if (args.select is None or finding.rule in args.select) and finding.rule not in args.ignore
    ]
    if args.consistency:
        kept = _beyond_the_file_hook(kept, result.whole_tree, args.paths)
    findings = [finding for finding in kept if finding.severity is Severity.ERROR] if args.quiet else kept
    catalog: dict[str, str] = {}
    if args.format == "sarif":
        from forgea_hooks.api import rule_catalog

        catalog = rule_catalog()
    if args.statistics and args.format == "text":
        from forgea_hooks.reporters.text import statistics

        stdout = statistics(findings, color=color)
    else:
        stdout = render(
            args.format,
            findings,
            files_checked=result.files_checked,
            rules=catalog,
            tool_version=__version__,
            color=color,
        )
    stderr = [f"forgea-hooks: warning: {warning}" for warning in result.warnings]
    stderr += [f"forgea-hooks: {error}" for error in result.errors]
    if not args.skip_non_docs:
        stderr += [f"forgea-hooks: {unchecked}" for unchecked in result.not_checked]
    if args.format == "text" and not args.quiet:
        tally = counts(kept)
        stderr.append(
            f"{result.files_checked} file(s) checked: {tally['error']} error(s), {tally['warning']} warning(s), "
            f"{tally['info']} info" + (f"; {result.baselined} baselined" if result.baselined else "")
        )
    if result.errors:
        code = EXIT_USAGE
    elif args.paths and not result.files_checked and not (args.skip_non_docs or args.consistency):
        code = EXIT_USAGE  # not one of the paths given was a doc: nothing was checked, say so
    else:
        code = EXIT_FINDINGS if _fails(kept, args.fail_on) else EXIT_OK
    return Printed(stdout, stderr, code)


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

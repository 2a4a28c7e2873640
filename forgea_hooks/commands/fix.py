"""``forgea-hooks fix [PATH...] [--diff] [--rule RULE,...]``: apply the fix engine's safe repairs.

Each repair is printed as it is made. Files are edited byte for byte outside the fixed values: line
endings, a BOM and every other character stay as they were. ``--diff`` prints a unified diff and
writes nothing. Like pre-commit's fixer hooks, the exit status is 1 when something was (or, with
``--diff``, would be) fixed, so a commit stops for the user to look and re-stage; 0 when nothing
needed fixing; 2 for a usage or configuration problem.
"""

from __future__ import annotations

import argparse
import sys

EXIT_OK, EXIT_FIXED, EXIT_USAGE = 0, 1, 2


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from forgea_hooks.commands import common

    parser = sub.add_parser("fix", help="apply safe, mechanical repairs (paths, ranges, unknown pins, http, /current/)")
    parser.add_argument("paths", nargs="*", metavar="PATH")
    parser.add_argument("--diff", action="store_true", help="print a unified diff of the repairs; change nothing")
    parser.add_argument(
        "--rule",
        action="append",
        default=[],
        metavar="RULE[,RULE]",
        help="only these rules' repairs; pin-inconsistent is repaired only when named",
    )
    common(parser)


def run(args: argparse.Namespace) -> int:
    import os

    from forgea_hooks import fixes
    from forgea_hooks.api import Checker, CheckOptions, ConfigError
    from forgea_hooks.findings import Finding
    from forgea_hooks.rules import handoff

    named = {rule.strip() for value in args.rule for rule in value.split(",") if rule.strip()}
    unknown = sorted(named - set(fixes.FIXABLE))
    if unknown:
        print(
            f"forgea-hooks: --rule {', '.join(unknown)}: no repair for it (fixable: {', '.join(fixes.FIXABLE)})",
            file=sys.stderr,
        )
        return EXIT_USAGE
    rules = named or set(fixes.SAFE_RULES)
    try:
        checker = Checker(
            CheckOptions(paths=tuple(args.paths), root=args.root, config_file=args.config, use_baseline=False)
        )
        result = checker.run()
    except ConfigError as exc:
        print(f"forgea-hooks: {exc}", file=sys.stderr)
        return EXIT_USAGE
    for error in result.errors:
        print(f"forgea-hooks: {error}", file=sys.stderr)
    ctx = fixes.context(checker, result.outcomes)
    by_path: dict[str, list[Finding]] = {}
    for finding in result.findings:
        if finding.rule in rules:
            by_path.setdefault(finding.path, []).append(finding)
    outcome_of = {outcome.path: outcome for outcome in result.outcomes}
    count = files = 0
    for path, group in sorted(by_path.items()):
        outcome = outcome_of.get(path)
        if outcome is None or outcome.relpath.startswith("/") or os.path.islink(outcome.path):
            continue  # outside the root, or a link: nothing is written through it
        if outcome.kind == "gatekeeper-report" and handoff.handed_off(checker.root, outcome.relpath):
            print(
                f"forgea-hooks: {path}: left alone: a handed-off report is a record (report-handed-off)",
                file=sys.stderr,
            )
            continue
        text = fixes.load(checker, outcome)
        if text is None:
            continue
        bom = read_for_edit(outcome.path, text)
        if bom is None:
            continue  # the file changed since it was read
        fixed = [finding for finding in fixes.for_file(group, text, outcome.pins, ctx) if finding.fix is not None]
        new_text, applied = fixes.apply(text, (finding.fix for finding in fixed if finding.fix is not None))
        if new_text == text:
            continue
        files += 1
        count += len(applied)
        for finding in fixed:
            fix = finding.fix
            if fix is not None and fix in applied:
                old = text.split("\n")[fix.line - 1][fix.column - 1 : fix.end_column - 1]
                print(f"{path}:{fix.line}:{fix.column}: {finding.rule}: '{old}' -> '{fix.replacement}'")
        if not emit(outcome.path, outcome.relpath, text, new_text, bom, diff=args.diff):
            return EXIT_USAGE
    verb = "would fix" if args.diff else "fixed"
    print(f"forgea-hooks: {verb} {count} finding(s) in {files} file(s)", file=sys.stderr)
    if result.errors:
        return EXIT_USAGE
    return EXIT_FIXED if count else EXIT_OK


def emit(path: str, relpath: str, text: str, new_text: str, bom: bytes, *, diff: bool) -> bool:
    """Print the change as a unified diff, or write it; False (with the reason said) when the write failed."""
    if diff:
        import difflib

        lines = difflib.unified_diff(
            text.splitlines(keepends=True), new_text.splitlines(keepends=True), f"a/{relpath}", f"b/{relpath}"
        )
        sys.stdout.writelines(lines)
        return True
    try:
        _write(path, bom + new_text.encode("utf-8"))
    except OSError as exc:
        print(f"forgea-hooks: cannot write {path}: {exc.strerror}", file=sys.stderr)
        return False
    return True


def read_for_edit(path: str, text: str) -> bytes | None:
    """The file's BOM (or b"") when its bytes are still ``text``; None when it changed or is unreadable."""
    try:
        with open(path, "rb") as stream:
            data = stream.read()
    except OSError:
        return None
    bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
    return bom if data[len(bom) :].decode("utf-8", "replace") == text else None


def _write(path: str, data: bytes) -> None:
    """Replace the file's bytes whole (a reader never sees half a file), keeping its mode."""
    import contextlib
    import os
    import tempfile

    folder = os.path.dirname(os.path.abspath(path))
    mode = os.stat(path).st_mode & 0o7777
    handle, temporary = tempfile.mkstemp(prefix=".forgea-fix.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)

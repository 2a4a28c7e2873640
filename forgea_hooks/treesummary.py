"""A whole-tree run's result kept whole, so that the same run over an unchanged tree prints its
report from one small file: no per-file cache loaded and decoded, no parser, no rules imported.

The result cache (``resultcache``) keeps each file's result; a warm run still decodes every entry
and runs the whole-tree rules. This record keeps what the reporters are given instead: the
findings (whole-tree ones included, after the baseline, with their fixes), the warnings and the
counts. It holds while everything the run depended on is as it was, which a rerun checks by stat:

- the options that shape the result, the working folder (paths are shown relative to it), the root;
- the package's own source files and schemas (a hook repository moved to another commit);
- every Markdown file the walk meets (path, size, mtime, inode) and every folder it walks (mtime):
  a doc added, removed or edited shows, and so does any file added to or removed from a folder
  (a new workspace member, workflow or chart, a file a rule looked for);
- the root's files by size and mtime and its folders by name (the config, manifests, lockfiles);
- the files read besides docs (config, user schemas, registry, baseline, nested manifests);
- the existence checks rules made (``path-missing``), asked again;
- when reports were judged against git (``report-handed-off``), the commit the base names.

The report the command printed from that result is kept beside it (``Printed``, one per record: the
last options it was printed with). A rerun with the same printing options writes it out again and
decodes nothing; another format, colour or selection decodes the findings and renders them.

Folders the walk skips (``node_modules``, ``vendor``) are not watched for new files. A record is not
written when any of these files changed within the last two seconds: a write in the same clock tick
would keep its mtime (``resultcache.RACY_NS``). The file is the checkout's, so hostile: read through
safefs, size-capped, JSON whose every field is checked before use, written by rename (safefs).
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import time
from collections.abc import Callable, Iterable, Sequence
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from forgea_hooks import __version__, redact, safefs
from forgea_hooks.gitprobe import maybe_in_git
from forgea_hooks.options import ALWAYS_SKIPPED, CACHE_DIR, CheckOptions

if TYPE_CHECKING:
    # Imported where findings are decoded: a replay of the printed report needs no finding (nor
    # the dataclasses module, a tenth of its time).
    from forgea_hooks.findings import Finding, Severity
    from forgea_hooks.outcome import CheckResult

# 2: the record is two lines, what it depends on and then its result, so that a replay of the
# printed report checks the first and never parses the second.
FORMAT = 2
# As the result cache's: an mtime this recent may not change on a write in the same clock tick.
RACY_NS = 2_000_000_000
# A record holds findings, not per-file entries: tens of thousands of findings are a few megabytes.
MAX_BYTES = 64 * 1024 * 1024
# Git's answer takes a process; a stuck one must not stall the run.
_GIT_TIMEOUT = 60

PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
_BY_NAME = attrgetter("name")
# Where scandir takes an open folder (not Windows), the walk lists each folder through one.
_BY_HANDLE = os.scandir in os.supports_fd
_FOLDER_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)


def replayable(options: CheckOptions) -> bool:
    """Whether a run with these options can be answered from a record: whole-tree and offline,
    with the caches on (links and release data change without the tree changing)."""
    return not (options.paths or options.links or options.online or options.no_cache)


def file_name(options: CheckOptions) -> str:
    # JSON output asks for fixes and text output does not: each keeps its own record, so that
    # alternating the two does not throw the other's away.
    return "tree-fixes.json" if options.fixes else "tree.json"


def printed_name(options: CheckOptions) -> str:
    return file_name(options).replace(".json", "-printed.json")


class Printed:
    """What the command printed from a result: its standard output, its standard error lines, and
    its exit code. Kept as the command made it; the secret scrubber still sees it on its way out."""

    def __init__(self, stdout: str, stderr: list[str], code: int) -> None:
        self.stdout = stdout
        self.stderr = stderr
        self.code = code


def code_fingerprint(package: str) -> list[str]:
    """Each source file and bundled schema of the package, by size and mtime, sorted by path."""
    rows: list[str] = []
    folders = [(package, "")]
    while folders:
        folder, prefix = folders.pop()
        try:
            with os.scandir(folder) as entries:
                listed = list(entries)
        except OSError:
            continue
        for entry in listed:
            name = entry.name
            if name.endswith((".py", ".json")):
                try:
                    status = entry.stat()
                except OSError:
                    continue
                rows.append(f"{prefix}{name}\0{status.st_size}\0{status.st_mtime_ns}")
            elif name != "__pycache__" and entry.is_dir(follow_symlinks=False):
                folders.append((entry.path, f"{prefix}{name}/"))
    rows.sort()
    return rows


class Walk:
    """The Markdown files below a folder in the order a whole-tree run checks them, each with its
    status (None for a dangling link), and what the tree's signature is made of: a row per walked
    folder and file, and each file's size, mtime and inode (see :func:`walk`)."""

    # A plain class: a dataclass costs a replay its creation at import.
    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.files: list[tuple[str, str, os.stat_result | None]] = []
        self.rows: list[str] = []
        self.numbers: list[int] = []
        self.newest = 0
        self._stack: list[tuple[str, str]] = []

    def run(self, top: str) -> Walk:
        self._stack.append((top, self.prefix))
        while self._stack:
            folder, base = self._stack.pop()
            try:
                # Listed through the folder opened once where the platform can: each entry's stat
                # is then one fstatat from it, not a lookup of its whole path again.
                # Below the top, never through a link put where a folder was listed.
                flags = _FOLDER_FLAGS if base == self.prefix else _FOLDER_FLAGS | getattr(os, "O_NOFOLLOW", 0)
                handle = os.open(folder, flags) if _BY_HANDLE else None
            except OSError:
                continue
            try:
                self._folder(folder, base, handle)
            finally:
                if handle is not None:
                    os.close(handle)
        return self

    def _folder(self, folder: str, base: str, handle: int | None) -> None:
        try:
            with os.scandir(folder if handle is None else handle) as entries:
                listed = sorted(entries, key=_BY_NAME)
            folder_mtime = (os.stat(folder) if handle is None else os.fstat(handle)).st_mtime_ns
        except OSError:
            return
        # The root's own entries are _root_rows', so that making the cache folder changes nothing.
        if base != self.prefix:
            self.rows.append(f"{base}\0{folder_mtime}")
            self.newest = max(self.newest, folder_mtime)
        subfolders: list[os.DirEntry[str]] = []
        named: list[os.DirEntry[str]] = []
        named_folders: list[os.DirEntry[str]] = []
        for entry in listed:
            # As os.walk tells folders: following links, and a name it cannot stat is a file's.
            try:
                is_folder = entry.is_dir()
            except OSError:
                is_folder = False
            if is_folder:
                subfolders.append(entry)
                if entry.name.endswith(".md"):
                    named_folders.append(entry)
            elif entry.name.endswith(".md"):
                named.append(entry)
        inside = folder if folder.endswith(os.sep) else folder + os.sep
        add_file, add_row, add_numbers = self.files.append, self.rows.append, self.numbers.extend
        newest = self.newest
        for entry in named + named_folders if named_folders else named:
            name = entry.name
            relpath = base + name
            try:
                status = entry.stat()
            except OSError:
                add_row(f"{relpath}\0-")
                add_file((inside + name, relpath, None))
                continue
            add_row(relpath)
            add_numbers((status.st_size, status.st_mtime_ns, status.st_ino))
            newest = max(newest, status.st_mtime_ns)
            add_file((inside + name, relpath, status))
        self.newest = newest
        # os.walk's order: each folder before its subfolders, subfolders by name. Links to folders
        # are listed, not walked.
        self._stack.extend(
            (inside + entry.name, f"{base}{entry.name}/")
            for entry in reversed(subfolders)
            if entry.name not in ALWAYS_SKIPPED and not entry.is_symlink()
        )


def walk(top: str, prefix: str = "") -> Walk:
    """Every ``.md`` below ``top`` (files, and folders so named, as ``os.walk`` lists them: names
    sorted, files first), skipping ALWAYS_SKIPPED, without following links; with each file's status
    and each walked folder's mtime for the signature. Each file's relative path is ``prefix`` (the
    top's own path relative to the root, with its slash; empty for the root) and its path below
    the top. A replay's walk of ten thousand docs: one pass over each folder's entries, no call
    per entry but the stat a file needs, made from the open folder."""
    return Walk(prefix).run(top)


def _root_rows(root: str) -> tuple[list[str], int]:
    """The root's files by size and mtime (config, manifests, lockfiles) and its folders by name."""
    try:
        with os.scandir(root) as entries:
            listed = sorted(entries, key=_BY_NAME)
    except OSError:
        return ["unlisted"], 0
    rows: list[str] = []
    newest = 0
    for entry in listed:
        if entry.name == CACHE_DIR:
            continue
        try:
            if entry.is_file():
                status = entry.stat()
                rows.append(f"{entry.name}\0{status.st_size}\0{status.st_mtime_ns}")
                newest = max(newest, status.st_mtime_ns)
            else:
                rows.append(f"{entry.name}\0/")
        except OSError:
            rows.append(f"{entry.name}\0?")
    return rows, newest


def _file_rows(paths: Iterable[str]) -> tuple[list[str], int]:
    rows: list[str] = []
    newest = 0
    for path in paths:
        try:
            status = os.stat(path)
        except (OSError, ValueError):  # ValueError: a NUL in a path, which only a forged record holds
            rows.append(f"{path}\0absent")
            continue
        rows.append(f"{path}\0{status.st_size}\0{status.st_mtime_ns}\0{status.st_ino}")
        newest = max(newest, status.st_mtime_ns)
    return rows, newest


def _options_row(options: CheckOptions) -> str:
    return repr(
        (
            options.all_links,
            options.max_bytes,
            None if options.config_file is None else str(options.config_file),
            options.use_baseline,
            options.fixes,
            options.handoff_base,
        )
    )


class Snapshot:
    """What a whole-tree run depends on, taken before it reads anything: a file changed while the
    run reads it then shows as changed to the next run, never the reverse."""

    def __init__(self, options: CheckOptions, root: str, cwd: str, taken: int) -> None:
        self.options = options
        # The key of the record that holds for this tree, once a replay checked it or a run wrote it:
        # only then may a printed report be kept or shown.
        self.held: str | None = None
        self.taken = taken
        self.root = root
        self.cwd = cwd
        self.walk = walk(root)
        self.code = code_fingerprint(PACKAGE_DIR)
        self.root_rows, self.root_newest = _root_rows(root)

    @classmethod
    def take(cls, options: CheckOptions, taken: int | None = None) -> Snapshot:
        """``taken``: when the run began reading (the config, before the walk), if it did already."""
        return cls(options, os.path.realpath(options.root), os.getcwd(), taken or time.time_ns())

    def key(self, dependencies: Sequence[str]) -> tuple[str, int]:
        """The signature of the run with these other files read, and the newest mtime met."""
        import hashlib

        dependency_rows, newest = _file_rows(dependencies)
        hasher = hashlib.blake2b(digest_size=16)
        head = [f"forgea-hooks {__version__} tree {FORMAT}", _options_row(self.options), self.cwd, self.root]
        for part in (head, self.code, self.root_rows, dependency_rows, self.walk.rows):
            hasher.update("\n".join(part).encode("utf-8", "surrogateescape"))
            hasher.update(b"\n\1\n")
        hasher.update(repr(self.walk.numbers).encode())
        return hasher.hexdigest(), max(newest, self.root_newest, self.walk.newest)

    def replay(self) -> CheckResult | None:
        """The stored result of this run, when everything it depended on is unchanged."""
        record = self._holding_record
        if record is None:
            return None
        # Decoded last: a run that is not replayed does not pay for its findings.
        try:
            return _decode_result(json.loads(record.result))
        except (KeyError, IndexError, TypeError, ValueError, RecursionError):
            return None  # another shape (a hand edit): the run goes the long way

    def replay_printed(self, printing: str) -> Printed | None:
        """The report printed from the held record with the same printing options (``printing``:
        the command's own spelling of them), when there is one."""
        record = self._holding_record
        if record is None:
            return None
        folder = os.path.join(self.root, CACHE_DIR)
        try:
            head, _, stdout = safefs.read_text(folder, printed_name(self.options), MAX_BYTES).partition("\n")
            data = json.loads(head)
        except (safefs.Refused, ValueError, RecursionError):
            return None
        if type(data) is not dict or data.get("format") != FORMAT or data.get("record") != record.key:
            return None
        stderr, code = _strings(data.get("stderr")), data.get("code")
        if data.get("printing") != printing or stderr is None or code not in (0, 1, 2) or type(code) is not int:
            return None
        return Printed(stdout, stderr, code)

    def keep_printed(self, printing: str, printed: Printed) -> None:
        """Keep the report printed from the held record; without a held record, nothing."""
        if self.held is None:
            return
        # Lone surrogates (a file name that is not UTF-8, an escape in a doc) as the output shows
        # them: a file cannot hold them, and shown again they must be the same bytes.
        stderr = [redact.without_surrogates(line) for line in printed.stderr]
        head = {"format": FORMAT, "record": self.held, "printing": printing, "stderr": stderr, "code": printed.code}
        # The head on the first line, the standard output as it is after it: read without parsing.
        path = os.path.join(self.root, CACHE_DIR, printed_name(self.options))
        with contextlib.suppress(OSError):
            safefs.write_cache(self.root, path, f"{_compact(head)}\n{redact.without_surrogates(printed.stdout)}")

    @functools.cached_property
    def _holding_record(self) -> _Record | None:
        """The record of this run, read and checked once, when everything it depended on is unchanged."""
        record = _read(self.root, file_name(self.options))
        if record is None or self.key(record.dependencies)[0] != record.key:
            return None
        for relpath, existed in record.probes:
            if os.path.exists(os.path.join(self.root, relpath)) != existed:
                return None
        if record.git is not None and git_state(self.root, self.options.handoff_base) != record.git:
            return None
        self.held = record.key
        return record

    def recordable(self) -> bool:
        """False when a doc or a root file changed too recently to trust its mtime: the run then
        neither asks git nor gathers what it read, as no record will be written."""
        return self.taken - max(self.walk.newest, self.root_newest) > RACY_NS

    def record(
        self, result: CheckResult, dependencies: Sequence[str], probes: Iterable[tuple[str, bool]], git: str | None
    ) -> None:
        """Write the record of ``result``, unless a file the run depended on changed too recently to
        trust its mtime. A cache folder that refuses it already had the result cache's warning said."""
        key, newest = self.key(dependencies)
        if self.taken - newest <= RACY_NS:
            return
        head = {
            "format": FORMAT,
            "key": key,
            "dependencies": list(dependencies),
            "probes": sorted(set(probes)),
            "git": git,
        }
        # JSON escapes every line break inside its strings: the first line break ends the head.
        text = "\n".join(_compact(part) for part in (head, _encode(result)))
        path = os.path.join(self.root, CACHE_DIR, file_name(self.options))
        # Refused is an OSError too: where it cannot be written, the next run goes the long way.
        with contextlib.suppress(OSError):
            if safefs.write_cache(self.root, path, text):
                self.held = key


def _compact(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def git_state(root: str, base: str) -> str:
    """What git says the base names, from this root: the commit, or why there is none (not a
    repository, no such commit). The handoff rule's answer for an unchanged tree follows from it."""
    if not maybe_in_git(root):
        return "no repository"  # as the handoff rule tells it: no git process for a tree outside git
    import subprocess

    try:
        done = subprocess.run(
            ["git", "rev-parse", "--is-inside-work-tree", "--verify", "-q", f"{base}^{{commit}}"],
            cwd=root,
            capture_output=True,
            timeout=_GIT_TIMEOUT,
            check=False,
            env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"},
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired):
        return "no git"
    return f"{done.returncode} {done.stdout.decode('utf-8', 'replace').strip()}"


class _Record:
    """A record's key and what it was computed from; its result's JSON as read, not yet parsed."""

    def __init__(
        self, key: str, dependencies: list[str], probes: list[tuple[str, bool]], git: str | None, result: str
    ) -> None:
        self.key = key
        self.dependencies = dependencies
        self.probes = probes
        self.git = git
        self.result = result


def _read(root: str, name: str) -> _Record | None:
    folder = os.path.join(root, CACHE_DIR)
    try:
        safefs.cache_folder(root, folder)
        head, _, result = safefs.read_text(folder, name, MAX_BYTES).partition("\n")
        data = json.loads(head)
    except (safefs.Refused, ValueError, RecursionError):
        return None
    try:
        return _decode(data, result)
    except (KeyError, IndexError, TypeError, ValueError):
        return None  # another shape (an older format, a hand edit): the run goes the long way


def _decode(data: Any, result: str) -> _Record | None:
    if type(data) is not dict or data.get("format") != FORMAT:
        return None
    key, dependencies, probes, git = data["key"], data["dependencies"], data["probes"], data["git"]
    if type(key) is not str or type(dependencies) is not list or type(probes) is not list:
        return None
    if any(type(path) is not str for path in dependencies) or not (git is None or type(git) is str):
        return None
    checked_probes: list[tuple[str, bool]] = []
    for row in probes:
        if type(row) is not list or len(row) != 2 or type(row[0]) is not str or type(row[1]) is not bool:
            return None
        checked_probes.append((row[0], row[1]))
    return _Record(key, dependencies, checked_probes, git, result)


def _strings(value: object) -> list[str] | None:
    if type(value) is not list or any(type(item) is not str for item in value):
        return None
    return value


def _encode(result: CheckResult) -> dict[str, Any]:
    # Findings repeat their paths, rules, levels, messages and hints: each string is written once
    # and a finding is seven numbers in one flat list (its fix, when it has one, apart). A tenth of
    # the per-file cache's size, and read without a list or a string per field.
    table: dict[str, int] = {}
    findings, fixes = _encode_findings(result.findings, table)
    whole_tree, whole_tree_fixes = _encode_findings(result.whole_tree, table)
    return {
        "strings": list(table),
        "findings": findings,
        "fixes": fixes,
        "whole_tree": whole_tree,
        "whole_tree_fixes": whole_tree_fixes,
        "files_checked": result.files_checked,
        "warnings": result.warnings,
        "errors": result.errors,
        "not_checked": result.not_checked,
        "baselined": result.baselined,
    }


_WIDTH = 7  # path, line, column, rule, level, message, hint


def _encode_findings(findings: Iterable[Finding], table: dict[str, int]) -> tuple[list[int], list[list[Any]]]:
    def index(text: str) -> int:
        return table.setdefault(text, len(table))

    flat: list[int] = []
    fixes: list[list[Any]] = []
    for number, finding in enumerate(findings):
        flat += (index(finding.path), finding.line, finding.column, index(finding.rule),
                 index(finding.severity.value), index(finding.message), index(finding.hint))  # fmt: skip
        if (fix := finding.fix) is not None:
            fixes.append([number, fix.line, fix.column, fix.end_line, fix.end_column, fix.replacement])
    return flat, fixes


def _decode_result(data: Any) -> CheckResult | None:
    from forgea_hooks.outcome import CheckResult

    if type(data) is not dict:
        return None
    strings = _strings(data["strings"])
    if strings is None:
        return None
    findings = _decode_findings(data["findings"], data["fixes"], strings)
    whole_tree = _decode_findings(data["whole_tree"], data["whole_tree_fixes"], strings)
    warnings, errors, not_checked = _strings(data["warnings"]), _strings(data["errors"]), _strings(data["not_checked"])
    files_checked, baselined = data["files_checked"], data["baselined"]
    if (
        findings is None
        or whole_tree is None
        or warnings is None
        or errors is None
        or not_checked is None
        or type(files_checked) is not int
        or type(baselined) is not int
    ):
        return None
    return CheckResult(
        findings, files_checked, warnings, [], errors, not_checked, None, baselined=baselined, whole_tree=whole_tree
    )


def _decode_findings(flat: Any, fixes: Any, strings: list[str]) -> list[Finding] | None:
    """Findings from their numbers, every one checked, by column (slices and min/max run in C: a
    replay decodes every finding of the tree)."""
    if type(flat) is not list or len(flat) % _WIDTH or not set(map(type, flat)) <= {int} or type(fixes) is not list:
        return None
    for offset in (0, 3, 4, 5, 6):  # the string table's indices
        column = flat[offset::_WIDTH]
        if column and (min(column) < 0 or max(column) >= len(strings)):
            return None
    import dataclasses

    from forgea_hooks.findings import Fix, Severity

    named = {severity.value: severity for severity in Severity}
    if any(strings[index] not in named for index in set(flat[4::_WIDTH])):
        return None
    levels = [named.get(text, Severity.INFO) for text in strings]
    columns = [iter(flat)] * _WIDTH
    make = finding_maker()
    findings = [
        make(strings[path], line, column, strings[rule], levels[level], strings[message], strings[hint])
        for path, line, column, rule, level, message, hint in zip(*columns, strict=True)
    ]
    for row in fixes:
        if (
            type(row) is not list
            or len(row) != 6
            or any(type(number) is not int for number in row[:5])
            or type(row[5]) is not str
            or not 0 <= row[0] < len(findings)
        ):
            return None
        findings[row[0]] = dataclasses.replace(findings[row[0]], fix=Fix(*row[1:]))
    return findings


_FIELDS = ("path", "line", "column", "rule", "severity", "message", "hint", "fix")


@functools.cache
def finding_maker() -> Callable[[str, int, int, str, Severity, str, str], Finding]:
    """``Finding(...)`` at half the cost. A frozen dataclass's ``__init__`` sets each field through
    ``object.__setattr__``, which made building the findings a replay's largest cost after the walk;
    this sets the same slots through their descriptors, so the objects are the same (equal, hashed
    alike); the per-file cache decodes its findings with it too. Should Finding's fields change, the
    plain constructor."""
    import dataclasses

    from forgea_hooks.findings import Finding

    if tuple(field.name for field in dataclasses.fields(Finding)) != _FIELDS:
        return Finding
    new = object.__new__
    path, line, column, rule, severity, message, hint, fix = (getattr(Finding, name).__set__ for name in _FIELDS)

    def make(at: str, row: int, col: int, rule_id: str, level: Severity, text: str, advice: str) -> Finding:  # noqa: PLR0917
        finding: Finding = new(Finding)
        path(finding, at)
        line(finding, row)
        column(finding, col)
        rule(finding, rule_id)
        severity(finding, level)
        message(finding, text)
        hint(finding, advice)
        fix(finding, None)
        return finding

    return make

"""The baseline: findings a team has accepted for now, so that only new ones fail a commit.

As ESLint's bulk suppressions do, ``forgea-hooks baseline`` records every current finding in
``.forgea-hooks-baseline.json`` (``baseline:`` in config names another file inside the root), and
``check``, both hooks and the Action then report only findings the baseline does not hold.

A finding is recorded by its fingerprint: the file (relative to the root), the rule and the
finding's message with its white space folded. The message names the subject (the pin, the path,
the URL) and never a line number, so a finding survives lines moving and edits elsewhere on its
line; it is new when its subject changes. When one subject repeats in a file, the baseline keeps
the count, and occurrences beyond it are new. The same fingerprint is SARIF's
``partialFingerprints``, so code scanning and the baseline agree on what is one problem.

A recorded finding that is gone is reported as ``baseline-stale`` (see rules/baseline.py) in
whole-tree runs, where absence means something; ``baseline --prune`` drops those entries without
adding new ones, ``baseline --update`` records the tree afresh.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from forgea_hooks.config import BASELINE_FILE as BASELINE_FILE  # noqa: PLC0414 - kept here for callers
from forgea_hooks.config import ConfigError
from forgea_hooks.findings import Finding, Severity

STALE_RULE = "baseline-stale"
FORMAT_VERSION = 1
# A baseline is hostile input like any file of the repo: far above any real tree's findings.
MAX_BYTES = 32 * 1024 * 1024


# Rules whose findings depend on more than the tree's text (git, release data): a run cannot call
# their baselined findings gone. Tree rules need the whole tree to say so.
RUN_DEPENDENT = frozenset({"report-handed-off", "release-data-unavailable"})
ONLINE_RULES = frozenset({"pin-eol", "pin-unreleased", "pin-behind"})
TREE_RULES = frozenset({"pin-inconsistent"})


class BaselineError(ConfigError):
    """The baseline file cannot be used: the message names the file and what is wrong."""


def identity(finding: Finding, path: str | None = None) -> str:
    """What one problem is, apart from where it sits: file, rule and the message, white space folded."""
    normalized = " ".join(finding.message.split())
    where = finding.path if path is None else path
    digest = hashlib.sha256("\0".join((where, finding.rule, normalized)).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:32]


def fingerprints(findings: Sequence[Finding]) -> list[str]:
    """One fingerprint per finding, in order: its identity and its ordinal among identical ones.

    Identical problems in one file (same rule, same message) are told apart by their order of
    appearance, the way GitHub's own line hashes add ``:n``; order survives a line move where the
    line number does not.
    """
    ordered = sorted(range(len(findings)), key=lambda i: findings[i].sort_key())
    seen: dict[str, int] = {}
    result = [""] * len(findings)
    for index in ordered:
        key = identity(findings[index])
        seen[key] = seen.get(key, 0) + 1
        result[index] = f"{key}:{seen[key]}"
    return result


@dataclass(frozen=True)
class Entry:
    path: str  # relative to the root
    rule: str
    message: str
    count: int

    @property
    def fingerprint(self) -> str:
        return identity(Finding(self.path, 0, 0, self.rule, Severity.INFO, self.message))


@dataclass
class Baseline:
    entries: dict[str, Entry] = field(default_factory=dict)  # by fingerprint

    @classmethod
    def of(cls, findings: Iterable[Finding], relpath: Callable[[str], str]) -> Baseline:
        tally: Counter[tuple[str, str, str]] = Counter()
        for finding in findings:
            if finding.rule != STALE_RULE:
                tally[(relpath(finding.path), finding.rule, " ".join(finding.message.split()))] += 1
        baseline = cls()
        for (path, rule, message), count in tally.items():
            entry = Entry(path, rule, message, count)
            baseline.entries[entry.fingerprint] = entry
        return baseline

    def to_json(self) -> str:
        rows = sorted(self.entries.values(), key=lambda e: (e.path, e.rule, e.message))
        data = {
            "version": FORMAT_VERSION,
            "about": "findings accepted for now: forgea-hooks reports only findings not listed here",
            "findings": [
                {"path": e.path, "rule": e.rule, "message": e.message, "count": e.count, "fingerprint": e.fingerprint}
                for e in rows
            ],
        }
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str, origin: str) -> Baseline:
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise BaselineError(f"{origin}: not valid JSON ({exc})") from None
        if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
            raise BaselineError(f"{origin}: not a forgea-hooks baseline of version {FORMAT_VERSION}")
        rows = data.get("findings")
        if not isinstance(rows, list):
            raise BaselineError(f"{origin}: 'findings' must be a list")
        baseline = cls()
        for number, row in enumerate(rows, 1):
            if not (
                isinstance(row, dict)
                and all(isinstance(row.get(key), str) for key in ("path", "rule", "message"))
                and isinstance(row.get("count"), int)
                and not isinstance(row.get("count"), bool)
                and row["count"] >= 1
            ):
                raise BaselineError(f"{origin}: finding {number} needs path, rule, message and a count >= 1")
            entry = Entry(row["path"], row["rule"], " ".join(row["message"].split()), row["count"])
            previous = baseline.entries.get(entry.fingerprint)
            if previous is not None:
                entry = Entry(entry.path, entry.rule, entry.message, entry.count + previous.count)
            baseline.entries[entry.fingerprint] = entry
        return baseline

    def total(self) -> int:
        return sum(entry.count for entry in self.entries.values())

    def shared(self, other: Baseline) -> int:
        """How many recorded findings both baselines hold."""
        return sum(
            min(entry.count, other.entries[key].count) for key, entry in self.entries.items() if key in other.entries
        )

    def pruned(self, current: Baseline) -> Baseline:
        """This baseline with gone findings dropped and counts lowered to what is left; nothing added."""
        kept = Baseline()
        for key, entry in self.entries.items():
            now = current.entries.get(key)
            if now is not None:
                kept.entries[key] = Entry(entry.path, entry.rule, entry.message, min(entry.count, now.count))
        return kept


@dataclass
class Split:
    new: list[Finding]
    baselined: int
    stale: list[Entry]  # entries, with count the number of recorded findings that are gone


def split(
    findings: Sequence[Finding],
    baseline: Baseline,
    relpath: Callable[[str], str],
    judged: Callable[[Entry], bool],
) -> Split:
    """Findings the baseline does not cover, how many it covered, and what it holds that is gone.

    Within a file, the first ``count`` occurrences of a subject (in line order) are the recorded
    ones. ``judged`` says which entries this run could have reproduced (a run over some paths
    cannot say a finding elsewhere is gone).
    """
    used: Counter[str] = Counter()
    new: list[Finding] = []
    baselined = 0
    for finding in sorted(findings, key=Finding.sort_key):
        key = identity(finding, relpath(finding.path))
        entry = baseline.entries.get(key)
        if entry is not None and used[key] < entry.count:
            used[key] += 1
            baselined += 1
        else:
            new.append(finding)
    stale = [
        Entry(entry.path, entry.rule, entry.message, entry.count - used[key])
        for key, entry in sorted(baseline.entries.items(), key=lambda item: (item[1].path, item[1].rule))
        if used[key] < entry.count and judged(entry)
    ]
    return Split(new, baselined, stale)


def stale_finding(entry: Entry, display: str, severity: Severity) -> Finding:
    times = "" if entry.count == 1 else f" ({entry.count} occurrences)"
    return Finding(
        display,
        1,
        1,
        STALE_RULE,
        severity,
        f"a baselined {entry.rule} finding is gone{times}: {entry.message}",
        "run `forgea-hooks baseline --prune` to drop it from the baseline",
    )


def resolve(root: Path, configured: str | None) -> Path:
    """The baseline's path: inside the root, or a BaselineError."""
    name = configured or BASELINE_FILE
    path = (root / name).absolute()
    resolved = root.resolve()
    try:
        path.parent.resolve().relative_to(resolved)
    except ValueError:
        raise BaselineError(f"baseline path '{name}' is outside the root {root}") from None
    return path


def read(path: Path) -> Baseline | None:
    """The baseline at ``path``; None when there is none."""
    if path.is_symlink():
        raise BaselineError(f"{path}: the baseline must be a regular file, not a symbolic link")
    try:
        with open(path, "rb") as stream:
            if not os.path.isfile(path):
                raise BaselineError(f"{path}: the baseline must be a regular file")
            data = stream.read(MAX_BYTES + 1)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read the baseline: {exc.strerror}") from None
    if len(data) > MAX_BYTES:
        raise BaselineError(f"{path}: the baseline is over {MAX_BYTES // (1024 * 1024)} MiB")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise BaselineError(f"{path}: the baseline is not UTF-8 text") from None
    return Baseline.from_json(text, str(path))


def write(path: Path, baseline: Baseline) -> None:
    """Written whole to a temporary file and renamed, so a reader never sees half a baseline."""
    if path.is_symlink():
        raise BaselineError(f"{path}: the baseline must be a regular file, not a symbolic link")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(baseline.to_json())
        # mkstemp makes the file private; a baseline is committed and read by everyone.
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)

"""The one record every stage shares: a finding, and its severity."""

from __future__ import annotations

import enum
from dataclasses import dataclass

# Document kinds: defined with the options, which a replay reads without this module.
from forgea_hooks.options import KINDS

__all__ = ["KINDS", "Finding", "Fix", "Severity"]


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Severity.ERROR: 3, Severity.WARNING: 2, Severity.INFO: 1}


@dataclass(frozen=True, slots=True)
class Fix:
    """A mechanical repair: replace the text from (line, column) up to, not including, (end_line,
    end_column) with ``replacement``. Lines and columns are 1-based and count characters of the file's
    text, so that a fixer edits the value's range and nothing else of the file."""

    line: int
    column: int
    end_line: int
    end_column: int
    replacement: str

    def as_dict(self) -> dict[str, object]:
        return {
            "range": {
                "start": {"line": self.line, "column": self.column},
                "end": {"line": self.end_line, "column": self.end_column},
            },
            "replacement": self.replacement,
        }


@dataclass(frozen=True, slots=True)
class Finding:
    """A problem at a place. ``path`` is as the user should see it (relative to the working directory)."""

    path: str
    line: int
    column: int
    rule: str
    severity: Severity
    message: str
    hint: str = ""
    # Set only where the repair is mechanical and safe; `fix` and the Action's review suggestions apply it.
    fix: Fix | None = None

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.rule)

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "rule": self.rule,
            "severity": self.severity.value,
            "message": self.message,
            "hint": self.hint,
            **({"fix": self.fix.as_dict()} if self.fix is not None else {}),
        }

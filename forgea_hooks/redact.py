"""Secrets scrubbed from every output, as the very last step before it leaves the process.

The Action runs with a token in its environment, on text a pull request chose. If any path ever
carries a secret into a message (a symlink to ``/proc/self/environ``, a server echoing a header),
the writer of each output (stdout and stderr, the JSON report, SARIF, the job summary, the step
outputs, the PR comment) replaces it with ``***`` here.

Scrubbing comes after escaping, so it must recognise the secret in any escaped spelling: the job
summary writes ``_`` as ``&#95;``, JSON writes ``"`` as ``\\"``, workflow commands write ``:`` as
``%3A``, and link breakers put a zero-width space after ``@``. Each secret therefore becomes one
pattern in which every character may appear as itself or as any of those escapes, with an
optional zero-width space between characters. The pattern is a sequence of alternations of
literals with no nested repetition: its time is linear in the text.

The secrets are the values GitHub masks that this process can know: the token variables, every
variable whose name says it holds a secret (``INPUT_TOKEN``, ``*_TOKEN``, ``*SECRET*``,
``*PASSWORD*``, ``*_KEY``...), and every value this process registered with
``::add-mask::`` (:func:`add_mask`). A value shorter than :data:`MIN_LENGTH` is not scrubbed: a
``true`` or a ``1`` would blank out half the output and hides nothing.

Lone surrogates (which a doc can smuggle in through a YAML or JSON escape such as ``"\\ud800"``)
cannot be written as UTF-8; :func:`scrub` turns each into U+FFFD, so no output path raises on them.
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import re
import sys
from collections.abc import Iterable, Mapping
from typing import Any, TextIO

MIN_LENGTH = 6
MASK = "***"
ALWAYS_SECRET = frozenset({"GITHUB_TOKEN", "ACTIONS_RUNTIME_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "GH_TOKEN"})
_SECRET_NAME = re.compile(
    r"TOKEN|SECRET|PASSW|PASSPHRASE|CREDENTIAL|PRIVATE|(?:^|_)(?:API|ACCESS|AUTH|SIGNING|SSH|DEPLOY)?_?KEYS?(?:_|$)",
    re.IGNORECASE,
)
_SURROGATES = re.compile("[\ud800-\udfff]")
_ZERO_WIDTH = "(?:\u200b|&#8203;|&#x200[bB];|\\\\u200[bB])?"
_NAMED = {"&": ("&amp;",), "<": ("&lt;",), ">": ("&gt;",), '"': ("&quot;",), "'": ("&apos;",)}

_registered: set[str] = set()


def looks_secret(name: str) -> bool:
    """Whether an environment variable's name says that its value is a secret."""
    return name in ALWAYS_SECRET or bool(_SECRET_NAME.search(name))


def secrets(environ: Mapping[str, str] | None = None) -> list[str]:
    """The values to scrub: secret-looking variables and registered masks, line by line (GitHub
    masks each line of a multi-line secret), longest first so a secret containing another is
    scrubbed whole."""
    env = os.environ if environ is None else environ
    values = [value for name, value in env.items() if looks_secret(name)]
    values += _registered
    lines = {line.strip() for value in values for line in value.splitlines()}
    return sorted((line for line in lines if len(line) >= MIN_LENGTH), key=lambda line: (-len(line), line))


def register(value: str) -> None:
    """Scrub ``value`` from every later output of this process."""
    _registered.add(value)


def add_mask(value: str, stream: TextIO | None = None) -> None:
    """Ask GitHub to mask ``value`` in the log (the ``::add-mask::`` command) and scrub it from
    every output of this process. The command is written past any scrubbing wrapper: scrubbed, it
    would ask GitHub to mask ``***``."""
    register(value)
    target = stream or sys.stdout
    while isinstance(target, ScrubbingStream):
        target = target.inner
    for line in value.splitlines():
        if line.strip():
            target.write(f"::add-mask::{line.strip()}\n")
    target.flush()


def scrub(text: str, environ: Mapping[str, str] | None = None) -> str:
    """``text`` with every secret, in any escaped spelling, replaced by ``***``, and every lone
    surrogate by U+FFFD. The last step of every output writer."""
    text = without_surrogates(text)
    # No escaper of ours rewrites letters or digits, so a secret in any spelling holds its longest
    # alphanumeric run as it is: a plain substring test (C speed) rules most secrets out before
    # the pattern, which costs a second on a 5 MB report, is run at all.
    present = tuple(secret for secret in secrets(environ) if _anchor(secret) in text)
    pattern = _pattern(present)
    return text if pattern is None else pattern.sub(MASK, text)


def without_surrogates(text: str) -> str:
    """``text`` with every lone surrogate replaced by U+FFFD, as every output shows it."""
    # Lone surrogates are the only code points UTF-8 cannot encode: the codec (C, a few ms on a
    # whole-tree report) finds whether there is one much faster than the pattern would.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATES.sub("\ufffd", text)
    return text


@functools.lru_cache(maxsize=64)
def _anchor(secret: str) -> str:
    """The secret's longest run of letters and digits ("" when it has none: always searched)."""
    return max(_ALNUM.findall(secret), key=len, default="")


_ALNUM = re.compile(r"[A-Za-z0-9]+")


def scrub_data(data: Any, environ: Mapping[str, str] | None = None) -> Any:
    """A JSON-able value with :func:`scrub` applied to every string in it, keys included."""
    if isinstance(data, str):
        return scrub(data, environ)
    if isinstance(data, Mapping):
        return {scrub_data(key, environ): scrub_data(value, environ) for key, value in data.items()}
    if isinstance(data, (list, tuple)):
        return [scrub_data(item, environ) for item in data]
    return data


def excerpt(text: str, limit: int = 40) -> str:
    """At most ``limit`` characters of untrusted text, fit to quote in a message about a file that
    could not be read: secrets scrubbed before it is cut (a cut secret would no longer be
    recognised), control and bidirectional characters shown as ``<U+XXXX>``, one line."""
    text = scrub(text)
    shown = "".join(f"<U+{ord(ch):04X}>" if _invisible(ch) else ch for ch in text[: limit + 1])
    return shown[:limit] + "…" if len(text) > limit or len(shown) > limit else shown


BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _invisible(ch: str) -> bool:
    return ch in BIDI or ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 or ch in "\u2028\u2029\ufeff"


@functools.lru_cache(maxsize=8)
def _pattern(values: tuple[str, ...]) -> re.Pattern[str] | None:
    if not values:
        return None
    return re.compile("|".join(_spellings(value) for value in values))


def _spellings(secret: str) -> str:
    return _ZERO_WIDTH.join(_character(ch) for ch in secret)


def _character(ch: str) -> str:
    code = ord(ch)
    forms = [re.escape(ch), f"&#0*{code};", "&#[xX]0*" + _hex(f"{code:x}") + ";"]
    forms += [re.escape(name) for name in _NAMED.get(ch, ())]
    forms.append("\\\\" + re.escape(ch))  # Markdown's and JSON's backslash escapes
    if code < 0x10000:
        forms.append("\\\\u" + _hex(f"{code:04x}"))
    forms.append("".join("%" + _hex(f"{byte:02x}") for byte in ch.encode("utf-8", "surrogatepass")))
    return "(?:" + "|".join(dict.fromkeys(forms)) + ")"


def _hex(digits: str) -> str:
    """Hex digits matched in either case."""
    return "".join(f"[{d.lower()}{d.upper()}]" if d.isalpha() else d for d in digits)


class ScrubbingStream(io.TextIOBase):
    """A text stream that scrubs each line before passing it on: wrapped around stdout and stderr
    for the whole of a command, so that no print anywhere can bypass it. Text is held until a line
    ends (or a flush), so a secret written in two pieces is still seen whole."""

    def __init__(self, inner: TextIO) -> None:
        super().__init__()
        self.inner = inner
        self._pending = ""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self._pending += text
        cut = max(self._pending.rfind("\n"), self._pending.rfind("\r"))
        if cut >= 0:
            ready, self._pending = self._pending[: cut + 1], self._pending[cut + 1 :]
            self.inner.write(scrub(ready))
        return len(text)

    def flush(self) -> None:
        if self._pending:
            ready, self._pending = self._pending, ""
            self.inner.write(scrub(ready))
        self.inner.flush()

    def fileno(self) -> int:
        return self.inner.fileno()

    def isatty(self) -> bool:
        return self.inner.isatty()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.inner, "encoding", "utf-8") or "utf-8"


def wrapped(streams: Iterable[str] = ("stdout", "stderr")) -> _Wrapped:
    """A context in which ``sys.stdout`` and ``sys.stderr`` scrub what is written to them."""
    return _Wrapped(tuple(streams))


class _Wrapped:
    def __init__(self, names: tuple[str, ...]) -> None:
        self.names = names
        self.installed: dict[str, tuple[TextIO, ScrubbingStream]] = {}

    def __enter__(self) -> None:
        for name in self.names:
            stream = getattr(sys, name)
            if not isinstance(stream, ScrubbingStream):
                wrapper = ScrubbingStream(stream)
                self.installed[name] = (stream, wrapper)
                setattr(sys, name, wrapper)

    def __exit__(self, *exc: object) -> None:
        for name, (stream, wrapper) in self.installed.items():
            # A closed pipe: what was pending cannot be written anyway.
            with contextlib.suppress(OSError, ValueError):
                wrapper.flush()
            setattr(sys, name, stream)

"""The two parsers behind the normalized tree: markdown-it-pyrs (native, the default) and
markdown-it-py (pure Python, the fallback where the native wheel does not install).

``FORGEA_HOOKS_PARSER=pure`` forces the fallback, for benchmarks and for tests of the fallback.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from forgea_hooks.documents.tree import Tree

Parse = Callable[[str], Tree]


def _choose() -> tuple[str, Parse]:
    if os.environ.get("FORGEA_HOOKS_PARSER", "").strip().lower() != "pure":
        try:
            from forgea_hooks.documents.parsers import native
        except ImportError:
            pass
        else:
            return native.NAME, native.parse
    from forgea_hooks.documents.parsers import pure

    return pure.NAME, pure.parse


NAME, parse = _choose()

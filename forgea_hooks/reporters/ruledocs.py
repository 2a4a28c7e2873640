"""Where each rule is documented for users, and its help text for SARIF.

The rules' user documentation with examples is ``docs/format.md`` (one ``### `rule-id``` section
per rule). The package ships a copy of those sections (``rules-help.json``, rebuilt by
``python -m forgea_hooks.reporters.ruledocs docs/format.md``; a test checks it is current), because
an installed package has no ``docs/`` folder.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from pathlib import Path

RULES_URL = "https://github.com/forgea/forgea-hooks/blob/main/docs/format.md#rules"
_RULE_HEADING = re.compile(r"^### `([a-z0-9-]+)`\s*$")
HELP_FILE = "rules-help.json"


def rule_url(rule: str) -> str:
    """The docs' anchor for a rule: GitHub's heading slug of ``### `rule-id```` is the id itself."""
    return RULES_URL.rsplit("#", 1)[0] + "#" + rule.split(":", 1)[0]


def sections(format_md: str) -> dict[str, str]:
    """Rule id -> its section of docs/format.md (Markdown, the heading left out)."""
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    fenced = False
    for line in format_md.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        match = None if fenced else _RULE_HEADING.match(line)
        if match:
            current = found.setdefault(match.group(1), [])
            continue
        if not fenced and line.startswith("#") and current is not None:
            current = None
        if current is not None:
            current.append(line)
    return {rule: "\n".join(lines).strip() + "\n" for rule, lines in found.items()}


@lru_cache(maxsize=1)
def help_markdown() -> Mapping[str, str]:
    """The shipped rule sections; empty if the file is missing (SARIF then goes without help)."""
    try:
        text = resources.files("forgea_hooks.reporters").joinpath(HELP_FILE).read_text(encoding="utf-8")
    except (OSError, ValueError):
        return {}
    data = json.loads(text)
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def main(argv: list[str]) -> int:
    source = Path(argv[0]) if argv else Path("docs/format.md")
    target = Path(__file__).with_name(HELP_FILE)
    text = json.dumps(sections(source.read_text(encoding="utf-8")), indent=1, ensure_ascii=False, sort_keys=True)
    target.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

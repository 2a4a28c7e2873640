#!/usr/bin/env python3
"""Writes tests/fixtures/spec/examples.json: the Markdown of every example in the CommonMark spec
(markdown-it-py's tests/test_cmark_spec/commonmark.json) and the GFM spec (cmark-gfm's test/spec.txt),
for the parser differential test. Only the inputs are kept; the expected HTML is not used.

    python tests/make_spec_examples.py COMMONMARK_JSON GFM_SPEC_TXT
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

FENCE = "`" * 32
OUT = Path(__file__).parent / "fixtures" / "spec" / "examples.json"


def gfm_examples(spec: str) -> list[dict[str, object]]:
    examples: list[dict[str, object]] = []
    lines = spec.split("\n")
    section = ""
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.startswith("#"):
            section = line.lstrip("#").strip()
        if line.startswith(FENCE + " example"):
            body: list[str] = []
            index += 1
            while lines[index] != ".":
                body.append(lines[index])
                index += 1
            while not lines[index].startswith(FENCE):
                index += 1
            markdown = "\n".join(body) + "\n" if body else ""
            examples.append(
                {
                    "spec": "gfm",
                    "section": section,
                    "example": len(examples) + 1,
                    "markdown": markdown.replace("→", "\t"),
                }
            )
        index += 1
    return examples


def main(argv: list[str]) -> int:
    commonmark = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    examples = [
        {"spec": "commonmark", "section": item["section"], "example": item["example"], "markdown": item["markdown"]}
        for item in commonmark
    ]
    examples += gfm_examples(Path(argv[1]).read_text(encoding="utf-8"))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(examples, indent=0, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(examples)} examples -> {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

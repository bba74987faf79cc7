"""Write docs/dev/model-spec.schema.json, the JSON Schema of a model file, for editors.

Run after changing jiandu/models/spec.py; a test fails while the committed file is stale.
`--check` exits 1 instead of writing when the file is out of date.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from jiandu.models.spec import model_json_schema

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "dev" / "model-spec.schema.json"


def render() -> str:
    """The schema file's exact text."""
    return json.dumps(model_json_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        if current != text:
            print(f"{OUT} is stale; run python tools/gen_model_schema.py", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

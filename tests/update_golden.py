"""Rewrite tests/golden/ from the current code: review the change with `git diff tests/golden`."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent))

from tests.golden import CASES, GOLDEN, render_case  # noqa: E402

for case, source in CASES.items():
    for name, text in render_case(source).items():
        target = GOLDEN / case / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        print(target)

from __future__ import annotations

import pytest

from .golden import CASES, GOLDEN, RESULTS, render_case

GOLDEN_FILES = sorted((case, path.name) for case in CASES for path in (GOLDEN / case).iterdir())


def test_every_case_has_every_file():
    for case, source in CASES.items():
        assert {p.name for p in (GOLDEN / case).iterdir()} == set(render_case(source)), case


@pytest.mark.parametrize("case, name", GOLDEN_FILES, ids=[f"{c}/{n}" for c, n in GOLDEN_FILES])
def test_output_matches_golden_file(case, name):
    actual = render_case(CASES[case])[name]
    expected = (GOLDEN / case / name).read_text(encoding="utf-8")
    if actual != expected:
        result = RESULTS / case / name
        result.parent.mkdir(parents=True, exist_ok=True)
        result.write_text(actual, encoding="utf-8")
        pytest.fail(f"{case}/{name} differs from its golden file; the actual output is in {result} (make golden rewrites them)")

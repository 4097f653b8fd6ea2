"""Work that grows with the input's size no faster than the input: counted, never timed.

A 141k-line transcript once took more than 600 s for chapters and one 20 MB line 327 s to import,
because windows and copies were made afresh at every line. The figures are in BENCHMARKS.md
(`benchmarks/growth_bench.py`); here the work on n and on 2n items is counted and compared.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from clipper.episode_file import read_episode
from clipper.model import Episode
from clipper.segmentation import WINDOW_MAX_LINES, Unit, _windows, find_boundaries, transcript_units
from clipper.transcript_import import _caption_text, _split_at_words, merge_pieces, parse_transcript

from .work import CopiedText, growth, lines_run

LINEAR = 2.5  # work(2n) / work(n): 2 when linear, 4 when quadratic; counts, so no noise to allow for
EXAMPLE = Path(__file__).parent.parent / "examples" / "_podcast" / "physicist-to-data-scientist.md"


def long_episode(count: int, same_line: bool = False) -> Episode:
    """`count` lines: the example's transcript said again and again, later each time (or its first line only)."""
    lines = read_episode(EXAMPLE).lines
    lap = (lines[-1].sec or 0.0) + 30
    said = [lines[0]] * len(lines) if same_line else lines
    items = tuple(replace(said[i % len(lines)], sec=(lines[i % len(lines)].sec or 0.0) + i // len(lines) * lap) for i in range(count))
    return Episode("long.md", "long", "Long", transcript=items)


def boundary_work(count: int, same_line: bool = False) -> int:
    units = transcript_units(long_episode(count, same_line))
    return lines_run(lambda: find_boundaries(units, units[-1].start_sec + 30))


@pytest.mark.parametrize("same_line", [False, True], ids=["talk", "one-line-said-again"])
def test_chapter_boundaries_grow_linearly_with_the_transcript(same_line):
    assert growth(lambda n: boundary_work(n, same_line), 200) < LINEAR


def test_windows_hold_a_bounded_number_of_lines_however_dense_the_talk():
    units = [Unit(float(i // 50), "data model", "A", ("data", "model")) for i in range(3 * WINDOW_MAX_LINES)]
    windows = list(_windows(units))
    assert max(len(lines) for pair in windows for lines in pair) == WINDOW_MAX_LINES
    assert all(before.stop == after.start for before, after in windows)


def test_a_long_line_is_split_without_copying_its_rest_at_every_cut():
    def copied(size: int) -> int:
        CopiedText.copied = 0
        parts = _split_at_words(CopiedText("word " * size), 700)
        assert " ".join(parts) == ("word " * size).strip() and len(parts) > 1
        return CopiedText.copied

    assert growth(copied, 20_000) < LINEAR


def test_importing_many_pieces_grows_linearly():
    def work(count: int) -> int:
        blocks = "".join(f"{i // 60}:{i % 60:02d}\n{'Host' if i % 3 else 'Guest'}\nSo we talked about data number {i}, and\n"
                         for i in range(count))
        parsed = parse_transcript(blocks, "raw.txt")
        return lines_run(lambda: merge_pieces(parsed))

    assert growth(work, 300) < LINEAR


def test_a_tag_never_holds_a_tag_opening():
    """`<` inside a tag would make a line of many `<` read once per `<` (quadratic); a stray `<` is text."""
    assert _caption_text("<i>a</i> <<b>b</b>") == ("", "a <b")
    assert _caption_text("<v Ann> x <v Bob>y") == ("Ann", "x y")

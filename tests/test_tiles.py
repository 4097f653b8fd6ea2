"""The seam between two side-by-side tiles, whose tile is whose, and the speaker's shots: pure
functions on small grey frames made here (bytes, one per pixel)."""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from clipper.errors import ClipperError
from clipper.tiles import (
    GrayFrames, Shot, Side, Sides, Tiles, Turn, assign_sides, column_steps, find_tiles, parse_tiles, resolve_tiles,
    speaker_shots, tile_motion,
)

WIDTH, HEIGHT = 80, 45


def picture(shade_at, seed: int = 0) -> bytes:  # noqa: ANN001 - (x, y, rng) -> grey
    rng = random.Random(seed)
    return bytes(max(0, min(255, round(shade_at(x, y, rng)))) for y in range(HEIGHT) for x in range(WIDTH))


def frames_of(*pictures: bytes, fps: float = 4) -> GrayFrames:
    return GrayFrames(WIDTH, HEIGHT, fps, tuple(pictures))


def two_people(gap: int = 0, seed: int = 0) -> bytes:
    """A light textured tile left, a dark one right, a black gap of `gap` columns between them."""
    def shade(x, y, rng):  # noqa: ANN001, ANN202
        if x < 40 - gap // 2:
            return 180 + rng.uniform(-6, 6)
        return 10 if x < 40 - gap // 2 + gap else 70 + rng.uniform(-6, 6)
    return picture(shade, seed)


def test_column_steps_are_the_mean_step_across_each_column_boundary():
    frame = bytes([0, 0, 100, 100] * 2)
    assert column_steps(frame, 4, 2) == [0, 100, 0]


def test_a_seam_in_the_middle_is_found_where_it_is():
    tiles = find_tiles(frames_of(*(two_people(seed=n) for n in range(6))))
    assert tiles == Tiles((0.0, 0.5), (0.5, 1.0))


def test_a_gap_between_the_tiles_is_left_out_of_both():
    tiles = find_tiles(frames_of(*(two_people(gap=6, seed=n) for n in range(6))))
    assert tiles == Tiles((0.0, 37 / WIDTH), (43 / WIDTH, 1.0))


def test_one_picture_has_no_seam():
    face = picture(lambda x, y, rng: 120 + 60 * ((x - 40) ** 2 + (y - 22) ** 2 < 150) + rng.uniform(-5, 5))
    assert find_tiles(frames_of(face, face)) is None


def test_a_picture_of_many_upright_edges_is_not_taken_for_two_tiles():
    bars = picture(lambda x, y, rng: 40 * (x // 13 % 5) + 20)  # colour bars, one edge in the middle
    assert find_tiles(frames_of(bars, bars)) is None


def test_an_edge_that_comes_and_goes_is_no_seam():
    plain = picture(lambda x, y, rng: 100)
    frames = [two_people(seed=n) if n % 4 == 0 else plain for n in range(8)]  # an edge in a quarter of the frames at most
    assert find_tiles(frames_of(*frames)) is None


def test_the_tile_that_moves_while_someone_speaks_is_theirs():
    still = two_people(seed=1)
    moving = [picture(lambda x, y, rng: (180 if x < 40 else 70) + rng.uniform(-40, 40) * (x < 40), seed=n) for n in range(8)]
    sequence = moving[:4] + [still] * 8  # the left tile moves in the first second only (4 fps)
    frames = frames_of(*sequence)
    motion = tile_motion(frames, Tiles((0.0, 0.5), (0.5, 1.0)))
    assert len(motion) == len(sequence) - 1 and motion[0][1] > 5 and motion[0][2] == 0
    sides = assign_sides(motion, [Turn("Maria", 0, 1), Turn("Alexey", 1, 3)])
    assert sides == Sides((("Maria", Side.LEFT), ("Alexey", Side.RIGHT)), True)


def test_a_picture_that_does_not_move_tells_nothing_clear():
    still = two_people()
    frames = frames_of(*[still] * 8)
    sides = assign_sides(tile_motion(frames, Tiles((0.0, 0.5), (0.5, 1.0))), [Turn("A", 0, 1), Turn("B", 1, 2)])
    assert sides is not None and not sides.clear
    assert assign_sides([], [Turn("A", 0, 1)]) is None


SIDES = Sides((("Alexey", Side.LEFT), ("Maria", Side.RIGHT)), True)


@pytest.mark.parametrize(("turns", "shots"), [
    ([Turn("Alexey", 0, 5), Turn("Maria", 5, 10)], [Shot(Side.LEFT, 0, 5), Shot(Side.RIGHT, 5, 10)]),
    # Alexey's "Right." of one second does not move the crop
    ([Turn("Maria", 0, 4), Turn("Alexey", 4, 5), Turn("Maria", 5, 10)], [Shot(Side.RIGHT, 0, 10)]),
    # lines of one speaker in a row are one turn; someone without a tile keeps the shot
    ([Turn("Alexey", -2, 1), Turn("Alexey", 1, 2), Turn("Guest", 2, 6), Turn("Maria", 6, 12)],
     [Shot(Side.LEFT, 0, 6), Shot(Side.RIGHT, 6, 10)]),
    # a turn in the first seconds of a shot waits: no shot shorter than 2 s
    ([Turn("Alexey", 0, 1), Turn("Maria", 1, 10)], [Shot(Side.LEFT, 0, 10)]),
    ([], [Shot(Side.LEFT, 0, 10)]),
])
def test_shots_cut_to_the_speaker_at_turns_of_two_seconds_or_more(turns, shots):
    assert speaker_shots(turns, SIDES, 10.0) == tuple(shots)


def test_tiles_option_names_sides():
    assert parse_tiles("Alexey=left, Maria=RIGHT") == (("Alexey", Side.LEFT), ("Maria", Side.RIGHT))


@pytest.mark.parametrize(("text", "message"), [
    ("Alexey", "'Alexey' is not NAME=left or NAME=right"),
    ("Alexey=top", "'Alexey=top' is not NAME=left or NAME=right"),
    ("=left", "'=left' is not NAME=left"),
    ("Alexey=left,Maria=left", "puts two people on one side"),
])
def test_a_bad_tiles_option_is_one_clear_error(text, message):
    with pytest.raises(ClipperError, match=message) as raised:
        parse_tiles(text)
    assert "\n" not in raised.value.message and "--tiles" in raised.value.message


def test_tiles_names_are_speaker_labels_or_peoples_names_in_any_case():
    names = {"Alexey": "Alexey Grigorev", "Maria": "Maria Sukhareva"}
    sides = resolve_tiles(parse_tiles("alexey grigorev=right,MARIA=left"), names)
    assert sides.side_of("Alexey") is Side.RIGHT and sides.side_of("Maria") is Side.LEFT
    with pytest.raises(ClipperError, match="nobody called 'Bob' speaks in this episode; use one of Alexey, Maria"):
        resolve_tiles(parse_tiles("Bob=left"), names)


def test_speaker_layout_is_one_crop_moved_at_the_cuts_and_split_stacks_two():
    from clipper.clip_graph import ClipCut, Framing, Layout, video_args

    tiles = Tiles((0.0, 0.4875), (0.5125, 1.0))
    shots = (Shot(Side.LEFT, 0, 4), Shot(Side.RIGHT, 4, 12), Shot(Side.LEFT, 12, 16))
    cut = ClipCut("in.mp4", 0, 16, "out.mp4", has_audio=False)
    graph = " ".join(video_args(cut, Framing((1080, 1920), (640, 360), Layout.SPEAKER, tiles, shots), None, Path(".")))
    # 202x360 (9:16) around each tile's centre: 312 px wide from 0 and from 328
    assert "crop=202:360:x=54+328*(gte(t\\,4.000)*lt(t\\,12.000)):y=0" in graph and "split" not in graph
    graph = " ".join(video_args(cut, Framing((1080, 1920), (640, 360), Layout.SPLIT, tiles), None, Path(".")))
    assert "crop=312:276:0:42" in graph and "crop=312:276:328:42" in graph and "vstack" in graph


@pytest.mark.parametrize(("asked", "found", "clear", "layout"), [
    ("", True, True, "speaker"), ("", True, False, "split"), ("", False, False, "blur"), ("split", True, True, "split"),
    ("speaker", False, False, "speaker"),
])
def test_the_default_layout_is_the_best_the_picture_allows(asked, found, clear, layout):
    from clipper.cutting import _chosen_layout

    sides = Sides((("A", Side.LEFT), ("B", Side.RIGHT)), clear)
    assert _chosen_layout(asked, Tiles((0, 0.5), (0.5, 1)) if found else None, sides).value == layout

"""`clipper cut --layout`: two people side by side, stacked (split) or followed (speaker), read
back from the rendered frames. The recording (tests/media.py) has a light tile left and a dark one
right; each shows a moving picture only while its speaker's lines run."""
from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

from clipper.cli import main

from .media import gray_frames, make_two_tile_video

pytestmark = pytest.mark.usefixtures("ffmpeg_binary")
CLIPS = "two-people/clips"
SMALL = (108, 192)  # a tenth of 1080x1920
LIGHT, DARK = 200, 64  # the tiles' shades (0xC8, 0x40)
# Alexey (left) 0-4 s, Maria (right) 4-8 s, Alexey's one-second "Right." 8-9 s, Maria 9-12 s, Alexey 12-16 s
TURNS = [("Alexey", 0, 4), ("Maria", 4, 8), ("Alexey", 8, 9), ("Maria", 9, 12), ("Alexey", 12, 16)]
EPISODE = """---
title: Two people side by side
short: Two people
duration: PT16S
links:
  youtube: https://www.youtube.com/watch?v=abc
transcript:
{lines}
---
"""
LINES = {"Alexey": ["Welcome to the show, today we talk about framing.", "Right.", "So the crop cuts back to me now."],
         "Maria": ["Thanks for having me, framing follows whoever speaks.", "A short word does not move the crop."]}


@pytest.fixture(scope="module")
def recording(tmp_path_factory) -> tuple[Path, Path]:
    """The two-tile video and its episode file, whose lines alternate speakers."""
    folder = tmp_path_factory.mktemp("two-people")
    moves = {who: [(start, end) for name, start, end in TURNS if name == who] for who in LINES}
    video = make_two_tile_video(folder / "two.mp4", 16, moves["Alexey"], moves["Maria"])
    said = {who: iter(lines) for who, lines in LINES.items()}
    lines = "\n".join(f"- line: {next(said[who])}\n  sec: {start}\n  who: {who}" for who, start, _ in TURNS)
    episode = folder / "_podcast" / "two-people.md"
    episode.parent.mkdir()
    episode.write_text(EPISODE.format(lines=lines), encoding="utf-8")
    return video, episode


def cut(capsys, recording, out: Path, *args: str) -> tuple[int, str]:
    video, episode = recording
    code = main(["cut", str(episode), "--exact", "--source", str(video), "--out", str(out), *args])
    return code, capsys.readouterr().err


def shade(frame: bytes, box: tuple[int, int, int, int] = (10, 40, 88, 25)) -> float:
    """The mean grey of a box (x, y, w, h) of a SMALL frame, away from the title, the captions and the moving picture."""
    x, y, w, h = box
    values = [frame[row * SMALL[0] + column] for row in range(y, y + h) for column in range(x, x + w)]
    return sum(values) / len(values)


@pytest.fixture(scope="module")
def followed(tmp_path_factory, recording, ffmpeg_binary):
    """The whole recording cut with the default layout, which finds the tiles and follows the speaker."""
    out = tmp_path_factory.mktemp("speaker")
    video, episode = recording
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["cut", str(episode), "--exact", "--source", str(video), "--out", str(out), "--start", "0", "--end", "16",
                     "--no-captions"])
    assert code == 0, err.getvalue()
    return out / CLIPS / "at-0s-16s-introduction.mp4", err.getvalue()


def test_two_tiles_and_whose_is_which_are_found_and_said(followed):
    _, err = followed
    assert "layout: speaker (two tiles found: Alexey left, Maria right)" in err
    assert "cut at 4.0 s, 12.0 s" in err


def test_the_speakers_tile_is_on_screen_during_their_lines(followed):
    clip, _ = followed
    for second, expected in ((2, LIGHT), (6, DARK), (8.5, DARK), (10.5, DARK), (14, LIGHT)):
        frame = gray_frames(clip, 1, SMALL, start=second)[0]
        assert shade(frame) == pytest.approx(expected, abs=12), f"at {second} s"


def test_the_crop_cuts_on_the_frame_of_the_turn(followed):
    clip, _ = followed
    frames = gray_frames(clip, 4, SMALL, start=118 / 30)  # frames 118-121; Maria's turn starts with frame 120
    shades = [shade(frame) for frame in frames]
    assert shades[0] == pytest.approx(LIGHT, abs=12) and shades[1] == pytest.approx(LIGHT, abs=12)
    assert shades[2] == pytest.approx(DARK, abs=12) and shades[3] == pytest.approx(DARK, abs=12), "a cut, not a pan"


def test_split_stacks_the_left_tile_over_the_right_with_captions_over_the_seam(capsys, recording, tmp_path):
    code, err = cut(capsys, recording, tmp_path, "--start", "2", "--end", "6", "--layout", "split")
    assert code == 0, err
    assert "layout: split (two tiles found" in err
    clip = tmp_path / CLIPS / "at-2s-6s-introduction-split.mp4"
    frame = gray_frames(clip, 1, SMALL, start=3.0)[0]
    assert shade(frame, (5, 35, 98, 50)) == pytest.approx(LIGHT, abs=12), "the left tile above"
    assert shade(frame, (5, 110, 98, 40)) == pytest.approx(DARK, abs=12), "the right tile below"
    plain = tmp_path / "plain"
    assert cut(capsys, recording, plain, "--start", "2", "--end", "6", "--layout", "split", "--no-captions")[0] == 0
    bare = gray_frames(plain / CLIPS / "at-2s-6s-introduction-split.mp4", 1, SMALL, start=3.0)[0]
    changed = [i for i, (a, b) in enumerate(zip(frame, bare)) if abs(a - b) > 60 and i // SMALL[0] > 0.3 * SMALL[1]]
    rows, columns = [i // SMALL[0] for i in changed], [i % SMALL[0] for i in changed]
    assert changed, "captions are burned in"
    assert min(rows) < SMALL[1] // 2 < max(rows) + 2, "over the seam between the tiles"
    assert max(rows) <= 0.8 * SMALL[1] and min(columns) >= 0.1 * SMALL[0] and max(columns) <= 0.88 * SMALL[0]


def test_tiles_option_overrides_what_the_picture_says(capsys, recording, tmp_path):
    code, err = cut(capsys, recording, tmp_path, "--start", "0", "--end", "6", "--tiles", "alexey=right,Maria=left",
                    "--no-captions")
    assert code == 0, err
    assert "layout: speaker (two tiles found: Alexey right, Maria left (as --tiles says))" in err
    frame = gray_frames(tmp_path / CLIPS / "at-0s-6s-introduction.mp4", 1, SMALL, start=2.0)[0]
    assert shade(frame) == pytest.approx(DARK, abs=12), "Alexey speaks: the tile --tiles gave him"


@pytest.mark.parametrize(("tiles", "message"), [
    ("Alexey=up", "clipper: --tiles 'Alexey=up': 'Alexey=up' is not NAME=left or NAME=right; give --tiles"),
    ("Bob=left", "clipper: --tiles: nobody called 'Bob' speaks in this episode; use one of Alexey, Maria"),
])
def test_a_bad_tiles_value_is_one_line(capsys, recording, tmp_path, tiles, message):
    code, err = cut(capsys, recording, tmp_path, "--start", "0", "--end", "6", "--tiles", tiles)
    assert code != 0 and err.startswith(message), err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not (tmp_path / CLIPS).exists() or not list((tmp_path / CLIPS).glob("*.mp4"))


def test_one_person_stays_over_the_blurred_fill(capsys, recording, tmp_path, media_dir):
    _, episode = recording
    code = main(["cut", str(episode), "--exact", "--source", str(media_dir / "video.mp4"), "--out", str(tmp_path),
                 "--start", "1", "--end", "3", "--no-captions"])
    err = capsys.readouterr().err
    assert code == 0, err
    assert "layout: blur (no two tiles found)" in err
    frame = gray_frames(tmp_path / CLIPS / "at-1s-3s-introduction.mp4", 1, SMALL, start=1.0)[0]
    fill, picture = (5, 42, 98, 20), (5, 70, 98, 50)  # under the title; the 16:9 picture spans rows 66-126 of 192
    assert detail(frame, fill) < 0.3 * detail(frame, picture), "a blurred fill above the sharp picture"


def detail(frame: bytes, box: tuple[int, int, int, int]) -> float:
    """How sharp a box of a SMALL frame is: the mean grey step from one pixel to the next."""
    x, y, w, h = box
    steps = [abs(frame[row * SMALL[0] + column] - frame[row * SMALL[0] + column - 1])
             for row in range(y, y + h) for column in range(x + 1, x + w)]
    return sum(steps) / len(steps)

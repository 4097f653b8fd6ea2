"""The blurred fill stacked beside the picture (clip_graph, issue 13): the bands' sizes and where the
picture lies, as the overlay placed it before."""
from __future__ import annotations

from pathlib import Path

import pytest

from clipper.clip_graph import ClipCut, Framing, Layout, picture_bottom, video_args


def _graph(size: tuple[int, int], source: tuple[int, int]) -> str:
    argv = video_args(ClipCut("in.mp4", 0, 5, "out.mp4", has_audio=False), Framing(size, source, Layout.BLUR), None, Path("."))
    return argv[argv.index("-filter_complex") + 1]


@pytest.mark.parametrize(("size", "source", "parts"), [
    # 16:9 into 9:16: 656 rows of fill above and below 608 of picture (overlay's (H-h)/2)
    ((1080, 1920), (1280, 720), ["crop=270:164:0:0", "scale=1080:656:flags=bilinear", "scale=1080:608",
                                 "crop=270:164:0:316", "vstack=inputs=3"]),
    # 4:3 into 9:16: the odd half (555) taken down to even, as overlay placed it; the rest below
    ((1080, 1920), (1440, 1080), ["scale=1080:554:flags=bilinear", "scale=1080:810", "scale=1080:556:flags=bilinear"]),
    # 9:16 into 1:1: bands left and right
    ((1080, 1080), (720, 1280), ["crop=59:270:0:0", "scale=236:1080:flags=bilinear", "scale=608:1080", "hstack=inputs=3"]),
])
def test_the_fill_is_stacked_around_the_picture(size, source, parts):
    graph = _graph(size, source)
    assert all(part in graph for part in parts), graph
    assert "overlay" not in graph


def test_a_picture_that_fills_the_frame_has_no_fill_and_the_captions_band_starts_under_the_picture():
    assert "boxblur" not in _graph((1080, 1920), (720, 1280))
    assert picture_bottom(Framing((1080, 1920), (1280, 720), Layout.BLUR)) == 656 + 608

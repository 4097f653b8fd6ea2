"""The blurred fill stacked beside the picture (clip_graph, issue 13): the bands' sizes and where the
picture lies, as the overlay placed it before."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from clipper.clip_graph import ClipCut, Framing, Layout, picture_bottom, video_args
from clipper.ffmpeg import find_ffmpeg


def _graph(size: tuple[int, int], source: tuple[int, int]) -> str:
    argv = video_args(ClipCut("in.mp4", 0, 5, "out.mp4", has_audio=False), Framing(size, source, Layout.BLUR), None, Path("."))
    return argv[argv.index("-filter_complex") + 1]


@pytest.mark.parametrize(("size", "source", "parts"), [
    # 16:9 into 9:16: 656 rows of fill above and below 608 of picture (overlay's (H-h)/2)
    # (each band's blur on the 164 rows it shows and the 34 its blur reaches: 198 of 480)
    ((1080, 1920), (1280, 720), ["crop=270:198:0:0", "crop=270:164:0:0", "scale=1080:656:flags=bilinear", "scale=1080:608",
                                 "crop=270:198:0:282", "crop=270:164:0:34", "vstack=inputs=3"]),
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


# The fill as it was made before each band was blurred alone: the whole shrunk picture blurred, then
# the bands' rows (columns) cut from it and enlarged.
_WHOLE_BLUR = ("[0:v]fps=30,split=2[a][b];[a]crop=min(iw\\,ih*{w}/{h}):min(ih\\,iw*{h}/{w}),scale={sw}:{sh},boxblur=8,"
               "eq=brightness=-0.18:saturation=0.7,split=2[c][d];[c]crop={first},scale={start_band}:flags=bilinear[e];"
               "[b]scale={shown}[f];[d]crop={last},scale={end_band}:flags=bilinear[g];[e][f][g]{stack}=inputs=3")


@pytest.mark.parametrize(("size", "source", "cuts"), [
    ((1080, 1920), (1280, 720), {"first": "270:164:0:0", "start_band": "1080:656", "shown": "1080:608",
                                 "last": "270:164:0:316", "end_band": "1080:656", "stack": "vstack"}),
    ((1080, 1080), (720, 1280), {"first": "59:270:0:0", "start_band": "236:1080", "shown": "608:1080",
                                 "last": "59:270:211:0", "end_band": "236:1080", "stack": "hstack"}),
])
def test_each_band_blurred_alone_has_the_pixels_of_the_whole_fill_blurred(tmp_path, size, source, cuts):
    """A band's blur reads the rows its blur reaches: the same pixels as when the whole fill was blurred."""
    picture = tmp_path / "source.mp4"
    subprocess.run([find_ffmpeg(), "-v", "error", "-f", "lavfi", "-i", f"testsrc2=s={source[0]}x{source[1]}:d=0.5",
                    "-pix_fmt", "yuv420p", str(picture)], check=True)
    whole = _WHOLE_BLUR.format(w=size[0], h=size[1], sw=size[0] // 4, sh=size[1] // 4, **cuts)
    clipper = _graph(size, source)
    label = clipper[clipper.rindex("["):]  # the fill's output (the clip's sound comes from elsewhere)
    md5s = [subprocess.run([find_ffmpeg(), "-v", "error", "-i", str(picture), "-filter_complex", graph, *mapped, "-f", "md5", "-"],
                           capture_output=True, text=True, check=True).stdout
            for graph, mapped in ((clipper, ("-map", label)), (whole, ()))]
    assert md5s[0] == md5s[1] and md5s[0].startswith("MD5=")

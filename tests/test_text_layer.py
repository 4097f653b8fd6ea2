"""Captions drawn once per change and overlaid (clip_graph.text_layer_args, issue 13): what shows on
each frame read back is what libass would draw there, exactly in its cue's frames, over the picture."""
from __future__ import annotations

from pathlib import Path

import pytest

from clipper.clip_graph import ClipCut, Framing, Layout, TextBox, text_boxes_of, text_layer_args, video_args
from clipper.cutting import FONTS_DIR
from clipper.ffmpeg import chosen_ffmpeg, run_ffmpeg
from clipper.formats.ass_captions import change_times_sec

from .media import gray_frames, region_difference

SIZE = (360, 640)  # a small 9:16 frame: the same graph as 1080x1920, faster
CUE_A, CUE_B = (1.0, 2.0), (2.0, 3.0)  # back to back: the second replaces the first on one frame
ASS = f"""[Script Info]
ScriptType: v4.00+
PlayResX: {SIZE[0]}
PlayResY: {SIZE[1]}

[V4+ Styles]
Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding
Style: Caption,DejaVu Sans,40,&H00FFFFFF,&H00FFFFFF,&H00000000,&H80000000,-1,0,0,0,100,100,0,0,1,3,2,2,20,20,120,1

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
Dialogue: 1,0:00:01.00,0:00:02.00,Caption,,0,0,0,,MMMM
Dialogue: 1,0:00:02.00,0:00:03.00,Caption,,0,0,0,,iii
Dialogue: 1,0:00:04.50,0:01:00.00,Caption,,0,0,0,,past the end
"""
CAPTION_BAND = (0, 440, 360, 80)  # where the captions sit (bottom-aligned, 120 px up)
PICTURE_BAND = (0, 250, 360, 100)  # the picture, never under text


def test_change_times_are_every_start_and_end_inside_the_clip_once():
    assert change_times_sec(ASS, 4.0) == (0.0, 1.0, 2.0, 3.0)
    assert change_times_sec(ASS, 5.0) == (0.0, 1.0, 2.0, 3.0, 4.5)
    assert change_times_sec("[Events]\n", 5.0) == (0.0,)


@pytest.fixture(scope="module")
def clips(tmp_path_factory, media_dir, ffmpeg_binary) -> dict[str, Path]:
    """The first 4 s of the synthetic video in 9:16: with the text layer, with the ass filter, without text."""
    folder = tmp_path_factory.mktemp("layer")
    captions, layer = folder / "captions.ass", folder / "text.mov"
    captions.write_text(ASS, encoding="utf-8")
    said = run_ffmpeg(text_layer_args(captions, FONTS_DIR, SIZE, change_times_sec(ASS, 4.0), str(layer),
                                      chosen_ffmpeg().frame_timing_option), what="drawing the test captions")
    boxes = text_boxes_of(said, SIZE[1])  # the layer overlaid where it has text only, as clipper does
    framing = Framing(SIZE, (640, 360), Layout.BLUR)
    made = {"boxes": boxes}
    for name, ass, text_layer in (("layer", captions, layer), ("ass", captions, None), ("none", None, None)):
        cut = ClipCut(str(media_dir / "video.mp4"), 0.0, 4.0, str(folder / f"{name}.mp4"))
        run_ffmpeg(video_args(cut, framing, ass, FONTS_DIR, text_layer, boxes), what=f"cutting the {name} clip")
        made[name] = folder / f"{name}.mp4"
    return made


def test_the_text_boxes_are_around_every_drawing_in_each_half_on_even_pixels():
    said = ("[Parsed_bbox_5 @ 0x1] n:0 pts:0 pts_time:0 x1:206 x2:877 y1:292 y2:489 w:672 h:198 crop=672:198:206:292\n"
            "[Parsed_bbox_7 @ 0x2] n:1 pts:1 pts_time:0.01 x1:141 x2:936 y1:1291 y2:1369 w:796 h:79 crop=796:79:141:1291\n"
            "[Parsed_bbox_7 @ 0x2] n:2 pts:2 pts_time:0.02 x1:230 x2:849 y1:1291 y2:1445 w:620 h:155 crop=620:155:230:1291")
    assert text_boxes_of(said, 1920) == (TextBox(206, 292, 672, 198), TextBox(140, 1290, 798, 156))
    assert text_boxes_of(said, 580) == (TextBox(140, 292, 798, 1154),), "all in the upper half: one box"
    assert text_boxes_of("[out#0/null @ 0x1] video:1kB audio:0kB", 1920) == (), "a layer with no text: no box"


def test_the_drawn_text_is_inside_its_box_at_the_bottom(clips):
    box, = clips["boxes"]
    assert box.x % 2 == box.y % 2 == box.width % 2 == box.height % 2 == 0
    band_x, band_y, band_w, band_h = CAPTION_BAND
    assert band_y <= box.y and box.y + box.height <= band_y + band_h and box.width < SIZE[0] - 40


def _frames(clip: Path) -> list[bytes]:
    return gray_frames(clip, 120, SIZE)


def test_each_cue_shows_on_exactly_its_frames_and_nowhere_else(clips):
    with_layer, without = _frames(clips["layer"]), _frames(clips["none"])
    shown = [region_difference(a, b, SIZE[0], CAPTION_BAND) > 3 for a, b in zip(with_layer, without)]
    assert len(shown) >= 119  # the 4 s cut from 0 may end a frame short; frame n is still n/30 s
    assert not any(shown[:30]) and all(shown[30:90]) and not any(shown[90:]), "frames 30-89: 1.000 s to 2.967 s"
    text = [_text_mask(a, b) for a, b in zip(with_layer, without)]
    assert len(text[31] ^ text[59]) < 0.25 * len(text[59]), "one cue looks the same all along"
    assert len(text[59] ^ text[60]) > 0.5 * len(text[59]), "the second cue replaces the first on frame 60, not over it"


def _text_mask(with_text: bytes, without: bytes) -> set[int]:
    """The pixels of the caption band where the text is (clearly brighter or darker than the picture)."""
    x, y, w, h = CAPTION_BAND
    return {i for row in range(y, y + h) for i in range(row * SIZE[0] + x, row * SIZE[0] + x + w)
            if abs(with_text[i] - without[i]) > 60}


def test_the_layer_looks_as_libass_draws_it_and_keeps_the_picture(clips):
    with_layer, with_ass, without = _frames(clips["layer"]), _frames(clips["ass"]), _frames(clips["none"])
    for n in (15, 45, 75, 105):
        # Only the text's anti-aliased edges differ a little (mean 2.5 grey levels over the band with text
        # in it, as seen side by side: the same letters, outline and shadow); without text nothing.
        assert region_difference(with_layer[n], with_ass[n], SIZE[0], CAPTION_BAND) < 4, f"frame {n}"
        assert region_difference(with_layer[n], without[n], SIZE[0], PICTURE_BAND) < 1.5, f"frame {n}"


def _graph_with_boxes(boxes: tuple[TextBox, ...]) -> str:
    cut = ClipCut("in.mp4", 0, 5, "out.mp4", has_audio=False)
    argv = video_args(cut, Framing((1080, 1920), (1280, 720), Layout.BLUR), None, Path("."), Path("text.mov"), boxes)
    return argv[argv.index("-filter_complex") + 1]


def test_the_text_is_overlaid_onto_the_bands_and_the_picture_before_they_are_stacked():
    # 16:9 into 9:16: a band of 656 rows, the picture's 608, a band of 656. A box across a seam is
    # overlaid in two pieces, each at its place in its part.
    graph = _graph_with_boxes((TextBox(206, 292, 672, 198), TextBox(140, 1230, 802, 100)))
    stacking = graph.index("vstack=inputs=3")
    pieces = ["crop=672:198:206:292", "overlay=eof_action=repeat:x=206:y=292", "crop=802:34:140:1230",
              "overlay=eof_action=repeat:x=140:y=574", "crop=802:66:140:1264", "overlay=eof_action=repeat:x=140:y=0"]
    assert all(0 <= graph.find(piece) < stacking for piece in pieces), graph
    assert graph.count("overlay") == 3


@pytest.fixture(scope="module")
def across_seams(tmp_path_factory, media_dir, ffmpeg_binary) -> tuple[Path, Path, Path]:
    """1 s of 9:16 with two cues across the seams between bands and picture (rows 218 and 420 of
    640): overlaid in their boxes' pieces, the whole layer overlaid on the stacked frame, no text."""
    folder = tmp_path_factory.mktemp("seams")
    captions, layer = folder / "captions.ass", folder / "text.mov"
    captions.write_text(ASS.split("Dialogue:")[0] + "Dialogue: 1,0:00:00.00,0:00:01.00,Caption,,0,0,0,,{\\an5\\pos(180,218)}MWM\n"
                        "Dialogue: 1,0:00:00.00,0:00:01.00,Caption,,0,0,0,,{\\an5\\pos(180,420)}WMW\n", encoding="utf-8")
    said = run_ffmpeg(text_layer_args(captions, FONTS_DIR, SIZE, (0.0,), str(layer), chosen_ffmpeg().frame_timing_option),
                      what="drawing the test captions")
    boxes = text_boxes_of(said, SIZE[1])
    assert len(boxes) == 2 and boxes[0].y < 218 < boxes[0].y + boxes[0].height and boxes[1].y < 420 < boxes[1].y + boxes[1].height
    clips = folder / "pieces.mp4", folder / "whole.mp4", folder / "none.mp4"
    for clip, text_layer, overlaid in zip(clips, (layer, layer, None), (boxes, (), ())):
        cut = ClipCut(str(media_dir / "video.mp4"), 0.0, 1.0, str(clip), has_audio=False)
        run_ffmpeg(video_args(cut, Framing(SIZE, (640, 360), Layout.BLUR), None, FONTS_DIR, text_layer, overlaid), what="cutting")
    return clips


def test_text_across_the_seams_looks_as_the_whole_layer_overlaid_after_stacking(across_seams):
    pieces, whole, without = (gray_frames(clip, 30, SIZE) for clip in across_seams)
    assert len(pieces) == len(whole) == 30
    for seam in (218, 420):
        for n in (0, 15, 29):
            # Before x264 the luma is the same to the bit (the layer's colours, halved in size, differ
            # by a level or two at the seam, and x264 then decides a few blocks otherwise): at most 0.4
            # grey levels on average here, where the text makes 30 and more.
            for rows in ((0, seam - 12, SIZE[0], 12), (0, seam, SIZE[0], 12)):
                assert region_difference(pieces[n], whole[n], SIZE[0], rows) < 1, f"frame {n}, rows {rows}"
                assert region_difference(pieces[n], without[n], SIZE[0], rows) > 20, f"frame {n}, rows {rows}: no text"

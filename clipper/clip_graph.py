"""ffmpeg argv for each kind of clip, built with ffmpeg-python (pure: nothing runs here)."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

import ffmpeg

from .ffmpeg import Loudness, input_argument
from .tiles import Shot, Side, Tiles
from .sound import needs_limiter

FPS = 30
LOUDNESS_LUFS = -14.0  # social platforms' usual target (EBU R128 integrated)
# AAC's encoding lifts true peaks by up to about 1 dB: -2 before it keeps them under -1 dBTP after.
TRUE_PEAK_DBTP = -2.0
LOUDNESS_RANGE_LU = 11
ASPECTS = {"9:16": (1080, 1920), "1:1": (1080, 1080), "16:9": None}  # None: as the source
AUDIOGRAM_16_9 = (1920, 1080)  # an audiogram has no source picture to take the size of
SAMPLE_RATE = 48000
_BLUR_SHRINK = 4  # the background is blurred at a quarter size: same look, much less work (specs.md)
# Every clip's sound (video clips, the .m4a, the smart cut's): the AAC encoder's `fast` coder, which
# ffmpeg's manual calls "better and much faster at higher bitrates" (above 64 kbit/s) than its
# default, twoloop, without
# mid/side stereo (on a tone copied to both channels it made `fast` 4x slower). Measured on 30 s:
# a third of twoloop's time (0.28-0.34 s against 0.6-1.0 s, speech in stereo and dual mono, the
# bench's tone), SNR against the source 41.6 dB against twoloop's 31.8 (speech, dual mono).
_AAC = {"acodec": "aac", "aac_coder": "fast", "aac_ms": 0, "audio_bitrate": "160k", "ar": SAMPLE_RATE}
_ENCODE = {
    # No B-frames: without an edit list their reordering delay would start the video 2 frames late.
    "vcodec": "libx264", "preset": "veryfast", "crf": 21, "profile:v": "high", "bf": 0, "pix_fmt": "yuv420p", "r": FPS, "g": FPS * 2,
    **_AAC,
    # Tagged BT.709 (HD video's colours), so players do not guess.
    "colorspace": "bt709", "color_primaries": "bt709", "color_trc": "bt709", "color_range": "tv",
    # Instagram refuses edit lists; faststart puts the index first for streaming. Without an edit
    # list, shifting the AAC priming (21 ms) into the timeline would stretch the first frame to
    # 55 ms (a variable frame rate): frames stay on the 30 fps grid from 0, the sound 21 ms behind.
    "movflags": "+faststart", "use_editlist": 0, "avoid_negative_ts": "disabled", "f": "mp4",
}
# x264's sub-pixel search cut from veryfast's 2 to 1 (issue 13, measured on the bench's 9:16 span
# against a lossless encode): x264's CPU 17 % less, at SSIM 0.99742 against 0.99718 and PSNR
# 49.3 dB against 48.7 (no quality lost), for a file 15 % larger (9.4 MB against 8.2 for 30 s).
# Then (issue 13, the same span against the uncompressed filter graph's frames): me=dia (the diamond
# search, superfast's), the whole encode's CPU 4 % less at the same SSIM and size; partitions without
# p8x8 (superfast's), 4 % less again at SSIM 0.99608 against 0.99612, PSNR 47.26 dB against 47.22,
# for a file 1.4 % larger. Then (the frames aligned one by one; medians of 3 interleaved runs) no
# partitions searched at all (16x16 blocks, the 8x8 transform kept): CPU 4 % less, SSIM 0.99552
# against 0.99583, PSNR 44.45 dB against 44.52, a file 1 % smaller; and whole-pixel motion only
# (subme=0): CPU 10 % less again, SSIM 0.99540, PSNR 44.40 dB (x264 veryfast as it is: 0.99562,
# 44.31 dB), the file 21 % larger than veryfast's as it is (11.2 MB against 9.3; the two-tile
# recording: 20 %).
X264_PARAMS = "subme=0:me=dia:partitions=none"  # the smart cut's head is encoded with them too
_VIDEO_X264 = {"x264-params": X264_PARAMS}
_AUDIO_ENCODE = {**_AAC, "movflags": "+faststart", "use_editlist": 0, "f": "mp4"}


class Layout(Enum):
    """How a picture fills a frame of another shape."""

    BLUR = "blur"  # the whole picture over a blurred, enlarged copy of itself
    CROP = "crop"  # the centre, cropped to the frame's shape
    SPLIT = "split"  # two people side by side, stacked: the left tile above the right
    SPEAKER = "speaker"  # the tile of whoever speaks, cropped to the frame, cut from one to the other
    NONE = "none"  # the frame has the source's shape: scaled at most


@dataclass(frozen=True)
class ClipCut:
    source: str
    offset_sec: float  # where the clip starts in the source file
    duration_sec: float
    output: str
    has_audio: bool = True  # False: the source has no sound, the clip gets silence
    loudness: Loudness | None = None  # measured by a first pass (LOUDNESS_SCAN): one linear gain
    # The sound alone, as the listening pass decoded it (a WAV around the clip), and where the clip
    # starts in it: the sound's own passes read it, not the source's index and packets again. "": the source.
    sound: str = ""
    sound_offset_sec: float = 0.0


@dataclass(frozen=True)
class Framing:
    size: tuple[int, int]  # the clip's frame
    source_size: tuple[int, int]
    fit: Layout
    tiles: Tiles | None = None  # split and speaker: the two people's tiles in the source
    shots: tuple[Shot, ...] = ()  # speaker: which tile, when (seconds from the clip's start)


def output_size(aspect: str, source_width: int, source_height: int) -> tuple[int, int]:
    size = ASPECTS[aspect]
    return size if size else (source_width - source_width % 2, source_height - source_height % 2)


def picture_bottom(framing: Framing) -> int | None:
    """Where the picture ends in a frame with a blurred fill (the fill band begins), else None.

    split: just above the seam between the two stacked pictures, so that captions lie over it
    rather than over a face or the lower picture's name tag.
    """
    if framing.fit is Layout.SPLIT:
        return framing.size[1] // 2 - framing.size[1] // 40
    if framing.fit is not Layout.BLUR:
        return None
    width, height = framing.size
    source_width, source_height = framing.source_size
    shown = min(height, round(width * source_height / source_width)) if source_width else height
    return (height + shown) // 2


def video_args(cut: ClipCut, framing: Framing, captions: Path | None, fonts_dir: Path,
               text_layer: Path | None = None, text_boxes: tuple[TextBox, ...] = ()) -> list[str]:
    """Exact cut (decoded from the asked time, not the keyframe), framed, captioned, loudness-normalised.

    The text comes as `text_layer` (text_layer_args: drawn once per change, overlaid), or else as
    the ASS `captions`, drawn by libass on every frame (the old way, kept as the bench's baseline).
    `text_boxes`: where the layer has text at all (text_boxes_of): only those parts are overlaid.
    """
    clip = ffmpeg.input(input_argument(cut.source), ss=f"{cut.offset_sec:.3f}", t=f"{cut.duration_sec:.3f}")
    # The frame rate made first: fps keeps a reference to each frame it passes on (to repeat it), so
    # after it the text's overlays found their frame not writable and copied it whole (issue 13:
    # the filter graph's CPU 15 % less on the bench's 9:16 span, the same frames).
    video = clip.video.filter("fps", FPS)
    layer = ffmpeg.input(str(text_layer)).video if text_layer else None
    if layer and text_boxes and _band_sizes(framing):
        video = _blurred_fill(video, framing, _Text(layer, text_boxes)).filter("setsar", 1)
    else:
        video = _frame(video, framing).filter("setsar", 1)
        if layer:
            video = _with_text_layer(video, layer, text_boxes)
        elif captions:
            video = video.filter("ass", str(captions), fontsdir=str(fonts_dir))
    audio = _normalised(clip.audio, cut.loudness) if cut.has_audio else _silence(cut.duration_sec)
    return _compile(ffmpeg.output(video, audio, cut.output, t=f"{cut.duration_sec:.3f}", **_ENCODE, **_VIDEO_X264))


# --- captions drawn once per change (helper "captionimg", issue 13) ---------------------------
_LAYER_RATE = 100  # frames a second of the blank canvas: ASS times are in centiseconds


def text_layer_args(captions: Path, fonts_dir: Path, size: tuple[int, int],
                    change_times_sec: tuple[float, ...], output: str, frame_timing_option: str = "fps_mode") -> list[str]:
    """The ASS `captions` drawn by libass on a transparent canvas once at each of the times its
    picture changes (formats.ass_captions.change_times_sec), as a short video (QuickTime RLE,
    alpha kept) whose frame k lasts from change k to change k+1: the overlay in video_args shows
    on each clip frame the latest drawing at or before it, what the ass filter would draw there,
    at a fifth of the cost (libass blends its outlined, shadowed text again on every frame).
    `frame_timing_option`: Ffmpeg.frame_timing_option (frames kept at their times, not made constant-rate).
    """
    width, height = size
    # One blank frame per change, each moved to its change's time (in 1/_LAYER_RATE s) rather than
    # chosen among a frame every 1/_LAYER_RATE s (the same frames at their times, 3000 fewer made
    # for 30 s). Made RGBA inside the lavfi input: its frames cross into the main graph as packets,
    # where a canvas made outside would lose its alpha.
    ticks = "+".join(f"{round(sec * _LAYER_RATE)}*eq(N\\,{index})" for index, sec in enumerate(change_times_sec) if sec)
    canvas = ffmpeg.input(f"color=c=black@0:s={width}x{height}:r={_LAYER_RATE}:d={len(change_times_sec) / _LAYER_RATE:.2f},"
                          f"setpts={ticks or 0},format=rgba", f="lavfi")
    layers = canvas.video.filter("ass", str(captions), fontsdir=str(fonts_dir), alpha=1).filter_multi_output("split")
    drawn = ffmpeg.output(layers[0], output, vcodec="qtrle", f="mov", **{frame_timing_option: "passthrough"})
    # Each drawing's boxes of not quite transparent pixels in the frame's upper and lower half (the
    # title's and the captions'), in ffmpeg's log, for text_boxes_of. The lower half is padded back
    # to the frame's height so that its box comes in the frame's rows; the alpha made 0 or 255 first,
    # as the padding is grey 16 (video's black), which bbox then leaves out.
    halves = layers[1].filter("alphaextract").filter("lut", y="gt(val,0)*255").filter_multi_output("split")
    half = _upper_half(height)
    upper = halves[0].filter("crop", width, half, 0, 0)
    lower = halves[1].filter("crop", width, height - half, 0, half).filter("pad", width, height, 0, half)
    boxes = [ffmpeg.output(part.filter("bbox", min_val=16), "-", f="null") for part in (upper, lower)]
    return _compile(ffmpeg.merge_outputs(drawn, *boxes))


def _upper_half(height: int) -> int:
    return height // 4 * 2  # even: 4:2:0 colours stay whole on either side


@dataclass(frozen=True)
class TextBox:
    """A part of a text layer that has text in some of its drawings, in pixels of the frame."""

    x: int
    y: int
    width: int
    height: int


_BBOX_LINE = re.compile(r"\bx1:(\d+) x2:(\d+) y1:(\d+) y2:(\d+)")


def text_boxes_of(ffmpeg_said: str, height: int) -> tuple[TextBox, ...]:
    """The boxes around every drawing's text in the frame's upper and lower half (of `height`), from
    the log of text_layer_args' run; none when there is no text at all.

    Their corners on even pixels: the layer's colours are halved in size (4:2:0) as when overlaid whole.
    Overlaying these parts only costs a seventh of the whole frame's blend for 9:16 captions and title.
    """
    found = [tuple(int(value) for value in match.groups()) for match in _BBOX_LINE.finditer(ffmpeg_said)]
    half = _upper_half(height)
    return tuple(_around(part) for part in ([box for box in found if box[2] < half], [box for box in found if box[2] >= half])
                 if part)


def _around(boxes: list[tuple[int, ...]]) -> TextBox:
    left, top = min(box[0] for box in boxes) // 2 * 2, min(box[2] for box in boxes) // 2 * 2
    right, bottom = max(box[1] for box in boxes) // 2 * 2 + 2, max(box[3] for box in boxes) // 2 * 2 + 2
    return TextBox(left, top, right - left, bottom - top)


def _with_text_layer(video, layer, boxes: tuple[TextBox, ...]):  # noqa: ANN001, ANN202
    if not boxes:
        return ffmpeg.overlay(video, layer)
    parts = layer.filter_multi_output("split", len(boxes))
    for index, box in enumerate(boxes):
        video = ffmpeg.overlay(video, parts[index].filter("crop", box.width, box.height, box.x, box.y), x=box.x, y=box.y)
    return video
# --- end of captions drawn once per change ---------------------------------------------------


def audio_args(cut: ClipCut) -> list[str]:
    """The clip's audio alone, loudness-normalised, as AAC in .m4a."""
    return _compile(ffmpeg.output(_normalised(_sound_of(cut), cut.loudness), cut.output, vn=None, **_AUDIO_ENCODE))


def _sound_of(cut: ClipCut):  # noqa: ANN202
    """The clip's sound: from the listening pass's WAV when there is one, else from the source."""
    source, offset = (cut.sound, cut.sound_offset_sec) if cut.sound else (cut.source, cut.offset_sec)
    return ffmpeg.input(input_argument(source), ss=f"{offset:.3f}", t=f"{cut.duration_sec:.3f}").audio


# The loudness heard by the listening pass: ebur128 gives loudnorm's first-pass figures (the same
# to 0.05 LU and dB) at a third of its cost (loudnorm resamples to 192 kHz for its own use).
LOUDNESS_SCAN = "ebur128=peak=true"


AUDIOGRAM_FPS = 24  # the least that Reels and TikTok take (23-60 fps): a still card, a playhead gliding 1-2 px a frame
_CARD = "0x0F172A"  # the card's colour (slate); the played waveform and the bar in gold, as the titles
_PLAYED = "0xFFD700"
_UNPLAYED_SHADE = 0.72  # how much of the card's colour covers the waveform still to come


@dataclass(frozen=True)
class AudiogramLayout:
    """Where the waveform and the progress bar sit: inside the safe area, between titles and captions."""

    size: tuple[int, int]
    wave: tuple[int, int, int, int]  # x, y, width, height
    bar: tuple[int, int, int, int]
    picture: tuple[int, int, int, int] | None = None  # the episode's or the guest's picture, left of the waveform


def audiogram_layout(size: tuple[int, int], with_picture: bool = False) -> AudiogramLayout:
    """The waveform across the middle of the safe width (9:16: clear of the right 12 %), the bar under
    it; `with_picture`: a square picture as tall as the waveform at its left, the waveform and the
    bar narrower by it (all of it below the titles, inside the safe area)."""
    width, height = size
    side = math.ceil(width * (0.12 if height > width else 0.1))
    wave_height = _even(height * (0.19 if height > width else 0.26))
    top = _even(height * (0.40 if height > width else 0.36))
    picture = (side, top, wave_height, wave_height) if with_picture else None
    left = side + wave_height + _even(width * 0.03) if with_picture else side
    wave = (left, top, _even(width - side - left), wave_height)
    bar = (left, _even(top + wave_height + height * 0.02), wave[2], _even(max(8, height * 0.007)))
    return AudiogramLayout(size, wave, bar, picture)


def audiogram_card_args(audio_file: str, card: str, layout: AudiogramLayout, titles: Path | None,
                        fonts_dir: Path, picture_file: str = "") -> list[str]:
    """Everything still of the audiogram, drawn once as one picture: the card, the whole clip's
    waveform (one picture of the sound: nothing redrawn, nothing flickers), the progress bar, the
    titles, and `picture_file` (an image) filling `layout.picture`'s square, its middle kept."""
    width, height = layout.size
    wave_x, wave_y, wave_w, wave_h = layout.wave
    bar_x, bar_y, bar_w, bar_h = layout.bar
    wave = (ffmpeg.input(input_argument(audio_file)).audio.filter("aformat", channel_layouts="mono")
            .filter("showwavespic", s=f"{wave_w}x{wave_h}", colors=_PLAYED, scale="cbrt", draw="full"))
    base = (ffmpeg.input(f"color=c={_CARD}:s={width}x{height}:r=1", f="lavfi", t=1)
            .filter("drawbox", x=bar_x, y=bar_y, w=bar_w, h=bar_h, color=_PLAYED, t="fill"))
    picture = ffmpeg.overlay(base, wave, x=wave_x, y=wave_y)
    if picture_file and layout.picture:
        x, y, side, _ = layout.picture
        image = (ffmpeg.input(input_argument(picture_file)).video
                 .filter("scale", side, side, force_original_aspect_ratio="increase").filter("crop", side, side)
                 .filter("setsar", 1))
        picture = ffmpeg.overlay(picture, image, x=x, y=y)
    if titles:
        picture = picture.filter("ass", str(titles), fontsdir=str(fonts_dir))
    return _compile(ffmpeg.output(picture, card, vframes=1))


def audiogram_args(audio_file: str, duration_sec: float, output: str, layout: AudiogramLayout, card: str,
                   captions: Path | None, fonts_dir: Path, text_layer: Path | None = None,
                   text_boxes: tuple[TextBox, ...] = ()) -> list[str]:
    """A video for an audio clip: its card (audiogram_card_args) with the part of the waveform and
    of the bar still to come shaded, a playhead, and the captions.

    The card is converted once and repeated; only the shade, the playhead and the captions change,
    at 24 fps (the least Reels and TikTok take), encoded for still pictures: about 3x faster than
    drawing the sound every frame at 30 fps. The captions come as in video_args: a `text_layer`
    drawn once per change and overlaid in its `text_boxes`, else the ASS `captions` drawn by libass
    on every frame (the bench's baseline).
    The sound is the .m4a's own AAC, copied: not a second generation of encoding.
    """
    wave_x, wave_y, wave_w, _ = layout.wave
    _, bar_y, _, bar_h = layout.bar
    sound = ffmpeg.input(input_argument(audio_file))
    # Converted and tagged BT.709 once, before it is repeated: else newer ffmpegs convert every frame.
    video = (ffmpeg.input(card).video.filter("scale", out_color_matrix="bt709", out_range="tv").filter("format", "yuv420p")
             .filter("setparams", colorspace="bt709", color_primaries="bt709", color_trc="bt709", range="tv")
             .filter("loop", loop=-1, size=1)
             .filter("setpts", f"N/{AUDIOGRAM_FPS}/TB").filter("trim", duration=f"{duration_sec:.3f}"))
    # The shade covers the waveform and the bar from the playhead on; right of the safe area it
    # lies on the plain card in the card's own colour, so it is not seen there.
    shade_h = bar_y + bar_h - wave_y
    shade = ffmpeg.input(f"color=c={_CARD}@{_UNPLAYED_SHADE}:s={wave_w}x{shade_h}:r={AUDIOGRAM_FPS},format=yuva420p", f="lavfi")
    playhead = f"{wave_x}+{wave_w}*t/{duration_sec:.3f}"
    video = ffmpeg.overlay(video, shade, x=playhead, y=wave_y, shortest=1)
    head = ffmpeg.input(f"color=c=white:s=4x{shade_h}:r={AUDIOGRAM_FPS}", f="lavfi")
    video = ffmpeg.overlay(video, head, x=f"{playhead}-2", y=wave_y, shortest=1)
    if text_layer:
        video = _with_text_layer(video, ffmpeg.input(str(text_layer)).video, text_boxes)
    elif captions:
        video = video.filter("ass", str(captions), fontsdir=str(fonts_dir))
    # ultrafast: on a still card it costs a third less than veryfast, for a file of about 1.5 MB more.
    options = {**_ENCODE, "acodec": "copy", "r": AUDIOGRAM_FPS, "g": AUDIOGRAM_FPS * 4, "preset": "ultrafast",
               "tune": "stillimage"}
    del options["audio_bitrate"], options["ar"]
    return _compile(ffmpeg.output(video, sound.audio, output, t=f"{duration_sec:.3f}", **options))


def _even(pixels: float) -> int:
    return int(pixels) // 2 * 2


def _frame(video, framing: Framing):  # noqa: ANN001, ANN202 - ffmpeg-python nodes
    """Fill the frame: the whole picture over a blurred copy, a centre crop, or as it is."""
    width, height = framing.size
    if framing.fit is Layout.NONE:
        return video if framing.size == framing.source_size else video.filter("scale", width, height)
    if framing.fit in (Layout.SPLIT, Layout.SPEAKER) and framing.tiles:
        return _split(video, framing) if framing.fit is Layout.SPLIT else _follow_speaker(video, framing)
    if framing.fit is Layout.CROP:  # crop at the source's size first: scaling up the whole picture buys nothing
        return (video.filter("crop", f"min(iw,ih*{width}/{height})", f"min(ih,iw*{height}/{width})")
                .filter("scale", width, height))
    return _blurred_fill(video, framing)


def _blurred_fill(video, framing: Framing, text: _Text | None = None):  # noqa: ANN001, ANN202
    """The whole picture, with bands of a blurred, enlarged copy of itself beside it (above and
    below, or left and right) where it leaves the frame empty: stacked, not overlaid (issue 13: the
    overlay converted the picture for alpha, blended it and enlarged the hidden part of the fill;
    the filter graph's CPU 13 % less on the bench's 9:16 span).
    A band's rows next to the picture are enlarged from the blurred copy's rows inside it only.
    `text`: its layer overlaid onto the bands and the picture before they are stacked (_Text)."""
    width, height = framing.size
    shown = _picture_size(framing)
    bands = _band_sizes(framing)
    if not shown:  # the source's size unknown: the picture centred over the whole fill
        parts = video.filter_multi_output("split")
        picture = parts[1].filter("scale", width, height, force_original_aspect_ratio="decrease", force_divisible_by=2)
        return ffmpeg.overlay(_blurred(parts[0], framing).filter("scale", width, height, flags="bilinear"), picture,
                              x="(W-w)/2", y="(H-h)/2")
    if not bands:
        return video.filter("scale", *shown)
    across = shown[0] < width  # bands left and right, else above and below
    parts = video.filter_multi_output("split")
    fill = _shrunk(parts[0], framing).filter_multi_output("split")
    stacked = [_band(fill[0], framing.size, bands[0], across, at_start=True), parts[1].filter("scale", *shown),
               _band(fill[1], framing.size, bands[1], across, at_start=False)]
    spans = _stacked_spans((bands[0], shown[0] if across else shown[1], bands[1]))
    stacked, spans = zip(*[(part, span) for part, span in zip(stacked, spans) if span[1] > span[0]])
    if text:
        stacked = _text_on_parts(list(stacked), spans, across, text)
    return ffmpeg.filter(stacked, "hstack" if across else "vstack", inputs=len(stacked))


def _band_sizes(framing: Framing) -> tuple[int, int] | None:
    """The blurred fill's two bands (rows above and below the picture, or columns left and right),
    as overlay placed the picture before: (W-w)/2, on even pixels (4:2:0); None without bands."""
    shown = _picture_size(framing)
    if framing.fit is not Layout.BLUR or not shown:
        return None
    empty = (framing.size[0] - shown[0]) if shown[0] < framing.size[0] else (framing.size[1] - shown[1])
    before = empty // 2 // 2 * 2
    return (before, empty - before) if empty else None


def _stacked_spans(sizes: tuple[int, ...]) -> list[tuple[int, int]]:
    """Where each of the stacked parts of `sizes` begins and ends along the stacking."""
    ends = [sum(sizes[:index + 1]) for index in range(len(sizes))]
    return [(end - size, end) for end, size in zip(ends, sizes)]


@dataclass(frozen=True)
class _Text:
    """A text layer (text_layer_args' video) and the boxes where it has text (text_boxes_of)."""

    layer: object  # an ffmpeg-python stream
    boxes: tuple[TextBox, ...]


def _text_on_parts(parts: list, spans: list[tuple[int, int]], across: bool, text: _Text) -> list:  # noqa: ANN001
    """Each part of a frame to be stacked with the pieces of the text's boxes that fall in it overlaid:
    the blends run on the small band frames, before stacking (issue 13: ffmpeg 5.1's overlay copied
    the whole stacked 1080x1920 frame on frames where the layer's next drawing was not yet read)."""
    pieces = [(index, piece) for box in text.boxes for index, span in enumerate(spans)
              if (piece := _piece_of(box, span, across))]
    layers = text.layer.filter_multi_output("split", len(pieces)) if pieces else []
    for number, (index, piece) in enumerate(pieces):
        start = spans[index][0]
        drawn = layers[number].filter("crop", piece.width, piece.height, piece.x, piece.y)
        parts[index] = ffmpeg.overlay(parts[index], drawn, x=piece.x - (start if across else 0),
                                      y=piece.y - (0 if across else start))
    return parts


def _piece_of(box: TextBox, span: tuple[int, int], across: bool) -> TextBox | None:
    """The part of `box` between `span`'s columns (`across`) or rows, in the frame's pixels; None if none."""
    low, high = (box.x, box.x + box.width) if across else (box.y, box.y + box.height)
    low, high = max(low, span[0]), min(high, span[1])
    if low >= high:
        return None
    return TextBox(low, box.y, high - low, box.height) if across else TextBox(box.x, low, box.width, high - low)


def _blurred(video, framing: Framing):  # noqa: ANN001, ANN202
    """The picture cropped to the frame's shape, shrunk, blurred and darkened (not yet enlarged)."""
    return _darkened_blur(_shrunk(video, framing))


def _shrunk(video, framing: Framing):  # noqa: ANN001, ANN202
    """The picture cropped to the frame's shape and shrunk. Cropped before shrinking: the rest would be
    thrown away after."""
    width, height = framing.size
    return (video.filter("crop", f"min(iw,ih*{width}/{height})", f"min(ih,iw*{height}/{width})")
            .filter("scale", width // _BLUR_SHRINK, height // _BLUR_SHRINK))


_BLUR_RADIUS, _BLUR_POWER = 8, 2  # boxblur's defaults for `boxblur=8`: the colours' radius too, in their own pixels
# How far a blurred pixel's inputs lie, in rows (columns) of the shrunk picture: each pass of the
# colours' blur reaches _BLUR_RADIUS of their rows, which are two of the picture's (4:2:0).
_BLUR_REACH = 2 * _BLUR_RADIUS * _BLUR_POWER


def _darkened_blur(small):  # noqa: ANN001, ANN202
    return small.filter("boxblur", _BLUR_RADIUS).filter("eq", brightness=-0.18, saturation=0.7)  # the text over it reads


def _band(small_fill, size: tuple[int, int], pixels: int, across: bool, at_start: bool):  # noqa: ANN001, ANN202
    """The part of the shrunk fill that `pixels` rows (columns, `across`) of the frame of `size` show,
    at its start or end, blurred and enlarged bilinearly (on a blurred picture bicubic buys nothing,
    issue 13). Only the rows (columns) the band's blur reaches are blurred, not the third of the shrunk
    picture that the picture hides: the same pixels (a level apart at most where a side of the shrunk
    picture is odd), boxblur's CPU a third to a half less (issue 13, the bench's 9:16 span)."""
    width, height = size
    small_w, small_h = width // _BLUR_SHRINK, height // _BLUR_SHRINK
    small_length = small_w if across else small_h
    shown = min(small_length, -(-pixels // _BLUR_SHRINK))
    # A row (column) more than the reach, and as many left over as even (crop takes 4:2:0 pictures
    # from even rows): the band's crop then lands where it did in the whole shrunk picture.
    blurred = shown + _BLUR_REACH + 1
    blurred = min(small_length, blurred + (small_length - blurred) % 2)
    part = _darkened_blur(_crop_along(small_fill, (small_w, small_h), across, blurred, at_start))
    part = _crop_along(part, (small_w, small_h), across, shown, at_start, within=blurred)
    return part.filter("scale", *((pixels, height) if across else (width, pixels)), flags="bilinear")


def _crop_along(video, size: tuple[int, int], across: bool, length: int, at_start: bool, within: int = 0):  # noqa: ANN001, ANN202
    """The first or last `length` columns (`across`) or rows of a picture of `size` (`within` of them:
    of a picture cropped to that many)."""
    small_w, small_h = size
    if across:
        total = within or small_w
        return video.filter("crop", length, small_h, 0 if at_start else total - length, 0)
    total = within or small_h
    return video.filter("crop", small_w, length, 0, 0 if at_start else total - length)


def _picture_size(framing: Framing) -> tuple[int, int] | None:
    """The whole picture's size inside the frame, as scale's force_original_aspect_ratio=decrease
    with force_divisible_by=2 makes it (rounded to the nearest, halves up; then down to even)."""
    width, height = framing.size
    source_w, source_h = framing.source_size
    if not source_w or not source_h:
        return None
    fit_w = min(width, (height * source_w + source_h // 2) // source_h)
    fit_h = min(height, (width * source_h + source_w // 2) // source_w)
    return fit_w // 2 * 2, fit_h // 2 * 2


# --- split and speaker layouts (helper "layouts") ---------------------------------------------
def _tile_crop(tile: tuple[float, float], source_size: tuple[int, int], shape: tuple[int, int]) -> tuple[int, int, int, int]:
    """The largest box of the `shape`'s proportions inside a tile, around its centre: w, h, x, y."""
    source_w, source_h = source_size
    left, right = round(tile[0] * source_w), round(tile[1] * source_w)
    width = min(right - left, source_h * shape[0] / shape[1])
    height = min(source_h, width * shape[1] / shape[0])
    width, height = _even(width), _even(height)
    return width, height, _even(left + (right - left - width) / 2), _even((source_h - height) / 2)


def _split(video, framing: Framing):  # noqa: ANN001, ANN202 - ffmpeg-python nodes
    """The left tile over the right one, each cropped around its centre to fill half the frame."""
    assert framing.tiles
    width, height = framing.size
    half = (width, height // 2)
    parts = video.filter_multi_output("split")
    halves = [parts[index].filter("crop", *_tile_crop(tile, framing.source_size, half)).filter("scale", *half)
              for index, tile in enumerate((framing.tiles.left, framing.tiles.right))]
    return ffmpeg.filter(halves, "vstack")


def _follow_speaker(video, framing: Framing):  # noqa: ANN001, ANN202
    """One crop, moved from tile to tile at each shot's start: a hard cut on the frame whose time
    reaches it (crop's x is worked out anew for every frame), no second decode, no pan."""
    assert framing.tiles
    left, right = (_tile_crop(tile, framing.source_size, framing.size) for tile in (framing.tiles.left, framing.tiles.right))
    width, height = min(left[0], right[0]), min(left[1], right[1])
    left_x, right_x = left[2] + (left[0] - width) // 2, right[2] + (right[0] - width) // 2
    on_right = "+".join(f"gte(t,{shot.start_sec:.3f})*lt(t,{shot.end_sec:.3f})" for shot in framing.shots if shot.side is Side.RIGHT)
    x = f"{left_x}+{right_x - left_x}*({on_right})" if on_right else str(left_x)
    return video.filter("crop", width, height, x=x, y=max(left[3], right[3])).filter("scale", *framing.size)
# --- end of split and speaker layouts -------------------------------------------------------


# --- broadcast sound (helper "sound"): speakers levelled, one gain, a true-peak limiter --------
LIMITER_OVERSAMPLED_RATE = 192000  # 4x: the limiter then sees the peaks between 48 kHz samples (true peaks)
LIMITER_ATTACK_MS = 5.0  # look-ahead: the gain is down before a peak arrives
LIMITER_RELEASE_MS = 50.0  # back up within a syllable: no pumping over a sentence
LEVEL_RAMP_SEC = 0.08  # a speaker's gain rises (falls) this long before (after) their voiced stretch
_LEVEL_FRAME_SAMPLES = 256  # the levelling gain is set per frame: small frames make smooth ramps


def _normalised(audio, measured: Loudness | None):  # noqa: ANN001, ANN202
    """Loudness-normalised to -14 LUFS with true peaks under -1 dBTP after AAC. With the first
    pass's figures: each quieter speaker's stretches raised (`measured.stretch_gains`), then one
    linear gain for the whole clip (no pumping) and a look-ahead limiter on the few peaks that gain
    pushes past the limit. Without figures, loudnorm's dynamic mode.
    """
    if measured:
        gain = measured.gain_db if measured.gain_db is not None else LOUDNESS_LUFS - measured.integrated_lufs
        audio = _levelled(audio, measured.stretch_gains)
        audio = (_limited(audio, gain) if needs_limiter(measured, LOUDNESS_LUFS, TRUE_PEAK_DBTP)
                 else audio.filter("volume", f"{gain:.2f}dB"))
    else:
        audio = audio.filter("loudnorm", I=LOUDNESS_LUFS, TP=TRUE_PEAK_DBTP, LRA=LOUDNESS_RANGE_LU)
    # Both resample to 192 kHz: bring it back to 48 kHz (AAC, platforms: ≤ 48 kHz).
    # The format is said in full: ffmpeg 5.1 cannot negotiate loudnorm's channel layout with
    # the AAC encoder by itself ("Cannot select channel layout ... aresample"); 4.4 and 7 can.
    return (audio.filter("aresample", SAMPLE_RATE)
            .filter("aformat", sample_fmts="fltp", sample_rates=SAMPLE_RATE, channel_layouts="stereo"))


def _levelled(audio, gains):  # noqa: ANN001, ANN202
    """Each stretch's gain, reached by a short ramp in the pause before it and left in the pause after."""
    if not gains:
        return audio
    ramp = LEVEL_RAMP_SEC
    terms = "".join(f"+{10 ** (g.gain_db / 20) - 1:.4f}*clip((t-{g.start_sec - ramp:.3f})/{ramp},0,1)"
                    f"*clip(({g.end_sec + ramp:.3f}-t)/{ramp},0,1)" for g in gains)
    return (audio.filter("asetnsamples", n=_LEVEL_FRAME_SAMPLES, p=0)
            .filter("volume", volume=f"1{terms}", eval="frame"))


def _limited(audio, gain_db: float, oversampled: bool = True):  # noqa: ANN001, ANN202
    """`gain_db` for the whole clip, then peaks held under TRUE_PEAK_DBTP (AAC lifts them ≤ 1 dB)."""
    audio = audio.filter("volume", f"{gain_db:.2f}dB")
    if oversampled:
        audio = audio.filter("aresample", LIMITER_OVERSAMPLED_RATE)
    return (audio
            .filter("alimiter", limit=f"{10 ** (TRUE_PEAK_DBTP / 20):.4f}", attack=LIMITER_ATTACK_MS,
                    release=LIMITER_RELEASE_MS, level=0, latency=1))


def loudness_probe_args(cut: ClipCut, gains_db: tuple[float, ...]) -> list[str]:
    """The clip's audio made as `_normalised` makes it, once for each overall gain, each measured by
    ebur128 (ffmpeg.parse_loudness_summaries): how loud the limiter leaves it at each gain. Not
    oversampled: the loudness the limiter takes off is the same within 0.1 LU, at a third of the cost."""
    levelled = _levelled(_sound_of(cut), cut.loudness.stretch_gains if cut.loudness else ()).asplit()
    outputs = [ffmpeg.output(_limited(levelled[i], gain, oversampled=False).filter("ebur128"), "-", f="null")
               for i, gain in enumerate(gains_db)]
    return _compile(ffmpeg.merge_outputs(*outputs))
# --- end of broadcast sound -------------------------------------------------------------------


def _silence(duration_sec: float):  # noqa: ANN202
    """Silent stereo for a source without sound: every platform wants an audio track."""
    return ffmpeg.input(f"anullsrc=r={SAMPLE_RATE}:cl=stereo", f="lavfi", t=f"{duration_sec:.3f}").audio


def _compile(stream) -> list[str]:  # noqa: ANN001
    """The argv without the binary (run_ffmpeg adds it), overwriting the output."""
    return ffmpeg.compile(stream.global_args("-y"), cmd="ffmpeg")[1:]

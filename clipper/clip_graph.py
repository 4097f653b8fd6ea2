"""ffmpeg argv for each kind of clip, built with ffmpeg-python (pure: nothing runs here)."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path

import ffmpeg

from .ffmpeg import Loudness, input_argument

FPS = 30
LOUDNESS_LUFS = -14.0  # social platforms' usual target (EBU R128 integrated)
# AAC's encoding lifts true peaks by up to about 1 dB: -2 before it keeps them under -1 dBTP after.
TRUE_PEAK_DBTP = -2.0
LOUDNESS_RANGE_LU = 11
ASPECTS = {"9:16": (1080, 1920), "1:1": (1080, 1080), "16:9": None}  # None: as the source
AUDIOGRAM_16_9 = (1920, 1080)  # an audiogram has no source picture to take the size of
SAMPLE_RATE = 48000
_BLUR_SHRINK = 4  # the background is blurred at a quarter size: same look, much less work (specs.md)
_ENCODE = {
    # No B-frames: without an edit list their reordering delay would start the video 2 frames late.
    "vcodec": "libx264", "preset": "veryfast", "crf": 21, "profile:v": "high", "bf": 0, "pix_fmt": "yuv420p", "r": FPS, "g": FPS * 2,
    "acodec": "aac", "audio_bitrate": "160k", "ar": SAMPLE_RATE,
    # Tagged BT.709 (HD video's colours), so players do not guess.
    "colorspace": "bt709", "color_primaries": "bt709", "color_trc": "bt709", "color_range": "tv",
    # Instagram refuses edit lists; faststart puts the index first for streaming. Without an edit
    # list, shifting the AAC priming (21 ms) into the timeline would stretch the first frame to
    # 55 ms (a variable frame rate): frames stay on the 30 fps grid from 0, the sound 21 ms behind.
    "movflags": "+faststart", "use_editlist": 0, "avoid_negative_ts": "disabled", "f": "mp4",
}
_AUDIO_ENCODE = {"acodec": "aac", "audio_bitrate": "160k", "ar": SAMPLE_RATE, "movflags": "+faststart",
                 "use_editlist": 0, "f": "mp4"}


class Fit(Enum):
    """How a picture fills a frame of another shape."""

    BLUR = "blur"  # the whole picture over a blurred, enlarged copy of itself
    CROP = "crop"  # the centre, cropped to the frame's shape
    NONE = "none"  # the frame has the source's shape: scaled at most


@dataclass(frozen=True)
class ClipCut:
    source: str
    offset_sec: float  # where the clip starts in the source file
    duration_sec: float
    output: str
    has_audio: bool = True  # False: the source has no sound, the clip gets silence
    loudness: Loudness | None = None  # measured by a first pass (loudness_scan_args): one linear gain


@dataclass(frozen=True)
class Framing:
    size: tuple[int, int]  # the clip's frame
    source_size: tuple[int, int]
    fit: Fit


def output_size(aspect: str, source_width: int, source_height: int) -> tuple[int, int]:
    size = ASPECTS[aspect]
    return size if size else (source_width - source_width % 2, source_height - source_height % 2)


def picture_bottom(framing: Framing) -> int | None:
    """Where the picture ends in a frame with a blurred fill (the fill band begins), else None."""
    if framing.fit is not Fit.BLUR:
        return None
    width, height = framing.size
    source_width, source_height = framing.source_size
    shown = min(height, round(width * source_height / source_width)) if source_width else height
    return (height + shown) // 2


def video_args(cut: ClipCut, framing: Framing, captions: Path | None, fonts_dir: Path) -> list[str]:
    """Exact cut (decoded from the asked time, not the keyframe), framed, captioned, loudness-normalised."""
    clip = ffmpeg.input(input_argument(cut.source), ss=f"{cut.offset_sec:.3f}", t=f"{cut.duration_sec:.3f}")
    video = _frame(clip.video, framing).filter("fps", FPS).filter("setsar", 1)
    if captions:
        video = video.filter("ass", str(captions), fontsdir=str(fonts_dir))
    audio = _normalised(clip.audio, cut.loudness) if cut.has_audio else _silence(cut.duration_sec)
    return _compile(ffmpeg.output(video, audio, cut.output, t=f"{cut.duration_sec:.3f}", **_ENCODE))


def audio_args(cut: ClipCut) -> list[str]:
    """The clip's audio alone, loudness-normalised, as AAC in .m4a."""
    clip = ffmpeg.input(input_argument(cut.source), ss=f"{cut.offset_sec:.3f}", t=f"{cut.duration_sec:.3f}")
    return _compile(ffmpeg.output(_normalised(clip.audio, cut.loudness), cut.output, vn=None, **_AUDIO_ENCODE))


LOUDNESS_SCAN = f"loudnorm=I={LOUDNESS_LUFS}:TP={TRUE_PEAK_DBTP}:LRA={LOUDNESS_RANGE_LU}:print_format=json"


def loudness_scan_args(cut: ClipCut) -> list[str]:
    """loudnorm's first pass over the clip's audio: it measures, and prints its figures as JSON."""
    clip = ffmpeg.input(input_argument(cut.source), ss=f"{cut.offset_sec:.3f}", t=f"{cut.duration_sec:.3f}")
    scan = clip.audio.filter("loudnorm", I=LOUDNESS_LUFS, TP=TRUE_PEAK_DBTP, LRA=LOUDNESS_RANGE_LU, print_format="json")
    return _compile(ffmpeg.output(scan, "-", f="null"))


def audiogram_args(audio_file: str, duration_sec: float, output: str, size: tuple[int, int],
                   captions: Path | None, fonts_dir: Path) -> list[str]:
    """A video for an audio clip: a waveform on a plain card, with titles and captions.

    The sound is the .m4a's own AAC, copied: not a second generation of encoding.
    """
    width, height = size
    sound = ffmpeg.input(input_argument(audio_file))
    card = ffmpeg.input(f"color=c=0x111827:s={width}x{height}:r={FPS}", f="lavfi", t=f"{duration_sec:.3f}")
    waves = sound.audio.filter("showwaves", s=f"{width}x{height // 4}", mode="cline", rate=FPS, colors="white")
    video = ffmpeg.overlay(card, waves, x=0, y="(H-h)/2", shortest=1)
    if captions:
        video = video.filter("ass", str(captions), fontsdir=str(fonts_dir))
    options = {**_ENCODE, "acodec": "copy"}
    del options["audio_bitrate"], options["ar"]
    return _compile(ffmpeg.output(video, sound.audio, output, t=f"{duration_sec:.3f}", **options))


def _frame(video, framing: Framing):  # noqa: ANN001, ANN202 - ffmpeg-python nodes
    """Fill the frame: the whole picture over a blurred copy, a centre crop, or as it is."""
    width, height = framing.size
    if framing.fit is Fit.NONE:
        return video if framing.size == framing.source_size else video.filter("scale", width, height)
    if framing.fit is Fit.CROP:  # crop at the source's size first: scaling up the whole picture buys nothing
        return (video.filter("crop", f"min(iw,ih*{width}/{height})", f"min(ih,iw*{height}/{width})")
                .filter("scale", width, height))
    parts = video.filter_multi_output("split")
    small_w, small_h = width // _BLUR_SHRINK, height // _BLUR_SHRINK
    background = (parts[0].filter("scale", small_w, small_h, force_original_aspect_ratio="increase")
                  .filter("crop", small_w, small_h).filter("boxblur", 8)
                  .filter("eq", brightness=-0.18, saturation=0.7)  # darker and calmer: the text over it reads
                  .filter("scale", width, height))
    picture = parts[1].filter("scale", width, height, force_original_aspect_ratio="decrease", force_divisible_by=2)
    return ffmpeg.overlay(background, picture, x="(W-w)/2", y="(H-h)/2")


def _normalised(audio, measured: Loudness | None):  # noqa: ANN001, ANN202
    """Loudness-normalised to -14 LUFS: with the first pass's figures, one linear gain for the
    whole clip (no pumping); loudnorm falls back to its dynamic mode only where that gain would
    push the true peak past the limit, and when there are no figures.
    """
    if measured:
        audio = audio.filter("loudnorm", I=LOUDNESS_LUFS, TP=TRUE_PEAK_DBTP, LRA=LOUDNESS_RANGE_LU,
                             measured_I=f"{measured.integrated_lufs:.2f}", measured_TP=f"{measured.true_peak_dbtp:.2f}",
                             measured_LRA=f"{measured.range_lu:.2f}", measured_thresh=f"{measured.threshold_lufs:.2f}",
                             linear="true")
    else:
        audio = audio.filter("loudnorm", I=LOUDNESS_LUFS, TP=TRUE_PEAK_DBTP, LRA=LOUDNESS_RANGE_LU)
    # loudnorm resamples to 192 kHz internally: bring it back to 48 kHz (AAC, platforms: ≤ 48 kHz).
    # The format is said in full: ffmpeg 5.1 cannot negotiate loudnorm's channel layout with
    # the AAC encoder by itself ("Cannot select channel layout ... aresample"); 4.4 and 7 can.
    return (audio.filter("aresample", SAMPLE_RATE)
            .filter("aformat", sample_fmts="fltp", sample_rates=SAMPLE_RATE, channel_layouts="stereo"))


def _silence(duration_sec: float):  # noqa: ANN202
    """Silent stereo for a source without sound: every platform wants an audio track."""
    return ffmpeg.input(f"anullsrc=r={SAMPLE_RATE}:cl=stereo", f="lavfi", t=f"{duration_sec:.3f}").audio


def _compile(stream) -> list[str]:  # noqa: ANN001
    """The argv without the binary (run_ffmpeg adds it), overwriting the output."""
    return ffmpeg.compile(stream.global_args("-y"), cmd="ffmpeg")[1:]

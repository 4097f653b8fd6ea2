"""`make bench`, the clips part: `clipper cut` on a synthetic one-hour 720p episode video.

Three measurements, each the best of RUNS runs:
- speed: seconds of clip made per second of wall time, for each kind of clip, cut from a local file;
- bytes: what clipper fetches over HTTP for 3 clips of the one-hour video, against the whole file;
- the naive way for the same 3 clips: download the whole file, then cut each clip from it;
- clips at once: the same 3 clips from the local file with --jobs 1 and 2, wall time against the
  CPU time of all their processes divided by the cores (the best a run can do).

The video (test picture and a beeping tone) is made once and kept in benchmarks/.cache/.
"""
from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from clipper.api import list_clip_choices, load_episode
from clipper.chapters import episode_end_sec
from clipper.clip_graph import (
    ClipCut, Framing, Layout, audio_args, audiogram_args, audiogram_card_args, audiogram_layout, picture_bottom, text_boxes_of,
    text_layer_args, video_args,
)
from clipper.clips import caption_cues, screen_title
from clipper.cutting import (
    ENCODES_AT_ONCE, FONTS_DIR, CutOptions, _drawn_text_boxes, audiogram_captions, choose_spans, limited_sound,
    speech_heard,
)
from clipper.outputs import default_templates_dir
from clipper.templating import make_environment
from clipper.timecode import parse_clock
from clipper.download import fetch
from clipper.clip_graph import LOUDNESS_SCAN
from clipper.ffmpeg import audio_analysis_args, chosen_ffmpeg, find_ffmpeg, read_media_info, run_ffmpeg, verify_media
from clipper.formats import ass_captions

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.media import MediaServer  # noqa: E402 - needs ROOT on sys.path

CACHE = ROOT / "benchmarks" / ".cache"
EPISODE = ROOT / "examples" / "_podcast" / "s12e09-staff-ai-engineer.md"
CLIPPER = Path(sys.executable).parent / "clipper"
RUNS = 2
HOUR_SEC, CHUNK_SEC, GOP_SEC, FPS = 3600, 120, 2, 30
WIDTH, HEIGHT = 1280, 720
VIDEO = CACHE / f"hour-{HEIGHT}p{FPS}-gop{GOP_SEC}.mp4"
SPAN = ("--start", "1800", "--end", "1830")
SPAN_SEC = 30.0
SMART_CUT_KIND = "16:9 without captions (smart cut)"
NO_TITLE_KIND = "16:9 without captions or title (smart cut, `--no-title`)"
KINDS = {"9:16 with captions (the default)": (), "16:9": ("--aspect", "16:9"),
         SMART_CUT_KIND: ("--aspect", "16:9", "--no-captions"),
         NO_TITLE_KIND: ("--aspect", "16:9", "--no-captions", "--no-title"),
         "audio-only (.m4a + audiogram)": ("--audio-only",)}
CLIPS = ("--clip", "2", "--clip", "5", "--clip", "9")
THROTTLE = 25_000_000  # bytes per second
SETTLE_SEC = 1.0
JOBS = (1, 2)  # encodes at once, compared
CORES = os.cpu_count() or 1
_CLIP_TIMES = re.compile(r"^(?:written|unchanged): \S+  (\d[\d:]*)–(\d[\d:]*)  ")


@dataclass(frozen=True)
class Run:
    seconds: float
    spans: tuple[str, ...]  # "m:ss–m:ss" of each clip written, from clipper's stdout
    folder: Path  # the --out folder
    sent: int = 0  # bytes the HTTP server sent, when the source was a URL
    cpu: float = 0.0  # CPU seconds (user + system) of clipper and every process it ran


def clips_report() -> str:
    """The "## Clips" section of BENCHMARKS.md."""
    video = source_video()
    with tempfile.TemporaryDirectory(prefix="clipper-bench-clips-") as work:
        speed = speed_rows(video, Path(work)) + smart_cut_batch_rows(video, Path(work))
        steps = step_rows(video)
        timeline = smart_cut_timeline_rows(video, Path(work))
        fetching, agree = fetch_rows(video, Path(work))
        at_once = jobs_rows(video, Path(work))
        picture = vertical_quality_rows(video, Path(work))
    command = _shown_argv(cut_argv(_shown(VIDEO), "OUT", *SPAN))
    return "\n".join([
        "## Clips",
        "",
        f"- Source: {describe(video)}",
        f"- Episode: `{_shown(EPISODE)}` (its clips 2, 5 and 9 are picked as 20–60 s highlights)",
        f"- HTTP server: `MediaServer` from tests/media.py on 127.0.0.1, with Range requests, throttled to {THROTTLE / 1e6:.0f} MB/s",
        f"- Date: {time.strftime('%Y-%m-%d')}",
        "",
        "Speed, cutting a 30 s span from the local file:",
        "",
        "| what | input | wall time | figure |",
        "|---|---|---|---|",
        *speed,
        "",
        "A lone smart cut's wall time is a chain of steps that wait for each other (the timeline below: "
        "listening, the limiter's probe, the sound's encode, the join, the check, after Python's start); "
        f"in one command {ENCODES_AT_ONCE} clips run at once and the command's own costs are paid once.",
        "",
        "The sound's steps of those clips, each way timed alone on the same span (interleaved, best of "
        f"{RUNS + 1}):",
        "",
        "| step | way | wall time | figure |",
        "|---|---|---|---|",
        *steps,
        "",
        f"Where one 16:9 smart cut's time goes (`{_shown_argv(cut_argv(_shown(VIDEO), 'OUT', *SPAN, *SMART_CUT))}` in a "
        f"fresh process; seconds from its start; the run of median length of {RUNS + 1}):",
        "",
        "| step | begins | ends | thread |",
        "|---|---|---|---|",
        *timeline,
        "",
        "3 clips of the one-hour video over HTTP:",
        "",
        "| what | input | wall time | figure |",
        "|---|---|---|---|",
        *fetching,
        "",
        f"Both ways cut the same spans: {agree}.",
        "",
        f"3 clips from the local file (9:16 with captions), encoded one at a time or at once, on {CORES} cores:",
        "",
        "| what | clips | wall time | CPU time (all processes) | wall ÷ (CPU ÷ cores) |",
        "|---|---|---|---|---|",
        *at_once,
        "",
        "The 9:16 encode's picture (bench span, clipper's argv with the text layer), against the same filter graph's "
        "frames kept lossless (FFV1), frame by frame:",
        "",
        "| encode | SSIM | PSNR | size |",
        "|---|---|---|---|",
        *picture,
        "",
        "Commands (`OUT` is a fresh folder each run, `PORT` the server's port):",
        "",
        f"- speed: `{command}`, then the same with `--aspect 16:9`, with `--aspect 16:9 --no-captions` (and `--no-title`) "
        "and with `--audio-only`",
        "- the sound's steps: clipper's argv (`clipper.ffmpeg.audio_analysis_args`, `clipper.clip_graph.audio_args`), "
        "and the same with loudnorm's first pass as the loudness, or without `-aac_coder fast -aac_ms 0`",
        "- .m4a alone: clipper's own steps (`clipper.cutting.speech_heard`, `clipper.cutting.limited_sound`, "
        "`clipper.clip_graph.audio_args`, "
        "`clipper.ffmpeg.verify_media`) over the same span",
        "- audiogram alone: clipper's own ffmpeg argv (`clipper.clip_graph.audiogram_card_args`, `audiogram_args`) over the .m4a and "
        "captions of the audio-only run; the captions' layer (`text_layer_args`) drawn before the timing starts, as clipper "
        "draws it beside the .m4a's encode; before: the same argv with the ass filter instead of the layer",
        f"- clipper over HTTP: `{_shown_argv(cut_argv('http://127.0.0.1:PORT/video.mp4', 'OUT', *CLIPS))}`",
        "- naive: `clipper.download.fetch(URL, whole.mp4, ffmpeg)` (yt-dlp, the whole file), then "
        f"`{_shown_argv(cut_argv('whole.mp4', 'OUT', *CLIPS))}` (one re-encode per clip from the whole file)",
        f"- clips at once: `{_shown_argv(cut_argv(_shown(VIDEO), 'OUT', *CLIPS, '--jobs', 'N'))}`; CPU time from "
        "`getrusage(RUSAGE_CHILDREN)` around the run",
        "",
    ])


def source_video() -> Path:
    """The one-hour video, made once: a short chunk encoded with libx264, joined to itself without re-encoding."""
    if VIDEO.is_file():
        return VIDEO
    CACHE.mkdir(parents=True, exist_ok=True)
    chunk, listing, partial = CACHE / "chunk.mp4", CACHE / "chunks.txt", CACHE / "joining.mp4"
    _ffmpeg("-f", "lavfi", "-i", f"testsrc2=s={WIDTH}x{HEIGHT}:r={FPS}:d={CHUNK_SEC}",
            "-f", "lavfi", "-i", f"sine=frequency=220:beep_factor=4:sample_rate=48000:d={CHUNK_SEC}",
            "-c:v", "libx264", "-preset", "veryfast", "-b:v", "1500k", "-maxrate", "2M", "-bufsize", "4M",
            "-g", str(FPS * GOP_SEC), "-keyint_min", str(FPS * GOP_SEC), "-sc_threshold", "0", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-b:a", "128k", str(chunk))
    listing.write_text(f"file '{chunk.name}'\n" * (HOUR_SEC // CHUNK_SEC), encoding="utf-8")
    _ffmpeg("-f", "concat", "-safe", "0", "-i", str(listing), "-c", "copy", "-movflags", "+faststart", str(partial))
    partial.rename(VIDEO)
    chunk.unlink()
    listing.unlink()
    return VIDEO


def describe(video: Path) -> str:
    info = read_media_info(video)
    size = video.stat().st_size
    duration = info.duration_sec or 0.0
    return (f"`{_shown(video)}`, {size / 1e6:.0f} MB, {_clock(duration)}, {info.width}x{info.height} {info.fps:g} fps, "
            f"H.264 + AAC ({size * 8 / duration / 1e6:.2f} Mbit/s), GOP {GOP_SEC} s, faststart; "
            f"a {CHUNK_SEC} s lavfi chunk (testsrc2, a beeping tone) joined with the concat demuxer")


def speed_rows(video: Path, work: Path) -> list[str]:
    """Seconds of clip per second of wall time, for each kind of clip, and for the audiogram alone."""
    rows = []
    for kind, options in KINDS.items():
        runs = [cut(work, str(video), *SPAN, *options) for _ in range(RUNS)]
        best = min(runs, key=lambda run: run.seconds)
        rows.append(f"| cut, {kind} | {SPAN_SEC:.0f} s span | {best.seconds:.1f} s | {SPAN_SEC / best.seconds:.2f} s of clip per s |")
        if not options:  # the default: its encode alone, and the command clipper ran before issue 13
            encodes, slower_by = caption_rows(video, work)
            rows += encodes
            rows.append(f"| cut, {kind}, before issue 13 (derived: the cut above + the two encodes' difference) "
                        f"| {SPAN_SEC:.0f} s span | {best.seconds + slower_by:.1f} s | {SPAN_SEC / (best.seconds + slower_by):.2f} s "
                        f"of clip per s; clipper {(best.seconds + slower_by) / best.seconds:.2f}× faster |")
        if "--audio-only" in options:
            seconds = min(m4a_seconds(video) for _ in range(RUNS))
            rows.append(f"| .m4a alone (listen, limiter's probe, encode, check: part of the row above) | {SPAN_SEC:.0f} s of audio | {seconds:.1f} s "
                        f"| {SPAN_SEC / seconds:.2f} s of clip per s |")
            rows += audiogram_rows(runs)
    return rows


LOUDNORM_SCAN = "loudnorm=I=-14:TP=-2:LRA=11:print_format=json"  # the listening pass's loudness before
_TWOLOOP = ("-aac_coder", "fast", "-aac_ms", "0")  # taken out of clipper's argv: the AAC encoder's default coder


def step_rows(video: Path) -> list[str]:
    """The listening pass (speech levels and loudness over the clip and 3 s around) with loudnorm's
    first pass (before) and ebur128 (clipper); the .m4a's encode (the limiter's gain as clipper
    plans it) with the AAC encoder's default coder, twoloop (before), and clipper's fast coder."""
    start, span = float(SPAN[1]), SPAN_SEC
    _, loudness = speech_heard(str(video), start, _bench_span(audio_only=True))
    with tempfile.TemporaryDirectory(prefix="clipper-bench-steps-") as work:
        band = Path(work) / "band.f32"
        listen = {way: audio_analysis_args(video, start - 3, span + 6, measure, 3.0, span, band)
                  for way, measure in (("loudnorm's first pass (before)", LOUDNORM_SCAN), ("ebur128 (clipper)", LOUDNESS_SCAN))}
        cut = limited_sound(ClipCut(str(video), start, span, str(Path(work) / "clip.m4a"), loudness=loudness))
        encode = audio_args(cut)
        at = next(i for i in range(len(encode)) if tuple(encode[i:i + len(_TWOLOOP)]) == _TWOLOOP)
        encodes = {"AAC twoloop, the default coder (before)": encode[:at] + encode[at + len(_TWOLOOP):],
                   "AAC fast coder, no mid/side (clipper)": encode}
        rows = _step_rows("listening pass (36 s)", listen) + _step_rows("sound encode (.m4a, limiter)", encodes)
    return rows


def _step_rows(step: str, ways: dict[str, list[str]]) -> list[str]:
    seconds: dict[str, list[float]] = {way: [] for way in ways}
    for _ in range(RUNS + 1):
        for way, argv in ways.items():
            begun = time.perf_counter()
            run_ffmpeg(argv, what=step)
            seconds[way].append(time.perf_counter() - begun)
    return [f"| {step} | {way} | {min(times):.2f} s | {SPAN_SEC / min(times):.1f} s of clip per s |"
            for way, times in seconds.items()]


def _bench_span(audio_only: bool):  # noqa: ANN202 - a ClipSpan
    episode = load_episode(EPISODE)
    span, = choose_spans(episode, CutOptions(str(EPISODE), start_sec=float(SPAN[1]), end_sec=float(SPAN[3]), audio_only=audio_only))
    return span


def m4a_seconds(video: Path) -> float:
    """The .m4a step of an audio-only clip, timed as clipper runs it: the one listening pass (speech and
    loudness), the limiter's probe (when a peak would pass), the encode, the check; without the
    process's start and the audiogram."""
    span_start, span_end = float(SPAN[1]), float(SPAN[3])
    episode = load_episode(EPISODE)
    span, = choose_spans(episode, CutOptions(str(EPISODE), start_sec=span_start, end_sec=span_end, audio_only=True))
    with tempfile.TemporaryDirectory(prefix="clipper-bench-m4a-") as work:
        output, decoded = Path(work) / "clip.m4a", Path(work) / "sound.wav"
        start = time.perf_counter()
        speech, loudness = speech_heard(str(video), span_start, span, decoded)
        cut = limited_sound(ClipCut(str(video), span_start, SPAN_SEC, str(output), loudness=loudness, sound=str(decoded),
                                    sound_offset_sec=span_start - speech.start_sec))
        run_ffmpeg(audio_args(cut), what="cutting the audio again")
        verify_media(output, SPAN_SEC, False, True, "the audio")
        return time.perf_counter() - start


CAPTION_WAYS = {"clipper: the text layer drawn once per change, overlaid in its text's boxes onto the fill's bands before "
                "they are stacked, each band blurred on its own rows; x264 subme=0, "
                "me=dia, no partitions": True,
                "before issue 13: libass on every frame (the ass filter), x264 veryfast as it is, the fill scaled whole": False}
# The 9:16 fill (and frame rate) of clipper's argv before issue 13: the blurred copy scaled whole and
# cropped, enlarged bicubically to the whole frame, the picture overlaid on it, the frame rate made last.
_FILL_BEFORE = ("[0:v]split=2[b0][b1];[b0]scale=270:480:force_original_aspect_ratio=increase,crop=270:480,boxblur=8,"
                "eq=brightness=-0.18:saturation=0.7,scale=1080:1920[b2];[b1]scale=1080:1920:force_divisible_by=2:"
                "force_original_aspect_ratio=decrease[b3];[b2][b3]overlay=eof_action=repeat:x=(W-w)/2:y=(H-h)/2,fps=30,setsar=1")
_FILL_NOW = re.compile(r"^\[0:v\]fps=30.*?vstack=inputs=3\[(s\d+)\];\[\1\]setsar=1(\[s\d+\]);")


def caption_rows(video: Path, work: Path) -> tuple[list[str], float]:
    """The 9:16 encode alone (clipper's argv) against the command clipper ran before issue 13: runs
    interleaved, best of RUNS + 1 each, wall and CPU time (the CPU's ratio holds on a busy machine);
    the rows, and how much longer the before took (seconds of wall)."""
    times: dict[bool, list[tuple[float, float]]] = {True: [], False: []}
    for _ in range(RUNS + 1):
        for is_now in times:
            cpu_before = _children_cpu()
            seconds = caption_encode_seconds(video, work, is_now)
            times[is_now].append((seconds, _children_cpu() - cpu_before))
    (now, now_cpu), (before, before_cpu) = ((min(wall for wall, _ in times[way]), min(cpu for _, cpu in times[way]))
                                            for way in (True, False))
    return [f"| 9:16 encode alone, {way} | {SPAN_SEC:.0f} s span | {wall:.1f} s (CPU {cpu:.1f} s) "
            f"| {SPAN_SEC / wall:.2f} s of clip per s"
            f"{'' if is_now else f'; clipper {before / now:.2f}× faster on wall, {before_cpu / now_cpu:.2f}× on CPU'} |"
            for (way, is_now), (wall, cpu) in zip(CAPTION_WAYS.items(), ((now, now_cpu), (before, before_cpu)))], before - now


def caption_encode_seconds(video: Path, work: Path, is_now: bool) -> float:
    """Time clipper's 9:16 encode of the bench span (with the text layer's drawing), or the one before issue 13."""
    framing, captions, text = _bench_captions(work)
    layer = work / "bench-text.mov"
    cut = ClipCut(str(video), float(SPAN[1]), SPAN_SEC, str(work / "bench-captions.mp4"))
    start = time.perf_counter()
    if not is_now:
        run_ffmpeg(before_args(video_args(cut, framing, captions, FONTS_DIR)), what="cutting with captions as before")
        return time.perf_counter() - start
    said = run_ffmpeg(text_layer_args(captions, FONTS_DIR, framing.size, ass_captions.change_times_sec(text, SPAN_SEC),
                                      str(layer), chosen_ffmpeg().frame_timing_option), what="drawing the captions")
    run_ffmpeg(video_args(cut, framing, captions, FONTS_DIR, layer, text_boxes_of(said, framing.size[1])), what="cutting with captions")
    return time.perf_counter() - start


def _bench_captions(work: Path):  # noqa: ANN202 - (Framing, Path, str)
    """The bench span's 9:16 framing, and its title and captions as clipper writes them (the ASS file in `work`, its text)."""
    episode = load_episode(EPISODE)
    span, = choose_spans(episode, CutOptions(str(EPISODE), start_sec=float(SPAN[1]), end_sec=float(SPAN[3])))
    framing = Framing((1080, 1920), (WIDTH, HEIGHT), Layout.BLUR)
    layout = ass_captions.layout_for(1080, 1920, picture_bottom=picture_bottom(framing))
    text = ass_captions.render(caption_cues(episode, span, episode_end_sec(episode)), layout, SPAN_SEC,
                               make_environment(default_templates_dir()), title=screen_title(span))
    captions = work / "bench-captions.ass"
    captions.write_text(text, encoding="utf-8")
    return framing, captions, text


# --- the 9:16 encode's picture (helper "vertical", issue 13) ---------------------------------
_X264_ONLY = ("-x264-params", "-preset", "-profile:v", "-crf", "-bf", "-g", "-movflags", "-use_editlist", "-f")


def vertical_quality_rows(video: Path, work: Path) -> list[str]:
    """Clipper's 9:16 encode of the bench span, and the same with x264's veryfast as it is, against the
    same argv's frames encoded lossless (FFV1 in NUT, no sound): SSIM and PSNR, and the files' sizes."""
    framing, captions, text = _bench_captions(work)
    layer = work / "bench-text.mov"
    said = run_ffmpeg(text_layer_args(captions, FONTS_DIR, framing.size, ass_captions.change_times_sec(text, SPAN_SEC),
                                      str(layer), chosen_ffmpeg().frame_timing_option), what="drawing the captions")
    cut = ClipCut(str(video), float(SPAN[1]), SPAN_SEC, "OUT")
    argv = video_args(cut, framing, captions, FONTS_DIR, layer, text_boxes_of(said, framing.size[1]))
    at = argv.index("-x264-params")
    ways = {"clipper (x264 veryfast, subme=0, me=dia, no partitions)": argv, "x264 veryfast as it is": argv[:at] + argv[at + 2:]}
    lossless = work / "bench-lossless.nut"
    run_ffmpeg(_lossless_args(argv, lossless), what="encoding the 9:16 span lossless")
    rows, sizes = [], []
    for way, args in ways.items():
        clip = work / "bench-picture.mp4"
        run_ffmpeg([str(clip) if arg == "OUT" else arg for arg in args], what="encoding the 9:16 span")
        sizes.append(clip.stat().st_size)
        ssim, psnr = picture_likeness(clip, lossless)
        rows.append(f"| {way} | {ssim:.5f} | {psnr:.2f} dB | {sizes[-1] / 1e6:.2f} MB |")
    rows[0] = rows[0][:-2] + f" ({sizes[0] / sizes[1] - 1:+.1%} against veryfast as it is) |"
    return rows


def _lossless_args(argv: list[str], output: Path) -> list[str]:
    """A video_args argv made to write its frames lossless (FFV1; the sound as PCM) to `output`."""
    dropped = _X264_ONLY + ("-b:a", "-aac_coder", "-aac_ms")
    codecs = {"libx264": "ffv1", "aac": "pcm_s16le", "OUT": str(output)}
    lossless: list[str] = []
    for arg in argv:
        if lossless and lossless[-1] in dropped:
            lossless.pop()
            continue
        lossless.append(codecs.get(arg, arg))
    return lossless


_SSIM_ALL = re.compile(r"SSIM .* All:([\d.]+)")
_PSNR_AVERAGE = re.compile(r"PSNR .* average:([\d.]+|inf)")


def picture_likeness(clip: Path, lossless: Path) -> tuple[float, float]:
    """SSIM and PSNR of `clip` against `lossless`, frame by frame. The MP4 repeats its first frame at
    0 s (constant frame rate from 0), the NUT keeps the frames' own times: it is one frame behind."""
    graph = ("[0:v]trim=start_frame=1,setpts=N/30/TB,split[c0][c1];[1:v]setpts=N/30/TB,split[l0][l1];"
             "[c0][l0]ssim;[c1][l1]psnr")
    said = run_ffmpeg(["-i", str(clip), "-i", str(lossless), "-lavfi", graph, "-f", "null", "-"], what="comparing the pictures")
    return float(_SSIM_ALL.search(said).group(1)), float(_PSNR_AVERAGE.search(said).group(1))
# --- end of the 9:16 encode's picture --------------------------------------------------------


def before_args(argv: list[str]) -> list[str]:
    """Clipper's argv with the ass filter (video_args without a text layer) made the command of before issue 13."""
    at = argv.index("-x264-params")
    graph = argv.index("-filter_complex") + 1
    if not _FILL_NOW.search(argv[graph]):
        raise RuntimeError(f"the 9:16 fill changed, the bench's 'before' needs updating: {argv[graph]}")
    argv[graph] = _FILL_NOW.sub(lambda found: f"{_FILL_BEFORE}{found.group(2)};", argv[graph])
    return argv[:at] + argv[at + 2:]


def audiogram_rows(runs: list[Run]) -> list[str]:
    """The audiogram alone, clipper's way and with libass on every frame, interleaved, best of each."""
    timed = [(audiogram_seconds(run.folder), audiogram_seconds(run.folder, libass_every_frame=True)) for run in runs * 2]
    now, before = min(pair[0] for pair in timed), min(pair[1] for pair in timed)
    return [f"| audiogram alone (1080x1920, part of the row above): the captions drawn once per change, overlaid "
            f"| {SPAN_SEC:.0f} s of audio | {now:.1f} s | {SPAN_SEC / now:.2f} s of clip per s |",
            f"| audiogram alone, the captions drawn by libass on every frame (before this session) "
            f"| {SPAN_SEC:.0f} s of audio | {before:.1f} s | {SPAN_SEC / before:.2f} s of clip per s; clipper {before / now:.2f}× faster |"]


def audiogram_seconds(out: Path, libass_every_frame: bool = False) -> float:
    """Make the audiogram of an audio-only run again, as clipper made it, and time the steps that
    follow the .m4a: the card, then the video. The captions' layer is drawn first, untimed: clipper
    draws it beside the .m4a's encode (the audio-only cut's row counts it). `libass_every_frame`:
    the captions drawn by the ass filter on every frame instead (before issue 13's fourth session)."""
    folder = next(out.glob("*/clips"))
    audio = next(folder.glob("*.m4a"))
    episode = load_episode(EPISODE)
    options = CutOptions(str(EPISODE), start_sec=float(SPAN[1]), end_sec=float(SPAN[3]), audio_only=True)
    span, = choose_spans(episode, options)
    cues = caption_cues(episode, span, episode_end_sec(episode))
    size, titles, text = audiogram_captions(episode, span, cues, SPAN_SEC, options, make_environment(default_templates_dir()))
    captions, titles_file, card = out / "audiogram.ass", out / "audiogram-titles.ass", out / "audiogram-card.png"
    captions.write_text(text, encoding="utf-8")
    titles_file.write_text(titles, encoding="utf-8")
    layout = audiogram_layout(size)
    layer = out / "audiogram-text.mov"
    boxes = () if libass_every_frame else _drawn_text_boxes(text, captions, FONTS_DIR, size, SPAN_SEC, layer, "the audiogram")
    start = time.perf_counter()
    run_ffmpeg(audiogram_card_args(str(audio), str(card), layout, titles_file, FONTS_DIR), what="drawing the card again")
    run_ffmpeg(audiogram_args(str(audio), SPAN_SEC, str(out / "audiogram.mp4"), layout, str(card), captions, FONTS_DIR,
                              layer if boxes else None, boxes), what="making the audiogram again")
    return time.perf_counter() - start


def fetch_rows(video: Path, work: Path) -> tuple[list[str], str]:
    """Clipper's ranged fetch and cut against the naive whole download and cut; the rows, and whether their spans agree."""
    served = work / "served"
    served.mkdir()
    (served / "video.mp4").symlink_to(video)
    server = MediaServer(served, bytes_per_second=THROTTLE)
    try:
        url = server.url("video.mp4")
        clipper = min((_counted(server, lambda: cut(work, url, *CLIPS)) for _ in range(RUNS)), key=lambda run: run.seconds)
        download, naive = min((naive_run(server, url, work) for _ in range(RUNS)), key=lambda pair: pair[0].seconds + pair[1].seconds)
    finally:
        server.close()
    size = video.stat().st_size
    naive_seconds = download.seconds + naive.seconds
    spans = ", ".join(clipper.spans)
    rows = [
        f"| 3 clips, naive: whole download (yt-dlp), then cut each | {spans} | {naive_seconds:.1f} s "
        f"({download.seconds:.1f} s download at {download.sent / download.seconds / 1e6:.1f} MB/s + {naive.seconds:.1f} s cutting) "
        f"| {_megabytes(download.sent, size)}; 1× |",
        f"| 3 clips, clipper (`--source URL`: ranges only) | {spans} | {clipper.seconds:.1f} s "
        f"| {_megabytes(clipper.sent, size)}; {naive_seconds / clipper.seconds:.1f}× faster than naive |",
    ]
    agree = f"yes ({spans})" if clipper.spans == naive.spans else f"NO: clipper {spans}, naive {', '.join(naive.spans)}"
    return rows, agree


def smart_cut_batch_rows(video: Path, work: Path) -> list[str]:
    """Clips smart-cut in one command, as `--all` cuts an episode's (ENCODES_AT_ONCE at once): the
    3 clips with and without the title, then every clip inside the hour without it; seconds of clip
    per second of wall time, the fixed costs (imports, the source's facts, the review's notes) paid once."""
    inside = [number for number, chapter in list_clip_choices(EPISODE) if chapter.end_sec <= HOUR_SEC]
    every = tuple(arg for number in inside for arg in ("--clip", str(number)))
    batches = ((SMART_CUT_KIND, CLIPS, "(clips 2, 5, 9)"), (NO_TITLE_KIND, CLIPS, "(clips 2, 5, 9)"),
               (NO_TITLE_KIND, every, "(as `--all`: every clip whose chapter ends inside the hour)"))
    rows = []
    for kind, clips, which in batches:
        best = min((cut(work, str(video), *clips, *KINDS[kind]) for _ in range(RUNS)), key=lambda run: run.seconds)
        clip_sec = sum(parse_clock(end) - parse_clock(start) for start, end in (span.split("–") for span in best.spans))
        rows.append(f"| cut, {len(best.spans)} clips, {kind}, in one command {which} | {clip_sec:.0f} s of clips "
                    f"| {best.seconds:.1f} s | {clip_sec / best.seconds:.2f} s of clip per s |")
    return rows


def jobs_rows(video: Path, work: Path) -> list[str]:
    """The 3 clips with 1 and 2 encodes at once: wall time against CPU time ÷ cores (1.00 would be perfect)."""
    rows = []
    for jobs in JOBS:
        best = min((cut(work, str(video), *CLIPS, "--jobs", str(jobs)) for _ in range(RUNS)), key=lambda run: run.seconds)
        ideal = best.cpu / CORES
        rows.append(f"| `--jobs {jobs}` | {', '.join(best.spans)} | {best.seconds:.1f} s | {best.cpu:.1f} s "
                    f"(÷ {CORES} = {ideal:.1f} s) | {best.seconds / ideal:.2f} |")
    return rows


def naive_run(server: MediaServer, url: str, work: Path) -> tuple[Run, Run]:
    """The whole file downloaded (timed, bytes counted), then clipper cutting the clips from it."""
    whole = Path(tempfile.mkdtemp(dir=work)) / "whole.mp4"
    download = _counted(server, lambda: _timed_fetch(url, whole))
    return download, cut(work, str(whole), *CLIPS)


def cut(work: Path, source: str, *options: str) -> Run:
    """Time one `clipper cut` into a fresh folder; RuntimeError when it fails."""
    out = Path(tempfile.mkdtemp(dir=work))
    cpu_before = _children_cpu()
    start = time.perf_counter()
    result = subprocess.run(cut_argv(source, str(out), *options), capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    cpu = _children_cpu() - cpu_before
    if result.returncode != 0:
        raise RuntimeError(f"clipper cut failed ({result.returncode}):\n{result.stderr}")
    spans = tuple(f"{m.group(1)}–{m.group(2)}" for line in result.stdout.splitlines() if (m := _CLIP_TIMES.search(line)))
    if not spans:
        sys.exit(f"clipper wrote no clip: {result.stderr.strip()[-500:]}")
    return Run(seconds, spans, out, cpu=cpu)


def _children_cpu() -> float:
    """CPU seconds of the processes this one has waited for, theirs included (clipper, its ffmpegs)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cut_argv(source: str, out: str, *options: str) -> list[str]:
    return [str(CLIPPER), "cut", str(EPISODE), *options, "--source", source, "--out", out]


def _timed_fetch(url: str, target: Path) -> Run:
    start = time.perf_counter()
    fetch(url, target, find_ffmpeg())
    return Run(time.perf_counter() - start, (), target.parent)


def _counted(server: MediaServer, job: Callable[[], Run]) -> Run:
    """The job's Run, with the bytes the server sent for it.

    The server counts a chunk just after writing it, so the count is read once its threads have settled.
    """
    before = server.sent
    run = job()
    time.sleep(SETTLE_SEC)
    return Run(run.seconds, run.spans, run.folder, server.sent - before)


def _megabytes(sent: int, size: int) -> str:
    return f"{sent / 1e6:.1f} MB fetched of {size / 1e6:.1f} MB ({sent / size:.1%})"


def _clock(seconds: float) -> str:
    return time.strftime("%H:%M:%S", time.gmtime(round(seconds)))


def _shown_argv(argv: list[str]) -> str:
    """An argv as typed in the repository: `clipper`, and paths relative to it."""
    return " ".join(["clipper", *(_shown(Path(arg)) if arg.startswith(str(ROOT)) else arg for arg in argv[1:])])


def _shown(path: Path) -> str:
    """A path as seen from the repository, never a machine's absolute path (as bench.py shows them)."""
    return os.path.relpath(path, ROOT)


def _ffmpeg(*args: str) -> None:
    subprocess.run([find_ffmpeg(), "-nostdin", "-v", "error", "-y", *args], check=True)


# --- where one smart cut's time goes (helper "fastcut") -----------------------------------------
SMART_CUT = ("--aspect", "16:9", "--no-captions", "--no-title")
_TIMED_CUT = """
import json, subprocess, sys, threading, time
begun = time.perf_counter()
events, started, waited = [], subprocess.Popen.__init__, subprocess.Popen.wait
def start(self, args, *rest, **options):
    self.began = time.perf_counter()
    started(self, args, *rest, **options)
def wait(self, *rest, **options):
    status = waited(self, *rest, **options)
    if not getattr(self, "seen", False):
        self.seen = True
        events.append([self.began - begun, time.perf_counter() - begun, threading.current_thread().name, list(map(str, self.args))])
    return status
subprocess.Popen.__init__, subprocess.Popen.wait = start, wait
from clipper.cli import main
imported = time.perf_counter() - begun
code = main(sys.argv[1:])
print(json.dumps([code, imported, time.perf_counter() - begun, events]))
"""
# What each ffmpeg run of a smart cut does, told by its argv (the first that matches).
_STEPS = (("asplit=2[speech]", "listening (speech, loudness; the sound kept as WAV; the video's packets listed)"),
          ("framecrc", "keyframes listed (packets, parameter sets)"), ("sps-id", "head encoded (x264)"),
          ("-framerate", "head wrapped as MP4"), ("concat", "head and copy joined, with the sound"), ("ebur128", "limiter's probe"),
          ("aac", "sound encoded (AAC)"), ("-c copy -f null", "clip checked"), ("-version", "an ffmpeg asked its version"))


def smart_cut_timeline_rows(video: Path, work: Path) -> list[str]:
    """One 16:9 smart cut (no title) in a fresh clipper process, its ffmpeg runs timed from the
    process's start (imports included): the run of median length of RUNS + 1."""
    runs = []
    for _ in range(RUNS + 1):
        out = Path(tempfile.mkdtemp(dir=work))
        argv = [sys.executable, "-c", _TIMED_CUT, *cut_argv(str(video), str(out), *SPAN, *SMART_CUT)[1:]]
        done = subprocess.run(argv, capture_output=True, text=True, check=True, cwd=ROOT)
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    code, imported, total, events = sorted(runs, key=lambda run: run[2])[len(runs) // 2]
    rows = [f"| clipper's imports | 0.00 | {imported:.2f} | main |"]
    rows += [f"| {_step_of(argv)} | {begun:.2f} | {ended:.2f} | {thread} |" for begun, ended, thread, argv in sorted(events)]
    return rows + [f"| the process ends (exit status {code}) | | {total:.2f} | |"]


def _step_of(argv: list[str]) -> str:
    said = " ".join(argv)
    return next((step for key, step in _STEPS if key in said), "a file read (`ffmpeg -i`)" if argv[-2] == "-i" else said[:60])
# --- end of where one smart cut's time goes ---------------------------------------------------

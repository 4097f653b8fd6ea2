"""`clipper cut`, step by step: choose spans, get the video, cut each clip, write its files."""
from __future__ import annotations

import hashlib
import json
import logging
import tempfile
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from fractions import Fraction
from pathlib import Path

from . import __version__, smart_cut
from .chapters import episode_end_sec
from .clip_graph import (
    AUDIOGRAM_16_9, ASPECTS, LOUDNESS_LUFS, LOUDNESS_SCAN, ClipCut, Framing, Layout, audio_args, audiogram_args,
    audiogram_card_args, audiogram_layout, loudness_probe_args, output_size, picture_bottom, text_boxes_of,
    text_layer_args, TRUE_PEAK_DBTP, video_args,
)
from .clips import (
    MAX_HIGHLIGHT_SEC, MIN_HIGHLIGHT_SEC, HeardWords, clip_chapters, clip_name, cues_of, custom_span, heard_words,
    pick_highlight, screen_title, select_chapters, snap_to_speech, spoken_turns, whole_chapter,
)
from .errors import ChapterError, ClipperError
from .caption_timing import Speech
from .ffmpeg import (
    Loudness, MediaInfo, chosen_ffmpeg, listen, parse_loudness_summaries, read_gray_frames,
    read_media_info, remember_media_info, run_ffmpeg, verify_media,
)
from .tiles import (
    GrayFrames, Sides, Tiles, Turn, assign_sides, find_tiles, parse_tiles, resolve_tiles, speaker_shots, tile_motion,
)
from .sound import limited_gain, needs_limiter, probe_gains, speaker_gains, speaker_of_stretches
from .model import ClipSpan, Episode
from .outputs import atomic_path, clip_is_done, default_templates_dir, fingerprint, folder_lock, mark_clip_done, write_atomic
from .platforms import PLATFORMS, fit_within_limits, platform_problems
from .sources import Sources, fetched_in_turn, is_url, local_source
from .timecode import format_name_clock

FONTS_DIR = Path(__file__).parent / "fonts"
AUDIOGRAM_CARD_TEMPLATE = "audiogram_card.ass.j2"
Events = Callable[[str], None]
log = logging.getLogger("clipper")
LAYOUT_CHOICES = ("", *(layout.value for layout in Layout if layout is not Layout.NONE))
# Encodes at once by default (--jobs): measured in benchmarks/clips_bench.py ("clips at once").
ENCODES_AT_ONCE = 2


@dataclass(frozen=True)
class CutOptions:
    episode: str
    clips: tuple[str, ...] = ()
    all: bool = False
    start_sec: float | None = None
    end_sec: float | None = None
    source: str = ""
    aspect: str = "9:16"
    captions: bool = True
    audio_only: bool = False
    whole: bool = False
    max_seconds: float = MAX_HIGHLIGHT_SEC
    platforms: tuple[str, ...] = ()
    out_dir: Path = Path("output")
    people_dir: Path | None = None
    templates_dir: Path | None = None
    force: bool = False
    ffmpeg: str = ""  # the ffmpeg binary to use; "" for the default (see ffmpeg.chosen_ffmpeg)
    exact: bool = False  # cut at the times as they are, not snapped to the pauses around the speech
    caption_style: str = "plain"  # a value of formats.ass_captions.CaptionStyle
    layout: str = ""  # a value of clip_graph.Layout but none; "": the best the recording allows
    tiles: str = ""  # "Alexey=left,Maria=right": whose tile is which, instead of finding it out
    jobs: int = 0  # clips encoded at once; 0: ENCODES_AT_ONCE
    title: bool = True  # the chapter's title burned in at the top (16:9: its first 4 s)

    def __post_init__(self) -> None:
        chosen = bool(self.clips) + self.all + (self.start_sec is not None or self.end_sec is not None)
        if chosen != 1:
            raise ClipperError("say what to cut", "give one of --clip N (or a name), --all, or --start and --end")
        if (self.start_sec is None) != (self.end_sec is None):
            raise ClipperError("--start and --end go together", "give both, in seconds or as m:ss")
        if self.aspect not in ASPECTS:
            raise ClipperError(f"unknown --aspect {self.aspect}", f"use one of {', '.join(ASPECTS)}")
        if self.layout not in LAYOUT_CHOICES:
            raise ClipperError(f"unknown --layout {self.layout}", f"use one of {', '.join(LAYOUT_CHOICES[1:])}")
        if self.tiles:
            parse_tiles(self.tiles)
        if self.caption_style not in ("plain", "active-word"):
            raise ClipperError(f"unknown --caption-style {self.caption_style}", "use plain or active-word")
        if self.jobs < 0:
            raise ClipperError(f"--jobs must be 0 or more, not {self.jobs}", "use 0 for the default")
        if self.max_seconds < 3:
            raise ClipperError(f"--max-seconds {self.max_seconds:g} is too short", "give at least 3 seconds")
        unknown = [p for p in self.platforms if p not in PLATFORMS]
        if unknown:
            raise ClipperError(f"unknown --platform {unknown[0]}", f"use one of {', '.join(PLATFORMS)}")


@dataclass(frozen=True)
class ClipResult:
    name: str
    title: str
    status: str  # "written", "unchanged" or "failed"
    start_sec: float = 0.0
    end_sec: float = 0.0
    files: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    error: str = ""


@dataclass(frozen=True)
class CutReport:
    source: str
    results: tuple[ClipResult, ...]

    @property
    def failures(self) -> tuple[ClipResult, ...]:
        return tuple(r for r in self.results if r.status == "failed")


def choose_spans(episode: Episode, options: CutOptions) -> list[ClipSpan]:
    """The spans to cut: the best highlight of each chosen clip or chapter, the whole of it, or --start/--end."""
    from .api import episode_chapters

    _, fitted = episode_chapters(episode)
    end = episode_end_sec(episode) or 0.0
    if options.start_sec is not None and options.end_sec is not None:
        return [custom_span(episode, fitted.chapters, options.start_sec, options.end_sec, end)]
    choices = clip_chapters(episode, fitted.chapters)
    if not choices and not episode.has_times:
        raise ChapterError("the transcript has no times, so no clip can be chosen from it", "use --start and --end, or import a transcript with times", episode.path)
    if not choices:
        raise ChapterError("the episode has no quotable clips or chapters to cut", "use --start and --end", episode.path)
    wanted = [str(n) for n in range(1, len(choices) + 1)] if options.all else list(options.clips)
    min_sec = min(MIN_HIGHLIGHT_SEC, options.max_seconds / 2)
    return [whole_chapter(episode, chapter, index, end) if options.whole else pick_highlight(episode, chapter, index, end, min_sec, options.max_seconds)
            for index, chapter in select_chapters(choices, wanted)]


def cut_clips(episode: Episode, options: CutOptions, on_event: Events = lambda message: None,
              meanwhile: Callable[[], object] = lambda: None) -> CutReport:
    """Cut every chosen clip; a failure in one is reported and the others still finish. `meanwhile`
    runs on a thread of its own while the clips are encoded (when any is): Python work, such as the
    review's notes, done while the clips' ffmpegs run; what it raises is left to its own result.

    The clips folder is locked for the run: a second run into it at the same time stops at once.
    """
    spans = choose_spans(episode, options)
    if options.tiles:  # a name nobody in the episode has: said once, before anything is cut
        from .summary import speaker_names

        resolve_tiles(parse_tiles(options.tiles), speaker_names(episode))
    folder = options.out_dir / episode.slug / "clips"
    with folder_lock(folder):
        return _cut_spans(episode, spans, folder, options, on_event, meanwhile)


def _cut_spans(episode: Episode, spans: list[ClipSpan], folder: Path, options: CutOptions, on_event: Events,
               meanwhile: Callable[[], object]) -> CutReport:
    from .templating import make_environment

    jobs = list(zip(spans, clip_names(spans, options)))
    environment = make_environment(options.templates_dir)
    stamps = {name: _stamp(episode, span, options) for span, name in jobs}
    todo = [(span, name) for span, name in jobs
            if options.force or not clip_is_done(folder, name, _files(name, options), stamps[name])]
    results = [ClipResult(name, span.title, "unchanged", span.start_sec, span.end_sec,
                          tuple(str(folder / f) for f in _files(name, options)))
               for span, name in jobs if (span, name) not in todo]
    if not todo:
        return CutReport("nothing to cut: every clip is up to date", tuple(results))
    in_turn = _sources_in_turn(episode, options, [(s.start_sec, s.end_sec) for s, _ in todo], folder, on_event)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="clipper-meanwhile") as side:
        side.submit(meanwhile)
        made, description = _encode_as_fetched(episode, todo, in_turn, folder, options, stamps, environment, on_event)
    order = {name: i for i, (_, name) in enumerate(jobs)}
    return CutReport(description, tuple(sorted(results + made, key=lambda r: order[r.name])))


# --- fetching and encoding at once (helper "parallel") ----------------------------------------
def _encode_as_fetched(episode: Episode, todo: list[tuple[ClipSpan, str]], in_turn: Iterator[Sources], folder: Path,
                       options: CutOptions, stamps: dict[str, str], environment,  # noqa: ANN001
                       on_event: Events) -> tuple[list[ClipResult], str]:
    """Encode each clip as soon as its range is fetched, `encodes_at_once(options)` at a time, while
    this thread fetches the next range. The encodes are threads: the work is in their ffmpeg
    children, and their progress comes here as it happens.

    On Ctrl-C (or SIGTERM) the running encodes stop at their next progress line, ffmpeg killed and
    their temporary files removed; the clips not begun are not begun.
    """

    stopping, said = threading.Event(), threading.Lock()

    def event(message: str) -> None:  # from every thread: one line at a time; raises in an encode when stopping
        if stopping.is_set() and threading.current_thread() is not threading.main_thread():
            raise KeyboardInterrupt
        with said:
            on_event(message)

    def run(number: int, job: ClipJob) -> ClipResult:
        event(f"clip {number}/{len(todo)}: {job.name} ({job.span.duration_sec:.1f} s)")
        return run_clip_job(job, environment, event)

    waiting, futures = list(enumerate(todo, start=1)), {}
    pool = ThreadPoolExecutor(max_workers=encodes_at_once(options), thread_name_prefix="clipper-encode")
    try:
        for sources in in_turn:
            for number, (span, name) in [w for w in waiting if sources.holds(w[1][0].start_sec, w[1][0].end_sec)]:
                futures[number] = pool.submit(run, number, ClipJob(episode, span, name, folder, sources, options, stamps[name]))
            waiting = [w for w in waiting if w[0] not in futures]
        for number, (span, name) in waiting:  # what no range holds: each clip says why
            futures[number] = pool.submit(run, number, ClipJob(episode, span, name, folder, sources, options, stamps[name]))
        made = [futures[number].result() for number in sorted(futures)]
    except BaseException:
        stopping.set()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown()
    return made, sources.description


def encodes_at_once(options: CutOptions) -> int:
    """--jobs, else ENCODES_AT_ONCE."""
    return options.jobs or ENCODES_AT_ONCE
# --- end of fetching and encoding at once -------------------------------------------------


def clip_names(spans: list[ClipSpan], options: CutOptions) -> list[str]:
    """A file name for each span: its number (or its times, for --start/--end), its title, and the
    shape when it is not the default 9:16 blur, so that no two kinds of clip overwrite each other.
    """
    taken: set[str] = set()
    variant = _variant(options)
    custom = options.start_sec is not None
    return [clip_name(f"at-{format_name_clock(span.start_sec)}-{format_name_clock(span.end_sec)}" if custom else span.index,
                      span.title, taken, variant) for span in spans]


def _variant(options: CutOptions) -> str:
    shape = {"9:16": "", "1:1": "-1x1", "16:9": "-16x9"}[options.aspect]
    if options.audio_only:
        return "-audio" + shape
    return shape + (f"-{options.layout}" if options.layout not in ("", "blur") and ASPECTS[options.aspect] else "")


def _sources_in_turn(episode: Episode, options: CutOptions, spans: list[tuple[float, float]], folder: Path,
                     on_event: Events) -> Iterator[Sources]:
    """The sources to cut from, growing as each range is fetched (a local file: at once)."""
    source = options.source or episode.youtube_url
    if not source:
        raise ClipperError("the episode has no YouTube link to fetch the video from", "pass --source URL or --source FILE", episode.path)
    if not is_url(source):
        local = local_source(Path(source))
        on_event(local.description)
        return iter([local])

    def progress(done: int, total: int | None) -> None:
        on_event(f"downloading {total / 1e6:.1f} MB: {min(done / total, 1.0):.0%}" if total else f"downloading: {done / 1e6:.1f} MB so far")

    return fetched_in_turn(source, spans, episode.duration_sec or episode_end_sec(episode), folder / ".source", progress, on_event)


def _files(name: str, options: CutOptions) -> list[str]:
    media = [f"{name}.m4a", f"{name}.audiogram.mp4"] if options.audio_only else [f"{name}.mp4"]
    return media + [f"{name}.srt", f"{name}.txt", f"{name}.json"]


def _stamp(episode: Episode, span: ClipSpan, options: CutOptions) -> str:
    """What a clip was made from: if any of it changes, the clip is made again."""
    settings = {k: v for k, v in asdict(options).items() if k in ("aspect", "captions", "audio_only", "source", "platforms", "exact",
                                                                   "caption_style", "layout", "tiles")}
    if not options.title:  # said only when off: the clips made before the option keep their stamps
        settings["title"] = False
    templates = options.templates_dir or default_templates_dir()
    picture = card_picture(episode, options.people_dir) if options.audio_only else None
    made_of = json.dumps([__version__, settings, span.start_sec, span.end_sec, span.title, [line.text for line in span.lines]],
                         default=str)
    digest = fingerprint(sorted(templates.glob("*.j2")) + ([picture] if picture else []), made_of)
    return hashlib.sha256(digest.encode()).hexdigest()


@dataclass(frozen=True)
class ClipJob:
    """One clip to make, as one plain value: what a worker (this process today, a pool's or a
    cluster's later: docs/scale.md) needs besides the templates. `stamp` marks it done."""

    episode: Episode
    span: ClipSpan
    name: str
    folder: Path
    sources: Sources
    options: CutOptions
    stamp: str


def run_clip_job(job: ClipJob, environment, on_event: Events = lambda message: None) -> ClipResult:  # noqa: ANN001
    """Make one clip's files: listen to it, snap its ends, encode, check, write its texts, stamp it."""
    span = job.span
    try:
        with tempfile.TemporaryDirectory(prefix="clipper-heard-") as heard_dir:
            return _run_clip_job(job, environment, on_event, Path(heard_dir) / "sound.wav")
    except ClipperError as exc:
        return ClipResult(job.name, span.title, "failed", span.start_sec, span.end_sec, error=exc.message)


def _run_clip_job(job: ClipJob, environment, on_event: Events, decoded: Path) -> ClipResult:  # noqa: ANN001
    """run_clip_job; the listening pass keeps the sound it decoded in `decoded`, for the sound's own passes."""
    episode, span, options = job.episode, job.span, job.options
    source, offset = job.sources.locate(span.start_sec, span.end_sec)
    info = read_media_info(source.path)
    glance = _early_glance(str(source.path), offset, span, options, info)
    listed = None
    if info.has_audio:
        listing = _listing_beside(options, info, decoded.parent)
        speech, loudness, listed = _heard(str(source.path), offset, span, decoded, listing)
    else:
        speech, loudness = None, None
    if speech and not options.exact:
        span = snap_to_speech(span, speech.voiced, speech.levels)
        source, offset = job.sources.locate(span.start_sec, span.end_sec)
    cut = ClipCut(str(source.path), offset, span.duration_sec, "", has_audio=info.has_audio, loudness=loudness)
    if speech and speech.start_sec <= span.start_sec:  # the clip's sound inside what was heard (snapping
        # reaches less than the margins, but a clip at the very start of its file may reach before them)
        cut = replace(cut, sound=str(decoded), sound_offset_sec=round(span.start_sec - speech.start_sec, 3))
    heard = heard_words(episode, span, episode_end_sec(episode) or span.end_sec, speech)
    cut = levelled_sound(span, speech, heard, cut)
    cues = cues_of(heard, span)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="clipper-texts") as side:
        # Python work (the post's template, its ranking) beside the media's ffmpegs; written after them
        texts = side.submit(clip_texts, episode, span, job.name, cues, _files(job.name, options)[0], environment)
        media, made = _make_media(episode, span, job.name, job.folder, cut, cues, options, environment, info, on_event,
                                  listed, glance)
    remember_media_info(media[-1], made)  # as checked: the review page reads it without ffmpeg
    for file_name, text in texts.result().items():
        write_atomic(job.folder / file_name, text)
    warnings = _platform_warnings(media[-1], made, span.duration_sec, options)
    mark_clip_done(job.folder, job.name, job.stamp)
    files = tuple(str(job.folder / f) for f in _files(job.name, options))
    return ClipResult(job.name, span.title, "written", span.start_sec, span.end_sec, files, tuple(warnings))


# --- captions timed to the voice (helper "captions"): the speech heard around the clip ---------
SPEECH_CONTEXT_SEC = 3.0  # heard on each side of the clip, so a line that begins outside it is placed right


def speech_heard(source: str, offset_sec: float, span: ClipSpan, decoded: Path | None = None) -> tuple[Speech, Loudness | None]:
    """The voiced stretches of the source around the clip (`offset_sec` in the source is the span's
    start), and the loudness of the clip itself, heard in one pass; the sound heard (from the
    returned Speech's start to its end) kept in the WAV `decoded`, when given.
    """
    speech, loudness, _ = _heard(source, offset_sec, span, decoded, None)
    return speech, loudness


def _heard(source: str, offset_sec: float, span: ClipSpan, decoded: Path | None,
           listing: tuple[Path, Path] | None) -> tuple[Speech, Loudness | None, smart_cut.Listed | None]:
    """speech_heard, the same pass listing the video's packets into `listing` (packets, parameter
    sets) when given: a smart cut then needs no pass of its own to list them."""
    before = min(SPEECH_CONTEXT_SEC, offset_sec)
    seek = f"{offset_sec - before:.3f}"
    also = tuple(smart_cut.listing_outputs(*listing)) if listing else ()
    voiced, levels, loudness, said = listen(source, float(seek), span.duration_sec + before + SPEECH_CONTEXT_SEC,
                                            LOUDNESS_SCAN, before, span.duration_sec, decoded, also)
    origin = span.start_sec - before
    speech = Speech(origin, span.end_sec + SPEECH_CONTEXT_SEC, tuple((origin + start, origin + end) for start, end in voiced),
                    tuple((origin + time, level) for time, level in levels))
    return speech, loudness, smart_cut.Listed(source, *listing, seek, said) if listing else None


def _listing_beside(options: CutOptions, info: MediaInfo, folder: Path) -> tuple[Path, Path] | None:
    """Where the listening pass lists the video's packets, when the clip may be smart-cut (16:9 of
    an H.264 source: the rest is known later); None when it cannot be."""
    if options.audio_only or ASPECTS[options.aspect] or info.video_codec != "h264":
        return None
    return folder / "packets.txt", folder / "source.h264"
# --- end of captions timed to the voice -----------------------------------------------------


# --- broadcast sound (helper "sound"): speakers levelled, the limiter's gain probed ------------
def levelled_sound(span: ClipSpan, speech: Speech | None, heard: HeardWords, cut: ClipCut) -> ClipCut:
    """`cut` with each quieter speaker raised to the loudest (who says what from the words as heard)."""
    if not cut.loudness:
        return cut
    gains = (speaker_gains(speech.levels, speech.voiced, speaker_of_stretches(speech.voiced, spoken_turns(heard)),
                           (span.start_sec, span.end_sec)) if speech else ())
    return replace(cut, loudness=replace(cut.loudness, stretch_gains=gains))


def limited_sound(levelled: ClipCut) -> ClipCut:
    """`levelled` with the overall gain that reaches the target through the limiter: one more
    audio-only pass tries two gains (sound.limited_gain) when a peak would pass the limit. Run just
    before the sound is encoded (a smart cut's, beside the encoding of its head)."""
    if not levelled.loudness or not needs_limiter(levelled.loudness, LOUDNESS_LUFS, TRUE_PEAK_DBTP):
        return levelled
    tried = probe_gains(levelled.loudness.integrated_lufs, LOUDNESS_LUFS)
    reached = parse_loudness_summaries(run_ffmpeg(loudness_probe_args(levelled, tried), what="trying the clip's loudness"))
    if len(reached) != len(tried):
        return levelled
    return replace(levelled, loudness=replace(levelled.loudness, gain_db=limited_gain(tried, reached, LOUDNESS_LUFS)))


# --- end of broadcast sound -------------------------------------------------------------------


def _make_media(episode: Episode, span: ClipSpan, name: str, folder: Path, cut: ClipCut, cues, options: CutOptions,
                environment, info: MediaInfo, on_event: Events,  # noqa: ANN001
                listed: smart_cut.Listed | None = None, glance: Future | None = None) -> tuple[list[Path], MediaInfo]:
    """Encode the clip's media; each file is checked (streams, length) before it takes its name.
    `glance`: the keyframes already being read for the layout (_early_glance), if they are."""
    if options.audio_only:
        return _make_audio(episode, span, name, folder, cut, cues, options, environment, info, on_event)
    from .formats import ass_captions

    if not info.has_video:
        raise ClipperError("the source has no video", "use --audio-only, or give a video with --source", cut.source)
    size = fit_within_limits(output_size(options.aspect, info.width, info.height), options.platforms)
    framing = clip_framing(episode, span, cut, size, options, info, on_event, glance)
    layout = ass_captions.layout_for(*size, picture_bottom=picture_bottom(framing))
    title = screen_title(span) if options.title else ""
    style, target = ass_captions.CaptionStyle(options.caption_style), folder / f"{name}.mp4"
    if framing.fit is Layout.NONE and not smart_cut.why_not(info, size, options.captions and bool(cues)):
        head_text = (ass_captions.render((), layout, cut.duration_sec, environment, title=title, style=style)
                     if title else None)
        made = _smart_cut(cut, head_text, layout.title_seconds if title else 0.0, target, name, info, listed)
        if made:
            return [target], made
    text = ass_captions.render(cues if options.captions else (), layout, cut.duration_sec, environment, title=title,
                               style=style)
    with _captions_file(text) as (ass, fonts), atomic_path(target) as temporary, ThreadPoolExecutor(max_workers=1) as pool:
        sound = pool.submit(limited_sound, cut)  # the limiter's probe on the other core, beside the drawing
        layer = ass.with_name("text.mov")
        boxes = _drawn_text_boxes(text, ass, fonts, size, cut.duration_sec, layer, name)  # none: nothing to overlay
        job = replace(sound.result(), output=str(temporary))
        run_ffmpeg(video_args(job, framing, ass if boxes else None, fonts, layer if boxes else None, boxes), what=f"cutting {name}",
                   duration_sec=cut.duration_sec, on_progress=_encoding_progress(name, on_event))
        made = verify_media(temporary, cut.duration_sec, True, True, name)
    return [target], made


def _drawn_text_boxes(text: str, ass: Path, fonts: Path, size: tuple[int, int], duration_sec: float, layer: Path,
                      name: str) -> tuple:
    """The clip's title and captions drawn once per change into `layer`; the boxes they fill (none,
    and no drawing pass, when the captions file has nothing to show)."""
    from .formats import ass_captions

    if "\nDialogue:" not in text:
        return ()
    said = run_ffmpeg(text_layer_args(ass, fonts, size, ass_captions.change_times_sec(text, duration_sec),
                                      str(layer), chosen_ffmpeg().frame_timing_option), what=f"drawing the captions of {name}")
    return text_boxes_of(said, size[1])


# --- smart cut (helper "smartcut"): 16:9 without captions, the head encoded, the rest copied ---
def _smart_cut(cut: ClipCut, text: str | None, title_sec: float, target: Path, name: str,
               info: MediaInfo, listed: smart_cut.Listed | None = None) -> MediaInfo | None:
    """The clip smart-cut (clipper.smart_cut), checked; None when the source offers no clean cut there.
    `text` (the title) is burned into the head, which reaches past `title_sec`; None (with 0 s):
    nothing burned, the head no longer than the frames before the first keyframe. `listed`: the
    packets as the listening pass listed them, when it did."""
    fps = smart_cut.frame_rate(info.fps)
    seek = f"{cut.offset_sec:.3f}"  # as video_args seeks: the same first frame
    with tempfile.TemporaryDirectory(prefix="clipper-smart-") as folder, ThreadPoolExecutor(max_workers=1) as pool:
        work = Path(folder)
        listing, source_sets, said = _source_packets(cut, seek, listed, work, name)
        plan = smart_cut.plan_smart_cut(listing, cut.duration_sec, fps, title_sec)
        # The parts are MP4 files of one time base (1/N s), joined stream by stream in order.
        problem = smart_cut.source_problem(said)
        if plan is None or not source_sets or plan.time_base.numerator != 1 or problem:
            log.debug("%s: no clean smart cut (%s); encoding the whole clip", name, problem or "no keyframe to copy from")
            return None
        audio = work / "audio.m4a"
        # The sound (its limiter's probe, its encode) is made on the other core meanwhile: it takes
        # about as long as the head. (The pool's thread outlives its ffmpegs, whose death signal
        # follows the thread that started them.) Parameter sets found unfit below waste it: rare.
        sound = pool.submit(_encoded_sound, cut, audio, name)
        with _captions_file(text or "") as (ass, fonts):
            parts = _encoded_parts(cut, seek, plan, source_sets, info, work, ass if text else None, fonts, name)
        sound.result()
        if parts is None:
            log.debug("%s: the end's parameter sets differ from the start's; encoding the whole clip", name)
            return None
        concat = work / "parts.ffconcat"
        start = smart_cut.source_start(said) + float(seek)
        concat.write_text(smart_cut.concat_listing(plan, parts[0], cut.source, start, parts[1], fps), encoding="utf-8")
        with atomic_path(target) as temporary:
            run_ffmpeg(smart_cut.join_args(concat, audio, plan, str(temporary), colour_tags=True), what=f"joining {name}")
            return verify_media(temporary, cut.duration_sec, True, True, name)


def _source_packets(cut: ClipCut, seek: str, listed: smart_cut.Listed | None, work: Path,
                    name: str) -> tuple[smart_cut.Listing, bytes, str]:
    """The source's video packets counted from `seek`, its parameter sets and what ffmpeg said of it:
    as the listening pass listed them (when it did, from this file, far enough), else listed now."""
    listing = (smart_cut.listing_from(listed, seek, cut.duration_sec)
               if listed and listed.source == cut.source and listed.packets.is_file() else None)
    if listing and listed:
        return listing, smart_cut.leading_parameter_sets(listed.parameter_sets.read_bytes()), listed.said
    packets, parameter_sets = work / "packets.txt", work / "source.h264"
    said = run_ffmpeg(smart_cut.listing_args(cut.source, seek, cut.duration_sec, packets, parameter_sets),
                      what=f"reading the keyframes of {name}")
    listing = smart_cut.parse_listing(packets.read_text(encoding="utf-8"))
    return listing, smart_cut.leading_parameter_sets(parameter_sets.read_bytes()), said


def _encoded_sound(cut: ClipCut, audio: Path, name: str) -> None:
    run_ffmpeg(audio_args(replace(limited_sound(cut), output=str(audio))), what=f"cutting the audio of {name}")


def _encoded_parts(cut: ClipCut, seek: str, plan: smart_cut.SmartCutPlan, source_sets: bytes, info: MediaInfo, work: Path,
                   ass: Path | None, fonts: Path, name: str) -> tuple[Path, Path | None] | None:
    """The head (and tail) encoded and wrapped as MP4, the head carrying the source's parameter sets
    before its own; None when the tail's parameter sets would differ from the head's."""
    profile = smart_cut.H264_PROFILES[info.video_profile]
    own_id = min(set(range(32)) - smart_cut.parameter_set_ids(source_sets))
    raw = work / "head.h264"
    fps = smart_cut.frame_rate(info.fps)
    run_ffmpeg(smart_cut.encode_args(cut.source, seek, plan.head_frames, raw, profile, own_id, ass, fonts),
               what=f"encoding the start of {name}")
    head_sets = smart_cut.leading_parameter_sets(raw.read_bytes())
    raw.write_bytes(source_sets + raw.read_bytes())
    run_ffmpeg(smart_cut.wrap_args(raw, fps, plan.time_base, work / "head.mp4"), what=f"wrapping the start of {name}")
    if not plan.tail_frames:
        return work / "head.mp4", None
    tail_at = float(seek) + float((plan.tail_ticks - Fraction(plan.frame_ticks, 2)) * plan.time_base)
    raw = work / "tail.h264"
    run_ffmpeg(smart_cut.encode_args(cut.source, f"{tail_at:.6f}", plan.tail_frames, raw, profile, own_id, None, fonts),
               what=f"encoding the end of {name}")
    if smart_cut.leading_parameter_sets(raw.read_bytes()) != head_sets:
        return None
    run_ffmpeg(smart_cut.wrap_args(raw, fps, plan.time_base, work / "tail.mp4"), what=f"wrapping the end of {name}")
    return work / "head.mp4", work / "tail.mp4"
# --- end of smart cut ---------------------------------------------------------------------------


# --- layouts (helper "layouts"): split and speaker, and the default that picks one ------------
def clip_framing(episode: Episode, span: ClipSpan, cut: ClipCut, size: tuple[int, int], options: CutOptions,
                 info: MediaInfo, on_event: Events, glance: Future | None = None) -> Framing:
    """How the clip's frame is filled: as asked, else the best the recording allows (9:16: two
    people's tiles found, and whose is which → speaker; two tiles but no clear answer → split; else
    blur; --tiles alone → speaker). 1:1 keeps blur unless asked, 16:9 the source's frame."""
    source_size = (info.width, info.height)
    asked = options.layout
    if not ASPECTS[options.aspect]:
        return Framing(size, source_size, Layout.NONE)
    if asked in ("blur", "crop") or (not asked and options.aspect != "9:16"):
        return Framing(size, source_size, Layout(asked or "blur"))
    turns = clip_turns(episode, span)
    found, frames = _look_for_tiles(cut, info, _needs_every_frame(options), glance)
    tiles = found or (Tiles((0.0, 0.5), (0.5, 1.0)) if asked or options.tiles else None)
    sides = _sides(episode, frames, tiles, turns, options)
    layout = _chosen_layout(asked or ("speaker" if options.tiles else ""), found, sides)
    on_event(f"layout: {layout.value} ({_said(found, sides, options)})")
    if layout in (Layout.BLUR, Layout.CROP):
        return Framing(size, source_size, layout)
    shots = speaker_shots(turns, sides, cut.duration_sec) if sides else ()
    if layout is Layout.SPEAKER and sides:
        on_event(f"layout: {len(shots)} shot(s), cut at " + ", ".join(f"{shot.start_sec:.1f} s" for shot in shots[1:]) if shots[1:]
                 else "layout: one shot")
    return Framing(size, source_size, layout, tiles, shots)


TILE_FPS = 4  # frames a second looked at to find the tiles and who moves
TILE_WIDTH = 160
MIN_KEYFRAMES = 3  # fewer keyframes in the clip than this tell nothing: every frame is looked at


def _look_for_tiles(cut: ClipCut, info: MediaInfo, whole: bool,
                    early: Future | None = None) -> tuple[Tiles | None, GrayFrames | None]:
    """The tiles, looked for in the clip's keyframes first (a glance: a one-person recording costs
    next to nothing more; `early`: that glance, begun before), then in every frame, at TILE_FPS, when
    they show a seam (or there are too few, or the frames are needed anyway: `whole`); those frames
    come back too, for who moves when."""
    size = _analysis_size(info)
    if not whole:
        glance = early.result() if early else read_gray_frames(cut.source, cut.offset_sec, cut.duration_sec, size, None)
        if len(glance.frames) >= MIN_KEYFRAMES and not find_tiles(glance):
            return None, None
    frames = read_gray_frames(cut.source, cut.offset_sec, cut.duration_sec, size, TILE_FPS)
    return find_tiles(frames), frames


def _needs_every_frame(options: CutOptions) -> bool:
    """--layout speaker without --tiles: who moves when is read from every frame, no glance first."""
    return options.layout == "speaker" and not options.tiles


def _early_glance(source: str, offset_sec: float, span: ClipSpan, options: CutOptions, info: MediaInfo) -> Future | None:
    """The glance at the span's keyframes (_look_for_tiles) begun now, beside the listening pass,
    when clip_framing will want it: the span as chosen, before its ends are snapped to the pauses
    (a fraction of a second; the keyframes it holds show the same recording). Else None."""
    asked = options.layout
    wanted = (not options.audio_only and info.has_video and bool(ASPECTS[options.aspect]) and asked not in ("blur", "crop")
              and (asked or options.aspect == "9:16") and not _needs_every_frame(options))
    if not wanted:
        return None
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="clipper-glance")
    glance = pool.submit(read_gray_frames, source, offset_sec, span.duration_sec, _analysis_size(info), None)
    pool.shutdown(wait=False)  # its thread ends with the glance: nothing else waits for it
    return glance


def _analysis_size(info: MediaInfo) -> tuple[int, int]:
    return TILE_WIDTH, max(2, round(TILE_WIDTH * info.height / max(info.width, 1) / 2) * 2)


def clip_turns(episode: Episode, span: ClipSpan) -> list[Turn]:
    """Who speaks when inside the clip (seconds from its start), by the transcript's lines."""
    from .clips import line_spans

    lines = line_spans(episode, episode_end_sec(episode) or span.end_sec)
    return [Turn(line.who, max(start, span.start_sec) - span.start_sec, min(end, span.end_sec) - span.start_sec)
            for line, start, end in lines if line.who and end > span.start_sec and start < span.end_sec]


def _sides(episode: Episode, frames: GrayFrames | None, tiles: Tiles | None, turns: list[Turn],
           options: CutOptions) -> Sides | None:
    from .summary import speaker_names

    if options.tiles:
        return resolve_tiles(parse_tiles(options.tiles), speaker_names(episode))
    return assign_sides(tile_motion(frames, tiles), turns) if tiles and frames else None


def _chosen_layout(asked: str, found: Tiles | None, sides: Sides | None) -> Layout:
    if asked:
        return Layout(asked)
    if found and sides and sides.clear:
        return Layout.SPEAKER
    return Layout.SPLIT if found else Layout.BLUR


def _said(found: Tiles | None, sides: Sides | None, options: CutOptions) -> str:
    """What was found, in words: "two tiles found: Alexey left, Maria right"."""
    where = "two tiles found" if found else "no two tiles found" + (": the halves taken" if options.tiles or options.layout else "")
    if not sides:
        return where
    who = ", ".join(f"{name} {side.value}" for name, side in sides.of)
    how = "as --tiles says" if options.tiles else ("" if sides.clear else "not clear from the picture")
    return f"{where}: {who}" + (f" ({how})" if how else "")
# --- end of layouts -------------------------------------------------------------------------


def _make_audio(episode: Episode, span: ClipSpan, name: str, folder: Path, cut: ClipCut, cues, options: CutOptions,
                environment, info: MediaInfo, on_event: Events) -> tuple[list[Path], MediaInfo]:  # noqa: ANN001
    if not info.has_audio:
        raise ClipperError("the source has no sound", "give a recording with sound with --source", cut.source)
    audio, video = folder / f"{name}.m4a", folder / f"{name}.audiogram.mp4"
    size, titles, captions = audiogram_captions(episode, span, cues, cut.duration_sec, options, environment)
    with _captions_file(captions) as (ass, fonts), ThreadPoolExecutor(max_workers=1) as pool:
        layer = ass.with_name("text.mov")  # the captions drawn once per change, beside the sound's encode
        boxes = pool.submit(_drawn_text_boxes, captions, ass, fonts, size, cut.duration_sec, layer, name)
        with atomic_path(audio) as temporary:
            run_ffmpeg(audio_args(replace(limited_sound(cut), output=str(temporary))),
                       what=f"cutting the audio of {name}")
            verify_media(temporary, cut.duration_sec, False, True, f"the audio of {name}")
        picture = card_picture(episode, options.people_dir, on_event)
        layout = audiogram_layout(size, with_picture=picture is not None)
        with atomic_path(video) as temporary:
            card, titles_file = ass.with_name("card.png"), ass.with_name("titles.ass")
            titles_file.write_text(titles, encoding="utf-8")
            run_ffmpeg(audiogram_card_args(str(audio), str(card), layout, titles_file, fonts, str(picture or "")),
                       what=f"drawing the audiogram card of {name}")
            drawn = boxes.result()  # none: no captions to overlay
            run_ffmpeg(audiogram_args(str(audio), cut.duration_sec, str(temporary), layout, str(card), None, fonts,
                                      layer if drawn else None, drawn),
                       what=f"making the audiogram of {name}", duration_sec=cut.duration_sec,
                       on_progress=_encoding_progress(name, on_event))
            made = verify_media(temporary, cut.duration_sec, True, True, f"the audiogram of {name}")
    return [audio, video], made


def _encoding_progress(name: str, on_event: Events) -> Callable[[float], None]:
    def progress(fraction: float) -> None:
        on_event(f"  encoding {name}: {fraction:.0%}")
    return progress


def audiogram_captions(episode: Episode, span: ClipSpan, cues, duration_sec: float, options: CutOptions,  # noqa: ANN001
                       environment) -> tuple[tuple[int, int], str, str]:  # noqa: ANN001 - jinja2.Environment
    """The audiogram's size and two ASS texts: its card's titles (the episode's, the chapter's and who
    speaks, drawn once) and its captions."""
    from .formats import ass_captions
    from .templating import render as render_template

    size = fit_within_limits(output_size(options.aspect, *AUDIOGRAM_16_9), options.platforms)
    layout = ass_captions.layout_for(*size)
    titles = render_template(environment, AUDIOGRAM_CARD_TEMPLATE, title=episode.short or episode.title,
                             subtitle=span.title, speaker=main_speaker(episode, span), font=ass_captions.FONT_NAME,
                             **layout.__dict__)
    captions = ass_captions.render(cues if options.captions else (), layout, duration_sec, environment)
    return size, titles, captions


# --- the audiogram card's picture (helper "parallel") -------------------------------------
def card_picture(episode: Episode, people_dir: Path | None, on_event: Events = lambda message: None) -> Path | None:
    """The picture on the audiogram's card: the episode's `image`, else the first guest's `picture`,
    each a file of the site checkout (never downloaded); None, and one line said, when neither is there."""
    from .episode_file import default_people_dir

    people = people_dir if people_dir is not None else default_people_dir(Path(episode.path))
    wanted = [(Path(episode.path).resolve().parent.parent, episode.image)]
    wanted += [(people.resolve().parent, guest.picture) for guest in episode.guests if people and guest.picture]
    for root, site_path in wanted:
        if site_path and (found := site_file(root, site_path)):
            return found
    named = [site_path for _, site_path in wanted if site_path]
    if named:
        on_event(f"no picture for the audiogram card: {named[0]} is not in the site checkout; the card has none")
    return None


def site_file(root: Path, site_path: str) -> Path | None:
    """`site_path` (images/x.jpg or /images/x.jpg) as a file inside the site checkout `root`, when it is one."""
    path = (root / site_path.lstrip("/")).resolve()
    return path if path.is_relative_to(root.resolve()) and path.is_file() else None
# --- end of the audiogram card's picture ------------------------------------------------------


def main_speaker(episode: Episode, span: ClipSpan) -> str:
    """Who says the most words inside the span (a line counts for its part inside), by full name where
    the guest is known; "" when nobody is named."""
    from .clips import line_spans
    from .summary import speaker_names

    words: dict[str, float] = {}
    for line, start, end in line_spans(episode, episode_end_sec(episode) or span.end_sec):
        inside = min(end, span.end_sec) - max(start, span.start_sec)
        if line.who and inside > 0 and end > start:
            words[line.who] = words.get(line.who, 0.0) + len(line.text.split()) * inside / (end - start)
    return speaker_names(episode).get(max(words, key=words.get), "") if words else ""


@contextmanager
def _captions_file(text: str) -> Iterator[tuple[Path, Path]]:
    """The clip's ASS captions and the fonts folder, for ffmpeg to burn in; gone once the clip is made.

    They sit in a fresh temporary folder with plain names, since a filter's arguments cannot
    carry every character a user's folder may have (`'`, `:`, `=`, `\\`).
    """
    with tempfile.TemporaryDirectory(prefix="clipper-") as work:
        ass, fonts = Path(work) / "captions.ass", Path(work) / "fonts"
        ass.write_text(text, encoding="utf-8")
        fonts.symlink_to(FONTS_DIR, target_is_directory=True)
        yield ass, fonts


def clip_texts(episode: Episode, span: ClipSpan, name: str, cues, media_name: str,  # noqa: ANN001
               environment) -> dict[str, str]:  # noqa: ANN001
    """The texts beside the clip `media_name`, by file name: its captions, its post and its facts."""
    from .formats import clip_facts, srt

    post = post_text_of(episode, span, media_name, environment)
    return {f"{name}.srt": srt.render(cues), f"{name}.txt": post,
            f"{name}.json": clip_facts.render(span, media_name, post)}


def post_text_of(episode: Episode, span: ClipSpan, media_name: str, environment) -> str:  # noqa: ANN001
    """The text to post beside the clip `media_name` (within every platform's limit), and nothing else:
    why the highlight was chosen goes into the clip's JSON (formats/clip_facts.py)."""
    from .formats import post_text
    from .posts import clip_post

    return post_text.render(episode, span, clip_post(episode, span), environment)


def _platform_warnings(video: Path, info: MediaInfo, duration_sec: float, options: CutOptions) -> list[str]:
    if options.platforms:  # the platforms named: every limit, shape and pixels included
        return [f"{video.name}: {problem}" for platform in options.platforms
                for problem in platform_problems(platform, duration_sec, video.stat().st_size, info.width, info.height)]
    return [f"{video.name}: {problem}" for platform in PLATFORMS
            for problem in platform_problems(platform, duration_sec, video.stat().st_size)]

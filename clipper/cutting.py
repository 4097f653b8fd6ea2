"""`clipper cut`, step by step: choose spans, get the video, cut each clip, write its files."""
from __future__ import annotations

import hashlib
import json
import logging
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from fractions import Fraction
from pathlib import Path

from . import __version__, smart_cut
from .chapters import episode_end_sec
from .clip_graph import (
    AUDIOGRAM_16_9, ASPECTS, LOUDNESS_SCAN, ClipCut, Fit, Framing, audio_args, audiogram_args, audiogram_card_args,
    audiogram_layout, output_size, picture_bottom, video_args,
)
from .clips import (
    MAX_HIGHLIGHT_SEC, MIN_HIGHLIGHT_SEC, caption_cues, clip_chapters, clip_name, custom_span, pick_highlight,
    screen_title, select_chapters, snap_to_speech, whole_chapter,
)
from .errors import ChapterError, ClipperError
from .caption_timing import Speech
from .ffmpeg import (
    Loudness, MediaInfo, detect_speech_and_loudness, read_media_info, run_ffmpeg, verify_media,
)
from .model import ClipSpan, Episode
from .outputs import atomic_path, clip_is_done, default_templates_dir, fingerprint, folder_lock, mark_clip_done, write_atomic
from .platforms import PLATFORMS, fit_within_limits, platform_problems
from .sources import Sources, fetched_source, is_url, local_source
from .timecode import format_name_clock

FONTS_DIR = Path(__file__).parent / "fonts"
AUDIOGRAM_CARD_TEMPLATE = "audiogram_card.ass.j2"
Events = Callable[[str], None]
log = logging.getLogger("clipper")


@dataclass(frozen=True)
class CutOptions:
    episode: str
    clips: tuple[str, ...] = ()
    all: bool = False
    start_sec: float | None = None
    end_sec: float | None = None
    source: str = ""
    aspect: str = "9:16"
    fit: str = "blur"
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

    def __post_init__(self) -> None:
        chosen = bool(self.clips) + self.all + (self.start_sec is not None or self.end_sec is not None)
        if chosen != 1:
            raise ClipperError("say what to cut", "give one of --clip N (or a name), --all, or --start and --end")
        if (self.start_sec is None) != (self.end_sec is None):
            raise ClipperError("--start and --end go together", "give both, in seconds or as m:ss")
        if self.aspect not in ASPECTS:
            raise ClipperError(f"unknown --aspect {self.aspect}", f"use one of {', '.join(ASPECTS)}")
        if self.fit not in ("blur", "crop"):
            raise ClipperError(f"unknown --fit {self.fit}", "use blur or crop")
        if self.caption_style not in ("plain", "active-word"):
            raise ClipperError(f"unknown --caption-style {self.caption_style}", "use plain or active-word")
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


def cut_clips(episode: Episode, options: CutOptions, on_event: Events = lambda message: None) -> CutReport:
    """Cut every chosen clip; a failure in one is reported and the others still finish.

    The clips folder is locked for the run: a second run into it at the same time stops at once.
    """
    spans = choose_spans(episode, options)
    folder = options.out_dir / episode.slug / "clips"
    with folder_lock(folder):
        return _cut_spans(episode, spans, folder, options, on_event)


def _cut_spans(episode: Episode, spans: list[ClipSpan], folder: Path, options: CutOptions, on_event: Events) -> CutReport:
    from .templating import make_environment

    jobs = list(zip(spans, clip_names(spans, options)))
    environment = make_environment(options.templates_dir)
    stamps = {name: _stamp(episode, span, options) for span, name in jobs}
    todo = [(span, name) for span, name in jobs
            if options.force or not clip_is_done(folder, name, _files(name, options), stamps[name])]
    results = [ClipResult(name, span.title, "unchanged", span.start_sec, span.end_sec,
                          tuple(str(folder / f) for f in _files(name, options)))
               for span, name in jobs if (span, name) not in todo]
    sources = _sources(episode, options, [(s.start_sec, s.end_sec) for s, _ in todo], folder, on_event) if todo else None
    for number, (span, name) in enumerate(todo, start=1):
        on_event(f"clip {number}/{len(todo)}: {name} ({span.duration_sec:.1f} s)")
        assert sources is not None
        job = ClipJob(episode, span, name, folder, sources, options, stamps[name])
        results.append(run_clip_job(job, environment, on_event))
    order = {name: i for i, (_, name) in enumerate(jobs)}
    description = sources.description if sources else "nothing to cut: every clip is up to date"
    return CutReport(description, tuple(sorted(results, key=lambda r: order[r.name])))


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
    return shape + ("-crop" if options.fit == "crop" and ASPECTS[options.aspect] else "")


def _sources(episode: Episode, options: CutOptions, spans: list[tuple[float, float]], folder: Path, on_event: Events) -> Sources:
    source = options.source or episode.youtube_url
    if not source:
        raise ClipperError("the episode has no YouTube link to fetch the video from", "pass --source URL or --source FILE", episode.path)
    if not is_url(source):
        local = local_source(Path(source))
        on_event(local.description)
        return local

    def progress(done: int, total: int | None) -> None:
        on_event(f"downloading {total / 1e6:.1f} MB: {min(done / total, 1.0):.0%}" if total else f"downloading: {done / 1e6:.1f} MB so far")

    return fetched_source(source, spans, episode.duration_sec or episode_end_sec(episode), folder / ".source", progress, on_event)


def _files(name: str, options: CutOptions) -> list[str]:
    media = [f"{name}.m4a", f"{name}.audiogram.mp4"] if options.audio_only else [f"{name}.mp4"]
    return media + [f"{name}.srt", f"{name}.txt", f"{name}.json"]


def _stamp(episode: Episode, span: ClipSpan, options: CutOptions) -> str:
    """What a clip was made from: if any of it changes, the clip is made again."""
    settings = {k: v for k, v in asdict(options).items() if k in ("aspect", "fit", "captions", "audio_only", "source", "platforms", "exact",
                                                                   "caption_style")}
    templates = options.templates_dir or default_templates_dir()
    digest = fingerprint(sorted(templates.glob("*.j2")), json.dumps([__version__, settings, span.start_sec, span.end_sec, span.title,
                                                                    [line.text for line in span.lines]], default=str))
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
    episode, span, options = job.episode, job.span, job.options
    try:
        source, offset = job.sources.locate(span.start_sec, span.end_sec)
        info = read_media_info(source.path)
        speech, loudness = speech_heard(str(source.path), offset, span) if info.has_audio else (None, None)
        if speech and not options.exact:
            span = snap_to_speech(span, speech.voiced)
            source, offset = job.sources.locate(span.start_sec, span.end_sec)
        cut = ClipCut(str(source.path), offset, span.duration_sec, "", has_audio=info.has_audio, loudness=loudness)
        cues = caption_cues(episode, span, episode_end_sec(episode) or span.end_sec, speech)
        media, made = _make_media(episode, span, job.name, job.folder, cut, cues, options, environment, info, on_event)
        _write_texts(episode, span, job.name, job.folder, cues, media[0].name, environment)
        warnings = _platform_warnings(media[-1], made, span.duration_sec, options)
        mark_clip_done(job.folder, job.name, job.stamp)
        files = tuple(str(job.folder / f) for f in _files(job.name, options))
        return ClipResult(job.name, span.title, "written", span.start_sec, span.end_sec, files, tuple(warnings))
    except ClipperError as exc:
        return ClipResult(job.name, span.title, "failed", span.start_sec, span.end_sec, error=exc.message)


# --- captions timed to the voice (helper "captions"): the speech heard around the clip ---------
SPEECH_CONTEXT_SEC = 3.0  # heard on each side of the clip, so a line that begins outside it is placed right


def speech_heard(source: str, offset_sec: float, span: ClipSpan) -> tuple[Speech, Loudness | None]:
    """The voiced stretches of the source around the clip (`offset_sec` in the source is the span's
    start), and the loudness of the clip itself, heard in one pass.
    """
    before = min(SPEECH_CONTEXT_SEC, offset_sec)
    voiced, loudness = detect_speech_and_loudness(source, offset_sec - before, span.duration_sec + before + SPEECH_CONTEXT_SEC,
                                                  LOUDNESS_SCAN, before, span.duration_sec)
    origin = span.start_sec - before
    speech = Speech(origin, span.end_sec + SPEECH_CONTEXT_SEC, tuple((origin + start, origin + end) for start, end in voiced))
    return speech, loudness
# --- end of captions timed to the voice -----------------------------------------------------


def _make_media(episode: Episode, span: ClipSpan, name: str, folder: Path, cut: ClipCut, cues, options: CutOptions,
                environment, info: MediaInfo, on_event: Events) -> tuple[list[Path], MediaInfo]:  # noqa: ANN001
    """Encode the clip's media; each file is checked (streams, length) before it takes its name."""
    if options.audio_only:
        return _make_audio(episode, span, name, folder, cut, cues, options, environment, info, on_event)
    from .formats import ass_captions

    if not info.has_video:
        raise ClipperError("the source has no video", "use --audio-only, or give a video with --source", cut.source)
    size = fit_within_limits(output_size(options.aspect, info.width, info.height), options.platforms)
    fit = Fit(options.fit) if ASPECTS[options.aspect] else Fit.NONE  # 16:9 keeps the source's own frame
    framing = Framing(size, (info.width, info.height), fit)
    layout = ass_captions.layout_for(*size, picture_bottom=picture_bottom(framing))
    text = ass_captions.render(cues if options.captions else (), layout, cut.duration_sec, environment, title=screen_title(span),
                               style=ass_captions.CaptionStyle(options.caption_style))
    target = folder / f"{name}.mp4"
    if fit is Fit.NONE and not smart_cut.why_not(info, size, options.captions and bool(cues)):
        made = _smart_cut(cut, text, layout.title_seconds, target, name, info)
        if made:
            return [target], made
    with _captions_file(text) as (ass, fonts), atomic_path(target) as temporary:
        job = replace(cut, output=str(temporary))
        run_ffmpeg(video_args(job, framing, ass, fonts), what=f"cutting {name}", duration_sec=cut.duration_sec,
                   on_progress=_encoding_progress(name, on_event))
        made = verify_media(temporary, cut.duration_sec, True, True, name)
    return [target], made


# --- smart cut (helper "smartcut"): 16:9 without captions, the head encoded, the rest copied ---
def _smart_cut(cut: ClipCut, text: str, title_sec: float | None, target: Path, name: str, info: MediaInfo) -> MediaInfo | None:
    """The clip smart-cut (clipper.smart_cut), checked; None when the source offers no clean cut there."""
    fps = smart_cut.frame_rate(info.fps)
    seek = f"{cut.offset_sec:.3f}"  # as video_args seeks: the same first frame
    with tempfile.TemporaryDirectory(prefix="clipper-smart-") as folder:
        work = Path(folder)
        said = run_ffmpeg(smart_cut.listing_args(cut.source, seek, cut.duration_sec, work / "packets.txt", work / "source.h264"),
                          what=f"reading the keyframes of {name}")
        listing = smart_cut.parse_listing((work / "packets.txt").read_text(encoding="utf-8"))
        plan = smart_cut.plan_smart_cut(listing, cut.duration_sec, fps, cut.duration_sec if title_sec is None else title_sec)
        source_sets = smart_cut.leading_parameter_sets((work / "source.h264").read_bytes())
        # The parts are MP4 files of one time base (1/N s), joined stream by stream in order.
        problem = smart_cut.source_problem(said)
        if plan is None or not source_sets or plan.time_base.numerator != 1 or problem:
            log.debug("%s: no clean smart cut (%s); encoding the whole clip", name, problem or "no keyframe to copy from")
            return None
        audio = work / "audio.m4a"
        with _captions_file(text) as (ass, fonts), ThreadPoolExecutor(max_workers=1) as pool:
            # The sound encodes on the other core meanwhile: it takes about as long as the head. (The
            # pool's thread outlives its ffmpeg, whose death signal follows the thread that started it.)
            sound = pool.submit(run_ffmpeg, audio_args(replace(cut, output=str(audio))), what=f"cutting the audio of {name}")
            parts = _encoded_parts(cut, seek, plan, source_sets, info, work, ass, fonts, name)
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


def _encoded_parts(cut: ClipCut, seek: str, plan: smart_cut.SmartCutPlan, source_sets: bytes, info: MediaInfo, work: Path,
                   ass: Path, fonts: Path, name: str) -> tuple[Path, Path | None] | None:
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


def _make_audio(episode: Episode, span: ClipSpan, name: str, folder: Path, cut: ClipCut, cues, options: CutOptions,
                environment, info: MediaInfo, on_event: Events) -> tuple[list[Path], MediaInfo]:  # noqa: ANN001
    if not info.has_audio:
        raise ClipperError("the source has no sound", "give a recording with sound with --source", cut.source)
    audio, video = folder / f"{name}.m4a", folder / f"{name}.audiogram.mp4"
    with atomic_path(audio) as temporary:
        run_ffmpeg(audio_args(replace(cut, output=str(temporary))), what=f"cutting the audio of {name}")
        verify_media(temporary, cut.duration_sec, False, True, f"the audio of {name}")
    size, titles, captions = audiogram_captions(episode, span, cues, cut.duration_sec, options, environment)
    layout = audiogram_layout(size)
    with _captions_file(captions) as (ass, fonts), atomic_path(video) as temporary:
        card, titles_file = ass.with_name("card.png"), ass.with_name("titles.ass")
        titles_file.write_text(titles, encoding="utf-8")
        run_ffmpeg(audiogram_card_args(str(audio), str(card), layout, titles_file, fonts),
                   what=f"drawing the audiogram card of {name}")
        run_ffmpeg(audiogram_args(str(audio), cut.duration_sec, str(temporary), layout, str(card), ass, fonts),
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


def _write_texts(episode: Episode, span: ClipSpan, name: str, folder: Path, cues, media_name: str, environment) -> None:  # noqa: ANN001
    from .formats import clip_facts, srt

    post = post_text_of(episode, span, media_name, environment)
    write_atomic(folder / f"{name}.srt", srt.render(cues))
    write_atomic(folder / f"{name}.txt", post)
    write_atomic(folder / f"{name}.json", clip_facts.render(span, media_name, post))


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

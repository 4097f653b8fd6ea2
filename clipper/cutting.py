"""`clipper cut`, step by step: choose spans, get the video, cut each clip, write its files."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from . import __version__
from .chapters import episode_end_sec
from .clip_graph import AUDIOGRAM_16_9, ASPECTS, ClipCut, audio_args, audiogram_args, output_size, video_args
from .clips import MAX_HIGHLIGHT_SEC, MIN_HIGHLIGHT_SEC, caption_cues, clip_chapters, clip_name, custom_span, pick_highlight, select_chapters, whole_chapter
from .errors import ChapterError, ClipperError
from .ffmpeg import read_media_info, run_ffmpeg
from .model import ClipSpan, Episode
from .outputs import atomic_path, clip_is_done, default_templates_dir, fingerprint, mark_clip_done, write_atomic
from .platforms import PLATFORMS, fit_within_limits, platform_problems
from .sources import Sources, fetched_source, is_url, local_source

FONTS_DIR = Path(__file__).parent / "fonts"
Events = Callable[[str], None]


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
    """Cut every chosen clip; a failure in one is reported and the others still finish."""
    from .templating import make_environment

    spans = choose_spans(episode, options)
    folder = options.out_dir / episode.slug / "clips"
    taken: set[str] = set()
    jobs = [(span, clip_name(span.index, span.title, taken)) for span in spans]
    environment = make_environment(options.templates_dir)
    stamps = {name: _stamp(episode, span, options) for span, name in jobs}
    todo = [(span, name) for span, name in jobs if options.force or not clip_is_done(folder, name, _files(name, options), stamps[name])]
    results = [ClipResult(name, span.title, "unchanged", span.start_sec, span.end_sec, tuple(str(folder / f) for f in _files(name, options)))
               for span, name in jobs if (span, name) not in todo]
    sources = _sources(episode, options, [(s.start_sec, s.end_sec) for s, _ in todo], folder, on_event) if todo else None
    for number, (span, name) in enumerate(todo, start=1):
        on_event(f"clip {number}/{len(todo)}: {name} ({span.duration_sec:.1f} s)")
        results.append(_cut_one(episode, span, name, folder, sources, options, environment, stamps[name], on_event))
    order = {name: i for i, (_, name) in enumerate(jobs)}
    description = sources.description if sources else "nothing to cut: every clip is up to date"
    return CutReport(description, tuple(sorted(results, key=lambda r: order[r.name])))


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
    return media + [f"{name}.srt", f"{name}.txt"]


def _stamp(episode: Episode, span: ClipSpan, options: CutOptions) -> str:
    """What a clip was made from: if any of it changes, the clip is made again."""
    settings = {k: v for k, v in asdict(options).items() if k in ("aspect", "fit", "captions", "audio_only", "source", "platforms")}
    templates = options.templates_dir or default_templates_dir()
    digest = fingerprint(sorted(templates.glob("*.j2")), json.dumps([__version__, settings, span.start_sec, span.end_sec, span.title,
                                                                    [line.text for line in span.lines]], default=str))
    return hashlib.sha256(digest.encode()).hexdigest()


def _cut_one(episode: Episode, span: ClipSpan, name: str, folder: Path, sources: Sources | None, options: CutOptions,
             environment, stamp: str, on_event: Events) -> ClipResult:  # noqa: ANN001 - jinja2.Environment
    try:
        assert sources is not None
        source, offset = sources.locate(span.start_sec, span.end_sec)
        cut = ClipCut(str(source.path), offset, span.duration_sec, "")
        cues = caption_cues(episode, span, episode_end_sec(episode) or span.end_sec)
        media = _make_media(episode, span, name, folder, cut, cues, options, environment, on_event)
        _write_texts(episode, span, name, folder, cues, media[0].name, environment)
        warnings = _platform_warnings(media, span.duration_sec, options)
        mark_clip_done(folder, name, stamp)
        files = tuple(str(folder / f) for f in _files(name, options))
        return ClipResult(name, span.title, "written", span.start_sec, span.end_sec, files, tuple(warnings))
    except ClipperError as exc:
        return ClipResult(name, span.title, "failed", span.start_sec, span.end_sec, error=exc.message)


def _make_media(episode: Episode, span: ClipSpan, name: str, folder: Path, cut: ClipCut, cues, options: CutOptions,
                environment, on_event: Events) -> list[Path]:  # noqa: ANN001
    from .formats import ass_captions

    def progress(fraction: float) -> None:
        on_event(f"  encoding {name}: {fraction:.0%}")

    if options.audio_only:
        audio, video = folder / f"{name}.m4a", folder / f"{name}.audiogram.mp4"
        with atomic_path(audio) as temporary:
            run_ffmpeg(audio_args(ClipCut(cut.source, cut.offset_sec, cut.duration_sec, str(temporary))), what=f"cutting the audio of {name}")
        size, text = audiogram_captions(episode, span, cues, cut.duration_sec, options, environment)
        with _captions_file(folder, name, text) as ass, atomic_path(video) as temporary:
            run_ffmpeg(audiogram_args(str(audio), cut.duration_sec, str(temporary), size, ass, FONTS_DIR),
                       what=f"making the audiogram of {name}", duration_sec=cut.duration_sec, on_progress=progress)
        return [audio, video]
    info = read_media_info(cut.source)
    if not info.has_video:
        raise ClipperError("the source has no video", "use --audio-only, or give a video with --source", cut.source)
    size = fit_within_limits(output_size(options.aspect, info.width, info.height), options.platforms)
    text = ass_captions.render(cues if options.captions else (), ass_captions.layout_for(*size), cut.duration_sec, environment, title=span.title)
    target = folder / f"{name}.mp4"
    fit = options.fit if ASPECTS[options.aspect] else "none"  # 16:9 keeps the source's own frame
    with _captions_file(folder, name, text) as ass, atomic_path(target) as temporary:
        args = video_args(ClipCut(cut.source, cut.offset_sec, cut.duration_sec, str(temporary)), size, fit, ass, FONTS_DIR)
        run_ffmpeg(args, what=f"cutting {name}", duration_sec=cut.duration_sec, on_progress=progress)
    return [target]


def audiogram_captions(episode: Episode, span: ClipSpan, cues, duration_sec: float, options: CutOptions,  # noqa: ANN001
                       environment) -> tuple[tuple[int, int], str]:  # noqa: ANN001 - jinja2.Environment
    """The audiogram's size and its ASS text: the episode's and the chapter's titles, and the captions."""
    from .formats import ass_captions

    size = fit_within_limits(output_size(options.aspect, *AUDIOGRAM_16_9), options.platforms)
    text = ass_captions.render(cues if options.captions else (), ass_captions.layout_for(*size), duration_sec, environment,
                               title=episode.short or episode.title, subtitle=span.title)
    return size, text


@contextmanager
def _captions_file(folder: Path, name: str, text: str) -> Iterator[Path]:
    """The clip's ASS captions for ffmpeg to burn in, gone once the clip is made."""
    path = folder / f".{name}.ass"
    write_atomic(path, text)
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)


def _write_texts(episode: Episode, span: ClipSpan, name: str, folder: Path, cues, media_name: str, environment) -> None:  # noqa: ANN001
    from .formats import srt

    write_atomic(folder / f"{name}.srt", srt.render(cues))
    write_atomic(folder / f"{name}.txt", post_text_of(episode, span, media_name, environment))


def post_text_of(episode: Episode, span: ClipSpan, media_name: str, environment) -> str:  # noqa: ANN001
    """The text to post beside the clip `media_name` (within every platform's limit), and nothing else:
    why the highlight was chosen is `post_text.why(span, media_name)`, for a file of its own."""
    from .formats import post_text
    from .posts import clip_post

    return post_text.render(episode, span, clip_post(episode, span), environment)


def _platform_warnings(media: list[Path], duration_sec: float, options: CutOptions) -> list[str]:
    video = media[-1]
    if options.platforms:  # the platforms named: every limit, shape and pixels included
        info = read_media_info(video)
        return [f"{video.name}: {problem}" for platform in options.platforms
                for problem in platform_problems(platform, duration_sec, video.stat().st_size, info.width, info.height)]
    return [f"{video.name}: {problem}" for platform in PLATFORMS for problem in platform_problems(platform, duration_sec, video.stat().st_size)]

"""The library API: load → derive → render → write. The CLI is a thin layer over these calls."""
from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .chapters import ChapterSet, YoutubeChapters, derive_chapters, episode_end_sec, fit_youtube, shorten_titles
from .episode_file import default_people_dir, episode_slug, read_episode, resolve_episode_path
from .errors import ChapterError, ClipperError, EpisodeError
from .formats import CHAPTER_FORMATS
from .model import Chapter, Episode, Problem, ShowNotes
from .outputs import default_templates_dir, fingerprint, is_up_to_date, make_stamp, write_outputs
from .validation import find_problems, has_errors

if TYPE_CHECKING:
    from .cutting import CutOptions, CutReport
    from .ffmpeg import Ffmpeg
    from .enriching import EnrichOptions, EnrichResult

# summa (and with it scipy) and jinja2 take ~0.4 s to import: the notes steps import them
# when there is work to do, so that an unchanged re-run costs almost nothing.


@dataclass(frozen=True)
class CheckResult:
    path: str
    problems: tuple[Problem, ...] = ()
    error: str = ""  # the file could not be loaded at all

    @property
    def is_ok(self) -> bool:
        return not self.error and not has_errors(self.problems)


@dataclass(frozen=True)
class ChaptersResult:
    text: str
    source: str
    repairs: tuple[str, ...]
    problem: str


def load_episode(episode: str | Path, people_dir: Path | None = None) -> Episode:
    """An episode from a path or a slug in `_podcast/`; raises ClipperError on bad input."""
    return read_episode(resolve_episode_path(str(episode)), people_dir)


def check_episodes(episodes: list[str], people_dir: Path | None = None) -> list[CheckResult]:
    """Every problem of every episode; a file that does not load is one result with `error`."""
    results = []
    for episode in expand_episode_args(tuple(str(e) for e in episodes)):
        try:
            results.append(CheckResult(str(episode), find_problems(load_episode(episode, people_dir))))
        except ClipperError as exc:
            results.append(CheckResult(str(episode), error=exc.message))
    return results


def episode_chapters(episode: Episode) -> tuple[ChapterSet, YoutubeChapters]:
    """The episode's chapters and their YouTube-ready repair."""
    chapter_set = derive_chapters(episode)
    return chapter_set, fit_youtube(chapter_set.chapters, episode.duration_sec or episode_end_sec(episode))


def make_chapters(episode: str | Path, fmt: str = "youtube", people_dir: Path | None = None) -> ChaptersResult:
    """Chapters of one episode rendered in `fmt` (a key of CHAPTER_FORMATS)."""
    loaded = load_episode(episode, people_dir)
    chapter_set, fitted = episode_chapters(loaded)
    if not chapter_set.chapters and not loaded.has_times:
        raise ChapterError("the transcript has no times, so it has no chapters", "add 'sec:' to the transcript lines", loaded.path)
    if not chapter_set.chapters:
        raise ChapterError("the episode has no chapters (no quotableClips, no headers, too little transcript to find them)",
                           "add 'header:' items to its transcript or quotableClips", loaded.path)
    repairs = fitted.repairs + (shorten_titles(fitted.chapters)[1] if fmt == "youtube" else ())
    return ChaptersResult(CHAPTER_FORMATS[fmt](loaded, fitted), chapter_set.source, repairs, fitted.problem)


NOTES_FILES = ("notes.md", "youtube.txt", "notes.json", "chapters.json", "chapters.vtt", "chapters.ffmeta", "index.html")


def check_batch_options(episodes: tuple[str, ...], jobs: int) -> None:
    """ClipperError when a batch (notes, enrich) is given no episodes or a negative --jobs."""
    if not episodes:
        raise ClipperError("no episodes given", "name episode files, slugs or a folder such as _podcast/")
    if jobs < 0:
        raise ClipperError(f"--jobs must be 0 or more, not {jobs}", "use 0 for one worker per core")


@dataclass(frozen=True)
class NotesOptions:
    episodes: tuple[str, ...]
    out_dir: Path = Path("output")
    people_dir: Path | None = None
    templates_dir: Path | None = None
    jobs: int = 0  # 0: one worker per core
    force: bool = False

    def __post_init__(self) -> None:
        check_batch_options(self.episodes, self.jobs)


@dataclass(frozen=True)
class NotesResult:
    episode: str
    status: str  # "written", "unchanged" or "failed"
    folder: str = ""
    error: str = ""
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class NotesReport:
    results: tuple[NotesResult, ...]

    @property
    def failures(self) -> tuple[NotesResult, ...]:
        return tuple(result for result in self.results if result.status == "failed")


def build_show_notes(episode: Episode) -> ShowNotes:
    """Chapters and summary of an episode, all derived data the notes show (pure)."""
    from .intro import made_intro
    from .summary import summarize

    chapter_set, fitted = episode_chapters(episode)
    summary = summarize(episode, fitted.chapters)
    made = None if episode.intro else made_intro(episode, fitted.chapters, chapter_set.source, summary)
    return ShowNotes(episode, fitted.chapters, chapter_set.source, fitted.repairs, fitted.problem, summary, made)


def render_notes(notes: ShowNotes, environment) -> dict[str, str]:  # noqa: ANN001 - jinja2.Environment
    """Every notes output by file name."""
    from .formats import notes_json, show_notes, youtube_description

    fitted = YoutubeChapters(notes.chapters, notes.chapter_repairs, notes.chapter_problem)
    return {
        "notes.md": show_notes.render(notes, environment),
        "youtube.txt": youtube_description.render(notes, environment),
        "notes.json": notes_json.render(notes, environment),
        "chapters.json": CHAPTER_FORMATS["podcast-json"](notes.episode, fitted),
        "chapters.vtt": CHAPTER_FORMATS["vtt"](notes.episode, fitted),
        "chapters.ffmeta": CHAPTER_FORMATS["ffmetadata"](notes.episode, fitted),
    }


def make_notes(options: NotesOptions, on_progress: Callable[[NotesResult, int, int], None] | None = None) -> NotesReport:
    """Notes for every episode (files, slugs or folders), in parallel; failures are collected.

    Episodes are loaded here, so bad files fail fast; summarising and rendering, the costly
    part, runs in one worker process per core.
    """
    from .children import map_in_workers

    episodes = expand_episode_args(options.episodes)
    results: list[NotesResult] = []

    def report(result: NotesResult) -> None:
        results.append(result)
        if on_progress:
            on_progress(result, len(results), len(episodes))

    work = []
    for episode_arg in episodes:
        try:
            task = _notes_task(episode_arg, options)
        except ClipperError as exc:
            report(NotesResult(episode_arg, "failed", error=exc.message))
            continue
        if isinstance(task, NotesResult):
            report(task)
        else:
            work.append(task)
    for result in map_in_workers(_write_notes, work, options.jobs or os.cpu_count() or 1):
        report(result)
    if any(result.status == "written" for result in results):
        from .review import write_review_index

        write_review_index(options.out_dir, options.templates_dir)
    return NotesReport(tuple(results))


@dataclass(frozen=True)
class EpisodeSelection:
    episodes: tuple[str, ...]
    skipped: tuple[str, ...] = ()  # files of the folders given whose names start with `_`


def select_episodes(args: tuple[str, ...]) -> EpisodeSelection:
    """Files and slugs as given; a folder stands for the episode files in it.

    In a folder, files whose names start with `_` are left out, as Jekyll leaves them out of a
    site (`_template.md`, drafts); named one by one, they are episodes like any other.
    """
    episodes: list[str] = []
    skipped: list[str] = []
    for arg in args:
        folder = Path(arg)
        if folder.is_dir():
            found = [path for path in sorted(folder.iterdir()) if path.is_file() and path.suffix.lower() in (".md", ".markdown")]
            hidden = [str(path) for path in found if path.name.startswith("_")]
            if len(hidden) == len(found):
                todo = "name such a file to use it" if hidden else "give episode files, or a folder such as _podcast/"
                raise EpisodeError("the folder holds no episode files (*.md not starting with '_')", todo, str(folder))
            episodes.extend(str(path) for path in found if str(path) not in hidden)
            skipped.extend(hidden)
        else:
            episodes.append(arg)
    return EpisodeSelection(tuple(dict.fromkeys(episodes)), tuple(dict.fromkeys(skipped)))


def expand_episode_args(args: tuple[str, ...]) -> list[str]:
    """The episodes that files, slugs and folders stand for (see select_episodes)."""
    return list(select_episodes(args).episodes)


@dataclass(frozen=True)
class _NotesTask:
    episode_arg: str
    episode: Episode
    folder: Path
    stamp: str
    templates_dir: Path | None


def _notes_task(episode_arg: str, options: NotesOptions) -> _NotesTask | NotesResult:
    """The work for one episode, or its result when its notes are already up to date."""
    path = resolve_episode_path(episode_arg)
    folder = options.out_dir / episode_slug(path)
    templates_dir = options.templates_dir or default_templates_dir()
    main_fingerprint = fingerprint([path] + sorted(templates_dir.glob("*.j2")), f"{__version__}|{options.people_dir}")
    if not options.force and is_up_to_date(folder, list(NOTES_FILES), main_fingerprint):
        return NotesResult(episode_arg, "unchanged", str(folder))
    episode = read_episode(path, options.people_dir)
    stamp = make_stamp(main_fingerprint, _people_files(episode, path, options.people_dir))
    return _NotesTask(episode_arg, episode, folder, stamp, options.templates_dir)


def _write_notes(task: _NotesTask) -> NotesResult:
    from .templating import make_environment

    from .review import write_review_page

    try:
        notes = build_show_notes(task.episode)
        files = {name: text for name, text in render_notes(notes, make_environment(task.templates_dir)).items()}
        write_outputs(task.folder, files, task.stamp)
        write_review_page(notes, task.folder, task.templates_dir)
    except ClipperError as exc:
        return NotesResult(task.episode_arg, "failed", error=exc.message)
    return NotesResult(task.episode_arg, "written", str(task.folder), warnings=tuple(str(w) for w in task.episode.warnings))


def _people_files(episode: Episode, path: Path, people_dir: Path | None) -> list[Path]:
    folder = people_dir or default_people_dir(path)
    return [folder / f"{guest.id}.md" for guest in episode.guests] if folder else []


def cut_clips(options: CutOptions, on_event: Callable[[str], None] = lambda message: None) -> CutReport:
    """Cut social clips of one episode (see cutting.CutOptions); failures are per clip, in the report."""
    from .cutting import cut_clips as cut
    from .ffmpeg import chosen_ffmpeg, use_ffmpeg
    from .review import compile_review_templates, refresh_review

    if options.ffmpeg:
        use_ffmpeg(options.ffmpeg)
    chosen_ffmpeg()  # checked before anything else: what it lacks is said first
    episode = load_episode(options.episode, options.people_dir)
    notes: list[ShowNotes] = []  # made while the clips are encoded; again here if that failed

    def prepare_review() -> None:
        notes.append(build_show_notes(episode))
        compile_review_templates(options.templates_dir)

    report = cut(episode, options, on_event, meanwhile=prepare_review)
    if any(result.status != "unchanged" for result in report.results):
        refresh_review(notes[0] if notes else build_show_notes(episode), options.out_dir, options.templates_dir)
    return report


def list_clip_choices(episode: str | Path, people_dir: Path | None = None) -> list[tuple[int, Chapter]]:
    """What `--clip N` can name: the episode's quotable clips, else its chapters, numbered from 1."""
    from .clips import clip_chapters

    loaded = load_episode(episode, people_dir)
    _, fitted = episode_chapters(loaded)
    return list(enumerate(clip_chapters(loaded, fitted.chapters), start=1))


@dataclass(frozen=True)
class ImportOptions:
    source: Path
    speakers: tuple[tuple[str, str], ...] = ()  # (label, name): ("Host", "Alexey")
    title: str = ""
    youtube_url: str = ""
    out_file: Path | None = None  # None: the caller prints `ImportResult.text`
    templates_dir: Path | None = None


@dataclass(frozen=True)
class ImportResult:
    text: str
    kind: str  # "timestamped", "srt", "vtt" or "prose"
    line_count: int
    speakers: tuple[str, ...]
    has_times: bool
    title: str
    unused_labels: tuple[str, ...] = ()  # --speakers labels the transcript never has


def import_transcript(options: ImportOptions) -> ImportResult:
    """A raw transcript (timestamped blocks, SRT, WebVTT, `Name: text` prose) as an episode file of the site."""
    from .formats import episode_markdown
    from .outputs import write_atomic
    from .templating import make_environment
    from .transcript_import import ParsedTranscript, map_speakers, merge_pieces, parse_transcript, read_text_file, title_from_file_name

    names = dict(options.speakers)
    parsed = parse_transcript(read_text_file(options.source), str(options.source), frozenset(names))
    unused = tuple(label for label in names if all(piece.who != label for piece in parsed.pieces))
    parsed = ParsedTranscript(parsed.kind, map_speakers(parsed.pieces, names))
    lines = merge_pieces(parsed)
    title = options.title or title_from_file_name(options.source.name)
    text = episode_markdown.render(title, options.youtube_url, parsed.end_sec, lines, options.source.name, make_environment(options.templates_dir))
    if options.out_file:
        write_atomic(options.out_file, text)
    speakers = tuple(dict.fromkeys(line.who for line in lines if line.who))
    return ImportResult(text, parsed.kind, len(lines), speakers, parsed.has_times, title, unused)



def enrich_episodes(options: EnrichOptions, on_progress: Callable[[EnrichResult, int, int], None] | None = None) -> list[EnrichResult]:
    """Put into episode files what they lack (see enriching.EnrichOptions): a diff each, or the files written."""
    from .enriching import enrich_episodes as enrich

    return enrich(options, on_progress)


@dataclass(frozen=True)
class ReviewOptions:
    episodes: tuple[str, ...]
    out_dir: Path = Path("output")
    people_dir: Path | None = None
    templates_dir: Path | None = None

    def __post_init__(self) -> None:
        if not self.episodes:
            raise ClipperError("no episodes given", "name episode files, slugs or a folder such as _podcast/")


@dataclass(frozen=True)
class ReviewResult:
    episode: str
    page: str
    is_written: bool  # False: the page already showed all this


def make_review(options: ReviewOptions) -> list[ReviewResult]:
    """Each episode's review page, `out_dir/<slug>/index.html`, and the index of all, from what is made so far."""
    from .review import PAGE_NAME, write_review_index, write_review_page

    results = []
    for episode_arg in expand_episode_args(options.episodes):
        episode = load_episode(episode_arg, options.people_dir)
        folder = options.out_dir / episode.slug
        written = write_review_page(build_show_notes(episode), folder, options.templates_dir)
        results.append(ReviewResult(episode_arg, str(folder / PAGE_NAME), written))
    write_review_index(options.out_dir, options.templates_dir)
    return results


@dataclass(frozen=True)
class Diagnosis:
    """What a bug report needs: versions, the ffmpeg chosen and what each ffmpeg found can do."""

    clipper_version: str
    python: str
    yt_dlp_version: str
    chosen: Ffmpeg | None  # None: no usable ffmpeg
    problem: str  # why none is usable
    found: tuple[Ffmpeg, ...]  # every ffmpeg on this machine, the chosen one included
    font: Path


def diagnose(ffmpeg_path: str | None = None) -> Diagnosis:
    """Versions and capabilities, for `clipper doctor`; never raises for a missing or poor ffmpeg."""
    import platform
    import sys

    from yt_dlp.version import __version__ as yt_dlp_version

    from .cutting import FONTS_DIR
    from .ffmpeg import chosen_ffmpeg, default_candidates, probe_ffmpeg, use_ffmpeg

    if ffmpeg_path:
        use_ffmpeg(ffmpeg_path)
    chosen, problem = None, ""
    try:
        chosen = chosen_ffmpeg()
    except ClipperError as exc:
        problem = exc.message
    found: list[Ffmpeg] = []
    named = [(chosen.path, chosen.origin)] if chosen else []
    for path, origin in named + default_candidates():
        try:
            ffmpeg = probe_ffmpeg(path, origin)
        except ClipperError:
            continue
        if all(os.path.realpath(f.path) != os.path.realpath(path) for f in found):
            found.append(ffmpeg)
    python = f"{platform.python_version()} ({sys.executable})"
    return Diagnosis(__version__, python, yt_dlp_version, chosen, problem, tuple(found),
                     FONTS_DIR / "DejaVuSans-Bold.ttf")

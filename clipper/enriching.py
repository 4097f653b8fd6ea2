"""`clipper enrich`, step by step: read the file, draft what it lacks, edit the text, prove the
edit loads back to the same data plus the new keys, then show the diff or write the file."""
from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import Enum
from pathlib import Path

from .chapters import chapters_from_clips, derive_chapters, episode_end_sec, fit_youtube
from .enrichment import Addition, Field, apply_additions, clips_addition, duration_addition, expected_data, fields_to_fill, text_additions, unified_diff
from .episode_file import default_people_dir, read_episode, resolve_episode_path
from .errors import ClipperError, EpisodeError
from .front_matter import FrontMatter, load_data, parse_front_matter
from .model import Episode
from .timecode import parse_iso_duration
from .validation import find_problems

_TEXT_FIELDS = (Field.DESCRIPTION, Field.INTRO, Field.KEYWORDS)


class EnrichStatus(str, Enum):
    WOULD_CHANGE = "would change"  # without --write: the diff is shown
    WRITTEN = "written"
    UNCHANGED = "unchanged"  # nothing to add
    FAILED = "failed"


@dataclass(frozen=True)
class EnrichOptions:
    episodes: tuple[str, ...]
    write: bool = False
    force: tuple[Field, ...] = ()  # fields redone even when the file has them
    source: str = ""  # the episode's video, for its duration
    people_dir: Path | None = None
    jobs: int = 0  # 0: one worker per core

    def __post_init__(self) -> None:
        from .api import check_batch_options

        check_batch_options(self.episodes, self.jobs)


@dataclass(frozen=True)
class EnrichResult:
    episode: str
    status: EnrichStatus
    diff: str = ""
    added: tuple[str, ...] = ()  # "duration PT00H59M50S, from the transcript's end"
    error: str = ""


def enrich_one(episode_arg: str, options: EnrichOptions, video_sec: float | None = None) -> EnrichResult:
    """Enrich one episode file; a bad file is a failed result, not an exception."""
    try:
        return _enrich(resolve_episode_path(episode_arg), episode_arg, options, video_sec)
    except ClipperError as exc:
        return EnrichResult(episode_arg, EnrichStatus.FAILED, error=exc.message)


def _enrich(path: Path, episode_arg: str, options: EnrichOptions, video_sec: float | None) -> EnrichResult:
    episode = read_episode(path, options.people_dir)  # the loader's one-line errors for a broken file
    text = path.read_bytes().decode("utf-8")
    front = parse_front_matter(text, str(path))
    data = load_data(front, str(path))
    additions = draft_additions(episode, fields_to_fill(data, frozenset(options.force)), video_sec)
    if not additions:
        return EnrichResult(episode_arg, EnrichStatus.UNCHANGED)
    additions.sort(key=lambda addition: list(Field).index(addition.field))
    edited = apply_additions(front, additions, str(path))
    verify_edit(path, episode, edited, expected_data(data, additions), options.people_dir)
    described = tuple(_describe(addition) for addition in additions)
    if not options.write:
        return EnrichResult(episode_arg, EnrichStatus.WOULD_CHANGE, unified_diff(text, edited.text(), str(path)), described)
    from .outputs import write_atomic

    write_atomic(path, edited.text())
    return EnrichResult(episode_arg, EnrichStatus.WRITTEN, added=described)


def draft_additions(episode: Episode, fields: tuple[Field, ...], video_sec: float | None) -> list[Addition]:
    """A value for each field to fill that clipper can derive (none for a field it cannot)."""
    additions: list[Addition] = []
    duration = duration_addition(episode, video_sec) if Field.DURATION in fields else None
    if duration:
        additions.append(duration)
    if Field.QUOTABLE_CLIPS in fields:
        bare = replace(episode, clips=())
        chapter_set = derive_chapters(bare)
        end = parse_iso_duration(duration.value) if duration else (episode.duration_sec or episode_end_sec(bare))
        clips = clips_addition(episode, chapter_set.chapters, chapter_set.source, end)
        additions += [clips] if clips else []
    if any(field in fields for field in _TEXT_FIELDS) and episode.lines:
        additions += _text_drafts(episode, fields)
    return additions


def _text_drafts(episode: Episode, fields: tuple[Field, ...]) -> list[Addition]:
    from .api import build_show_notes
    from .formats.show_notes import intro_paragraphs
    from .formats.youtube_description import short_intro
    from .templating import make_environment

    # The drafts ignore what is being replaced: a forced intro or keywords are made afresh from the transcript.
    notes = build_show_notes(replace(episode, description="", intro="" if Field.INTRO in fields else episode.intro,
                                     keywords=() if Field.KEYWORDS in fields else episode.keywords))
    environment = make_environment(None)
    return text_additions(notes, fields, intro_paragraphs(notes, environment), short_intro(notes, environment))


def _describe(addition: Addition) -> str:
    shown = addition.value if isinstance(addition.value, str) and len(addition.value) <= 40 else ""
    return f"{addition.field.value}{' ' + shown if shown else ''} ({addition.origin})"


def verify_edit(path: Path, before: Episode, edited: FrontMatter, expected: dict, people_dir: Path | None) -> None:
    """Raise EpisodeError unless the edited file loads as the old data plus the new keys, through
    clipper's own loader too, with no new `clipper check` error and clips YouTube takes as they are."""
    where = str(path)
    if load_data(edited, where) != expected:
        raise EpisodeError("the edit would not load back as the same data plus the new keys; nothing written",
                           "report this file to clipper's maintainers", where)
    with tempfile.TemporaryDirectory(prefix="clipper-enrich-") as folder:
        copy = Path(folder) / path.name
        copy.write_text(edited.text(), encoding="utf-8")
        after = read_episode(copy, people_dir if people_dir is not None else default_people_dir(path))
    old_errors = {p.message for p in find_problems(before) if p.severity == "error"}
    new_errors = [p.message for p in find_problems(after) if p.severity == "error" and p.message not in old_errors]
    if new_errors:
        raise EpisodeError(f"the edit would add a problem ({new_errors[0]}); nothing written", "fix the episode, or leave that field out", where)
    if _spans(after) != _spans(before):  # new clips (lines moved by the edit do not count)
        fitted = fit_youtube(chapters_from_clips(after), after.duration_sec)
        if fitted.problem or fitted.repairs:
            reason = fitted.problem or fitted.repairs[0]
            raise EpisodeError(f"the new quotableClips break YouTube's chapter rules ({reason}); nothing written", "add headers to the transcript", where)


def _spans(episode: Episode) -> list[tuple[str, float, float, str]]:
    return [(clip.name, clip.start_sec, clip.end_sec, clip.url) for clip in episode.clips]


def enrich_episodes(options: EnrichOptions, on_progress: Callable[[EnrichResult, int, int], None] | None = None) -> list[EnrichResult]:
    """Enrich every episode (files, slugs, folders without their `_` files), in parallel."""
    from .api import expand_episode_args
    from .children import map_in_workers

    episodes = expand_episode_args(options.episodes)
    video_sec = _video_duration(options.source, episodes) if options.source else None
    results: list[EnrichResult] = []
    runs = [(episode, options, video_sec) for episode in episodes]
    _collect(map_in_workers(_enrich_run, runs, options.jobs or os.cpu_count() or 1), results, len(episodes), on_progress)
    return results


def _enrich_run(run: tuple[str, EnrichOptions, float | None]) -> EnrichResult:
    return enrich_one(*run)


def _collect(outcomes, results: list[EnrichResult], total: int, on_progress) -> None:  # noqa: ANN001
    for result in outcomes:
        results.append(result)
        if on_progress:
            on_progress(result, len(results), total)


def _video_duration(source: str, episodes: list[str]) -> float:
    from .ffmpeg import read_media_info

    if len(episodes) != 1:
        raise ClipperError("--source is the video of one episode", "give one episode with --source")
    info = read_media_info(source)
    if not info.duration_sec:
        raise ClipperError("ffmpeg finds no duration in this file", "give the episode's video or audio file", source)
    return info.duration_sec

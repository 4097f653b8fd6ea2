"""The library API: load → derive → render → write. The CLI is a thin layer over these calls."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .chapters import ChapterSet, YoutubeChapters, derive_chapters, episode_end_sec, fit_youtube
from .episode_file import read_episode, resolve_episode_path
from .errors import ChapterError, ClipperError
from .formats import CHAPTER_FORMATS
from .model import Episode, Problem
from .validation import find_problems, has_errors


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
    for episode in episodes:
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
    if not chapter_set.chapters:
        raise ChapterError("the episode has no chapters (no quotableClips and no headers)", "add 'header:' items to its transcript or quotableClips", loaded.path)
    return ChaptersResult(CHAPTER_FORMATS[fmt](loaded, fitted), chapter_set.source, fitted.repairs, fitted.problem)

"""One module per output format; each renders model objects to a string and writes nothing."""
from __future__ import annotations

from collections.abc import Callable

from ..chapters import YoutubeChapters
from ..model import Episode
from . import ffmetadata, podcast_chapters_json, quotable_clips, webvtt, youtube_chapters

ChapterRenderer = Callable[[Episode, YoutubeChapters], str]

CHAPTER_FORMATS: dict[str, ChapterRenderer] = {
    "youtube": lambda episode, fitted: youtube_chapters.render(fitted),
    "podcast-json": lambda episode, fitted: podcast_chapters_json.render(episode, fitted.chapters),
    "vtt": lambda episode, fitted: webvtt.render(fitted.chapters),
    "ffmetadata": lambda episode, fitted: ffmetadata.render(episode, fitted.chapters),
    "clips": lambda episode, fitted: quotable_clips.render(episode, fitted.chapters),
}

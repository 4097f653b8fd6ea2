"""Podcasting 2.0 JSON chapters (`application/json+chapters`, version 1.2.0)."""
from __future__ import annotations

import json

from ..model import Chapter, Episode


def render(episode: Episode, chapters: tuple[Chapter, ...]) -> str:
    document = {
        "version": "1.2.0",
        "title": episode.title,
        "podcastName": "",
        "chapters": [_chapter(episode, chapter) for chapter in chapters],
    }
    if not document["podcastName"]:
        del document["podcastName"]
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _chapter(episode: Episode, chapter: Chapter) -> dict[str, object]:
    entry: dict[str, object] = {"startTime": _number(chapter.start_sec), "title": chapter.title}
    if chapter.end_sec > chapter.start_sec:
        entry["endTime"] = _number(chapter.end_sec)
    if episode.youtube_url:
        entry["url"] = episode.watch_url(chapter.start_sec)
    return entry


def _number(sec: float) -> int | float:
    return int(sec) if float(sec).is_integer() else round(sec, 3)

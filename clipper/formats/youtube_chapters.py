"""YouTube description chapters: `m:ss Title` lines, first at 0:00 (specs.md)."""
from __future__ import annotations

from ..chapters import YoutubeChapters
from ..timecode import format_clock


def render(youtube: YoutubeChapters) -> str:
    return "".join(f"{format_clock(chapter.start_sec)} {chapter.title}\n" for chapter in youtube.chapters)

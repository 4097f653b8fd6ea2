"""YouTube description chapters: `m:ss Title` lines, first at 0:00 (specs.md)."""
from __future__ import annotations

from ..chapters import YoutubeChapters, shorten_titles
from ..timecode import format_clock


def render(youtube: YoutubeChapters) -> str:
    """`m:ss Title` lines, titles shortened to what YouTube shows."""
    chapters, _ = shorten_titles(youtube.chapters)
    return "".join(f"{format_clock(chapter.start_sec)} {chapter.title}\n" for chapter in chapters)

"""FFmpeg metadata chapters (`;FFMETADATA1`), always with TIMEBASE=1/1000 (specs.md)."""
from __future__ import annotations

from ..model import Chapter, Episode


def escape_value(value: str) -> str:
    """Backslash-escape `\\ = ; #` and newlines, as ffmpeg's metadata demuxer wants."""
    escaped = value.replace("\\", "\\\\")
    for char in "=;#":
        escaped = escaped.replace(char, "\\" + char)
    return escaped.replace("\n", "\\\n")


def render(episode: Episode, chapters: tuple[Chapter, ...]) -> str:
    lines = [";FFMETADATA1", f"title={escape_value(episode.title)}"]
    for chapter in chapters:
        lines += [
            "",
            "[CHAPTER]",
            "TIMEBASE=1/1000",
            f"START={round(chapter.start_sec * 1000)}",
            f"END={round(chapter.end_sec * 1000)}",
            f"title={escape_value(chapter.title)}",
        ]
    return "\n".join(lines) + "\n"

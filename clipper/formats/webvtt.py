"""WebVTT chapters: contiguous cues whose text is the chapter title (specs.md)."""
from __future__ import annotations

from ..model import Chapter
from ..timecode import format_vtt


def render(chapters: tuple[Chapter, ...]) -> str:
    cues = [
        f"{index}\n{format_vtt(chapter.start_sec)} --> {format_vtt(chapter.end_sec)}\n{_cue_text(chapter.title)}\n"
        for index, chapter in enumerate(chapters, start=1)
    ]
    return "WEBVTT\n\n" + "\n".join(cues)


def _cue_text(title: str) -> str:
    # "-->" would end the cue text early, and a blank line would end the cue.
    return " ".join(title.replace("-->", "→").split()).replace("&", "&amp;").replace("<", "&lt;")

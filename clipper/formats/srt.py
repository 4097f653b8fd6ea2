"""SRT captions of a clip (times relative to the clip's start)."""
from __future__ import annotations

from ..model import Cue
from ..timecode import format_srt


def render(cues: tuple[Cue, ...]) -> str:
    blocks = [f"{index}\n{format_srt(cue.start_sec)} --> {format_srt(cue.end_sec)}\n{cue.text}\n" for index, cue in enumerate(cues, start=1)]
    return "\n".join(blocks)

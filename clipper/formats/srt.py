"""SRT captions of a clip (times relative to the clip's start)."""
from __future__ import annotations

import re

from ..model import Cue
from ..timecode import format_srt

# What players read as markup in SRT text: HTML-like tags (<b>, <font color=…>) and ASS overrides ({\an8}).
_MARKUP = re.compile(r"</?[A-Za-z][^<>]*>|\{\\[^{}]*\}")


def render(cues: tuple[Cue, ...]) -> str:
    blocks = [f"{index}\n{format_srt(cue.start_sec)} --> {format_srt(cue.end_sec)}\n{caption_text(cue.text)}\n"
              for index, cue in enumerate(cues, start=1)]
    return "\n".join(blocks)


def caption_text(text: str) -> str:
    """The cue's words with no markup a player would interpret, and no blank line (which ends a cue)."""
    previous = None
    while previous != text:  # `<<b>b>` leaves `<b>` after one pass
        previous, text = text, _MARKUP.sub("", text)
    return "\n".join(line for line in text.splitlines() if line.strip()) or " "

"""Burned-in captions and title as ASS (from templates/captions.ass.j2), placed in the platforms' safe area."""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from enum import Enum

import jinja2

from ..model import Cue
from ..templating import render as render_template

TEMPLATE = "captions.ass.j2"
FONT_NAME = "DejaVu Sans"  # shipped in clipper/fonts


class CaptionStyle(Enum):
    PLAIN = "plain"  # each cue in white, as it has always been
    ACTIVE_WORD = "active-word"  # karaoke: the word being said in the title's colour, when word times are known


# The apps' own buttons and text cover a 9:16 frame's top 14 %, bottom 20 % and right 12 % (specs.md).
SAFE_TOP, SAFE_BOTTOM, SAFE_RIGHT = 0.14, 0.20, 0.12
_TITLE_SECONDS_16_9 = 4.0  # a wide clip's title shows at the start only, then the picture is clear


@dataclass(frozen=True)
class CaptionLayout:
    """Sizes in pixels of the output frame: large type, clear of the apps' buttons and bars."""

    width: int
    height: int
    title_size: int
    caption_size: int
    title_margin: int
    caption_margin: int
    side_margin: int
    caption_alignment: int = 2  # ASS numpad: 2 bottom centre (margin from the bottom), 8 top centre (from the top)
    boxed: bool = False  # captions on a translucent box (over a busy picture)
    title_seconds: float | None = None  # None: the title stays for the whole clip


def layout_for(width: int, height: int, picture_bottom: int | None = None) -> CaptionLayout:
    """Where text goes in a frame of `width` x `height`.

    9:16: the title below the top 14 %; captions within the middle of the width (clear of the
    right-hand buttons) and above the bottom 20 %; in the fill band under the picture when there is
    one (`picture_bottom`: the picture's lower edge, for the blurred fill), so that they never cover
    the speakers' name tags in the picture's lower third. 16:9: captions on a translucent box, the
    title for the first seconds only.
    """
    if height > width:  # 9:16
        side = math.ceil(width * SAFE_RIGHT)
        caption_size = round(width * 0.07)
        title = CaptionLayout(width, height, round(width * 0.06), caption_size, round(height * (SAFE_TOP + 0.01)),
                              round(height * (SAFE_BOTTOM + 0.01)), side)
        band = height * (1 - SAFE_BOTTOM) - (picture_bottom or height)
        if picture_bottom and band >= caption_size * 2.6:  # two lines fit in the fill band
            return replace(title, caption_alignment=8, caption_margin=picture_bottom + round(caption_size * 0.3))
        return title
    if height == width:  # 1:1
        return CaptionLayout(width, height, round(width * 0.055), round(width * 0.065), round(height * 0.06),
                             round(height * 0.12), round(width * 0.08), boxed=True)
    return CaptionLayout(width, height, round(height * 0.06), round(height * 0.065), round(height * 0.05),
                         round(height * 0.08), round(width * 0.1), boxed=True, title_seconds=_TITLE_SECONDS_16_9)


def render(cues: tuple[Cue, ...], layout: CaptionLayout, duration_sec: float, environment: jinja2.Environment,
           title: str = "", subtitle: str = "", style: CaptionStyle = CaptionStyle.PLAIN) -> str:
    title_end = min(duration_sec, layout.title_seconds) if layout.title_seconds else duration_sec
    return render_template(environment, TEMPLATE, cues=cues, title=title, subtitle=subtitle, duration=duration_sec,
                           title_end=title_end, font=FONT_NAME, active_word=style is CaptionStyle.ACTIVE_WORD,
                           **layout.__dict__)


def change_times_sec(text: str, duration_sec: float) -> tuple[float, ...]:
    """The times in [0, duration) at which what the ASS `text` shows changes (every event's start
    and end, and 0), ascending, in whole centiseconds as ASS keeps them."""
    centiseconds = {0}
    for line in text.splitlines():
        if line.startswith("Dialogue:"):
            start, end = line.split(",", 3)[1:3]
            centiseconds.update((_centiseconds(start), _centiseconds(end)))
    return tuple(c / 100 for c in sorted(centiseconds) if c < round(duration_sec * 100))


def _centiseconds(ass_time: str) -> int:
    hours, minutes, seconds = ass_time.strip().split(":")
    return round((int(hours) * 3600 + int(minutes) * 60 + float(seconds)) * 100)

"""Burned-in captions and title as ASS (from templates/captions.ass.j2), placed in the platforms' safe area."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import jinja2

from ..model import Cue
from ..templating import render as render_template

TEMPLATE = "captions.ass.j2"
FONT_NAME = "DejaVu Sans"  # shipped in clipper/fonts


class CaptionStyle(Enum):
    PLAIN = "plain"  # each cue in white, as it has always been
    ACTIVE_WORD = "active-word"  # karaoke: the word being said in the title's colour, when word times are known


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


def layout_for(width: int, height: int) -> CaptionLayout:
    """Tall frames keep text out of the top ~12% and bottom ~25% that Reels/TikTok/Shorts cover."""
    if height > width:  # 9:16
        return CaptionLayout(width, height, round(width * 0.06), round(width * 0.075), round(height * 0.12), round(height * 0.27), round(width * 0.08))
    if height == width:  # 1:1
        return CaptionLayout(width, height, round(width * 0.055), round(width * 0.065), round(height * 0.06), round(height * 0.12), round(width * 0.06))
    return CaptionLayout(width, height, round(height * 0.06), round(height * 0.075), round(height * 0.05), round(height * 0.08), round(width * 0.05))


def render(cues: tuple[Cue, ...], layout: CaptionLayout, duration_sec: float, environment: jinja2.Environment,
           title: str = "", subtitle: str = "", style: CaptionStyle = CaptionStyle.PLAIN) -> str:
    return render_template(environment, TEMPLATE, cues=cues, title=title, subtitle=subtitle, duration=duration_sec,
                           font=FONT_NAME, active_word=style is CaptionStyle.ACTIVE_WORD, **layout.__dict__)

"""youtube.txt: a ready YouTube description (short intro, links, chapters) within 5,000 characters."""
from __future__ import annotations

import jinja2

from ..chapters import shorten_titles
from ..model import ShowNotes
from ..templating import render as render_template
from .show_notes import episode_links, intro_paragraphs

TEMPLATE = "youtube.txt.j2"
MAX_CHARS = 5000  # YouTube's limit for a whole description (specs.md)
_MOST_DETAIL = 2


def short_intro(notes: ShowNotes, environment: jinja2.Environment) -> list[str]:
    """`description`, else the intro's first paragraph, else the intro clipper makes (or the extractive summary)."""
    if notes.episode.description:
        return [notes.episode.description]
    return intro_paragraphs(notes, environment)[:1]


def render(notes: ShowNotes, environment: jinja2.Environment) -> str:
    """The most detailed description that fits; the chapters are always kept whole."""
    text = ""
    for detail in range(_MOST_DETAIL, -1, -1):
        text = _render(notes, environment, short_intro(notes, environment), detail)
        if len(text) <= MAX_CHARS:
            return text
    without_intro = _render(notes, environment, [], 0)
    return without_intro if len(without_intro) <= MAX_CHARS else without_intro[:MAX_CHARS]


def _render(notes: ShowNotes, environment: jinja2.Environment, intro: list[str], detail: int) -> str:
    links = [link for link in episode_links(notes.episode) if link.url != notes.episode.youtube_url]
    chapters, _ = shorten_titles(notes.chapters)
    return render_template(environment, TEMPLATE, notes=notes, episode=notes.episode, intro=intro, links=links, chapters=chapters, detail=detail)

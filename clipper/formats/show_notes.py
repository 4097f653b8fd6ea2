"""notes.md: show notes in markdown, from templates/notes.md.j2."""
from __future__ import annotations

import jinja2

from ..model import Episode, Link, ShowNotes
from ..templating import paragraphs, render as render_template

TEMPLATE = "notes.md.j2"


def intro_paragraphs(notes: ShowNotes) -> list[str]:
    """The episode's intro, or the extractive summary when it has none."""
    intro = paragraphs(notes.episode.intro)
    if intro or not notes.summary.abstract:
        return intro
    return [" ".join(notes.summary.abstract)]


def episode_links(episode: Episode) -> list[Link]:
    """The episode's own links (its `Links:` section, then podcast apps), without the guests' again."""
    seen = {_normalise(link.url) for guest in episode.guests for link in guest.links}
    links = []
    for link in episode.body_links + episode.links:
        if _normalise(link.url) not in seen:
            seen.add(_normalise(link.url))
            links.append(link)
    return links


def _normalise(url: str) -> str:
    return url.split("://", 1)[-1].removeprefix("www.").rstrip("/").casefold()


def render(notes: ShowNotes, environment: jinja2.Environment) -> str:
    return render_template(environment, TEMPLATE, notes=notes, episode=notes.episode, summary=notes.summary, intro=intro_paragraphs(notes), links=episode_links(notes.episode))

"""notes.md: show notes in markdown, from templates/notes.md.j2."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import jinja2

from ..model import Episode, Link, ShowNotes
from ..templating import paragraphs, render as render_template

TEMPLATE = "notes.md.j2"


INTRO_TEMPLATE = "intro.txt.j2"


def intro_paragraphs(notes: ShowNotes, environment: jinja2.Environment) -> list[str]:
    """The episode's intro; else the one clipper makes (templates/intro.txt.j2); else the extractive summary."""
    intro = paragraphs(notes.episode.intro)
    if intro:
        return intro
    if notes.made_intro is not None:
        return [made_intro_text(notes, environment)]
    return [" ".join(notes.summary.abstract)] if notes.summary.abstract else []


def made_intro_text(notes: ShowNotes, environment: jinja2.Environment) -> str:
    text = render_template(environment, INTRO_TEMPLATE, made=notes.made_intro, episode=notes.episode)
    return " ".join(text.split())


def episode_links(episode: Episode) -> list[Link]:
    """The episode's own links (its `Links:` section, then podcast apps), without the guests' again."""
    seen = {_normalise(link.url) for guest in episode.guests for link in guest.links}
    links = []
    for link in episode.body_links + episode.links:
        if _normalise(link.url) not in seen:
            seen.add(_normalise(link.url))
            links.append(labelled(link))
    return links


def labelled(link: Link) -> Link:
    """A link named by its title, or by its page's host name ("buzzsumo.com") when the title is only
    the URL again or empty."""
    title = link.title.strip()
    if title and not re.match(r"(?:https?://|www\.)", title, re.I) and _normalise(title) != _normalise(link.url):
        return link
    host = urlsplit(link.url).hostname or link.url
    return Link(host.removeprefix("www."), link.url)


def _normalise(url: str) -> str:
    return url.split("://", 1)[-1].removeprefix("www.").rstrip("/").casefold()


def render(notes: ShowNotes, environment: jinja2.Environment) -> str:
    return render_template(environment, TEMPLATE, notes=notes, episode=notes.episode, summary=notes.summary, intro=intro_paragraphs(notes, environment), links=episode_links(notes.episode))

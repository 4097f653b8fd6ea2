"""notes.json: the same data as notes.md, for other tools."""
from __future__ import annotations

import json
from dataclasses import asdict

import jinja2

from ..model import ShowNotes
from ..timecode import format_clock
from .show_notes import intro_paragraphs


def render(notes: ShowNotes, environment: jinja2.Environment) -> str:
    episode = notes.episode
    document = {
        "slug": episode.slug,
        "title": episode.title,
        "short": episode.short,
        "youtube_url": episode.youtube_url,
        "guests": [asdict(guest) for guest in episode.guests],
        "intro": intro_paragraphs(notes, environment),
        "intro_is_extracted": notes.intro_is_extracted,
        "intro_is_made": notes.intro_is_made,
        "topics": list(episode.topics),
        "chapter_source": notes.chapter_source,
        "chapter_repairs": list(notes.chapter_repairs),
        "chapter_problem": notes.chapter_problem,
        "chapters": [_timed(asdict(chapter), chapter.start_sec, episode.watch_url) for chapter in notes.chapters],
        "takeaways": [{"chapter": t.chapter.title, "start_sec": t.chapter.start_sec, "sentences": list(t.sentences)} for t in notes.summary.takeaways],
        "keywords": list(notes.summary.keywords),
        "quotes": [_timed(asdict(quote), quote.sec, episode.watch_url) for quote in notes.summary.quotes],
        "links": [asdict(link) for link in episode.body_links + episode.links],
    }
    return json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False) + "\n"  # NaN and Infinity are not JSON


def _timed(entry: dict, sec: float, watch_url) -> dict:  # noqa: ANN001 - Episode.watch_url
    return {**entry, "clock": format_clock(max(sec, 0)), "url": watch_url(sec) if sec >= 0 else ""}

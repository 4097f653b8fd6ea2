"""The review pages in HTML (templates/review.html.j2, review-index.html.j2), escaped by Jinja2."""
from __future__ import annotations

import jinja2

from ..review import INDEX_TEMPLATE, PAGE_TEMPLATE, IndexEntry, ReviewPage
from ..templating import render as render_template


def render(page: ReviewPage, environment: jinja2.Environment) -> str:
    notes = page.notes
    return render_template(environment, PAGE_TEMPLATE, page=page, notes=notes, episode=notes.episode, summary=notes.summary)


def render_index(entries: tuple[IndexEntry, ...], environment: jinja2.Environment) -> str:
    return render_template(environment, INDEX_TEMPLATE, entries=entries)

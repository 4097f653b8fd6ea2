"""The text to post beside a clip (templates/post.txt.j2): hook, what is said, hashtags, link."""
from __future__ import annotations

import re

import jinja2

from ..model import ClipSpan, Episode
from ..templating import render as render_template

TEMPLATE = "post.txt.j2"
MAX_HASHTAGS = 6


def hashtags(topics: tuple[str, ...], keywords: tuple[str, ...]) -> list[str]:
    """#CamelCase tags from the episode's topics, then its keywords; no duplicates."""
    tags, seen = [], set()
    for phrase in list(topics) + list(keywords):
        words = re.findall(r"[^\W_]+", phrase)
        tag = "#" + "".join(word if word.lower() != word else word.capitalize() for word in words)  # MLOps stays MLOps
        if len(tag) > 2 and tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag)
    return tags[:MAX_HASHTAGS]


def render(episode: Episode, span: ClipSpan, keywords: tuple[str, ...], file_name: str, environment: jinja2.Environment) -> str:
    url = episode.watch_url(span.start_sec) or episode.youtube_url
    return render_template(environment, TEMPLATE, episode=episode, span=span, hashtags=hashtags(episode.topics, keywords), url=url, file=file_name)

"""The text to post beside a clip (templates/post.txt.j2): hook, what is said, hashtags, link —
the richest that fits every platform's text limit; and, apart, why clipper chose the highlight."""
from __future__ import annotations

import re

import jinja2

from ..model import ClipSpan, Episode
from ..posts import MIN_HASHTAGS, Post
from ..templating import render as render_template

TEMPLATE = "post.txt.j2"
MAX_CHARS = 280  # X's limit, link included: the strictest of the platforms (LinkedIn 3,000, TikTok and Instagram 2,200)


def hashtags(*phrase_lists: tuple[str, ...]) -> list[str]:
    """#CamelCase tags of the phrases, in order; no duplicates."""
    tags, seen = [], set()
    for phrase in (phrase for phrases in phrase_lists for phrase in phrases):
        words = re.findall(r"[^\W_]+", phrase)
        tag = "#" + "".join(word if word.lower() != word else word.capitalize() for word in words)  # MLOps stays MLOps
        if len(tag) > 2 and tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag)
    return tags


def render(episode: Episode, span: ClipSpan, post: Post, environment: jinja2.Environment, max_chars: int = MAX_CHARS) -> str:
    """The most that fits in `max_chars`: fewer sentences first, then fewer hashtags (not under three)."""
    tags = hashtags(post.tags)
    text = ""
    for sentence_count in range(len(post.sentences[:2]), -1, -1):
        for tag_count in range(len(tags), min(MIN_HASHTAGS, len(tags)) - 1, -1):
            text = render_template(environment, TEMPLATE, episode=episode, span=span, post=post,
                                   sentences=post.sentences[:sentence_count], hashtags=tags[:tag_count])
            if len(text.rstrip()) <= max_chars:
                return text
    return text

"""The text to post beside a clip (templates/post.txt.j2): hook, what is said, hashtags, link —
the richest that fits every platform's text limit; and, apart, why clipper chose the highlight."""
from __future__ import annotations

import re

import jinja2

from ..model import ClipSpan, Episode
from ..posts import MIN_HASHTAGS, Post
from ..templating import render as render_template

TEMPLATE = "post.txt.j2"
MAX_SENTENCES = 2  # besides the hook
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
    """The most that fits in `max_chars`: up to MAX_SENTENCES of the post's sentences, best first,
    skipping one too long to fit; then as many hashtags as fit (not under three)."""
    tags = hashtags(post.tags)
    fewest_tags = min(MIN_HASHTAGS, len(tags))

    def text_of(sentences: list[str], tag_count: int) -> str:
        return render_template(environment, TEMPLATE, episode=episode, span=span, post=post, sentences=sentences, hashtags=tags[:tag_count])

    chosen: list[str] = []
    for sentence in post.sentences:
        if len(chosen) < MAX_SENTENCES and len(text_of(sorted(chosen + [sentence], key=post.sentences.index), fewest_tags).rstrip()) <= max_chars:
            chosen.append(sentence)
    chosen.sort(key=post.sentences.index)
    texts = [text_of(chosen, count) for count in range(len(tags), fewest_tags - 1, -1)]
    return next((text for text in texts if len(text.rstrip()) <= max_chars), texts[-1] if texts else text_of(chosen, 0))

"""What to post beside a clip (pure): a hook, what is said, hashtags of this clip, the link.

The hook is the question the clip answers (the host's, just before or at its start), else its
strongest line. Hashtags are the clip's own keywords (its chapter's title and lines, weighed
against the podcast's other episodes), then the episode's topics said in the clip.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .clips import post_sentences
from .keywords import Background, pick_keywords
from .model import ClipSpan, Episode
from .summary import clean_speech, host_label, quotes_balanced, refers_back, takes_a_stand, tidy_sentence
from .textrank import content_words, split_sentences, stem

MAX_HASHTAGS = 5
MIN_HASHTAGS = 3
_QUESTION_WORDS = (4, 25)
_EPISODE_KEYWORDS = 40  # the episode's keywords a clip's hashtags are chosen from
_POST_SENTENCE_WORDS = (6, 30)  # a sentence besides the hook: whole, readable, short enough for X
_ASKED_BEFORE_SEC = 90.0  # a question asked this long before the clip still is what it answers


@dataclass(frozen=True)
class Post:
    hook: str
    sentences: tuple[str, ...]  # what is said, besides the hook
    tags: tuple[str, ...]  # keywords and topics, best first (formats/post_text.py writes them as #Tags)
    url: str


def clip_post(episode: Episode, span: ClipSpan, background: Background | None = None) -> Post:
    question = span.hook or clip_question(episode, span)  # the question shown on screen, when the clip opens on one
    said = post_sentences(span)
    hook = question or strongest_line(said)
    sentences = distinct_sentences([hook], list(said) + _clip_sentences(episode, span))
    return Post(hook or span.title, sentences, clip_tags(episode, span, background), episode.watch_url(span.start_sec) or episode.youtube_url)


def distinct_sentences(shown: list[str], candidates: list[str]) -> tuple[str, ...]:
    """The candidates that can be read alone and say something not already `shown` or listed
    (the same words, a part of another, differently cased or punctuated), in order."""
    kept: list[str] = []
    for sentence in candidates:
        key = _plain(sentence)
        if key and not refers_back(sentence) and not any(key in _plain(s) or _plain(s) in key for s in shown + kept if _plain(s)):
            kept.append(sentence)
    return tuple(kept)


def _plain(sentence: str) -> str:
    return " ".join(re.findall(r"\w+", sentence.casefold()))


def _clip_sentences(episode: Episode, span: ClipSpan) -> list[str]:
    """More of what the clip's guests say, whole sentences of readable length, those taking a stand
    first: a post whose best sentences are too long for the platform can still say something besides its hook."""
    host = host_label(episode)
    spoken = [tidy_sentence(s) for line in span.lines if line.who != host for s in split_sentences(clean_speech(line.text))]
    readable = [s for s in spoken if _POST_SENTENCE_WORDS[0] <= len(s.split()) <= _POST_SENTENCE_WORDS[1]
                and s[:1].isupper() and s.endswith((".", "!")) and not s.endswith("...")
                and quotes_balanced(s)]
    return sorted(readable, key=lambda s: not takes_a_stand(s))


def clip_question(episode: Episode, span: ClipSpan) -> str:
    """The host's last question asked from a little before the clip to its first seconds: the
    question the clip answers; "" when there is none."""
    host = host_label(episode)
    earliest = span.start_sec - _ASKED_BEFORE_SEC
    asked = [line for line in episode.lines if line.who == host and line.sec is not None and earliest <= line.sec <= span.start_sec + 1]
    for line in reversed(asked):
        said = split_sentences(clean_speech(line.text))
        questions = [tidy_sentence(s) for s in said if s.endswith("?") and quotes_balanced(s)]
        fitting = [q for q in questions if _QUESTION_WORDS[0] <= len(q.split()) <= _QUESTION_WORDS[1]]
        if fitting:
            return fitting[-1]
    return ""


def strongest_line(sentences: tuple[str, ...]) -> str:
    """The first sentence that takes a stand, else the first; one that can be read alone if any can."""
    alone = [s for s in sentences if not refers_back(s)] or list(sentences)
    return next((s for s in alone if takes_a_stand(s)), alone[0] if alone else "")


def clip_tags(episode: Episode, span: ClipSpan, background: Background | None = None) -> tuple[str, ...]:
    """Up to MAX_HASHTAGS: the episode's keywords said in the clip (or its chapter's title), then the
    episode's topics said there, then the clip's own keywords, then the episode's other topics,
    until there are MIN_HASHTAGS; never two of the same stems."""
    clip_texts = [span.chapter.title] + [clean_speech(line.text) for line in span.lines]
    said = {token for text in clip_texts for token in _stems(text)}
    names = _speaker_words(episode)
    candidates = (_shipped_episode_keywords(episode) if background is None
                  else _ranked_episode_keywords(episode, background))
    tags: list[str] = []
    for phrase in [k for k in candidates if _stems(k) <= said] + [t for t in episode.topics if _stems(t) <= said]:
        _add(tags, phrase, MAX_HASHTAGS)
    for phrase in list(pick_keywords(clip_texts, count=MAX_HASHTAGS, background=background, names=names)) + list(episode.topics):
        _add(tags, phrase, MIN_HASHTAGS)
    return tuple(tags)


@lru_cache(maxsize=1)
def _shipped_episode_keywords(episode: Episode) -> tuple[str, ...]:
    """The keywords a clip's hashtags are chosen from, against the shipped background: the same for
    every clip of the episode, so ranked once a cut (or once for each encode that asks at once)."""
    return _ranked_episode_keywords(episode, None)


def _ranked_episode_keywords(episode: Episode, background: Background | None) -> tuple[str, ...]:
    texts = [clean_speech(line.text) for line in episode.lines]
    names = _speaker_words(episode)
    if not texts:
        return ()
    return pick_keywords(texts, episode.topics, count=_EPISODE_KEYWORDS, background=background, names=names)


def _speaker_words(episode: Episode) -> frozenset[str]:
    return frozenset(word for line in episode.lines for word in line.who.split())


def _add(tags: list[str], phrase: str, up_to: int) -> None:
    """Adds the phrase when there are fewer than `up_to` tags and it says something new."""
    if len(tags) < up_to and _stems(phrase) and not _stems(phrase) <= {token for tag in tags for token in _stems(tag)}:
        tags.append(phrase)


def _stems(phrase: str) -> set[str]:
    return {stem(word) for word in content_words(phrase)}

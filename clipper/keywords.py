"""Keywords of an episode (pure): TextRank's central words, weighed by how specific they are.

A word every episode of the podcast uses ("data", "people", "little") is central in every
transcript and says nothing about this one. A background table — in how many episodes of a
podcast each word stem and each two-word phrase occurs — discounts them (inverse document
frequency). clipper ships a table computed from the DataTalks.Club transcripts in the corpus
(clipper/data/background.json; `python benchmarks/text_bench.py background` remakes it).
"""
from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from .textrank import MID_SENTENCE_WORD, adjacent_content_pairs, content_runs, content_words, rank_words, stem, verb_or_adjective_stems

KEYWORD_COUNT = 10
PHRASE_MIN_COUNT = 3  # two words said side by side this often are one concept ("feature store")
_TOPIC_BOOST = 1.5
_BACKGROUND_FILE = "background.json"


@dataclass(frozen=True)
class Background:
    """In how many of `episodes` each stem ("learn") and stem pair ("machin learn") occurs."""

    episodes: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    def specificity(self, key: str) -> float:
        """1.0 for a word no episode uses, falling to about 0 for one every episode uses."""
        if not self.episodes:
            return 1.0
        return math.log((self.episodes + 1) / (self.counts.get(key, 0) + 1)) / math.log(self.episodes + 1)


def background_of(episode_texts: list[list[str]], min_count: int = 1) -> Background:
    """The background table of some episodes (each a list of texts); keys seen in fewer than
    `min_count` episodes are left out (they count as never seen)."""
    seen: Counter = Counter()
    for texts in episode_texts:
        seen.update(_keys(texts))
    return Background(len(episode_texts), {key: n for key, n in sorted(seen.items()) if n >= min_count})


def _keys(texts: list[str]) -> set[str]:
    stems = {stem(word) for text in texts for word in content_words(text)}
    pairs = {f"{stem(a)} {stem(b)}" for text in texts for a, b in adjacent_content_pairs(text)}
    return stems | pairs


@lru_cache(maxsize=1)
def shipped_background() -> Background:
    data = json.loads(resources.files("clipper").joinpath("data", _BACKGROUND_FILE).read_text(encoding="utf-8"))
    return Background(data["episodes"], data["counts"])


def pick_keywords(texts: list[str], topics: tuple[str, ...] = (), count: int = KEYWORD_COUNT,
                  background: Background | None = None, names: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """Central and specific words and phrases of two or three words, never ending in a verb or
    adjective ("announced", "stupid"): one per stem (a plural
    "LLMs" is its singular's), in their most common written form; fillers and the speakers' `names`
    excluded."""
    background = shipped_background() if background is None else background
    stem_lists, surface = _stems_and_forms(texts)
    left_out = {stem(name.lower()) for name in names}
    central = {token: score for token, score in rank_words(stem_lists).items() if token not in left_out}
    topic_stems = {stem(word) for topic in topics for word in content_words(topic)}
    not_nouns = verb_or_adjective_stems(texts)
    scores = {(token,): central[token] * background.specificity(token) * (_TOPIC_BOOST if token in topic_stems else 1.0)
              for token in central if token not in not_nouns}
    cased = _mid_sentence_forms(texts)
    scores.update({parts: score for parts, score in _phrase_scores(texts, central, background, count, set(cased)).items()
                   if parts[-1] not in not_nouns})
    keywords: list[str] = []
    used: set[str] = set()
    for parts in sorted(scores, key=lambda parts: (-scores[parts], parts)):
        if len(keywords) == count:
            break
        singulars = {part.removesuffix("s") for part in parts}
        if used & singulars:
            continue
        words = [surface[part].most_common(1)[0][0] for part in parts]
        keywords.append(" ".join(_leading_names(words, [cased.get(word, word) for word in words])))
        used.update(singulars)
    return tuple(keywords)


def merged_keywords(own: tuple[str, ...], found: tuple[str, ...], count: int = KEYWORD_COUNT) -> tuple[str, ...]:
    """The file's own keywords first, then found ones saying something new (no stem already shown)."""
    shown = {stem(word) for keyword in own for word in content_words(keyword)}
    extra = [k for k in found if not {stem(word) for word in content_words(k)} & shown]
    return own + tuple(extra[: max(0, count - len(own))])


def _stems_and_forms(texts: list[str]) -> tuple[list[list[str]], dict[str, Counter]]:
    surface: dict[str, Counter] = {}
    stem_lists = []
    for text in texts:
        words = content_words(text)
        stems = [stem(word) for word in words]
        for word, token in zip(words, stems):
            surface.setdefault(token, Counter())[word] += 1
        stem_lists.append(stems)
    return stem_lists, surface


def _phrase_scores(texts: list[str], central: dict[str, float], background: Background, count: int,
                   names: set[str]) -> dict[tuple[str, ...], float]:
    """Two or three central words said side by side at least PHRASE_MIN_COUNT times: one concept
    ("machine learning interviews"), scored as its words together, discounted by how many episodes
    say its word pairs (not its words). A name only leads a phrase ("DuckDB models", never "uses DuckDB")."""
    top = set(sorted(central, key=lambda token: -central[token])[: count * 3])
    seen: Counter = Counter()
    for text in texts:
        for run in content_runs(text):
            stems = [stem(word) for word in run]
            seen.update(tuple(stems[i:i + n]) for n in (2, 3) for i in range(len(stems) - n + 1) if _names_lead(run[i:i + n], names))
    return {parts: sum(central[p] for p in parts) * _phrase_specificity(parts, background)
            for parts, n in seen.items() if n >= PHRASE_MIN_COUNT and len(set(parts)) == len(parts) and set(parts) <= top}


def _names_lead(words: list[str], names: set[str]) -> bool:
    """Whether the names among `words` all come before its other words."""
    flags = [word in names for word in words]
    return flags == sorted(flags, reverse=True)


def _phrase_specificity(parts: tuple[str, ...], background: Background) -> float:
    pairs = [f"{a} {b}" for a, b in zip(parts, parts[1:])]
    return sum(background.specificity(pair) for pair in pairs) / len(pairs)


def _leading_names(words: list[str], names: list[str]) -> list[str]:
    """ "LinkedIn posts", "Data Talks": the written form of leading names only, never "mentoring Club"."""
    shown, in_name = [], True
    for word, name in zip(words, names):
        in_name = in_name and name != word
        shown.append(name if in_name else word)
    return shown


def _mid_sentence_forms(texts: list[str]) -> dict[str, str]:
    """Words mostly written with capitals inside sentences: "Germany", "AWS" (content_words lowercases them)."""
    forms: dict[str, Counter] = {}
    for text in texts:
        for word in MID_SENTENCE_WORD.findall(text):
            forms.setdefault(word.lower(), Counter())[word] += 1
    names = {}
    for lower, seen in forms.items():
        form, count = seen.most_common(1)[0]
        if form != lower and count >= 0.8 * sum(seen.values()):  # "data", though "Data Talks Club" is said too
            names[lower] = form
    return names

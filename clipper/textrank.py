"""TextRank (Mihalcea & Tarau 2004) as summa computes it, vectorised with numpy.

summa builds a Python graph and runs a dense eigen-solver, which costs about a second per
one-hour transcript (specs.md). We reuse summa's sentence splitter, stop words and Snowball
stemmer, keep its sentence similarity (shared words / (log10 |s1| + log10 |s2|)) and its
damping, and rank by power iteration on small matrices instead.
"""
from __future__ import annotations

import importlib.util
import re
import sys
import threading
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

DAMPING = 0.85
_ITERATIONS = 60
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)

# Words of speech, not of content: never keywords, never what a sentence is "about".
FILLER_WORDS = frozenset("""
yeah yes yep no nope okay ok um uh uhm hmm mm oh ah like right well actually really basically literally
just maybe guess think thought know knew mean means meant thing things stuff kind sort lot lots bit
pretty gonna wanna gotta got get gets getting go goes going went come comes coming say says said saying
tell told see seen look looking want wanted way ways something anything everything nothing someone
somebody people person good great nice cool sure much many also still even already always usually
probably definitely exactly obviously anyway totally able make makes made making take takes took
need needs work works question questions answer time times today day year years one two three bunch
chuckles laughs laughter laughing inaudible crosstalk cross talk agrees smiles sighs
essentially honestly generally typically specifically personally eventually especially absolutely seriously kinda
working worked different start started starting help helps helped try tried trying ask asked asking talk talked talking
use used using give gave find found feel felt understand understood happen happened happens important
interesting big small new old first last better best hard easy whole point case part place example
everyone everybody somewhere thanks thank welcome hello let lets put start end hear heard called call
super hey figure real long especially general fact true stuff kinds reason reasons sense course
""".split())


@lru_cache(maxsize=1)
def _cleaner() -> tuple[frozenset[str], object]:
    textcleaner = _textcleaner()
    textcleaner.init_textcleanner("english", FILLER_WORDS)
    return textcleaner.STOPWORDS, textcleaner.STEMMER


_IMPORTING = threading.Lock()


def _textcleaner():  # noqa: ANN202 - summa's module
    """summa's text cleaner, imported when first needed, without summa's package __init__: that
    imports all of summa, scipy with it (0.15-0.3 s of every `clipper cut`, which splits a clip's
    sentences), though only the cleaner's own modules are used here. A package that is already
    imported is left as it is."""
    with _IMPORTING:
        if "summa" not in sys.modules:
            package = importlib.util.module_from_spec(importlib.util.find_spec("summa"))
            sys.modules["summa"] = package  # its modules are found by its __path__, each imported as asked
        from summa.preprocessing import textcleaner

    return textcleaner


# summa keeps "Dr. Smith" together by treating any capital + 1-2 letters + "." as an
# abbreviation, which glues spoken "No. I think..." and the ends of "LinkedIn." or "GitHub." to the
# next sentence: split those again.
_INTERJECTION_END = re.compile("|".join(
    [f"(?<=\\b{word}[.!?])" for word in "No Yes Yep Oh Ok So Um Uh Hm Mm Wow Now Hmm Huh".split()]
    + [r"(?<=[a-z][A-Z][a-z][.!?])", r"(?<=[a-z][A-Z][a-z]{2}[.!?])"]) + r"\s+")


_SENTENCE_END = re.compile(r"[.!?…][\"'”’)]*$")
# A word inside a sentence (after a word and a space): its capital, if any, is its own, not the sentence's.
MID_SENTENCE_WORD = re.compile(r"(?<=[\w,;:] )[^\W\d_][\w-]*")


def ends_sentence(text: str) -> bool:
    """Whether `text` ends as a sentence does (`.`, `?`, `!`, `…`, perhaps inside quotes or brackets)."""
    return bool(_SENTENCE_END.search(text))


def split_sentences(text: str) -> list[str]:
    """Sentences as summa splits them (abbreviations such as "Dr." kept whole)."""
    _cleaner()
    sentences = []
    for sentence in _textcleaner().split_sentences(text):
        sentences.extend(part.strip() for part in _INTERJECTION_END.split(sentence) if part.strip())
    return sentences


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    return _cleaner()[1].stem(word)


def content_words(text: str) -> list[str]:
    """Lower-case words of the text that carry content (no stop words, fillers, numbers)."""
    stopwords = _cleaner()[0]
    return [w for w in (m.lower() for m in _WORD.findall(text)) if _is_content(w, stopwords)]


def adjacent_content_pairs(text: str) -> list[tuple[str, str]]:
    """Pairs of content words that stand side by side in the text ("machine learning")."""
    stopwords = _cleaner()[0]
    words = [m.lower() for m in _WORD.findall(text)]
    return [(a, b) for a, b in zip(words, words[1:]) if _is_content(a, stopwords) and _is_content(b, stopwords)]


def content_runs(text: str) -> list[list[str]]:
    """Runs of content words standing side by side ("machine learning interviews"), lower-case."""
    stopwords = _cleaner()[0]
    runs: list[list[str]] = [[]]
    for word in (m.lower() for m in _WORD.findall(text)):
        if _is_content(word, stopwords):
            runs[-1].append(word)
        elif runs[-1]:
            runs.append([])
    return [run for run in runs if run]


_DETERMINERS = frozenset("the a an this these those our your my their his her its".split())
_BEFORE_VERBS_AND_ADJECTIVES = frozenset("i we you they he she it is was are were be been very so too really pretty quite".split())
_DEMONSTRATIVES = frozenset("this that these those".split())
_TOKEN = re.compile(r"[\w'-]+|[^\w\s]")


def noun_stems(texts: list[str]) -> set[str]:
    """Nouns, more or less, without a tagger: words that end "the/a/our … word" runs, and names said
    mid-sentence, more often than they follow "we/it/is/very…" (then they are verbs or adjectives)."""
    as_noun, as_other = _noun_and_other_counts(texts)
    return {word for word, count in as_noun.items() if count > as_other[word]}


def verb_or_adjective_stems(texts: list[str]) -> set[str]:
    """Words said after "we/it/is/very…" more often than as nouns ("keeps", "announced", "stupid")."""
    as_noun, as_other = _noun_and_other_counts(texts)
    return {word for word, count in as_other.items() if count > as_noun[word]}


def _noun_and_other_counts(texts: list[str]) -> tuple[Counter, Counter]:
    as_noun: Counter = Counter()
    as_other: Counter = Counter()
    for text in texts:
        tokens = _TOKEN.findall(text)
        as_other.update(stem(word.lower()) for before, word in zip(tokens, tokens[1:]) if before.lower() in _BEFORE_VERBS_AND_ADJECTIVES)
        run: list[str] = []
        for token in tokens + ["."]:
            if run and token.lower() not in _DETERMINERS and content_words(token) == [token.lower()]:
                run.append(token)
                continue
            if run and len(run) > (2 if run[0].lower() in _DEMONSTRATIVES else 1):  # "this gives" is no noun
                as_noun[stem(run[-1].lower())] += 1
            run = [token] if token.lower() in _DETERMINERS else []
        as_noun.update(stem(word.lower()) for word in MID_SENTENCE_WORD.findall(text) if word[0].isupper() and len(word) > 1)
    return as_noun, as_other


def _is_content(word: str, stopwords: frozenset[str]) -> bool:
    return len(word) > 2 and word not in stopwords and "'" not in word


def rank_sentences(stem_lists: Sequence[Sequence[str]]) -> np.ndarray:
    """TextRank score of each sentence, given its content-word stems."""
    import numpy as np  # here: a cut's first steps do not wait for numpy

    count = len(stem_lists)
    if count == 0:
        return np.zeros(0)
    vocabulary: dict[str, int] = {}
    rows, cols = [], []
    for row, stems in enumerate(stem_lists):
        for token in set(stems):
            rows.append(row)
            cols.append(vocabulary.setdefault(token, len(vocabulary)))
    presence = np.zeros((count, max(len(vocabulary), 1)))
    presence[rows, cols] = 1.0
    shared = presence @ presence.T
    logs = np.log10(np.maximum([len(stems) for stems in stem_lists], 1))
    denominator = logs[:, None] + logs[None, :]
    weights = np.divide(shared, denominator, out=np.zeros_like(shared), where=denominator > 0)
    np.fill_diagonal(weights, 0.0)
    return pagerank(weights)


def rank_words(stem_sequences: Sequence[Sequence[str]], window: int = 2) -> dict[str, float]:
    """TextRank score of each stem, from co-occurrence within `window` words (summa's keywords)."""
    vocabulary: dict[str, int] = {}
    pairs: list[tuple[int, int]] = []
    for stems in stem_sequences:
        ids = [vocabulary.setdefault(token, len(vocabulary)) for token in stems]
        for i, first in enumerate(ids):
            pairs.extend((first, second) for second in ids[i + 1 : i + window] if second != first)
    if not vocabulary:
        return {}
    import numpy as np

    weights = np.zeros((len(vocabulary), len(vocabulary)))
    for first, second in set(pairs):  # summa's word graph is unweighted
        weights[first, second] = weights[second, first] = 1.0
    scores = pagerank(weights)
    return {token: float(scores[index]) for token, index in vocabulary.items()}


def pagerank(weights: np.ndarray) -> np.ndarray:
    """Weighted PageRank of an undirected graph: (1-d) + d * Σ_j w_ji / Σ_k w_jk * score_j."""
    import numpy as np

    out_sums = weights.sum(axis=1)
    transition = np.divide(weights, out_sums[:, None], out=np.zeros_like(weights), where=out_sums[:, None] > 0)
    scores = np.ones(len(weights))
    for _ in range(_ITERATIONS):
        updated = (1 - DAMPING) + DAMPING * (transition.T @ scores)
        if np.abs(updated - scores).max(initial=0.0) < 1e-6:
            return updated
        scores = updated
    return scores

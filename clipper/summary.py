"""Takeaways, keywords, quotes and an extractive summary (pure: Episode + Chapters → Summary)."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import numpy as np

from .model import Chapter, Episode, Quote, Summary, Takeaway
from .textrank import MID_SENTENCE_WORD, adjacent_content_pairs, content_words, rank_sentences, rank_words, split_sentences, stem

KEYWORD_COUNT = 10
QUOTE_COUNT = 3
ABSTRACT_SENTENCES = 4
_TAKEAWAY_WORDS = (8, 45)
_QUOTE_WORDS = (10, 40)
_HOST_WEIGHT = 0.6  # the host mostly asks; takeaways and quotes come mostly from guests
_LONG_CHAPTER_SEC = 180  # a chapter this long gets two takeaway sentences
_WINDOW_SEC = 300  # without chapters, takeaways come from stretches this long

_STAGE_DIRECTION = re.compile(
    r"\s*(\[[^\]\n]{1,60}\]|\((?:laughs?|laughing|laughter|chuckles?|chuckling|inaudible|cross-?talk|sighs?|"
    r"smiles?|pause|music|applause|coughs?|unintelligible)\))", re.IGNORECASE)
_LEADING_FILLER = re.compile(
    r"^(?:(?:yeah|yes|yep|okay|ok|um+|uh+|oh|mm+|hmm+)\b[,.!]?\s*|(?:so|well|right|like|and|but|you know|i mean)\s*,\s*"
    r"|(?:and|but|so|or|then|and then|because)\s+(?=[a-z]|I\b))+",
    re.IGNORECASE)

_HESITATION_WORD = r"\b(?:uh-huh|mm-hmm|u+h+|u+m+|uhm+|erm+|mhm+|hmm+)(?![\w-])"
_OPENING_HESITATION = re.compile(rf"(?:^|(?<=[.!?]\s)){_HESITATION_WORD}[,.!?]?\s*", re.IGNORECASE)
_HESITATION = re.compile(rf",?\s*{_HESITATION_WORD}(?=[\s,.!?]|$)", re.IGNORECASE)
_STUTTER = re.compile(r"\b(\w+)(?:,\s+\1\b)+|\b(i|a|an|the|to|and|we|you|it|is|in|of)(?:\s+\2\b)+", re.IGNORECASE)


@dataclass(frozen=True)
class _Sentence:
    text: str
    who: str
    sec: float
    stems: tuple[str, ...]
    is_host: bool


def clean_speech(text: str) -> str:
    """The text without stage directions ([laughs], (chuckles)), hesitations (um, uh, mhm), stutters
    ("I, I mean", "the the") and doubled spaces."""
    text = _HESITATION.sub("", _OPENING_HESITATION.sub("", _STAGE_DIRECTION.sub("", text)))
    return " ".join(_STUTTER.sub(lambda match: match[1] or match[2], text).split())


def tidy_sentence(sentence: str) -> str:
    """A sentence without leading fillers ("Yeah, so, ..."), starting with a capital."""
    tidied = _LEADING_FILLER.sub("", sentence).strip()
    return tidied[:1].upper() + tidied[1:] if tidied else ""


def summarize(episode: Episode, chapters: tuple[Chapter, ...]) -> Summary:
    """Takeaways per chapter, keywords and quotes of the whole episode, and an abstract."""
    sentences = _sentences(episode)
    if not sentences:
        return Summary()
    groups = _group_by_chapter(sentences, chapters)
    scored = [(chapter, group, _relative_scores(group)) for chapter, group in groups]
    takeaways = tuple(_takeaway(chapter, group, scores) for chapter, group, scores in scored if group)
    everything = [(s, score) for _, group, scores in scored for s, score in zip(group, scores)]
    return Summary(
        takeaways=tuple(t for t in takeaways if t.sentences),
        keywords=pick_keywords([s.text for s in sentences], episode.topics),
        quotes=_quotes(scored),
        abstract=_abstract(takeaways, everything),
    )


def speaker_names(episode: Episode) -> dict[str, str]:
    """`who` labels (usually first names) → the guest's full name, where a guest matches."""
    by_first = {guest.name.split()[0].casefold(): guest.name for guest in episode.guests if guest.is_known and guest.name.split()}
    return {who: by_first.get(who.split()[0].casefold(), who) for who in {line.who for line in episode.lines if line.who}}


def _sentences(episode: Episode) -> list[_Sentence]:
    hosts = _host_names(episode)
    names = speaker_names(episode)
    sentences, seen = [], set()
    for line in episode.lines:
        for text in split_sentences(clean_speech(line.text)):
            key = text.casefold()
            if key in seen:  # a duplicated line must not make the summary repeat itself
                continue
            seen.add(key)
            stems = tuple(stem(word) for word in content_words(text))
            sentences.append(_Sentence(text, names.get(line.who, line.who), line.sec if line.sec is not None else -1.0, stems, line.who in hosts))
    return sentences


def _host_names(episode: Episode) -> set[str]:
    """Speakers who are not guests (matched on first names, as `who` holds them)."""
    guest_names = {part.casefold() for guest in episode.guests for part in guest.name.split()[:1]}
    speakers = {line.who for line in episode.lines if line.who}
    hosts = {who for who in speakers if who.split()[0].casefold() not in guest_names} if speakers else set()
    return hosts if hosts != speakers else set()



def _group_by_chapter(sentences: list[_Sentence], chapters: tuple[Chapter, ...]) -> list[tuple[Chapter | None, list[_Sentence]]]:
    """Sentences by chapter; without chapters, by stretches of about five minutes (or one group without times)."""
    if all(s.sec < 0 for s in sentences):
        return [(None, sentences)]
    if not chapters:
        return _group_by_window(sentences)
    groups: list[tuple[Chapter | None, list[_Sentence]]] = [(chapter, []) for chapter in chapters]
    starts = [chapter.start_sec for chapter in chapters]
    for sentence in sentences:
        index = max(int(np.searchsorted(starts, sentence.sec, side="right")) - 1, 0)
        groups[index][1].append(sentence)
    return groups


def _group_by_window(sentences: list[_Sentence]) -> list[tuple[Chapter | None, list[_Sentence]]]:
    groups: dict[int, list[_Sentence]] = {}
    for sentence in sentences:
        groups.setdefault(int(max(sentence.sec, 0) // _WINDOW_SEC), []).append(sentence)
    return [(None, group) for _, group in sorted(groups.items())]


def _relative_scores(group: list[_Sentence]) -> list[float]:
    """TextRank within the chapter, scaled so 1.0 is the chapter's average sentence."""
    if not group:
        return []
    scores = rank_sentences([s.stems for s in group])
    scores = scores / scores.mean() if scores.mean() > 0 else scores
    return [float(score) * (_HOST_WEIGHT if s.is_host else 1.0) for s, score in zip(group, scores)]


def _is_statement(sentence: _Sentence, bounds: tuple[int, int]) -> bool:
    words = len(sentence.text.split())
    return bounds[0] <= words <= bounds[1] and not sentence.text.rstrip().endswith("?") and sentence.text[-1:] in ".!"


def _takeaway(chapter: Chapter | None, group: list[_Sentence], scores: list[float]) -> Takeaway:
    candidates = [(score, i) for i, (s, score) in enumerate(zip(group, scores)) if _is_statement(s, _TAKEAWAY_WORDS)]
    count = 2 if chapter and chapter.duration_sec >= _LONG_CHAPTER_SEC else 1
    chosen = sorted(i for _, i in sorted(candidates, reverse=True)[:count])
    whole = chapter or Chapter("", 0.0, 0.0)
    return Takeaway(whole, tuple(tidy_sentence(group[i].text) for i in chosen))


def _quotes(scored: list[tuple[Chapter | None, list[_Sentence], list[float]]]) -> tuple[Quote, ...]:
    """The best-scored guest statements, at most one a chapter (or stretch), in time order."""
    options = [
        (score, index, s)
        for index, (_, group, scores) in enumerate(scored)
        for s, score in zip(group, scores)
        if _is_statement(s, _QUOTE_WORDS) and not s.is_host
    ]
    top, used = [], set()
    for score, index, sentence in sorted(options, key=lambda option: -option[0]):
        if index not in used or len(scored) == 1:
            top.append(sentence)
            used.add(index)
        if len(top) == QUOTE_COUNT:
            break
    return tuple(Quote(tidy_sentence(s.text), s.who, s.sec) for s in sorted(top, key=lambda s: s.sec))


def _abstract(takeaways: tuple[Takeaway, ...], everything: list[tuple[_Sentence, float]]) -> tuple[str, ...]:
    """The lead takeaway of the longest chapters, in time order; without chapters, the best sentences."""
    with_chapters = [t for t in takeaways if t.sentences and t.chapter.title]
    if len(with_chapters) >= 2:
        longest = sorted(with_chapters, key=lambda t: -t.chapter.duration_sec)[:ABSTRACT_SENTENCES]
        return tuple(t.sentences[0] for t in sorted(longest, key=lambda t: t.chapter.start_sec))
    options = [(score, i) for i, (s, score) in enumerate(everything) if _is_statement(s, _TAKEAWAY_WORDS)]
    chosen = sorted(i for _, i in sorted(options, reverse=True)[:ABSTRACT_SENTENCES])
    return tuple(tidy_sentence(everything[i][0].text) for i in chosen)


def pick_keywords(texts: list[str], topics: tuple[str, ...] = (), count: int = KEYWORD_COUNT) -> tuple[str, ...]:
    """TextRank keywords: one per stem, shown in their most common form, fillers excluded."""
    word_lists = [content_words(text) for text in texts]
    surface: dict[str, Counter] = {}
    stem_lists = []
    for words in word_lists:
        stems = [stem(word) for word in words]
        for word, token in zip(words, stems):
            surface.setdefault(token, Counter())[word] += 1
        stem_lists.append(stems)
    scores = rank_words(stem_lists)
    cased = _mid_sentence_forms(texts)
    topic_stems = {stem(word) for topic in topics for word in content_words(topic)}
    ranked = sorted(scores, key=lambda token: (-(scores[token] * (1.5 if token in topic_stems else 1.0)), token))
    phrases = _key_phrases(texts, set(ranked[: count * 2]))
    keywords: list[str] = []
    used: set[str] = set()
    for token in ranked:
        if len(keywords) == count:
            break
        if token in used:
            continue
        pair = phrases.get(token)
        parts = pair if pair and not used & set(pair) else (token,)
        words = [surface[part].most_common(1)[0][0] for part in parts]
        names = [cased.get(word, word) for word in words]
        keywords.append(" ".join(_leading_names(words, names)))
        used.update(parts)
    return tuple(keywords)


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


def _key_phrases(texts: list[str], top: set[str], min_count: int = 3) -> dict[str, tuple[str, str]]:
    """Two top keywords that often stand side by side ("machine learning") make one phrase."""
    stem_pairs = ((stem(a), stem(b)) for text in texts for a, b in adjacent_content_pairs(text))
    pairs = Counter((a, b) for a, b in stem_pairs if a in top and b in top and a != b)
    phrases: dict[str, tuple[str, str]] = {}
    for pair, seen in pairs.most_common():
        if seen >= min_count and not any(token in phrases for token in pair):  # each word in its likeliest phrase
            phrases.update({token: pair for token in pair})
    return phrases

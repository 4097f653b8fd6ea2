"""Automatic chapters (pure): topic boundaries by lexical cohesion, titled with the chapter's own words.

For a transcript with neither quotable clips nor headers. TextTiling (Hearst 1997) on time windows:
at each line start, compare the words said in the minute before with those said in the minute
after; a deep valley in that similarity is a change of topic. A host's question is where
this podcast's editors start a chapter, so boundaries there score higher.
"""
from __future__ import annotations

import bisect
import math
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from .keywords import Background, shipped_background
from .model import Chapter, Episode
from .summary import clean_speech, tidy_sentence
from .textrank import content_words, noun_stems, split_sentences, stem, verb_or_adjective_stems

TARGET_CHAPTER_SEC = 140.0  # this podcast's editors: chapters of 1.5–5 minutes, aiming at about 2.3
MIN_CHAPTER_SEC = 60.0
WINDOW_SEC = 60.0
WINDOW_MAX_LINES = 200  # a bound for pathological input only: the corpus's fullest window holds 13 lines
# Weights of a boundary's score, tuned on the corpus's human chapters (make bench): the valley's depth
# (0..2), how dissimilar the two sides are (0..1), and for a host's question a bonus that grows with
# the time until the host's next question (a follow-up question rarely starts a chapter).
DISSIMILARITY_WEIGHT = 0.5
QUESTION_BONUS = 0.3
EXCHANGE_WEIGHT = 0.4
EXCHANGE_FULL_SEC = 240.0
TITLE_MAX_CHARS = 60
QUESTION_TOP_WORDS = 3  # a host's question titles a chapter when it has this many of its
QUESTION_TOP_RANK = 5  # best words
# A title stem's weight: how often the chapter says it, to a power, its neighbours' counts at
# NEIGHBOUR_WEIGHT; boosts when the host asks about it, the episode's title has it or what was
# written about the episode has it (described_stems); less for words that are not nouns or that the
# background table finds in most episodes. These and the title's length below were chosen on a grid
# over half A of make bench's text figures and checked on half B (benchmarks/text_bench.py).
COUNT_POWER = 2.5
NEIGHBOUR_WEIGHT = 0.5
ASKED_BOOST = 1.0
TOPIC_BOOST = 1.0
DESCRIBED_BOOST = 2.0
NOT_NOUN_WEIGHT = 0.6
SPECIFICITY_FLOOR = 0.05
SPECIFICITY_POWER = 0.5
TITLE_WORDS = 5  # words in a title made of phrases, at most (6 scored higher on half A; read as a list)
RELATED_PHRASES = 3  # listed after a title's first phrase, at most
PHRASE_LENGTH_POWER = 0.2
ASKED_PHRASE_RANK = 3  # of the best phrases, the host's opening question's leads (3 best on each half)
_LEADING_WORDS = re.compile(r"^(?:(?:so|and|but|okay|ok|well|now|then|also|alright|right|yeah|um|uh)\b[,.]?\s+)+", re.I)

_ASKS_BACKGROUND = re.compile(r"\byour (?:\w+ )?background\b", re.I)
_INTRODUCES = re.compile(r"\b(?:this week|welcome|special guest|introduction)\b", re.I)
BACKGROUND_CHAPTERS = 3  # the guest's background is asked about in the episode's first minutes
# Words pointing at what was said before: a question with one ("these multi agent systems") is no
# title, which is read alone.
_POINTS_BACK = frozenset("this these those it they them their he she his her him such".split())
_QUESTION_WORDS = frozenset("what how why which when where who whom whose can could do does did is are was were should would will have has".split())


@dataclass(frozen=True)
class Unit:
    """A timed transcript line, as segmentation sees it."""

    start_sec: float
    text: str
    who: str
    stems: tuple[str, ...]

    @property
    def asks(self) -> bool:
        return "?" in self.text


def automatic_chapters(episode: Episode, end_sec: float, background: Background | None = None) -> tuple[Chapter, ...]:
    """Chapters found in the transcript, titled; one chapter when it is too short to divide, () without times.
    `background` tells how common a word is across the podcast (the shipped table by default)."""
    units = transcript_units(episode)
    if not units:
        return ()
    starts = [0.0] + (find_boundaries(units, end_sec) if len(units) >= 4 else [])
    topic = frozenset(stem(word) for word in content_words(episode.title))
    guests = tuple(guest.name for guest in episode.guests if guest.is_known and guest.name)
    context = TitleContext(shipped_background() if background is None else background, topic, described_stems(episode), guests)
    return _titled(units, starts, end_sec, context)


def described_stems(episode: Episode) -> frozenset[str]:
    """The stems of what people wrote about the episode: its short title, description, intro,
    topics, keywords and its guests' bios (words a producer chose for this conversation)."""
    fields = [episode.short, episode.description, episode.intro, *episode.topics, *episode.keywords,
              *(guest.bio for guest in episode.guests)]
    return frozenset(stem(word) for text in fields for word in content_words(text))


def transcript_units(episode: Episode) -> list[Unit]:
    lines = sorted((line for line in episode.lines if line.sec is not None), key=lambda line: line.sec or 0.0)
    texts = [clean_speech(line.text) for line in lines]
    return [Unit(float(line.sec or 0.0), text, line.who, tuple(stem(w) for w in content_words(text))) for line, text in zip(lines, texts)]


def host_of(units: list[Unit]) -> str:
    """Who asks the most questions (ties: who speaks first)."""
    asked = Counter(unit.who for unit in units if unit.asks)
    order = {who: i for i, who in reversed(list(enumerate(unit.who for unit in units)))}
    return min(asked, key=lambda who: (-asked[who], order[who])) if asked else (units[0].who if units else "")


def find_boundaries(units: list[Unit], end_sec: float, target_sec: float = TARGET_CHAPTER_SEC) -> list[float]:
    """Chapter starts after 0:00: the deepest cohesion valleys, at least MIN_CHAPTER_SEC apart."""
    scores = boundary_scores(units)
    span = end_sec - units[0].start_sec
    wanted = max(2, round(span / target_sec) - 1)
    chosen: list[float] = []  # sorted
    for index in sorted(scores, key=lambda i: -scores[i]):
        start = units[index].start_sec
        if len(chosen) == wanted:
            break
        if start < MIN_CHAPTER_SEC or end_sec - start < MIN_CHAPTER_SEC or _near_one_of(chosen, start):
            continue
        bisect.insort(chosen, start)
    return chosen


def _near_one_of(chosen: list[float], start: float) -> bool:
    """Whether a start in the sorted `chosen` is closer than MIN_CHAPTER_SEC (its two neighbours tell)."""
    at = bisect.bisect_left(chosen, start)
    return any(abs(start - chosen[i]) < MIN_CHAPTER_SEC for i in (at - 1, at) if 0 <= i < len(chosen))


def boundary_scores(units: list[Unit]) -> dict[int, float]:
    """For each line start (but the first): how likely a chapter starts there."""
    weights = _tf_idf(units)
    gaps = range(1, len(units))
    windows = _windows(units)
    similarity = _smoothed([_cosine(_sum(weights, before), _sum(weights, after)) for before, after in windows])
    host = host_of(units)
    questions = [i for i, unit in enumerate(units) if unit.who == host and unit.asks]
    asked = set(questions)
    depths = _depths(similarity)
    scores = {}
    for position, index in enumerate(gaps):
        scores[index] = depths[position] + DISSIMILARITY_WEIGHT * (1 - similarity[position])
        if index in asked:
            following = bisect.bisect_right(questions, index)
            no_more = units[-1].start_sec + EXCHANGE_FULL_SEC
            next_question = units[questions[following]].start_sec if following < len(questions) else no_more
            exchange = min(next_question - units[index].start_sec, EXCHANGE_FULL_SEC) / EXCHANGE_FULL_SEC
            scores[index] += QUESTION_BONUS + EXCHANGE_WEIGHT * exchange
    return scores


def _smoothed(values: list[float]) -> list[float]:
    """Each value averaged with its neighbours, as TextTiling smooths its gap scores."""
    return [sum(values[max(0, i - 1):i + 2]) / len(values[max(0, i - 1):i + 2]) for i in range(len(values))]


def _tf_idf(units: list[Unit]) -> list[dict[str, float]]:
    seen_in = Counter(token for unit in units for token in set(unit.stems))
    count = len(units)
    return [{token: n * math.log(count / seen_in[token]) for token, n in Counter(unit.stems).items()} for unit in units]


def _windows(units: list[Unit]) -> Iterator[tuple[range, range]]:
    """At each line start but the first: the lines of the WINDOW_SEC before it and the lines from it on
    (at least two each, at most WINDOW_MAX_LINES). Both edges only move forward: linear in the lines."""
    first = last = 0
    for index in range(1, len(units)):
        at = units[index].start_sec
        while at - units[first].start_sec > WINDOW_SEC:
            first += 1
        last = max(last, index)
        while last < len(units) and units[last].start_sec - at < WINDOW_SEC:
            last += 1
        start = max(0, min(first, index - 2), index - WINDOW_MAX_LINES)
        end = min(max(last, index + 2), len(units), index + WINDOW_MAX_LINES)
        yield range(start, index), range(index, end)


def _sum(weights: list[dict[str, float]], lines: range) -> Counter:
    total: Counter = Counter()
    for i in lines:
        total.update(weights[i])
    return total


def _cosine(a: Counter, b: Counter) -> float:
    dot = sum(value * b.get(token, 0.0) for token, value in a.items())
    norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return dot / norm if norm else 0.0


def _depths(similarity: list[float]) -> list[float]:
    """How far the similarity falls at each position from the peaks on either side (TextTiling): the
    peak is where the climb from the position stops; a neighbour's climb goes on from its own peak."""
    count = len(similarity)
    left, right = similarity[:], similarity[:]
    for position in range(1, count):
        if similarity[position - 1] >= similarity[position]:
            left[position] = left[position - 1]
    for position in range(count - 2, -1, -1):
        if similarity[position + 1] >= similarity[position]:
            right[position] = right[position + 1]
    return [(left[p] - here) + (right[p] - here) for p, here in enumerate(similarity)]


def _titled(units: list[Unit], starts: list[float], end_sec: float, context: TitleContext) -> tuple[Chapter, ...]:
    ends = starts[1:] + [end_sec]
    groups = _grouped(units, starts, ends)
    host = host_of(units)
    texts = [unit.text for unit in units]
    people = [unit.who for unit in units] + list(context.guests)
    speakers = frozenset(word.lower() for name in people for word in name.split())
    said = frozenset(word.lower() for text in texts for word in re.findall(r"[\w'-]+", text))
    vocabulary = Vocabulary(frozenset(noun_stems(texts)), frozenset(verb_or_adjective_stems(texts)), speakers, said)
    weights = _salient_stems(groups, host, vocabulary.nouns, context)
    titles: list[str] = []
    used: set[str] = set()
    opening = _opening_titles(groups, host)
    named = f"Introduction: {', '.join(context.guests)}"
    if opening.get(0) == "Introduction" and context.guests and len(named) <= TITLE_MAX_CHARS:
        opening[0] = named  # whom the host introduces, as the people files name them
    for number, group in enumerate(groups):
        heads = {_stemmed(title.split(":")[0]) for title in titles}
        question = _opening_question(group, host)
        asked = frozenset(question.stems if question else ())
        phrased = _phrase_titles(group, weights[number], vocabulary, heads, asked)
        candidates = [_with_subjects(opening.get(number, ""), phrased), opening.get(number, ""),
                      _question_title(group, host, weights[number]), *phrased]
        title = next((c for c in candidates if c and c.casefold() not in used), "")
        titles.append(title or ("Introduction" if number == 0 else f"Part {number + 1}"))
        used.add(titles[-1].casefold())
    return tuple(Chapter(title, start, end) for title, start, end in zip(titles, starts, ends))


def _opening_titles(groups: list[list[Unit]], host: str) -> dict[int, str]:
    """The episode's opening: "Introduction" when its first line introduces the episode ("This week
    we'll talk about…", "welcome to our event"); when the host asks a guest about their background
    near the start ("let's start with your background"), the chapter of the answer is "<Guest>’s
    background" (and any chapter before it the introduction)."""
    introduces = bool(groups and groups[0] and _INTRODUCES.search(groups[0][0].text))
    titles = {0: "Introduction"} if introduces else {}
    answer = _background_answer(groups[:BACKGROUND_CHAPTERS], host)
    if answer is None:
        return titles
    number, guest = answer
    return {0: "Introduction", number: f"{guest.split()[0]}’s background"}


def _with_subjects(opening: str, phrased: list[str]) -> str:
    """"<Guest>’s background" followed by the subjects the answer is about, as a phrase title lists
    them ("Adrian’s background: DLT, freelancer"), when the title stays short enough."""
    if not opening.endswith("background"):
        return ""
    listed = (f"{opening}: {title.split(': ', 1)[1]}" for title in phrased if ": " in title)
    return next((title for title in listed if len(title) <= TITLE_MAX_CHARS), "")


def _background_answer(groups: list[list[Unit]], host: str) -> tuple[int, str] | None:
    """The chapter number and speaker of the first answer to the host's question about a background."""
    asked = False
    for number, group in enumerate(groups):
        for unit in group:
            if asked and unit.who != host and unit.who.split():
                return number, unit.who
            asked = asked or (unit.who == host and bool(_ASKS_BACKGROUND.search(unit.text)))
    return None


def _grouped(units: list[Unit], starts: list[float], ends: list[float]) -> list[list[Unit]]:
    """The lines of each chapter [start, end), found by bisection in the lines sorted by time."""
    times = [unit.start_sec for unit in units]
    at = [bisect.bisect_left(times, start) for start in starts]
    return [units[first:bisect.bisect_left(times, end)] for first, end in zip(at, ends)]


@dataclass(frozen=True)
class TitleContext:
    """What titles are weighed against: how common words are across the podcast, the stems of the
    episode's own title (what the whole conversation is about) and of what was written about it
    (described_stems), and the guests' names."""

    background: Background
    topic: frozenset[str]
    described: frozenset[str] = frozenset()
    guests: tuple[str, ...] = ()


def _salient_stems(groups: list[list[Unit]], host: str, nouns: frozenset[str], context: TitleContext) -> list[dict[str, float]]:
    """Each chapter's stems weighted for a title: said often in it (its neighbours count a little: an
    editor's chapter often starts before or ends after the automatic boundary), asked about by the
    host, nouns, in the episode's title or in what was written about it, and not said in every
    episode of the podcast."""
    counts = [Counter(token for unit in group for token in unit.stems) for group in groups]
    asked = [{token for unit in group if unit.who == host and unit.asks for token in unit.stems} for group in groups]

    def weight(number: int, token: str) -> float:
        near = sum(counts[i][token] for i in (number - 1, number + 1) if 0 <= i < len(groups))
        said = (counts[number][token] + NEIGHBOUR_WEIGHT * near) ** COUNT_POWER
        specific = (context.background.specificity(token) + SPECIFICITY_FLOOR) ** SPECIFICITY_POWER
        return (said * specific * (1 + ASKED_BOOST * (token in asked[number])) * (1 + TOPIC_BOOST * (token in context.topic))
                * (1 + DESCRIBED_BOOST * (token in context.described))
                * (1.0 if token in nouns else NOT_NOUN_WEIGHT))
    return [{token: weight(number, token) for token in count} for number, count in enumerate(counts)]


def _opening_question(group: list[Unit], host: str) -> Unit | None:
    """The host's question that opens the chapter (in its first two lines), if any."""
    return next((unit for unit in group[:2] if unit.who == host and unit.asks), None)


def _question_title(group: list[Unit], host: str, weights: dict[str, float]) -> str:
    """The host's opening question, when it is short, about what the chapter is about and makes
    sense alone (no word pointing back at what was said before it)."""
    opening = _opening_question(group, host)
    if opening is None:
        return ""
    top = set(sorted(weights, key=lambda t: -weights[t])[:QUESTION_TOP_RANK])
    for question in reversed([s for s in split_sentences(opening.text) if s.endswith("?")]):
        condensed = _LEADING_WORDS.sub("", tidy_sentence(question)).strip()
        stems = {stem(w) for w in content_words(condensed)}
        asks = condensed.split()[0].lower() in _QUESTION_WORDS if condensed else False
        alone = not _POINTS_BACK & {word.lower() for word in re.findall(r"[\w']+", condensed)}
        if asks and alone and 4 <= len(condensed.split()) and len(condensed) <= TITLE_MAX_CHARS and len(stems & top) >= QUESTION_TOP_WORDS:
            return condensed[:1].upper() + condensed[1:]
    return ""


@dataclass(frozen=True)
class Vocabulary:
    """What the episode's words are: nouns, verbs or adjectives (textrank's guesses), speakers' names,
    every word said (lower-case)."""

    nouns: frozenset[str]
    not_nouns: frozenset[str]
    speakers: frozenset[str]
    said: frozenset[str] = frozenset()


def _phrase_titles(group: list[Unit], weights: dict[str, float], vocabulary: Vocabulary, taken: set[str],
                   asked: frozenset[str] = frozenset()) -> list[str]:
    """Titles from the chapter's key phrases (runs of content words; a longer one is nouns only): the
    best noun phrase that no earlier chapter's title opens with (the one the host's opening question
    names, `asked`, when it is among the best few), followed after a colon by the chapter's next best
    words, as the site's own headers list a chapter's subjects ("Pricing strategy: platforms,
    recruiters, rate benchmarking"), up to TITLE_WORDS words."""
    runs: dict[str, Counter] = {}
    for unit in group:
        for phrase in _content_runs(unit.text):
            runs.setdefault(phrase.lower(), Counter())[phrase] += 1
    forms = {key: seen for key, seen in runs.items() if _is_term(seen.most_common(1)[0][0].split(), vocabulary)}
    phrases = _absorbed(Counter({key: sum(seen.values()) for key, seen in forms.items()}))
    score = {phrase: sum(weights.get(stem(w), 0.0) for w in phrase.split()) / len(phrase.split()) ** PHRASE_LENGTH_POWER
             for phrase in phrases}
    # of two forms of one phrase ("industrial", "industry"), the one the chapter says more often
    ranked = _without_overlaps(sorted(score, key=lambda phrase: (-score[phrase], -phrases[phrase], phrase)))[:TITLE_WORDS + 1]
    named = [key for key in ranked if stem(key.split()[-1]) in vocabulary.nouns]
    shown = {key: forms[key].most_common(1)[0][0] for key in ranked}
    named = _asked_first(named, asked)
    heads = [key for key in named if _stemmed(key) not in taken] or named or ranked
    if not heads:
        return []
    head = heads[0]
    related = _related_words(head, forms, runs, weights)
    listed = [f"{shown[head]}: {', '.join(related[:n])}" for n in range(len(related), 0, -1)
              if len(f"{head} {' '.join(related[:n])}".split()) <= TITLE_WORDS]
    titles = listed + [shown[key] for key in heads]
    return [title[:1].upper() + title[1:] for title in titles if len(title) <= TITLE_MAX_CHARS]


def _asked_first(phrases: list[str], asked: frozenset[str]) -> list[str]:
    """The phrases best first, but one the host asks about first of the best ASKED_PHRASE_RANK: what
    the host's question names is what the answer is about ("Resource: books, …" after "any book or
    other resources that you want to recommend?", not "Software engineer: books, …")."""
    first = [phrase for phrase in phrases[:ASKED_PHRASE_RANK] if all(stem(word) in asked for word in phrase.split())]
    return first + [phrase for phrase in phrases if phrase not in first]


def _related_words(head: str, forms: dict[str, Counter], runs: dict[str, Counter], weights: dict[str, float]) -> list[str]:
    """The chapter's best words besides the head's (RELATED_PHRASES of them; no verb's past such as
    "visited"; no two forms of one word: not "mentorship" after "mentor"), each as the chapter says
    it most often; two or three of them the chapter says together stand as that phrase ("machine
    learning", not "machine, learning")."""
    said: dict[str, Counter] = {}
    for key, seen in forms.items():
        if len(key.split()) == 1 and not key.endswith("ed"):
            said.setdefault(stem(key), Counter()).update(seen)
    chosen: list[str] = []
    head_stems = [stem(word) for word in head.split()]
    for token in sorted(said, key=lambda token: (-weights.get(token, 0.0), token)):
        if len(chosen) < RELATED_PHRASES and not any(same_root(token, other) for other in head_stems + chosen):
            chosen.append(token)
    words = [said[token].most_common(1)[0][0] for token in chosen]
    for key, seen in sorted(runs.items(), key=lambda item: (-len(item[0].split()), -sum(item[1].values()), item[0])):
        tokens = [stem(word) for word in key.split()]
        if len(tokens) > 1 and len(set(tokens)) == len(tokens) and sum(seen.values()) >= 2 and set(tokens) <= set(chosen):
            at = sorted(chosen.index(token) for token in tokens)
            if all(words[i] for i in at):
                words[at[0]] = seen.most_common(1)[0][0]
                for i in at[1:]:
                    words[i] = ""
    return [word for word in words if word]


_DERIVATIONS = frozenset(("s", "ic", "al", "ship", "ist", "ism", "ity", "ive", "ment", "er", "ing"))


def same_root(one: str, other: str) -> bool:
    """Whether two stems are forms of one word: the same, or one is the other with an English suffix
    the stemmer leaves on ("mentor", "mentorship"; "agent", "agentic"; "llm", "llms")."""
    short, long = sorted((one, other), key=len)
    return short == long or (len(short) >= 3 and long.startswith(short) and long[len(short):] in _DERIVATIONS)


def _stemmed(phrase: str) -> str:
    return " ".join(stem(word) for word in phrase.lower().split())


def _is_term(words: list[str], vocabulary: Vocabulary) -> bool:
    """A phrase that can stand in a title: no speaker's or guest's name ("Adrian and trends"), no
    word twice (nor two forms of one: "mentorship experience mentoring"), and when it is longer than
    a word, no verb or adjective in it ("business involves risk"), nor a plural or a verb's "-s" before
    its last word ("agent follows principles", "posts focus": in a compound only the last word takes
    an -s; a name's words are kept: "Data Talks Club")."""
    stems = [stem(word.lower()) for word in words]
    twice = any(same_root(one, other) for i, one in enumerate(stems) for other in stems[i + 1:])
    inflected = any(word.islower() and _plural_of_a_word_said(word, vocabulary) for word in words[:-1])
    return (not vocabulary.speakers & {word.lower() for word in words} and not twice and not inflected
            and (len(stems) == 1 or not vocabulary.not_nouns & set(stems)))


def _plural_of_a_word_said(word: str, vocabulary: Vocabulary) -> bool:
    """A plural or a verb's -s that the episode also says without it ("posts", "follows"), not a word
    only ever said so ("sales", "analytics")."""
    return word.endswith("s") and not word.endswith("ss") and word[:-1] in vocabulary.said


def _absorbed(phrases: Counter) -> Counter:
    """A word or phrase said mostly as part of a longer one ("tuning" in "fine tuning") counts as that one."""
    kept = Counter(phrases)
    for longer in sorted(phrases, key=lambda p: -len(p.split())):
        if phrases[longer] < 2 or longer not in kept:
            continue
        for shorter in _subphrases(longer.split()):
            if shorter != longer and shorter in kept and phrases[longer] >= 0.5 * phrases[shorter]:
                del kept[shorter]
    return kept


def _content_runs(text: str) -> list[str]:
    """Phrases of one to three content words standing together ("feature store", "Apache Iceberg")."""
    runs: list[str] = []
    pieces = re.split(r"([^\w\s'-]+)", text)
    for chunk, before in zip(pieces[::2], [". "] + pieces[1::2]):
        words = chunk.split()
        if words and re.search(r"[.!?]", before) and words[0].istitle():
            words[0] = words[0].lower()  # a sentence's capital, not a name's
        run: list[str] = []
        for word in words + [""]:
            if word and content_words(word) == [word.lower()] and not word.lower().endswith("ly"):
                run.append(word)
                continue
            runs.extend(_subphrases(run))
            run = []
    return runs


def _subphrases(words: list[str]) -> list[str]:
    return [" ".join(words[i:i + n]) for n in (1, 2, 3) for i in range(len(words) - n + 1)]


def _without_overlaps(phrases: list[str]) -> list[str]:
    """Best first; a phrase sharing a word with a better one is dropped."""
    kept: list[str] = []
    for phrase in phrases:
        words = {stem(w.lower()) for w in phrase.split()}
        if not any(words & {stem(w.lower()) for w in other.split()} for other in kept):
            kept.append(phrase)
    return kept

"""Takeaways, keywords, quotes and an extractive summary (pure: Episode + Chapters → Summary)."""
from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass

from .model import Chapter, Episode, Quote, Summary, Takeaway
from .keywords import Background, merged_keywords, pick_keywords
from .textrank import content_words, ends_sentence, rank_sentences, split_sentences, stem

QUOTE_COUNT = 3
ABSTRACT_SENTENCES = 4
_TAKEAWAY_WORDS = (8, 40)
_QUOTE_WORDS = (8, 25)  # a line a listener would repeat is short
_HOST_WEIGHT = 0.6  # the host mostly asks; takeaways and quotes come mostly from guests
_LONG_CHAPTER_SEC = 180  # a chapter this long gets two takeaway sentences
_WINDOW_SEC = 300  # without chapters, takeaways come from stretches this long
_OPINION_BONUS = 1.5  # a quote that takes a stand is worth repeating
# Words that take a stand: advice, judgement, a strong claim.
_OPINION = re.compile(r"\b(?:should|shouldn't|must|never|you (?:don't|do not|have to|need to|can't)|the (?:best|worst|key|most important)|"
                      r"matters?|the (?:problem|secret|trick|point|goal|lesson) is|I (?:think|believe|learned)|my advice)\b", re.IGNORECASE)
# How a host frames the talk, not what anyone learns: greetings, thanks, the running order.
_FRAMING = re.compile(r"(?:thank you|thanks|welcome|hello|hi|good (?:morning|evening)|let's (?:start|begin|move)|"
                      r"let me|before we (?:go|start|begin)|this (?:event|episode|podcast|week)|today we)\b", re.IGNORECASE)
# An opening word that points at something said before, or joins on to it.
_DANGLING_OPENING = re.compile(r"(?:it|it's|its|this|that|these|those|they|they're|them|their|he|she|his|her|him|"
                               r"and|but|so|or|because|also|then|which|plus|though|although|yet|otherwise|too|either|"
                               r"such|here|there's|both|same|again|anyway|instead|likewise|similarly|besides|"
                               r"the (?:best|worst|first|second|third|last|latter|former|other|next|rest|main) (?:is|was|are|were|one)"
                               r")\b", re.IGNORECASE)
# Words inside a sentence that point back at what was said before it ("something similar", "Apart
# from that, …", "… a lot about that.").
_BACK_REFERENCE = re.compile(r"\b(?:(?:something|anything) similar|the same(?! (?:\w+ )?as\b)|that's why|this is why|"
                             r"(?:as|like) I (?:said|mentioned)|as mentioned)\b|\b(?:that|this)[.!]$|^[^,]{0,30}\b(?:that|this),", re.IGNORECASE)
_YES_NO_QUESTION = re.compile(r"(?:do|does|did|is|are|was|were|can|could|would|will|have|has|should)\b[^?]*\?$", re.IGNORECASE)
# "I think that translates…": "that" there is the pronoun, not the "that" of "I think that models…".
_THAT_AS_SUBJECT = re.compile(r"(?:I|I'd|I would|we)\s+\w+(?: say)?\s+that\s+(?:is|was|will|would|can|could|has|had|does|did|"
                              r"might|may|[a-z]+[^s\W]s\b(?!\s+(?:are|were|have|do|can|will|should|would|need|make)\b))\b",
                              re.IGNORECASE)
# "I think …", "I believe that …": a speaker's frame around the claim, which may itself dangle.
_REPORTING_FRAME = re.compile(r"(?:I|I'd|I would|we)\s+(?:think|believe|guess|feel|mean|say|would say|know)\s+(?:that\s+)?",
                              re.IGNORECASE)

_STAGE_DIRECTION = re.compile(
    r"\s*(\[[^\]\n]{1,60}\]|\((?:laughs?|laughing|laughter|chuckles?|chuckling|inaudible|cross-?talk|sighs?|"
    r"smiles?|pause|music|applause|coughs?|unintelligible)\))", re.IGNORECASE)
_LEADING_FILLER = re.compile(
    r"^(?:[–—-]+\s*|(?:yeah|yes|yep|okay|ok|um+|uh+|oh|ah|mm+|hmm+)\b[,.!]?\s*|(?:so|well|right|like|and|but|you know|i mean)\s*,\s*"
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
    before: str = ""  # the sentence before it in the same transcript line, "" for a line's first
    answers_yes_no: bool = False  # the first sentence after a yes/no question, often elliptical ("Occasionally, some courses")


def clean_speech(text: str) -> str:
    """The text without stage directions ([laughs], (chuckles)), hesitations (um, uh, mhm), stutters
    ("I, I mean", "the the") and doubled spaces."""
    text = _HESITATION.sub("", _OPENING_HESITATION.sub("", _STAGE_DIRECTION.sub("", text)))
    return " ".join(_STUTTER.sub(lambda match: match[1] or match[2], text).split())


def tidy_sentence(sentence: str) -> str:
    """A sentence without leading fillers ("Yeah, so, ..."), starting with a capital."""
    tidied = _LEADING_FILLER.sub("", sentence).strip()
    return tidied[:1].upper() + tidied[1:] if tidied else ""


def summarize(episode: Episode, chapters: tuple[Chapter, ...], background: Background | None = None) -> Summary:
    """Takeaways per chapter, keywords (the file's own first) and quotes of the whole episode, and an
    abstract; `background` is the keyword background table (clipper's own by default)."""
    sentences = _sentences(episode)
    if not sentences:
        return Summary()
    groups = _group_by_chapter(sentences, chapters)
    scored = [(chapter, group, _relative_scores(group)) for chapter, group in groups]
    takeaways = tuple(_takeaway(chapter, group, scores) for chapter, group, scores in scored if group)
    everything = [(s, score) for _, group, scores in scored for s, score in zip(group, scores)]
    return Summary(
        takeaways=tuple(t for t in takeaways if t.sentences),
        keywords=merged_keywords(episode.keywords, pick_keywords([s.text for s in sentences], episode.topics, background=background, names=_name_words(episode))),
        quotes=_quotes(scored, {s.casefold() for t in takeaways for s in t.sentences}),
        abstract=_abstract(takeaways, everything),
    )


def _name_words(episode: Episode) -> frozenset[str]:
    """The words of the speakers' and guests' names: who speaks is no keyword of what is said."""
    names = [line.who for line in episode.lines] + [guest.name for guest in episode.guests]
    return frozenset(word for name in names for word in name.split())


def speaker_names(episode: Episode) -> dict[str, str]:
    """`who` labels (usually first names) → the guest's full name, where a guest matches."""
    by_first = {guest.name.split()[0].casefold(): guest.name for guest in episode.guests if guest.is_known and guest.name.split()}
    return {who: by_first.get(who.split()[0].casefold(), who) for who in {line.who for line in episode.lines if line.who}}


def _sentences(episode: Episode) -> list[_Sentence]:
    hosts = host_names(episode)
    names = speaker_names(episode)
    sentences, seen, asked_yes_no = [], set(), False
    for line in episode.lines:
        before = ""
        said = split_sentences(clean_speech(line.text))
        for text in said:
            key = text.casefold()
            if key in seen:  # a duplicated line must not make the summary repeat itself
                continue
            seen.add(key)
            stems = tuple(stem(word) for word in content_words(text))
            sec = line.sec if line.sec is not None else -1.0
            is_host = line.who in hosts
            sentences.append(_Sentence(text, names.get(line.who, line.who), sec, stems, is_host, before, asked_yes_no and not before and not is_host))
            before = text
        asked_yes_no = line.who in hosts and bool(said) and bool(_YES_NO_QUESTION.match(tidy_sentence(said[-1])))
    return sentences


def host_names(episode: Episode) -> set[str]:
    """Speakers who are not guests (matched on first names, as `who` holds them)."""
    guest_names = {part.casefold() for guest in episode.guests for part in guest.name.split()[:1]}
    speakers = {line.who for line in episode.lines if line.who}
    hosts = {who for who in speakers if who.split()[0].casefold() not in guest_names} if speakers else set()
    if hosts != speakers:
        return hosts
    asker = host_label(episode) if len(speakers) >= 2 else ""
    return {asker} if asker else set()  # no guest named: who asks


def host_label(episode: Episode) -> str:
    """The `who` of the host: whose turns end with a question most often ("" when nobody asks)."""
    asked = Counter(line.who for line in episode.lines if line.who and line.text.rstrip().endswith("?"))
    return asked.most_common(1)[0][0] if asked else ""


def _group_by_chapter(sentences: list[_Sentence], chapters: tuple[Chapter, ...]) -> list[tuple[Chapter | None, list[_Sentence]]]:
    """Sentences by chapter; without chapters, by stretches of about five minutes (or one group without times)."""
    if all(s.sec < 0 for s in sentences):
        return [(None, sentences)]
    if not chapters:
        return _group_by_window(sentences)
    groups: list[tuple[Chapter | None, list[_Sentence]]] = [(chapter, []) for chapter in chapters]
    starts = [chapter.start_sec for chapter in chapters]
    for sentence in sentences:
        index = max(bisect.bisect_right(starts, sentence.sec) - 1, 0)
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
    """A whole sentence of `bounds` words that states something: no question, no quotation cut in two."""
    text = sentence.text
    words = len(text.split())
    return bounds[0] <= words <= bounds[1] and "?" not in text and text[-1:] in ".!" and quotes_balanced(text)


def quotes_balanced(text: str) -> bool:
    """No quotation cut in two: each “ closed by a ” after it ("I have nothing to lose.” And I
    passed…" and "applying?” I decided “Why not…" are not), straight quotes paired."""
    depth = 0
    for mark in re.findall("[“”]", text):
        depth += 1 if mark == "“" else -1
        if depth < 0:
            return False
    return depth == 0 and text.count('"') % 2 == 0


def takes_a_stand(sentence: str) -> bool:
    """Whether a sentence gives advice, a judgement or a strong claim ("you have to…", "the best…")."""
    return bool(_OPINION.search(sentence))


def is_framing(sentence: str) -> bool:
    """Whether a sentence frames the talk (thanks, welcome, the running order) rather than says something."""
    return bool(_FRAMING.search(tidy_sentence(sentence)[:40]))


def opens_dangling(sentence: str) -> bool:
    """Whether a sentence opens with a word pointing at what was said before ("It was them who…",
    "But then…", "I think that's…"), so that it does not make sense alone."""
    tidied = tidy_sentence(sentence)
    claim = _REPORTING_FRAME.match(tidied)
    return bool(_DANGLING_OPENING.match(tidied) or claim and (_DANGLING_OPENING.match(tidied[claim.end():])
                                                              or _THAT_AS_SUBJECT.match(tidied[claim.start():])))


def refers_back(sentence: str) -> bool:
    """Whether a sentence opens dangling or points back inside ("the same", "that's why")."""
    return opens_dangling(sentence) or bool(_BACK_REFERENCE.search(sentence))


def standalone(sentence: _Sentence, bounds: tuple[int, int]) -> str:
    """The sentence as it can be read alone: tidied, with the sentence before it when it opens
    with a dangling word and that one does not; "" when it cannot stand alone or is no statement."""
    if not _is_statement(sentence, bounds) or is_framing(sentence.text):
        return ""
    if _BACK_REFERENCE.search(sentence.text):
        return ""
    if not opens_dangling(sentence.text):
        return tidy_sentence(sentence.text)
    joined = f"{sentence.before} {sentence.text}"
    fits = sentence.before and not opens_dangling(sentence.before) and ends_sentence(sentence.before) and "?" not in sentence.before
    whole = fits and len(joined.split()) <= bounds[1] and not opens_dangling(joined) and quotes_balanced(joined)
    return tidy_sentence(joined) if whole else ""


def _takeaway(chapter: Chapter | None, group: list[_Sentence], scores: list[float]) -> Takeaway:
    """The chapter's best guest statements that stand alone (two for a long chapter), in spoken order."""
    options = [(score, i, standalone(s, _TAKEAWAY_WORDS)) for i, (s, score) in enumerate(zip(group, scores)) if not s.is_host]
    count = 2 if chapter and chapter.duration_sec >= _LONG_CHAPTER_SEC else 1
    chosen: list[tuple[float, int, str]] = []
    for score, i, text in sorted((o for o in options if o[2]), key=lambda option: (-option[0], option[1])):
        if len(chosen) < count and not any(abs(i - j) <= 1 for _, j, _ in chosen):  # a sentence said once
            chosen.append((score, i, text))
    chosen.sort(key=lambda option: option[1])
    whole = chapter or Chapter("", 0.0, 0.0)
    return Takeaway(whole, tuple(text for _, _, text in chosen))


def _quotes(scored: list[tuple[Chapter | None, list[_Sentence], list[float]]], taken: set[str]) -> tuple[Quote, ...]:
    """Short, opinionated guest lines that stand alone and are no takeaway: the best scored, at most
    one a chapter (or stretch), in time order."""
    options = [
        (score * (_OPINION_BONUS if takes_a_stand(s.text) else 1.0), index, s)
        for index, (_, group, scores) in enumerate(scored)
        for s, score in zip(group, scores)
        if not s.is_host and s.who.strip() and not s.answers_yes_no and not refers_back(s.text) and _is_statement(s, _QUOTE_WORDS) and not is_framing(s.text)
        and not _overlaps(tidy_sentence(s.text), taken)
    ]
    top, used = [], set()
    for score, index, sentence in sorted(options, key=lambda option: (-option[0], option[2].sec)):
        if index not in used or len(scored) == 1:
            top.append(sentence)
            used.add(index)
        if len(top) == QUOTE_COUNT:
            break
    return tuple(Quote(tidy_sentence(s.text), s.who, s.sec) for s in sorted(top, key=lambda s: s.sec))


def _overlaps(text: str, taken: set[str]) -> bool:
    key = text.casefold()
    return any(key in other or other in key for other in taken)


def _abstract(takeaways: tuple[Takeaway, ...], everything: list[tuple[_Sentence, float]]) -> tuple[str, ...]:
    """The lead takeaway of the longest chapters, in time order; without chapters, the best sentences."""
    with_chapters = [t for t in takeaways if t.sentences and t.chapter.title]
    if len(with_chapters) >= 2:
        longest = sorted(with_chapters, key=lambda t: -t.chapter.duration_sec)[:ABSTRACT_SENTENCES]
        return tuple(t.sentences[0] for t in sorted(longest, key=lambda t: t.chapter.start_sec))
    options = [(score, i, standalone(s, _TAKEAWAY_WORDS)) for i, (s, score) in enumerate(everything) if not s.is_host]
    chosen = sorted(sorted((option for option in options if option[2]), key=lambda o: (-o[0], o[1]))[:ABSTRACT_SENTENCES], key=lambda o: o[1])
    return tuple(text for _, _, text in chosen)

"""Captions timed to the speech heard (pure): line times are approximate, the voice is not.

The clip's audio gives voiced stretches ("chunks", between pauses). The transcript's words are
shared out over the chunks in order by a small dynamic programme: each chunk should last about as
long as its words take to say (syllables × the clip's speaking rate), pauses fall after sentences
and commas more often than inside a phrase, and a line begins near the time the transcript gives
(±2 s). Inside a chunk, words are spread by syllables. Words never land in a pause or past the
speech, and lines that share one time are said one after the other.
"""
from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .model import Cue

Interval = tuple[float, float]

LEVEL_WINDOW_SEC = 0.01  # the window of each level (ffmpeg.parse_speech_band, LEVEL_SAMPLES)
MIN_PAUSE_SEC = 0.15  # shorter dips are stops and breaths inside speech
MIN_VOICED_SEC = 0.06
MIN_CUE_SEC = 0.7
CUE_LINGER_SEC = 0.3  # a caption stays this long after its last word, unless the next one comes
MAX_CUE_WORDS = 4
MAX_CUE_CHARS = 24
LINE_TIME_SPREAD_SEC = 1.5  # how far a transcript's line time may be from the voice (1 σ)
_SMALL_WORDS = frozenset("""a an the of on to in at for by with from into onto about over under than as
    and or but nor so if because that my your our their his her its this these those
    is are was were be been am i we they he she""".split())
_VOWEL_GROUPS = re.compile(r"[aeiouy]+")
_CHUNK_WORD_LIMIT = 60  # words said without a pause, at most
_SEARCH_SEC = 12.0  # a chunk's first word is looked for this far around where the line times put it


@dataclass(frozen=True)
class Speech:
    """What was heard over a window of the episode: voiced stretches, in episode seconds."""

    start_sec: float
    end_sec: float
    voiced: tuple[Interval, ...]
    levels: tuple[tuple[float, float], ...] = ()  # (time, dB) of the speech band every 10 ms, as heard


@dataclass(frozen=True)
class SpokenLine:
    """A transcript line with the times the transcript gives (start; the next line's start)."""

    text: str
    start_sec: float
    end_sec: float


@dataclass(frozen=True)
class TimedWord:
    start_sec: float
    end_sec: float
    text: str
    line: int  # index into the lines given


def voiced_intervals(levels: Sequence[tuple[float, float]],
                     window_sec: float = LEVEL_WINDOW_SEC) -> tuple[Interval, ...]:
    """Voiced stretches from (time, RMS dB) levels: above a threshold set between the quiet floor
    and the loud voice of this recording; dips shorter than MIN_PAUSE_SEC bridged."""
    heard = sorted(level for _, level in levels if level > -200)
    if not heard:
        return ()
    floor, loud = heard[len(heard) // 10], heard[min(len(heard) - 1, len(heard) * 95 // 100)]
    if loud - floor < 10:  # a steady sound (a tone, hum, silence): no speech to find
        return ()
    threshold = floor + max(6.0, 0.3 * (loud - floor))
    runs: list[Interval] = []
    for time, level in levels:
        if level < threshold:
            continue
        if runs and time - runs[-1][1] < MIN_PAUSE_SEC:
            runs[-1] = (runs[-1][0], time + window_sec)
        else:
            runs.append((time, time + window_sec))
    return tuple(run for run in runs if run[1] - run[0] >= MIN_VOICED_SEC)


def syllables(word: str) -> int:
    """Vowel groups, a silent final e not counted; at least one."""
    letters = re.sub(r"[^a-z]", "", word.lower())
    count = len(_VOWEL_GROUPS.findall(letters))
    if letters.endswith("e") and not letters.endswith(("le", "ee")) and count > 1:
        count -= 1
    return max(1, count) + sum(char.isdigit() for char in word)


def time_words(lines: Sequence[SpokenLine], speech: Speech | None) -> tuple[TimedWord, ...]:
    """Every word of `lines` with its time: over the voice heard when there is some, else over
    the lines' own times (lines that share a start share its time, one after the other)."""
    words = [(text, number) for number, line in enumerate(lines) for text in line.text.split()]
    if not words:
        return ()
    chunks = _heard_chunks(speech) if speech else ()
    if not chunks:
        return _spread_over_lines(lines)
    return _align(lines, words, chunks, speech)


def _heard_chunks(speech: Speech) -> tuple[Interval, ...]:
    inside = ((max(start, speech.start_sec), min(end, speech.end_sec)) for start, end in speech.voiced)
    return tuple(chunk for chunk in inside if chunk[1] > chunk[0])


def _spread_over_lines(lines: Sequence[SpokenLine]) -> tuple[TimedWord, ...]:
    timed: list[TimedWord] = []
    for start in sorted({line.start_sec for line in lines}):
        group = [(number, line) for number, line in enumerate(lines) if line.start_sec == start]
        end = max(line.end_sec for _, line in group)
        weights = [_weight(line.text.split()) for _, line in group]
        at = start
        for (number, line), weight in zip(group, weights):
            until = at + (end - start) * weight / (sum(weights) or 1)
            timed.extend(_spread([(text, number) for text in line.text.split()], (at, until)))
            at = until
    return tuple(timed)


def _weight(words: Sequence[str]) -> float:
    return sum(syllables(word) for word in words)


def _spread(words: Sequence[tuple[str, int]], span: Interval) -> list[TimedWord]:
    """Words (text, line) over one stretch of time, each by its syllables."""
    total, at, timed = _weight([text for text, _ in words]) or 1, span[0], []
    for text, line in words:
        length = (span[1] - span[0]) * syllables(text) / total
        timed.append(TimedWord(at, at + length, text, line))
        at += length
    return timed


@dataclass(frozen=True)
class _Problem:
    """The alignment's inputs, ready for the dynamic programme."""

    weights: tuple[float, ...]  # syllables of each word
    first_of_line: tuple[int | None, ...]  # the line a word begins, else None
    break_costs: tuple[float, ...]  # the cost of a pause after each word
    line_starts: tuple[float | None, ...]  # None for a line sharing the time of the one before: it follows it
    chunks: tuple[Interval, ...]
    rate_sec: float  # seconds of voice per syllable
    guessed_starts: tuple[float, ...]  # each word's start from the line times alone
    lines_begun: tuple[int, ...]  # how many lines begin among the first k words
    skippable_head: int  # words of a line begun before the window that may go unheard
    skippable_tail: int  # words of a line going on after the window
    head_outside_sec: float  # how much of them the line's times put outside the window
    tail_outside_sec: float


def _align(lines: Sequence[SpokenLine], words: list[tuple[str, int]], chunks: tuple[Interval, ...],
           speech: Speech) -> tuple[TimedWord, ...]:
    shares = _best_shares(_problem(lines, words, chunks, speech))
    if shares is None:  # the voice heard cannot hold these words (music, another clip's audio)
        return _spread_over_lines(lines)
    return tuple(word for chunk, (first, end) in zip(chunks, shares) for word in _spread(words[first:end], chunk))


def _problem(lines: Sequence[SpokenLine], words: list[tuple[str, int]], chunks: tuple[Interval, ...],
             speech: Speech) -> _Problem:
    weights = tuple(float(syllables(text)) for text, _ in words)
    first_of_line = tuple(number if index == 0 or words[index - 1][1] != number else None
                          for index, (_, number) in enumerate(words))
    rate = sum(end - start for start, end in chunks) / sum(weights)
    first, last = lines[0], lines[-1]
    began_before = first.start_sec < speech.start_sec + LINE_TIME_SPREAD_SEC
    goes_on_after = last.end_sec > speech.end_sec - LINE_TIME_SPREAD_SEC
    head = sum(1 for _, number in words if number == 0) if began_before else 0
    tail = sum(1 for _, number in words if number == len(lines) - 1) if goes_on_after else 0
    head_sec = _outside_share(first, first.start_sec, speech.start_sec) * _weight(first.text.split()) * rate
    tail_sec = _outside_share(last, speech.end_sec, last.end_sec) * _weight(last.text.split()) * rate
    guessed = tuple(word.start_sec for word in sorted(_spread_over_lines(lines), key=lambda word: word.line))
    begun = [0]
    for line in first_of_line:
        begun.append(begun[-1] + (line is not None))
    return _Problem(weights, first_of_line, tuple(_break_cost(words, index) for index in range(len(words))),
                    _own_starts(lines), chunks, rate, guessed, tuple(begun), head, tail, head_sec, tail_sec)


def _own_starts(lines: Sequence[SpokenLine]) -> tuple[float | None, ...]:
    return tuple(None if index and line.start_sec <= lines[index - 1].start_sec else line.start_sec
                 for index, line in enumerate(lines))


def _outside_share(line: SpokenLine, start_sec: float, end_sec: float) -> float:
    """The share of the line's own time between start_sec and end_sec."""
    return min(1.0, max(0.0, end_sec - start_sec) / max(line.end_sec - line.start_sec, 1e-6))


def _break_cost(words: list[tuple[str, int]], index: int) -> float:
    """A pause after this word: free at a line's or sentence's end, cheap at a comma, dear inside a phrase."""
    text = words[index][0]
    if index + 1 == len(words) or words[index + 1][1] != words[index][1] or text[-1] in ".?!":
        return 0.0
    if text[-1] in ",;:—–-":
        return 0.5
    return 3.0 if _is_small(text) else 2.0


def _best_shares(problem: _Problem) -> list[tuple[int, int]] | None:
    """Which words each chunk holds (first, end), in order, at the least total cost; None when none can."""
    count, chunks = len(problem.weights), problem.chunks
    cumulative = [0.0]
    for weight in problem.weights:
        cumulative.append(cumulative[-1] + weight)
    cost = [[math.inf] * (count + 1) for _ in range(len(chunks) + 1)]
    back = [[0] * (count + 1) for _ in range(len(chunks) + 1)]
    for skipped in range(problem.skippable_head + 1):
        cost[0][skipped] = _skip_cost(cumulative[skipped], problem.head_outside_sec, problem)
    for index, chunk in enumerate(chunks):
        for first in range(count + 1):
            if cost[index][first] == math.inf:
                continue
            near = first < count and abs(problem.guessed_starts[first] - chunk[0]) <= _SEARCH_SEC
            for end in range(first, min(count, first + _CHUNK_WORD_LIMIT) + 1 if near else first + 1):
                value = cost[index][first] + _chunk_cost(problem, chunk, first, end, cumulative)
                if value < cost[index + 1][end]:
                    cost[index + 1][end], back[index + 1][end] = value, first
    finals = [(cost[len(chunks)][end] + _skip_cost(cumulative[count] - cumulative[end], problem.tail_outside_sec, problem),
               end) for end in range(count - problem.skippable_tail, count + 1)]
    best, end = min(finals)
    if best == math.inf:
        return None
    shares = []
    for index in range(len(chunks), 0, -1):
        first = back[index][end]
        shares.append((first, end))
        end = first
    return shares[::-1]


def _skip_cost(weight: float, expected_sec: float, problem: _Problem) -> float:
    """Words said outside the window: as many as the line's times put there, give or take."""
    return ((weight * problem.rate_sec - expected_sec) / LINE_TIME_SPREAD_SEC) ** 2


def _chunk_cost(problem: _Problem, chunk: Interval, first: int, end: int, cumulative: list[float]) -> float:
    heard = chunk[1] - chunk[0]
    expected = (cumulative[end] - cumulative[first]) * problem.rate_sec
    cost = (math.log((heard + 0.2) / (expected + 0.2)) / 0.3) ** 2
    if end == first:
        return cost
    cost += problem.break_costs[end - 1]
    line = problem.first_of_line[first]
    said_at = problem.line_starts[line] if line is not None else None
    if said_at is not None:
        cost += ((chunk[0] - said_at) / LINE_TIME_SPREAD_SEC) ** 2
    elif first > 0:
        cost += 2.0  # a chunk that starts inside a phrase: its words were split by a pause
    return cost + 3.0 * (problem.lines_begun[end] - problem.lines_begun[first + 1])  # a turn with no pause


def group_cues(words: Sequence[TimedWord], start_sec: float, end_sec: float) -> tuple[Cue, ...]:
    """Captions of a few words relative to `start_sec`: broken at sentences, pauses and turns,
    never after a small word ("the", "of"), none shorter than MIN_CUE_SEC when there is time."""
    inside = [word for word in words if start_sec <= (word.start_sec + word.end_sec) / 2 < end_sec]
    groups = _merge_short(_phrase_groups(inside))
    cues = []
    for index, group in enumerate(groups):
        following = groups[index + 1][0].start_sec if index + 1 < len(groups) else end_sec
        start = max(group[0].start_sec, start_sec)
        end = min(max(group[-1].end_sec + CUE_LINGER_SEC, start + MIN_CUE_SEC), following, end_sec)
        cues.append(Cue(round(start - start_sec, 3), round(end - start_sec, 3), " ".join(w.text for w in group),
                        tuple(round(max(w.start_sec, start_sec) - start_sec, 3) for w in group)))
    return tuple(cues)


def _phrase_groups(words: Sequence[TimedWord]) -> list[list[TimedWord]]:
    groups: list[list[TimedWord]] = []
    current: list[TimedWord] = []
    for index, word in enumerate(words):
        current.append(word)
        following = words[index + 1] if index + 1 < len(words) else None
        if following is None or _ends_phrase(current, following):
            groups.append(current)
            current = []
        elif _too_long(current + [following]):
            keep = _last_good_end(current)
            groups.append(current[:keep])
            current = current[keep:]
    return groups


def _ends_phrase(current: list[TimedWord], following: TimedWord) -> bool:
    last = current[-1]
    if following.line != last.line or last.text[-1] in ".?!" or following.start_sec - last.end_sec >= 2 * MIN_PAUSE_SEC:
        return True
    return last.text[-1] in ",;:" and len(current) >= 2


def _too_long(words: list[TimedWord]) -> bool:
    return len(words) > MAX_CUE_WORDS or len(" ".join(w.text for w in words)) > MAX_CUE_CHARS


def _last_good_end(words: list[TimedWord]) -> int:
    """How many words to keep so that the caption does not end on a small word (all, if every one is)."""
    for keep in range(len(words), 0, -1):
        if not _is_small(words[keep - 1].text):
            return keep
    return len(words)


def _is_small(text: str) -> bool:
    return text.lower().strip("\"'“”‘’") in _SMALL_WORDS


def _merge_short(groups: list[list[TimedWord]]) -> list[list[TimedWord]]:
    """A caption said in under MIN_CUE_SEC (or of one word) joins the next one when they are
    one phrase apart from a pause and the two still fit on screen."""
    merged: list[list[TimedWord]] = []
    for group in groups:
        if merged and _joinable(merged[-1], group):
            merged[-1] = merged[-1] + group
        else:
            merged.append(group)
    return merged


def _joinable(before: list[TimedWord], after: list[TimedWord]) -> bool:
    short = before[-1].end_sec - before[0].start_sec < MIN_CUE_SEC or len(before) == 1 or len(after) == 1
    text = " ".join(word.text for word in before + after)
    together = len(before) + len(after) <= MAX_CUE_WORDS + 1 and len(text) <= MAX_CUE_CHARS + 8
    same_breath = after[0].line == before[-1].line and after[0].start_sec - before[-1].end_sec < 2 * MIN_PAUSE_SEC
    return short and together and same_breath and before[-1].text[-1] not in ".?!"

"""Which spans become social clips (pure): targets, the best highlight inside a chapter, captions."""
from __future__ import annotations

import math
from collections.abc import Callable
import re
import unicodedata
from dataclasses import dataclass, replace

from .caption_timing import Speech, SpokenLine, TimedWord, group_cues, time_words
from .errors import ChapterError
from .model import Chapter, ClipSpan, Cue, Episode, TranscriptLine
from .summary import clean_speech, host_names, quotes_balanced, tidy_sentence
from .textrank import content_words, ends_sentence, rank_sentences, split_sentences, stem
from .timecode import format_clock

MIN_HIGHLIGHT_SEC = 20.0
MAX_HIGHLIGHT_SEC = 60.0
FETCH_PADDING_SEC = 5.0  # ranges are fetched wider: stream copy starts at the keyframe before
WHOLE_DOWNLOAD_SHARE = 0.5  # fetch the whole video when ranges would cover more than this
_SLUG_CHARS = 50


@dataclass(frozen=True)
class FetchPlan:
    ranges: tuple[tuple[float, float], ...]  # empty when the whole video is fetched
    reason: str

    @property
    def is_whole(self) -> bool:
        return not self.ranges


@dataclass(frozen=True)
class _Piece:
    """A stretch of speech with its time: a whole line, or one sentence of a long line (estimated)."""

    start_sec: float
    end_sec: float
    text: str
    who: str
    score: float
    is_estimated: bool
    is_host: bool = False


def clip_chapters(episode: Episode, chapters: tuple[Chapter, ...]) -> tuple[Chapter, ...]:
    """What `--clip N` counts: the episode's quotable clips (their own spans), else its chapters."""
    if episode.clips:
        return tuple(Chapter(clip.name, clip.start_sec, clip.end_sec) for clip in sorted(episode.clips, key=lambda c: c.start_sec))
    return chapters


def select_chapters(choices: tuple[Chapter, ...], wanted: list[str]) -> list[tuple[int, Chapter]]:
    """Chapters by 1-based number or by name (exact, else the one containing it); ChapterError when unknown."""
    selected = []
    for item in wanted:
        index = _find_choice(choices, item)
        selected.append((index + 1, choices[index]))
    return selected


def _find_choice(choices: tuple[Chapter, ...], item: str) -> int:
    if item.strip().isdigit():
        number = int(item)
        if 1 <= number <= len(choices):
            return number - 1
        raise ChapterError(f"there is no clip {number}: the episode has {len(choices)}", "pick a number from `clipper cut EPISODE --list`")
    wanted = item.casefold().strip()
    exact = [i for i, c in enumerate(choices) if c.title.casefold() == wanted]
    partial = [i for i, c in enumerate(choices) if wanted in c.title.casefold()]
    found = exact or partial
    if len(found) == 1 or exact:
        return found[0]
    if not found:
        raise ChapterError(f"no clip or chapter is named '{item}'", "see the names with `clipper cut EPISODE --list`")
    names = ", ".join(f"'{choices[i].title}'" for i in found[:3])
    raise ChapterError(f"'{item}' matches several clips ({names})", "give more of the name, or its number")


def line_spans(episode: Episode, end_sec: float) -> list[tuple[TranscriptLine, float, float]]:
    """Each timed line with its start and end (the next line's start; the last ends at `end_sec`)."""
    timed = [line for line in episode.lines if line.sec is not None]
    spans = []
    for index, line in enumerate(timed):
        nxt = next((later.sec for later in timed[index + 1:] if (later.sec or 0) > (line.sec or 0)), None)
        spans.append((line, float(line.sec or 0), float(nxt if nxt is not None else max(end_sec, (line.sec or 0) + 1))))
    return spans


def pick_highlight(episode: Episode, chapter: Chapter, index: int, end_sec: float,
                   min_sec: float = MIN_HIGHLIGHT_SEC, max_sec: float = MAX_HIGHLIGHT_SEC) -> ClipSpan:
    """The best run of whole lines inside the chapter, `min_sec` to `max_sec` long, by TextRank.

    Lines longer than `max_sec` are split into sentences with times estimated from their length.
    A chapter shorter than `min_sec` is taken whole.
    """
    if not episode.has_times:
        raise ChapterError("the transcript has no times, so no clip can be cut from it", "add 'sec:' to the transcript lines", episode.path)
    spans = [(line, start, min(end, chapter.end_sec)) for line, start, end in line_spans(episode, end_sec) if chapter.start_sec <= start < chapter.end_sec]
    if chapter.duration_sec <= min_sec:
        return whole_chapter(episode, chapter, index, end_sec, "the chapter is shorter than a highlight, so it is cut whole")
    if not spans:
        end = min(chapter.end_sec, chapter.start_sec + max_sec)
        return whole_chapter(episode, Chapter(chapter.title, chapter.start_sec, end), index, end_sec,
                             f"the chapter has no transcript lines, so its first {end - chapter.start_sec:.0f} s are cut")
    pieces = _pieces(spans, max_sec, host_names(episode))
    # A moment of a highlight's length, else one at least half as long; else any run of that length (a
    # clip of a few seconds is no post); only then a shorter one.
    best = (_best_run(pieces, min_sec, max_sec, is_moment) or _best_run(pieces, min_sec / 2, max_sec, is_moment)
            or _best_run(pieces, min_sec, max_sec) or _best_run(pieces, 0.0, max_sec, is_moment)
            or _best_run(pieces, 0.0, max_sec))
    if best is None:  # every piece is one sentence longer than max_sec
        top = max(pieces, key=lambda piece: piece.score)
        return whole_chapter(episode, Chapter(chapter.title, top.start_sec, top.start_sec + max_sec), index, end_sec,
                             f"the best sentence is longer than {max_sec:.0f} s, so it is cut at that length")
    first, last = best
    run = pieces[first:last + 1]
    question = _question_of(run[0].text) if _asks(run[0]) and len(run) > 1 else ""  # what the clip answers, on screen
    lines = _lines_between(spans, run[0].start_sec, run[-1].end_sec)
    return ClipSpan(index, chapter.title, chapter, run[0].start_sec, run[-1].end_sec, lines,
                    _reason(chapter, run, len(pieces)), _post_sentences([piece.text for piece in run]),
                    question if quotes_balanced(question) else "")


def whole_chapter(episode: Episode, chapter: Chapter, index: int, end_sec: float, reason: str = "the whole chapter (--whole)") -> ClipSpan:
    spans = [(line, start, end) for line, start, end in line_spans(episode, end_sec) if start < chapter.end_sec and end > chapter.start_sec]
    lines = tuple(line for line, _, _ in spans)
    return ClipSpan(index, chapter.title, chapter, chapter.start_sec, chapter.end_sec, lines, reason)  # post_sentences ranks


def custom_span(episode: Episode, chapters: tuple[Chapter, ...], start_sec: float, end_sec: float, episode_end: float) -> ClipSpan:
    """A span given with --start/--end; its title is the chapter it starts in."""
    if end_sec <= start_sec:
        raise ChapterError(f"--end ({format_clock(end_sec)}) must come after --start ({format_clock(start_sec)})", "give a later --end")
    chapter = next((c for c in reversed(chapters) if c.start_sec <= start_sec), Chapter(episode.short or episode.title, start_sec, end_sec))
    span = whole_chapter(episode, Chapter(chapter.title, start_sec, end_sec), 1, episode_end, f"the span asked for ({format_clock(start_sec)}–{format_clock(end_sec)})")
    return span


def _pieces(spans: list[tuple[TranscriptLine, float, float]], max_sec: float, hosts: set[str] = frozenset()) -> list[_Piece]:
    raw: list[tuple[float, float, str, str, bool]] = []
    for line, start, end in spans:
        text = clean_speech(line.text)
        if end - start <= max_sec:
            raw.append((start, end, text, line.who, False))
            continue
        sentences = split_sentences(text)
        weights = [len(s) + 1 for s in sentences]
        total, at = sum(weights) or 1, start
        for number, (sentence, weight) in enumerate(zip(sentences, weights), start=1):
            until = end if number == len(sentences) else at + (end - start) * weight / total
            raw.append((at, until, sentence, line.who, True))
            at = until
    scores = rank_sentences([[stem(w) for w in content_words(text)] for _, _, text, _, _ in raw])
    return [_Piece(start, end, text, who, float(score), estimated, who in hosts)
            for (start, end, text, who, estimated), score in zip(raw, scores)]


MAX_QUESTION_SEC = 15.0  # a host's question short enough to open a clip with


def is_moment(run: list[_Piece]) -> bool:
    """A run a listener takes as one moment: it ends on a guest's sentence that is not a question,
    is not mostly the host, and opens, if with the host, on a short question.
    """
    last = run[-1]
    if last.is_host or last.text.rstrip().endswith("?"):
        return False
    host_sec = sum(piece.end_sec - piece.start_sec for piece in run if piece.is_host)
    if host_sec > 0.5 * (run[-1].end_sec - run[0].start_sec):
        return False
    return not run[0].is_host or (_asks(run[0]) and run[0].end_sec - run[0].start_sec <= MAX_QUESTION_SEC)


def _question_of(text: str) -> str:
    """The host's question itself: the turn from its first question on (what comes before frames it)."""
    sentences = [sentence.strip() for sentence in split_sentences(text) if sentence.strip()]
    first = next((i for i, sentence in enumerate(sentences) if sentence.endswith("?")), 0)
    return " ".join(sentences[first:]) or text


def _asks(piece: _Piece) -> bool:
    return piece.is_host and piece.text.rstrip().endswith("?")


def _best_run(pieces: list[_Piece], min_sec: float, max_sec: float,
              is_allowed: Callable[[list[_Piece]], bool] = lambda run: True) -> tuple[int, int] | None:
    """The run with the best TextRank score per √piece, among the allowed ones of an allowed length;
    a run that opens on the host's question and its answer counts a fifth more.
    """
    best, best_value = None, -math.inf
    for first in range(len(pieces)):
        total = 0.0
        for last in range(first, len(pieces)):
            total += pieces[last].score
            duration = pieces[last].end_sec - pieces[first].start_sec
            if duration > max_sec:
                break
            if duration >= min_sec and is_allowed(pieces[first:last + 1]):
                value = total / math.sqrt(last - first + 1) * (1.2 if _asks(pieces[first]) and last > first else 1.0)
                if value > best_value:
                    best, best_value = (first, last), value
    return best


def _lines_between(spans: list[tuple[TranscriptLine, float, float]], start: float, end: float) -> tuple[TranscriptLine, ...]:
    return tuple(line for line, line_start, line_end in spans if line_start < end and line_end > start)


def post_sentences(span: ClipSpan) -> tuple[str, ...]:
    """What the post quotes of the span: the sentences chosen with it (a highlight's), else the best of
    its lines, ranked only now (a span cut whole or as asked starts its encode without TextRank)."""
    return span.sentences or _post_sentences([clean_speech(line.text) for line in span.lines])


def _post_sentences(texts: list[str], count: int = 2) -> tuple[str, ...]:
    """The `count` sentences TextRank ranks best, in spoken order: whole ones of six words or more when there are any."""
    spoken = [sentence for sentence in (tidy_sentence(s) for text in texts for s in split_sentences(text)) if sentence]
    candidates = [s for s in spoken if _postable(s)] or [s for s in spoken if quotes_balanced(s)]
    scores = rank_sentences([[stem(w) for w in content_words(sentence)] for sentence in candidates])
    best = sorted(range(len(candidates)), key=lambda i: (-scores[i], i))[:count]
    return tuple(candidates[i] for i in sorted(best))


def _postable(sentence: str) -> bool:
    """A whole sentence: from a capital to its end, six words or more, its quotes closed."""
    starts = sentence.lstrip("“\"‘")[:1].isupper()
    return (starts and ends_sentence(sentence) and not sentence.endswith("…") and len(sentence.split()) >= 6
            and quotes_balanced(sentence))


def _reason(chapter: Chapter, run: list[_Piece], piece_count: int) -> str:
    start, end = run[0].start_sec, run[-1].end_sec
    unit = "whole transcript line" if len(run) == 1 else "whole transcript lines"
    if any(p.is_estimated for p in run):
        unit = ("sentence" if len(run) == 1 else "sentences") + " of a long line, times estimated from their length"
    return (f"highlight {format_clock(start)}–{format_clock(end)} ({end - start:.0f} s) of the chapter "
            f"{format_clock(chapter.start_sec)}–{format_clock(chapter.end_sec)}: the run of {len(run)} {unit} "
            f"with the best TextRank score among {piece_count} in the chapter")


@dataclass(frozen=True)
class HeardWords:
    """The words of the lines around a clip, timed (caption_timing.time_words), and who says each line."""

    speakers: tuple[str, ...]  # by TimedWord.line
    words: tuple[TimedWord, ...]


def heard_words(episode: Episode, span: ClipSpan, end_sec: float, speech: Speech | None = None) -> HeardWords:
    """The words said around the clip, timed to the voice in `speech` (what `ffmpeg.detect_speech`
    heard, in episode seconds, best over a few seconds more than the clip on each side) when given,
    else spread over the lines' times. Placed once: captions and the speakers' levels both use them."""
    start, end = (min(speech.start_sec, span.start_sec), max(speech.end_sec, span.end_sec)) if speech else (span.start_sec, span.end_sec)
    near = [(line.who or "", SpokenLine(text, line_start, line_end)) for line, line_start, line_end in line_spans(episode, end_sec)
            if line_start < end and line_end > start and (text := clean_speech(line.text))]
    return HeardWords(tuple(who for who, _ in near), time_words([line for _, line in near], speech) if near else ())


def caption_cues(episode: Episode, span: ClipSpan, end_sec: float, speech: Speech | None = None) -> tuple[Cue, ...]:
    """Captions of a few words each, relative to the clip (see heard_words)."""
    return cues_of(heard_words(episode, span, end_sec, speech), span)


def cues_of(heard: HeardWords, span: ClipSpan) -> tuple[Cue, ...]:
    return group_cues(heard.words, span.start_sec, span.end_sec) if heard.words else ()


def spoken_turns(heard: HeardWords) -> tuple[tuple[str, float, float], ...]:
    """(who, first word's start, last word's end) of each line, as it is heard."""
    placed: dict[int, tuple[float, float]] = {}
    for word in heard.words:
        first, last = placed.get(word.line, (word.start_sec, word.end_sec))
        placed[word.line] = (min(first, word.start_sec), max(last, word.end_sec))
    return tuple((heard.speakers[index], *times) for index, times in sorted(placed.items()))


def clip_name(prefix: int | str, title: str, taken: set[str], variant: str = "") -> str:
    """`NN-title-slug` (or `PREFIX-title-slug`) and a variant (`-16x9`): ASCII, no `/`, `..` or
    control characters, never one already taken.
    """
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    if len(slug) > _SLUG_CHARS:  # cut at a word's end
        slug = slug[:_SLUG_CHARS + 1].rsplit("-", 1)[0] if "-" in slug[:_SLUG_CHARS + 1] else slug[:_SLUG_CHARS]
    start = f"{prefix:02d}" if isinstance(prefix, int) else prefix
    stem = f"{start}-{slug or 'clip'}"
    name, number = stem + variant, 2
    while name in taken:
        name, number = f"{stem}-{number}{variant}", number + 1
    taken.add(name)
    return name


def plan_fetch(spans: list[tuple[float, float]], video_sec: float | None, padding: float = FETCH_PADDING_SEC) -> FetchPlan:
    """Fetch padded ranges, merged where they touch, unless they would cover most of the video."""
    padded = sorted((max(0.0, start - padding), end + padding) for start, end in spans)
    merged: list[tuple[float, float]] = []
    for start, end in padded:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    covered = sum(end - start for start, end in merged)
    if video_sec and covered > WHOLE_DOWNLOAD_SHARE * video_sec:
        return FetchPlan((), f"the clips cover {covered / video_sec:.0%} of the video: fetching it whole, once")
    share = f" ({covered / video_sec:.0%} of {format_clock(video_sec)})" if video_sec else ""
    return FetchPlan(tuple(merged), f"fetching {len(merged)} range(s), {format_clock(covered)} in all{share}, not the whole video")


# Clean cut points: a clip starts a breath before its first word and ends just after its last one,
# in a pause; the transcript's times are rarely exact (issue 11).
SNAP_REACH_SEC = 0.5  # how far a start may move to find where the speech begins
BREATH_SEC = 0.25  # the lead-in before the first word
TAIL_SEC = 0.3  # kept after the last word
_MIN_CLIP_SEC = 1.0


def snap_to_speech(span: ClipSpan, voiced: tuple[tuple[float, float], ...],
                   levels: tuple[tuple[float, float], ...] = ()) -> ClipSpan:
    """`span` with its ends in pauses, from the voiced stretches heard around it (episode seconds):
    a breath before the first word, just after the last, no dead air after it; unchanged where no
    speech is heard near an end. An end that falls in speech going on past reach moves to the
    quietest moment within reach (between two words), found in the speech band's 10 ms `levels`.
    """
    start = _snapped_start(span.start_sec, voiced, levels)
    end = _snapped_end(span.end_sec, voiced, start, levels)
    if end - start < _MIN_CLIP_SEC:
        return span
    return replace(span, start_sec=round(start, 3), end_sec=round(end, 3))


def _snapped_start(at: float, voiced: tuple[tuple[float, float], ...], levels: tuple[tuple[float, float], ...]) -> float:
    first = next((stretch for stretch in voiced if stretch[1] > at), None)  # the stretch said at or after `at`
    if first is not None and first[0] < at - SNAP_REACH_SEC:  # inside speech that began out of reach
        return quietest_moment(at, levels)
    if first is None or not at - SNAP_REACH_SEC <= first[0] <= at + SNAP_REACH_SEC:
        return at
    before = [end for _, end in voiced if end <= first[0]]
    earliest = (before[-1] + first[0]) / 2 if before else first[0] - BREATH_SEC  # no earlier than mid-pause
    return max(first[0] - BREATH_SEC, earliest, 0.0)


def _snapped_end(at: float, voiced: tuple[tuple[float, float], ...], start: float,
                 levels: tuple[tuple[float, float], ...]) -> float:
    said = [stretch for stretch in voiced if start < stretch[1] and stretch[0] < at]  # heard inside the clip
    if not said:
        return at
    last_start, last_end = said[-1]
    if last_end > at + SNAP_REACH_SEC:  # the clip ends inside speech that goes on
        return quietest_moment(at, levels) if last_start < at else at
    after = [begin for begin, _ in voiced if begin >= last_end]
    latest = (last_end + after[0]) / 2 if after else last_end + TAIL_SEC  # no later than mid-pause
    return min(last_end + TAIL_SEC, latest)


QUIET_WINDOWS = 3  # the levels are summed over this many 10 ms windows: a gap between words, not a sample


def quietest_moment(at: float, levels: tuple[tuple[float, float], ...]) -> float:
    """The middle of the quietest 30 ms within SNAP_REACH_SEC of `at` (the nearest of equals); `at`
    when no levels were heard there."""
    near = [(time, 10 ** (level / 10) if level > -200 else 0.0) for time, level in levels if abs(time - at) <= SNAP_REACH_SEC]
    if len(near) < QUIET_WINDOWS:
        return at
    windows = [(sum(power for _, power in near[i:i + QUIET_WINDOWS]), (near[i][0] + near[i + QUIET_WINDOWS - 1][0]) / 2 + 0.005)
               for i in range(len(near) - QUIET_WINDOWS + 1)]
    return min(windows, key=lambda window: (window[0], abs(window[1] - at)))[1]


MAX_HOOK_CHARS = 90  # a question longer than this would cover the picture: the chapter's title is shown instead


def screen_title(span: ClipSpan) -> str:
    """The title burned into the clip: the question it answers when it opens on a short one, else its title."""
    return span.hook if span.hook and len(span.hook) <= MAX_HOOK_CHARS else span.title

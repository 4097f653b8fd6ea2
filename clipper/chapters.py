"""Chapters from an episode (pure): from quotable clips, else headers; and YouTube's repairs."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .errors import ChapterError
from .model import Chapter, Episode, Header, TranscriptLine
from .timecode import format_clock, words_seconds

YOUTUBE_MIN_CHAPTERS = 3
YOUTUBE_MIN_CHAPTER_SEC = 10
TITLE_MAX_CHARS = 70  # YouTube shows about 70 characters (specs.md)
_MIN_TAIL_SEC = 10
_INTRODUCTION_WORDS = {"intro", "introduction", "introductions", "welcome", "opening"}
_GENERIC_WORDS = _INTRODUCTION_WORDS | {
    "podcast", "episode", "kickoff", "closing", "outro", "conclusion",
    "final", "thanks", "thank", "you", "wrap", "up", "and", "the", "of", "a", "to", "guest", "chapter", "start",
    "end", "bye", "goodbye", "remarks",
}


@dataclass(frozen=True)
class ChapterSet:
    """Chapters and where they came from: "quotableClips", "headers", "automatic" or "none"."""

    chapters: tuple[Chapter, ...]
    source: str


@dataclass(frozen=True)
class YoutubeChapters:
    chapters: tuple[Chapter, ...]
    repairs: tuple[str, ...]
    problem: str = ""  # why YouTube will not show them, "" when it will

    @property
    def is_valid(self) -> bool:
        return not self.problem


def episode_end_sec(episode: Episode) -> float | None:
    """`duration`, else the last line's time plus how long it takes to say it; None without times."""
    timed = [line for line in episode.lines if line.sec is not None]
    last_line_end = None
    if timed:
        last = max(timed, key=lambda line: line.sec or 0.0)
        last_line_end = (last.sec or 0.0) + max(_MIN_TAIL_SEC, words_seconds(last.text))
    if episode.duration_sec:
        return episode.duration_sec
    clip_end = max((clip.end_sec for clip in episode.clips), default=None)
    candidates = [value for value in (last_line_end, clip_end) if value is not None]
    return max(candidates) if candidates else None


def derive_chapters(episode: Episode) -> ChapterSet:
    """Chapters from `quotableClips`, else from headers, else found in the transcript ("automatic"), else none."""
    if episode.clips:
        return ChapterSet(chapters_from_clips(episode), "quotableClips")
    if episode.headers:
        if not episode.has_times:
            raise ChapterError("the transcript has no times, so it has no chapters", "add 'sec:' to the transcript lines", episode.path)
        return ChapterSet(chapters_from_headers(episode), "headers")
    if episode.has_times:
        from .segmentation import automatic_chapters  # numpy and summa: imported only when chapters are to be found

        found = automatic_chapters(episode, episode_end_sec(episode) or 0.0)
        if found:
            return ChapterSet(found, "automatic")
    return ChapterSet((), "none")


def chapters_from_clips(episode: Episode) -> tuple[Chapter, ...]:
    """One chapter a clip, sorted, each ending where the next begins."""
    clips = sorted(episode.clips, key=lambda clip: clip.start_sec)
    starts = [(clip.name, clip.start_sec) for clip in clips]
    return _contiguous(starts, max([episode_end_sec(episode) or 0.0] + [c.end_sec for c in clips]))


def chapters_from_headers(episode: Episode) -> tuple[Chapter, ...]:
    """A header starts at the `sec` of the first timed line after it.

    A leading header with no lines of its own ("Podcast Introduction") covers the untranscribed
    start, so it starts at 0.
    """
    starts: list[tuple[str, float]] = []
    pending: list[Header] = []
    seen_line = False
    for item in episode.transcript:
        if isinstance(item, Header):
            pending.append(item)
        elif isinstance(item, TranscriptLine) and item.sec is not None:
            for index, header in enumerate(pending):
                is_leading_empty = not seen_line and not starts and index == 0 and len(pending) > 1
                starts.append((header.title, 0.0 if is_leading_empty else item.sec))
            pending, seen_line = [], True
    end = episode_end_sec(episode) or 0.0
    starts.extend((header.title, end) for header in pending)  # trailing headers with no lines
    return _contiguous(starts, end)


def _contiguous(starts: list[tuple[str, float]], end_sec: float) -> tuple[Chapter, ...]:
    starts = sorted(starts, key=lambda pair: pair[1])
    ends = [start for _, start in starts[1:]] + [max(end_sec, starts[-1][1] if starts else 0.0)]
    return tuple(Chapter(_clean_title(title), start, end) for (title, start), end in zip(starts, ends))


def _clean_title(title: str) -> str:
    return " ".join(str(title).split())


def fit_youtube(chapters: tuple[Chapter, ...], duration_sec: float | None = None) -> YoutubeChapters:
    """Repair chapters so YouTube shows them: first at 0:00, ascending, ≥10 s each, ≥3.

    Every repair is described in `repairs`; `problem` says why YouTube still will not show them.
    Titles keep their full length here: `shorten_titles` trims them for YouTube's description.
    """
    repairs: list[str] = []
    fixed = _whole_seconds(chapters, duration_sec, repairs)
    fixed = _drop_past_end(fixed, duration_sec, repairs)
    fixed = _drop_duplicates(fixed, repairs)
    fixed = _start_at_zero(fixed, repairs)
    fixed = _merge_short(fixed, repairs)
    fixed = [_readable_title(chapter, index) for index, chapter in enumerate(fixed)]
    problem = ""
    if len(fixed) < YOUTUBE_MIN_CHAPTERS:
        problem = f"only {len(fixed)} chapter(s) of at least {YOUTUBE_MIN_CHAPTER_SEC} s: YouTube shows chapters only when there are at least {YOUTUBE_MIN_CHAPTERS}"
    return YoutubeChapters(tuple(fixed), tuple(repairs), problem)


def _whole_seconds(chapters: tuple[Chapter, ...], duration_sec: float | None, repairs: list[str]) -> list[Chapter]:
    """YouTube stamps are whole seconds: floor the starts, keep them contiguous."""
    ordered = sorted(chapters, key=lambda chapter: chapter.start_sec)
    if list(ordered) != list(chapters):
        repairs.append("sorted the chapters by start time")
    end = duration_sec if duration_sec else max((c.end_sec for c in ordered), default=0.0)
    starts = [(chapter.title, float(int(max(chapter.start_sec, 0.0)))) for chapter in ordered]
    return list(_contiguous(starts, end)) if starts else []


def _drop_past_end(chapters: list[Chapter], duration_sec: float | None, repairs: list[str]) -> list[Chapter]:
    if not duration_sec:
        return chapters
    kept = [chapter for chapter in chapters if chapter.start_sec < duration_sec]
    for chapter in chapters[len(kept):]:
        repairs.append(f"dropped '{chapter.title}' at {format_clock(chapter.start_sec)}: it starts after the end of the video ({format_clock(duration_sec)})")
    if kept and kept[-1].end_sec > duration_sec:
        kept[-1] = replace(kept[-1], end_sec=duration_sec)
    return kept


def _drop_duplicates(chapters: list[Chapter], repairs: list[str]) -> list[Chapter]:
    kept: list[Chapter] = []
    for chapter in chapters:
        if kept and kept[-1].title.casefold() == chapter.title.casefold():
            repairs.append(f"dropped duplicate chapter '{chapter.title}' at {format_clock(chapter.start_sec)}")
            kept[-1] = replace(kept[-1], end_sec=chapter.end_sec)
        else:
            kept.append(chapter)
    return kept


def _start_at_zero(chapters: list[Chapter], repairs: list[str]) -> list[Chapter]:
    if not chapters or chapters[0].start_sec == 0:
        return chapters
    first = chapters[0]
    if first.start_sec < YOUTUBE_MIN_CHAPTER_SEC or _title_words(first.title) & _INTRODUCTION_WORDS:  # no "Introduction" before "Podcast Introduction"
        repairs.append(f"moved the first chapter '{first.title}' from {format_clock(first.start_sec)} to 0:00 (YouTube needs a chapter at 0:00)")
        return [replace(first, start_sec=0.0)] + chapters[1:]
    repairs.append(f"added 'Introduction' at 0:00 before '{first.title}' at {format_clock(first.start_sec)} (YouTube needs a chapter at 0:00)")
    return [Chapter("Introduction", 0.0, first.start_sec)] + chapters


def _merge_short(chapters: list[Chapter], repairs: list[str]) -> list[Chapter]:
    merged = list(chapters)
    while len(merged) > 1:
        short = [i for i, chapter in enumerate(merged) if chapter.duration_sec < YOUTUBE_MIN_CHAPTER_SEC]
        if not short:
            break
        index = short[0]
        other = index + 1 if index + 1 < len(merged) else index - 1
        first, second = sorted((index, other))
        a, b = merged[first], merged[second]
        kept = more_meaningful(a, b)
        title, dropped = kept.title, (b.title if kept is a else a.title)
        repairs.append(f"merged '{dropped}' ({format_clock(merged[index].start_sec)}, {merged[index].duration_sec:.0f} s) into '{title}': chapters must last at least {YOUTUBE_MIN_CHAPTER_SEC} s")
        merged[first:second + 1] = [Chapter(title, a.start_sec, b.end_sec)]
    return merged


def more_meaningful(a: Chapter, b: Chapter) -> Chapter:
    """Of two chapters being merged, the one whose title to keep.

    A title of only generic words ("Podcast Introduction") loses to a specific one; between two
    specific titles, the longer chapter's wins, as it holds most of what is said.
    """
    def is_specific(title: str) -> bool:
        return bool(_title_words(title) - _GENERIC_WORDS)
    if is_specific(a.title) != is_specific(b.title):
        return a if is_specific(a.title) else b
    return a if a.duration_sec >= b.duration_sec else b


def _readable_title(chapter: Chapter, index: int) -> Chapter:
    # YouTube (and yt-dlp) read "0:00 - Title" as "Title": leading separators are not part of it,
    # and a title with no word character at all would swallow the next line.
    title = re.sub(r"^\W*\s", "", " " + chapter.title).strip()
    if not re.search(r"\w", title):
        title = f"Chapter {index + 1}"
    return replace(chapter, title=title)


# Where a title's phrases meet: a title cut there reads whole ("Apache Iceberg: table format").
_PHRASE_BOUNDARY = re.compile(r"\s*(?:[,;:]\s|\s[–—-]\s|\s\(|\s&\s|\s(?:and|or|vs\.?|versus|with)\s)")


def shorten_titles(chapters: tuple[Chapter, ...], max_chars: int = TITLE_MAX_CHARS) -> tuple[tuple[Chapter, ...], tuple[str, ...]]:
    """Titles that fit `max_chars`, cut where a phrase ends, else at a word (with "…"); a note for each one cut."""
    shortened, repairs = [], []
    for chapter in chapters:
        title = chapter.title
        if len(title) > max_chars:
            title = shorten_title(title, max_chars)
            repairs.append(f"shortened the title '{chapter.title}' to {len(title)} characters")
        shortened.append(replace(chapter, title=title))
    return tuple(shortened), tuple(repairs)


def shorten_title(title: str, max_chars: int) -> str:
    """The title's longest run of whole phrases that fits, when that keeps at least half of it;
    else the words that fit, followed by "…"."""
    ends = [match.start() for match in _PHRASE_BOUNDARY.finditer(title) if max_chars // 2 <= match.start() <= max_chars]
    if ends:
        return title[: ends[-1]]
    return (title[: max_chars - 1].rsplit(" ", 1)[0].rstrip(" ,;:-–—(") or title[: max_chars - 1]) + "…"


def _title_words(title: str) -> set[str]:
    return set(re.findall(r"\w+", title.casefold()))

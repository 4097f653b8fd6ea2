"""The shapes of clipper's data: frozen dataclasses, times in float seconds (`_sec`)."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Link:
    title: str
    url: str


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    bio: str = ""
    links: tuple[Link, ...] = ()
    is_known: bool = True
    picture: str = ""  # the people file's `picture:`, a path in the site (images/authors/x.jpg)


@dataclass(frozen=True)
class TranscriptLine:
    text: str
    who: str
    sec: float | None
    source_line: int | None = None


@dataclass(frozen=True)
class Header:
    title: str
    source_line: int | None = None


TranscriptItem = TranscriptLine | Header


@dataclass(frozen=True)
class Clip:
    """A quotable clip of the site (schema.org Clip): a named span of the episode."""

    name: str
    start_sec: float
    end_sec: float
    url: str = ""
    source_line: int | None = None


@dataclass(frozen=True)
class Chapter:
    title: str
    start_sec: float
    end_sec: float

    @property
    def duration_sec(self) -> float:
        return self.end_sec - self.start_sec


@dataclass(frozen=True)
class Problem:
    """Something wrong in an input; `severity` is "error" or "warning"."""

    path: str
    line: int | None
    severity: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.severity}: {self.message}"


@dataclass(frozen=True)
class Episode:
    path: str
    slug: str
    title: str
    short: str = ""
    guests: tuple[Person, ...] = ()
    youtube_id: str = ""
    youtube_url: str = ""
    links: tuple[Link, ...] = ()
    description: str = ""
    intro: str = ""
    topics: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()  # the file's own `keywords:`, shown before the ones clipper finds
    duration_sec: float | None = None
    image: str = ""  # the front matter's `image:`, a path in the site (images/podcast/x.jpg)
    clips: tuple[Clip, ...] = ()
    transcript: tuple[TranscriptItem, ...] = ()
    body_links: tuple[Link, ...] = ()
    warnings: tuple[Problem, ...] = field(default=(), compare=False)

    @property
    def lines(self) -> tuple[TranscriptLine, ...]:
        return tuple(item for item in self.transcript if isinstance(item, TranscriptLine))

    @property
    def headers(self) -> tuple[Header, ...]:
        return tuple(item for item in self.transcript if isinstance(item, Header))

    @property
    def has_times(self) -> bool:
        return any(line.sec is not None for line in self.lines)

    def watch_url(self, sec: float) -> str:
        """The episode's video at a moment (`&t=`), or "" when it has no video."""
        if not self.youtube_url:
            return ""
        joiner = "&" if "?" in self.youtube_url else "?"
        return f"{self.youtube_url}{joiner}t={int(sec)}"


@dataclass(frozen=True)
class Quote:
    text: str
    who: str
    sec: float


@dataclass(frozen=True)
class Takeaway:
    """The one or two sentences that best say what a chapter is about."""

    chapter: Chapter
    sentences: tuple[str, ...]


@dataclass(frozen=True)
class Summary:
    takeaways: tuple[Takeaway, ...] = ()
    keywords: tuple[str, ...] = ()
    quotes: tuple[Quote, ...] = ()
    abstract: tuple[str, ...] = ()  # an extractive summary, for episodes without an intro


@dataclass(frozen=True)
class GuestRole:
    """A guest as an intro names them: "Aditya Gautam", "an AI researcher and engineer" ("" unknown)."""

    name: str
    role: str = ""


@dataclass(frozen=True)
class MadeIntro:
    """The facts of an intro clipper writes (templates/intro.txt.j2) for an episode without one."""

    guests: tuple[GuestRole, ...]
    subject: str  # the episode's short title
    subjects: tuple[str, ...]  # what the conversation covers: human chapter titles, topics or keywords
    subjects_are_titles: bool = False  # chapter titles (joined by ";"), not words (joined by ",")
    lesson: Quote | None = None  # a guest's own words: what a listener takes away


@dataclass(frozen=True)
class ShowNotes:
    """Everything the notes outputs show, derived from one episode."""

    episode: Episode
    chapters: tuple[Chapter, ...]  # ready for YouTube (repaired)
    chapter_source: str  # "quotableClips", "headers" or "none"
    chapter_repairs: tuple[str, ...]
    chapter_problem: str  # why YouTube will not show the chapters, "" when it will
    summary: Summary
    made_intro: MadeIntro | None = None  # when the episode has no intro of its own

    @property
    def intro_is_extracted(self) -> bool:
        """True when the episode has no intro and the notes show an extractive summary instead."""
        return not self.episode.intro and self.made_intro is None

    @property
    def intro_is_made(self) -> bool:
        """True when the episode has no intro and the notes show one clipper wrote from its facts."""
        return not self.episode.intro and self.made_intro is not None


@dataclass(frozen=True)
class ClipSpan:
    """What one social clip shows: a span of the episode, inside a chapter, and why it was chosen."""

    index: int
    title: str
    chapter: Chapter
    start_sec: float
    end_sec: float
    lines: tuple[TranscriptLine, ...]
    reason: str
    sentences: tuple[str, ...] = ()  # what is said, for the post text (clips.post_sentences)
    hook: str = ""  # the host's question the clip opens on and answers, shown first on screen

    @property
    def duration_sec(self) -> float:
        return self.end_sec - self.start_sec


@dataclass(frozen=True)
class Cue:
    """A caption: a few words, times relative to the clip's start."""

    start_sec: float
    end_sec: float
    text: str
    word_starts_sec: tuple[float, ...] = ()  # when each word of `text` is said, when known (karaoke)

"""What `clipper enrich` puts into an episode file, and the edited text (pure: no I/O).

The site's own scripts (add_quotable_clips.py, add_duration_from_transcript.py) each add one
field; here every missing field clipper can derive is drafted at once, in the site's shapes.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any

from .chapters import episode_end_sec, fit_youtube
from .formats import quotable_clips
from .front_matter import FrontMatter, render_key, set_keys
from .model import Chapter, Episode, ShowNotes
from .timecode import format_iso_duration

PARAGRAPH_BREAK = "<br><br>"  # how the site's intros separate paragraphs


class Field(str, Enum):
    """The front matter fields enrich can add, in the order they are inserted."""

    DESCRIPTION = "description"
    INTRO = "intro"
    DURATION = "duration"
    KEYWORDS = "keywords"
    QUOTABLE_CLIPS = "quotableClips"


class DurationSource(str, Enum):
    VIDEO = "the video"
    TRANSCRIPT = "the transcript's end"


@dataclass(frozen=True)
class Addition:
    """One field's new value, and where it came from (said to the producer)."""

    field: Field
    value: Any
    origin: str


def is_empty(value: Any) -> bool:
    """Missing, null, blank text, or an empty list or mapping."""
    if isinstance(value, str):
        return not value.strip()
    return value is None or (isinstance(value, (list, dict)) and not value)


def fields_to_fill(data: dict[str, Any], force: frozenset[Field]) -> tuple[Field, ...]:
    """The fields that are missing or empty in the front matter, and those forced."""
    return tuple(field for field in Field if field in force or is_empty(data.get(field.value)))


def duration_addition(episode: Episode, video_sec: float | None) -> Addition | None:
    """The episode's length, from the video when one was read, else from the transcript's end."""
    if video_sec:
        return Addition(Field.DURATION, format_iso_duration(video_sec), f"from {DurationSource.VIDEO.value}")
    end = episode_end_sec(replace(episode, duration_sec=None))
    return Addition(Field.DURATION, format_iso_duration(end), f"from {DurationSource.TRANSCRIPT.value}") if end else None


def clips_addition(episode: Episode, chapters: tuple[Chapter, ...], source: str, duration_sec: float | None) -> Addition | None:
    """quotableClips from chapters (of headers, else found automatically), when YouTube would take them."""
    fitted = fit_youtube(chapters, duration_sec)
    if not fitted.chapters or fitted.problem:
        return None
    clips = quotable_clips.clip_entries(episode, fitted.chapters)
    origin = f"{len(clips)} from the transcript's headers" if source == "headers" else f"{len(clips)} found in the transcript, which has no headers"
    return Addition(Field.QUOTABLE_CLIPS, clips, origin)


def text_additions(notes: ShowNotes, fields: tuple[Field, ...], intro: list[str], description: list[str]) -> list[Addition]:
    """keywords, description and intro drafts from the notes (`intro`/`description`: their paragraphs)."""
    additions = []
    if Field.DESCRIPTION in fields and description:
        additions.append(Addition(Field.DESCRIPTION, " ".join(description), "a draft from the notes' intro"))
    if Field.INTRO in fields and intro:
        origin = ("a draft from the notes' intro" if notes.episode.intro else
                  "the intro clipper makes from the guests, title and chapters" if notes.made_intro else
                  "a draft from the notes' summary")
        additions.append(Addition(Field.INTRO, PARAGRAPH_BREAK.join(intro), origin))
    if Field.KEYWORDS in fields and notes.summary.keywords:
        additions.append(Addition(Field.KEYWORDS, ", ".join(notes.summary.keywords), "from the notes' keywords"))
    return additions


def render_block(addition: Addition, newline: str) -> str:
    """The addition as YAML lines: quotableClips exactly as `clipper chapters --format clips` prints them."""
    if addition.field is Field.QUOTABLE_CLIPS:
        text = quotable_clips.dump_clips(addition.value)
        return text.replace("\n", newline)
    return render_key(addition.field.value, addition.value, newline)


def apply_additions(front: FrontMatter, additions: list[Addition], path: str) -> FrontMatter:
    """The file with every addition in place (in Field order); nothing else changes."""
    ordered = sorted(additions, key=lambda addition: list(Field).index(addition.field))
    return set_keys(front, {a.field.value: render_block(a, front.newline) for a in ordered}, path)


def expected_data(data: dict[str, Any], additions: list[Addition]) -> dict[str, Any]:
    """What the edited front matter must load as: the old data plus the new values."""
    return {**data, **{addition.field.value: addition.value for addition in additions}}


def unified_diff(before: str, after: str, path: str) -> str:
    """A `diff -u` of the file, for the producer to review."""
    lines = difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True), f"a/{path}", f"b/{path}")
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)

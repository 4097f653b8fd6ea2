"""An intro for an episode that has none (pure): who the guests are, what the episode is about,
and one thing a listener takes away — facts of the episode files, never an invented sentence.
templates/intro.txt.j2 writes it.
"""
from __future__ import annotations

import re

from .model import Chapter, Episode, GuestRole, MadeIntro, Person, Summary
from .summary import host_label, takes_a_stand

MAX_SUBJECTS = 3
_ROLE_WORDS = 14
# "<Name> is a/an/the <role>" or "<Name> works as a <role>", up to where the role's clause ends.
_ROLE = re.compile(r"(?:^|[.!?]\s+)\W*(?:[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,3})(?:\s+(?:now|currently))?\s+(?:is|works as)\s+"
                   r"((?:a|an|the)\s+[^;:!?]+?)(?=,|\s+(?:with|whose|who|where|which|based|and is|and has)\b|[;:!?]|\.(?:\s|$)|$)")
# Chapters that open or close an episode say nothing of its subject.
_FRAME_TITLE = re.compile(r"\b(?:introduction|intro|opening|welcome|wrap(?:ping)?[ -]up|closing|outro|conclusion)\b", re.I)


def guest_role(person: Person) -> GuestRole:
    """The guest's name and the role their bio gives them ("an independent data consultant")."""
    match = _ROLE.search(" ".join(person.bio.split()))
    role = match.group(1).strip() if match else ""
    return GuestRole(person.name, role if len(role.split()) <= _ROLE_WORDS else "")


def made_intro(episode: Episode, chapters: tuple[Chapter, ...], chapter_source: str, summary: Summary) -> MadeIntro:
    """The intro's facts: the guests who are not the host, the short title, what is covered, and a
    lesson: the first quote that takes a stand, else the first quote, if any."""
    guests = _guests(episode)
    lesson = next((quote for quote in summary.quotes if takes_a_stand(quote.text)), next(iter(summary.quotes), None))
    subjects, are_titles = _subjects(episode, chapters, chapter_source, summary)
    return MadeIntro(tuple(guest_role(guest) for guest in guests), episode.short or episode.title, subjects, are_titles, lesson)


def _guests(episode: Episode) -> tuple[Person, ...]:
    """The episode's guests but its host (whose turns end with a question most often), unless the
    host is all there is."""
    host = host_label(episode).split(" ")[0].casefold()
    known = tuple(guest for guest in episode.guests if guest.is_known and guest.name)
    guests = tuple(guest for guest in known if guest.name.split()[0].casefold() != host)
    return guests or known


def _subjects(episode: Episode, chapters: tuple[Chapter, ...], chapter_source: str, summary: Summary) -> tuple[tuple[str, ...], bool]:
    """The longest human chapters (not the opening or closing), in order; else topics; else keywords.
    True when they are chapter titles."""
    if chapter_source in ("headers", "quotableClips"):
        inner = [chapter for chapter in chapters if not _FRAME_TITLE.search(chapter.title)]
        longest = sorted(inner, key=lambda chapter: -chapter.duration_sec)[:MAX_SUBJECTS]
        if longest:
            return tuple(chapter.title for chapter in sorted(longest, key=lambda chapter: chapter.start_sec)), True
    return (episode.topics or summary.keywords)[:MAX_SUBJECTS + 1], False

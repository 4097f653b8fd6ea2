"""What `clipper check` reports about an episode (pure: Episode → Problems)."""
from __future__ import annotations

from .chapters import YOUTUBE_MIN_CHAPTER_SEC
from .model import Episode, Header, Problem, TranscriptLine
from .timecode import format_clock


def find_problems(episode: Episode) -> tuple[Problem, ...]:
    """Every problem of the episode, errors and warnings, in file order."""
    problems = list(episode.warnings) + _clip_problems(episode) + _transcript_problems(episode)
    return tuple(sorted(problems, key=lambda p: (p.line or 0)))


def has_errors(problems: tuple[Problem, ...]) -> bool:
    return any(problem.severity == "error" for problem in problems)


def _clip_problems(episode: Episode) -> list[Problem]:
    problems = []
    previous = None
    for clip in episode.clips:
        def report(severity: str, message: str, clip=clip) -> None:
            problems.append(Problem(episode.path, clip.source_line, severity, f"clip '{clip.name}': {message}"))
        if clip.end_sec <= clip.start_sec:
            report("error", f"ends ({clip.end_sec:g} s) before it starts ({clip.start_sec:g} s)")
        elif clip.end_sec - clip.start_sec < YOUTUBE_MIN_CHAPTER_SEC:
            report("warning", f"lasts {clip.end_sec - clip.start_sec:g} s, under {YOUTUBE_MIN_CHAPTER_SEC} s (merged into a neighbour for YouTube)")
        if episode.duration_sec and clip.end_sec > episode.duration_sec + 1:  # a warning: on the site, often the audio's duration
            report("warning", f"ends at {format_clock(clip.end_sec)}, past the episode's duration {format_clock(episode.duration_sec)}: "
                              "check 'duration' and the clip's endOffset")
        if previous and (clip.start_sec, clip.end_sec) == (previous.start_sec, previous.end_sec):
            report("warning", f"has the same span as the clip above it ('{previous.name}', "
                              f"{format_clock(clip.start_sec)}–{format_clock(clip.end_sec)}): YouTube gets one chapter of the two")
        elif previous and clip.start_sec < previous.start_sec:
            report("error", f"starts at {format_clock(clip.start_sec)}, before the clip above it ('{previous.name}' at {format_clock(previous.start_sec)}): out of order")
        elif previous and clip.start_sec < previous.end_sec:
            report("error", f"starts at {format_clock(clip.start_sec)}, inside the clip above it ('{previous.name}' ends at {format_clock(previous.end_sec)}): overlap")
        if not clip.name:
            report("error", "has no name")
        previous = clip
    return problems


def _transcript_problems(episode: Episode) -> list[Problem]:
    problems = []
    items = list(episode.transcript)
    for index, item in enumerate(items):
        if isinstance(item, Header) and not _has_timed_line_before_next_header(items, index):
            problems.append(Problem(episode.path, item.source_line, "warning", f"header '{item.title}' has no timed line after it: it starts with the next one"))
    last_sec = None
    for line in episode.lines:
        if line.sec is None:
            continue
        if last_sec is not None and line.sec < last_sec:
            problems.append(Problem(episode.path, line.source_line, "warning", f"transcript line at {format_clock(line.sec)} comes after one at {format_clock(last_sec)}"))
        last_sec = line.sec
    untimed = [line for line in episode.lines if line.sec is None]
    unattributed = [line for line in episode.lines if line.sec is not None and not line.who]
    return (problems + _lines_past_duration(episode) + _said_once(episode, untimed, "no 'sec' or 'time'")
            + _said_once(episode, unattributed, "no speaker ('who')"))


def _said_once(episode: Episode, lines: list[TranscriptLine], what: str) -> list[Problem]:
    """One problem for many lines alike, at the first of them, with their count."""
    if not lines:
        return []
    message = f"transcript line has {what}" if len(lines) == 1 else f"{len(lines)} transcript lines have {what}, from this one on"
    return [Problem(episode.path, lines[0].source_line, "warning", message)]


def _lines_past_duration(episode: Episode) -> list[Problem]:
    if not episode.duration_sec:
        return []
    late = [line for line in episode.lines if line.sec is not None and line.sec > episode.duration_sec]
    if not late:
        return []
    message = (f"{len(late)} transcript line(s) from {format_clock(late[0].sec or 0)} on are past the duration "
               f"{format_clock(episode.duration_sec)}: check 'duration'")
    return [Problem(episode.path, late[0].source_line, "warning", message)]


def _has_timed_line_before_next_header(items: list, index: int) -> bool:
    for item in items[index + 1:]:
        if isinstance(item, Header):
            return False
        if isinstance(item, TranscriptLine) and item.sec is not None:
            return True
    return False

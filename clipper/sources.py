"""Where each clip's pictures come from: a local recording, or the episode's video fetched and cached.

The cache lives in `<out>/<slug>/clips/.source/`: ranges or the whole video, reused by later runs.
"""
from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .clips import FETCH_PADDING_SEC, FetchPlan, plan_fetch
from .errors import ToolError
from .ffmpeg import find_ffmpeg, read_media_info
from .outputs import write_atomic
from .timecode import format_clock


@dataclass(frozen=True)
class SourceFile:
    path: Path
    start_sec: float  # the episode time at the file's 0
    end_sec: float | None  # None: to the end of the episode


@dataclass(frozen=True)
class Sources:
    """The files to cut from; `plan` says what was (or would have been) fetched."""

    files: tuple[SourceFile, ...]
    description: str
    failures: tuple[tuple[float, float, ToolError], ...] = ()  # ranges that could not be fetched, and why

    def locate(self, start_sec: float, end_sec: float) -> tuple[SourceFile, float]:
        """The file holding [start, end] and the offset of `start` in it; ToolError when none does."""
        for failed_start, failed_end, error in self.failures:
            if failed_start <= start_sec and end_sec <= failed_end:
                raise error
        for source in self.files:
            if source.start_sec <= start_sec and (source.end_sec is None or end_sec <= source.end_sec + 0.05):
                return source, start_sec - source.start_sec
        ends = [f.end_sec for f in self.files if f.end_sec is not None and f.start_sec == 0]
        where = f" (it ends at {format_clock(ends[0])})" if ends else ""
        raise ToolError(f"the video has nothing at {format_clock(start_sec)}–{format_clock(end_sec)}{where}",
                        "check the clip's times, or give the whole recording with --source")

    def holds(self, start_sec: float, end_sec: float) -> bool:
        """Whether [start, end] can be cut now (its fetch is done): a file covers it, room for the
        snap to speech included, or its range failed (the clip then reports that failure)."""
        return (_covers(list(self.files), start_sec, end_sec)
                or any(s <= start_sec and end_sec <= e for s, e, _ in self.failures))


def is_url(source: str) -> bool:
    return bool(re.match(r"^https?://", source))


def local_source(path: Path) -> Sources:
    """A local recording, used as it is."""
    if not path.exists():
        raise ToolError("no such file", "check the path given to --source", str(path))
    if path.is_dir():
        raise ToolError("this is a folder, not a recording", "give --source a video or audio file", str(path))
    if not path.is_file():
        raise ToolError("this is not a regular file (a device or a pipe)", "give --source a video or audio file",
                        str(path))
    info = read_media_info(path)
    return Sources((SourceFile(path, 0.0, info.duration_sec),), f"cutting from the local file {path}")


def fetched_source(url: str, spans: list[tuple[float, float]], video_sec: float | None, cache: Path,
                   on_progress: Callable[[int, int | None], None] | None = None,
                   on_plan: Callable[[str], None] | None = None) -> Sources:
    """Fetch what the spans need (padded ranges, or the whole video when that costs less), reusing the cache."""
    *_, sources = fetched_in_turn(url, spans, video_sec, cache, on_progress, on_plan)
    return sources


def fetched_in_turn(url: str, spans: list[tuple[float, float]], video_sec: float | None, cache: Path,
                    on_progress: Callable[[int, int | None], None] | None = None,
                    on_plan: Callable[[str], None] | None = None) -> Iterator[Sources]:
    """`fetched_source`, one range at a time: the sources so far, once from the cache and again after
    each range is fetched (or has failed), so that the clips it holds can be cut while the next comes."""
    from .download import fetch

    cache = _cache_for(url, cache)
    cached = _cached_files(cache)
    missing = [(s, e) for s, e in spans if not _covers(cached, s, e)]
    plan = plan_fetch(missing, video_sec) if missing else FetchPlan((), "")
    description = plan.reason if missing else "using the video fetched before (no download)"
    if missing and on_plan:
        on_plan(description)
    failures: list[tuple[float, float, ToolError]] = []
    yield Sources(tuple(cached), description)
    for start, end in ([(0.0, None)] if missing and plan.is_whole else plan.ranges):
        name = "whole.mp4" if end is None else f"range-{start:.2f}-{end:.2f}.mp4"
        try:
            path = fetch(url, cache / name, find_ffmpeg(), None if end is None else (start, end), on_progress, video_sec)
            _record(cache, path, start, start + _readable_length(path))
        except ToolError as exc:  # the other ranges, and their clips, still go ahead
            failures.append((start, end if end is not None else float("inf"), exc))
        yield Sources(tuple(_cached_files(cache)), description, tuple(failures))


def _readable_length(path: Path) -> float:
    """The seconds a fetched file holds; a file ffmpeg cannot read is removed, not kept in the cache."""
    try:
        info = read_media_info(path)
    except ToolError:
        path.unlink(missing_ok=True)
        raise
    if not info.duration_sec or not (info.has_video or info.has_audio):
        path.unlink(missing_ok=True)
        raise ToolError("the server sent something that is not a video", "check the URL, or pass --source FILE", str(path))
    return info.duration_sec


def _cache_for(url: str, cache: Path) -> Path:
    folder = cache / hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]
    write_atomic(folder / "url.txt", url + "\n")
    return folder


def _record(cache: Path, path: Path, start: float, end: float) -> None:
    index = _index(cache)
    index[path.name] = {"start_sec": start, "end_sec": end}
    write_atomic(cache / "index.json", json.dumps(index, indent=1))


def _index(cache: Path) -> dict:
    """The cache's index; a damaged one is an empty one (what it listed is fetched again)."""
    try:
        index = json.loads((cache / "index.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(index, dict):
        return {}
    return {name: entry for name, entry in index.items() if _is_entry(name, entry)}


def _is_entry(name: str, entry: object) -> bool:
    return (isinstance(entry, dict) and "/" not in name and not name.startswith(".")
            and all(isinstance(entry.get(key), (int, float)) and math.isfinite(entry[key])
                    for key in ("start_sec", "end_sec")))


def _cached_files(cache: Path) -> list[SourceFile]:
    files = [SourceFile(cache / name, entry["start_sec"], entry["end_sec"]) for name, entry in _index(cache).items()
             if (cache / name).is_file()]
    return sorted(files, key=lambda f: (not f.path.name.startswith("whole"), f.start_sec))  # the whole video first


def _covers(files: list[SourceFile], start: float, end: float) -> bool:
    # A cached range must hold the span with room for an exact cut (it was fetched padded).
    margin = FETCH_PADDING_SEC / 2
    return any(f.start_sec <= max(0.0, start - margin) and (f.end_sec is None or min(end + margin, _known_end(files)) <= f.end_sec) for f in files)


def _known_end(files: list[SourceFile]) -> float:
    """The video's end where a fetch showed it (a range came back shorter than asked), else infinity."""
    return min((f.end_sec for f in files if f.end_sec is not None and f.path.name.startswith("whole")), default=float("inf"))


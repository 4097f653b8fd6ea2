"""Where each clip's pictures come from: a local recording, or the episode's video fetched and cached.

The cache lives in `<out>/<slug>/clips/.source/`: ranges or the whole video, reused by later runs.
"""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .clips import FETCH_PADDING_SEC, FetchPlan, plan_fetch
from .errors import ToolError
from .ffmpeg import find_ffmpeg, read_media_info


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

    def locate(self, start_sec: float, end_sec: float) -> tuple[SourceFile, float]:
        """The file holding [start, end] and the offset of `start` in it; ToolError when none does."""
        for source in self.files:
            if source.start_sec <= start_sec and (source.end_sec is None or end_sec <= source.end_sec + 0.01):
                return source, start_sec - source.start_sec
        raise ToolError(f"no fetched video covers {start_sec:.1f}–{end_sec:.1f} s", "run again with --force to fetch it")


def is_url(source: str) -> bool:
    return bool(re.match(r"^https?://", source))


def local_source(path: Path) -> Sources:
    """A local recording, used as it is."""
    if not path.is_file():
        raise ToolError("no such file", "check the path given to --source", str(path))
    info = read_media_info(path)
    return Sources((SourceFile(path, 0.0, info.duration_sec),), f"cutting from the local file {path}")


def fetched_source(url: str, spans: list[tuple[float, float]], video_sec: float | None, cache: Path,
                   on_progress: Callable[[int, int | None], None] | None = None,
                   on_plan: Callable[[str], None] | None = None) -> Sources:
    """Fetch what the spans need (padded ranges, or the whole video when that costs less), reusing the cache."""
    from .download import fetch

    cache = _cache_for(url, cache)
    cached = _cached_files(cache)
    missing = [(s, e) for s, e in spans if not _covers(cached, s, e)]
    plan = plan_fetch(missing, video_sec) if missing else FetchPlan((), "")
    if not missing:
        description = "using the video fetched before (no download)"
    elif plan.is_whole:
        description = plan.reason
        if on_plan:
            on_plan(description)
        _record(cache, fetch(url, cache / "whole.mp4", find_ffmpeg(), None, on_progress), 0.0, None)
    else:
        description = plan.reason
        if on_plan:
            on_plan(description)
        for start, end in plan.ranges:
            target = cache / f"range-{start:.2f}-{end:.2f}.mp4"
            _record(cache, fetch(url, target, find_ffmpeg(), (start, end), on_progress), start, end)
    return Sources(tuple(_cached_files(cache)), description)


def _cache_for(url: str, cache: Path) -> Path:
    folder = cache / hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "url.txt").write_text(url + "\n", encoding="utf-8")
    return folder


def _record(cache: Path, path: Path, start: float, end: float | None) -> None:
    index = _index(cache)
    index[path.name] = {"start_sec": start, "end_sec": end}
    (cache / "index.json").write_text(json.dumps(index, indent=1), encoding="utf-8")


def _index(cache: Path) -> dict:
    try:
        return json.loads((cache / "index.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _cached_files(cache: Path) -> list[SourceFile]:
    files = [SourceFile(cache / name, entry["start_sec"], entry["end_sec"]) for name, entry in _index(cache).items() if (cache / name).is_file()]
    return sorted(files, key=lambda f: (f.end_sec is not None, f.start_sec))  # the whole video first


def _covers(files: list[SourceFile], start: float, end: float) -> bool:
    # A cached range must hold the span with room for an exact cut (it was fetched padded).
    margin = FETCH_PADDING_SEC / 2
    return any(f.start_sec <= max(0.0, start - margin) and (f.end_sec is None or end + margin <= f.end_sec) for f in files)


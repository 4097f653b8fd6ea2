"""The only module that imports yt_dlp: fetch a whole video, or only time ranges of it."""
from __future__ import annotations

import contextvars
from collections.abc import Callable
from pathlib import Path

from .errors import ToolError

# Progress: (bytes so far, total bytes or None).
DownloadProgress = Callable[[int, int | None], None]
_FORMAT = "bv*[height<=1080][ext=mp4]+ba[ext=m4a]/b[ext=mp4]/bv*[height<=1080]+ba/b"


def fetch(url: str, target: Path, ffmpeg: str, time_range: tuple[float, float] | None = None,
          on_progress: DownloadProgress | None = None) -> Path:
    """Download `url` (or only `time_range` of it, in seconds) to `target` (an .mp4 path).

    Ranges are read with ffmpeg over HTTP Range requests, so a short clip of a long video costs
    a small part of the file. Raises ToolError with yt-dlp's reason when it fails.
    """
    import yt_dlp
    from yt_dlp.postprocessor.ffmpeg import FFmpegPostProcessor
    from yt_dlp.utils import download_range_func

    params = {
        "outtmpl": str(target.with_suffix("")) + ".%(ext)s",
        "format": _FORMAT,
        "merge_output_format": "mp4",
        "ffmpeg_location": ffmpeg,
        "quiet": True,
        "no_warnings": True,
        "noprogress": True,
        "noplaylist": True,
        "overwrites": True,
        "retries": 3,
        "progress_hooks": [_progress_hook(on_progress)] if on_progress else [],
    }
    if time_range:
        params["download_ranges"] = download_range_func(None, [time_range])

    def download() -> None:
        # yt-dlp decides whether ffmpeg can download a range from this ContextVar, not from
        # `ffmpeg_location` (its own command line sets both: yt_dlp/__init__.py).
        FFmpegPostProcessor._ffmpeg_location.set(ffmpeg)  # noqa: SLF001
        with yt_dlp.YoutubeDL(params) as ydl:
            ydl.extract_info(url, download=True)

    try:
        contextvars.copy_context().run(download)
    except yt_dlp.utils.DownloadError as exc:
        reason = str(exc).removeprefix("ERROR: ").splitlines()[0]
        raise ToolError(f"cannot download the video ({reason})", "check the URL and the network, or pass --source FILE with a local recording", url) from None
    return _downloaded_file(target)


def _downloaded_file(target: Path) -> Path:
    candidates = sorted(target.parent.glob(target.stem + ".*"), key=lambda path: path.stat().st_mtime)
    finished = [path for path in candidates if path.suffix not in (".part", ".ytdl") and not path.name.endswith(".part")]
    if not finished:
        raise ToolError("the download finished but left no file", "try again; if it persists, pass --source FILE", str(target))
    return finished[-1]


def _progress_hook(on_progress: DownloadProgress) -> Callable[[dict], None]:
    def hook(status: dict) -> None:
        if status.get("status") in ("downloading", "finished"):
            on_progress(int(status.get("downloaded_bytes") or 0), status.get("total_bytes") or status.get("total_bytes_estimate"))
    return hook

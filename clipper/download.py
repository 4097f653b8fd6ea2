"""The only module that imports yt_dlp: fetch a whole video, or only time ranges of it."""
from __future__ import annotations

import contextvars
import hashlib
from collections.abc import Callable
from pathlib import Path
import urllib.error
import urllib.request
from urllib.parse import urlparse

from .errors import ToolError

# Progress: (bytes so far, total bytes or None).
DownloadProgress = Callable[[int, int | None], None]
_FORMAT = "bv*[height<=1080][ext=mp4]+ba[ext=m4a]/b[ext=mp4]/bv*[height<=1080]+ba/b"
_MEDIA_SUFFIXES = (".mp4", ".m4v", ".mov", ".webm", ".mkv", ".m4a", ".mp3")
_REACH_TIMEOUT_SEC = 20
_DOWNLOAD_HINT = "check the URL and the network, or pass --source FILE with a local recording"


def is_direct_media_url(url: str) -> bool:
    """A URL of a media file itself, not of a page: yt-dlp can fetch it without an extractor."""
    return urlparse(url).path.lower().endswith(_MEDIA_SUFFIXES)


def fetch(url: str, target: Path, ffmpeg: str, time_range: tuple[float, float] | None = None,
          on_progress: DownloadProgress | None = None) -> Path:
    """Download `url` (or only `time_range` of it, in seconds) to `target` (an .mp4 path).

    Ranges are read with ffmpeg over HTTP Range requests, so a short clip of a long video costs
    a small part of the file. Raises ToolError with yt-dlp's reason when it fails.
    """
    if is_direct_media_url(url):
        _check_reachable(url)
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
        "logger": _Silent(),  # its errors come back as DownloadError, and clipper says them once
    }
    if time_range:
        params["download_ranges"] = download_range_func(None, [time_range])

    def download() -> None:
        # yt-dlp decides whether ffmpeg can download a range from this ContextVar, not from
        # `ffmpeg_location` (its own command line sets both: yt_dlp/__init__.py).
        FFmpegPostProcessor._ffmpeg_location.set(ffmpeg)  # noqa: SLF001
        with yt_dlp.YoutubeDL(params) as ydl:
            if is_direct_media_url(url):
                # The generic extractor would first GET the whole file to sniff it (megabytes
                # thrown away); a direct file needs no extraction.
                ydl.process_ie_result(_direct_info(url), download=True)
            else:
                ydl.extract_info(url, download=True)

    try:
        contextvars.copy_context().run(download)
    except yt_dlp.utils.DownloadError as exc:
        reason = str(exc).removeprefix("ERROR: ").splitlines()[0]
        raise ToolError(f"cannot download the video ({reason})", _DOWNLOAD_HINT, url) from None
    return _downloaded_file(target)


def _check_reachable(url: str) -> None:
    """Ask for the file's first byte, so that an unreachable server is said plainly (ffmpeg only gives an exit code)."""
    request = urllib.request.Request(url, headers={"Range": "bytes=0-0", "User-Agent": "clipper"})
    try:
        with urllib.request.urlopen(request, timeout=_REACH_TIMEOUT_SEC):
            pass
    except urllib.error.HTTPError as exc:
        raise ToolError(f"cannot download the video (the server answered {exc.code} {exc.reason})", _DOWNLOAD_HINT, url) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ToolError(f"cannot download the video (cannot reach the server: {reason})", _DOWNLOAD_HINT, url) from None


class _Silent:
    """A yt-dlp logger that prints nothing."""

    def debug(self, message: str) -> None: ...
    def info(self, message: str) -> None: ...
    def warning(self, message: str) -> None: ...
    def error(self, message: str) -> None: ...


def _direct_info(url: str) -> dict:
    path = urlparse(url).path
    return {
        "id": hashlib.sha256(url.encode()).hexdigest()[:12],
        "title": path.rsplit("/", 1)[-1] or "video",
        "url": url,
        "ext": path.rsplit(".", 1)[-1].lower(),
        "webpage_url": url,
        "extractor": "direct",
        "extractor_key": "Direct",
    }


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

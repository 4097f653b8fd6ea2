"""The only module that imports yt_dlp: fetch a whole video, or only time ranges of it."""
from __future__ import annotations

import contextvars
import glob
import hashlib
import os
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
_DOWNLOAD_HINT = "check the URL and the network, or pass --source FILE with a local recording"
NETWORK_TIMEOUT_VARIABLE = "CLIPPER_NETWORK_TIMEOUT"
_NETWORK_TIMEOUT_SEC = 30.0  # a server silent this long has stalled
# No honest video sends more than this for its length (YouTube's 1080p: ~0.6 MB/s); a server
# that does is sending something else, or never ends.
_MAX_BYTES_PER_SEC = 2_500_000
_MAX_BYTES_MARGIN = 50_000_000
_MAX_BYTES_UNKNOWN_LENGTH = 8_000_000_000


class _TooLarge(Exception):
    """Raised from the progress hook: the server sends more than the video can hold."""


def network_timeout_sec() -> float:
    """Seconds of silence after which a server counts as stalled ($CLIPPER_NETWORK_TIMEOUT, else 30)."""
    try:
        return max(0.1, float(os.environ.get(NETWORK_TIMEOUT_VARIABLE, _NETWORK_TIMEOUT_SEC)))
    except ValueError:
        return _NETWORK_TIMEOUT_SEC


def byte_cap(seconds: float | None) -> int:
    """The most bytes a fetch of `seconds` of video may bring (unknown length: a few GB)."""
    if not seconds:
        return _MAX_BYTES_UNKNOWN_LENGTH
    return int(seconds * _MAX_BYTES_PER_SEC + _MAX_BYTES_MARGIN)


def is_direct_media_url(url: str) -> bool:
    """A URL of a media file itself, not of a page: yt-dlp can fetch it without an extractor."""
    return urlparse(url).path.lower().endswith(_MEDIA_SUFFIXES)


def fetch(url: str, target: Path, ffmpeg: str, time_range: tuple[float, float] | None = None,
          on_progress: DownloadProgress | None = None, video_sec: float | None = None) -> Path:
    """Download `url` (or only `time_range` of it, in seconds) to `target` (an .mp4 path).

    Ranges are read with ffmpeg over HTTP Range requests, so a short clip of a long video costs
    a small part of the file. Every fetch is bounded: a stalled server times out, and one that
    sends more than `video_sec` (or the range) can hold is cut off. Raises ToolError with the
    reason, leaving no partial file.
    """
    if is_direct_media_url(url):
        _check_reachable(url)
    cap = byte_cap(time_range[1] - time_range[0] if time_range else video_sec)
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
        "socket_timeout": network_timeout_sec(),
        "progress_hooks": [_size_guard(cap)] + ([_progress_hook(on_progress)] if on_progress else []),
        "logger": _Silent(),  # its errors come back as DownloadError, and clipper says them once
        # Ranges are read by ffmpeg: the same bounds, as its own options.
        "external_downloader_args": {"ffmpeg_i": ["-rw_timeout", str(int(network_timeout_sec() * 1e6))],
                                     "ffmpeg_o": ["-fs", str(cap)]},
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
    except (yt_dlp.utils.DownloadError, _TooLarge) as exc:
        _remove_partial(target)
        if isinstance(exc, _TooLarge) or isinstance(getattr(exc, "exc_info", [None, None])[1], _TooLarge):
            raise ToolError(f"cannot download the video (the server sent more than {cap / 1e6:.0f} MB, more than "
                            "a video of this length holds)", _DOWNLOAD_HINT, url) from None
        reason = str(exc).removeprefix("ERROR: ").splitlines()[0]
        raise ToolError(f"cannot download the video ({reason})", _DOWNLOAD_HINT, url) from None
    except BaseException:
        _remove_partial(target)
        raise
    return _downloaded_file(target)


def _remove_partial(target: Path) -> None:
    for leftover in target.parent.glob(glob.escape(target.stem) + ".*"):
        leftover.unlink(missing_ok=True)


def _size_guard(cap: int) -> Callable[[dict], None]:
    def hook(status: dict) -> None:
        if int(status.get("downloaded_bytes") or 0) > cap:
            raise _TooLarge
    return hook


def _check_reachable(url: str) -> None:
    """Ask for the file's first byte, so that an unreachable server is said plainly (ffmpeg only gives an exit code)."""
    request = urllib.request.Request(url, headers={"Range": "bytes=0-0", "User-Agent": "clipper"})
    try:
        with urllib.request.urlopen(request, timeout=network_timeout_sec()):
            pass
    except urllib.error.HTTPError as exc:
        if 300 <= exc.code < 400:  # urllib gives up after 10 redirects
            raise ToolError("cannot download the video (the server redirects in a loop)", _DOWNLOAD_HINT, url) from None
        reason = str(exc.reason).splitlines()[0]
        raise ToolError(f"cannot download the video (the server answered {exc.code} {reason})", _DOWNLOAD_HINT, url) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = str(getattr(exc, "reason", exc)).splitlines()[0]
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

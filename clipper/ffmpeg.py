"""The only module that starts ffmpeg: find the binary, run an argv, read facts from `ffmpeg -i`.

No ffprobe anywhere: the ffmpeg of the imageio-ffmpeg wheel has none.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import ToolError

_TIME = re.compile(r"time=(\d+):(\d\d):(\d\d(?:\.\d+)?)")
_DURATION = re.compile(r"Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)")
_VIDEO = re.compile(r"Stream #\S+.*?: Video: (\w+).*?, (\d{2,5})x(\d{2,5})[, \[]")
_FPS = re.compile(r", (\d+(?:\.\d+)?) fps")
_AUDIO = re.compile(r"Stream #\S+.*?: Audio: (\w+).*?, (\d+) Hz")
_LOUDNESS = re.compile(r"Integrated loudness:\s+I:\s+(-?[\d.]+) LUFS", re.S)
_INSTALL_HINT = "install ffmpeg (apt install ffmpeg, brew install ffmpeg) or `pip install imageio-ffmpeg`"


@dataclass(frozen=True)
class MediaInfo:
    duration_sec: float | None
    video_codec: str = ""
    width: int = 0
    height: int = 0
    fps: float = 0.0
    audio_codec: str = ""
    sample_rate: int = 0

    @property
    def has_video(self) -> bool:
        return bool(self.video_codec)


@lru_cache(maxsize=1)
def find_ffmpeg() -> str:
    """ffmpeg from PATH, else the one in the imageio-ffmpeg wheel; ToolError when neither."""
    on_path = shutil.which("ffmpeg")
    if on_path:
        return on_path
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError):
        raise ToolError("ffmpeg was not found on PATH nor in the imageio-ffmpeg package", _INSTALL_HINT) from None


def run_ffmpeg(args: list[str], *, what: str, duration_sec: float | None = None,
               on_progress: Callable[[float], None] | None = None) -> str:
    """Run ffmpeg with `args` (without the binary); return its stderr, raise ToolError on failure.

    `what` names the job in the error ("cutting clip 3"); `on_progress` gets 0..1 as ffmpeg reports time.
    """
    argv = [find_ffmpeg(), "-nostdin", "-hide_banner", *args]
    try:
        process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    except OSError as exc:
        raise ToolError(f"cannot start ffmpeg ({exc.strerror})", _INSTALL_HINT, argv[0]) from None
    try:
        lines = _read_stderr(process, duration_sec, on_progress)
    except BaseException:  # interrupted (Ctrl-C, SIGTERM): stop ffmpeg too, so no half-written file grows on
        process.kill()
        process.wait()
        raise
    if process.wait() != 0:
        raise ToolError(f"ffmpeg failed while {what}: {_last_error(lines)}", "check the source file and the times asked for")
    return "\n".join(lines)


def _read_stderr(process: subprocess.Popen, duration_sec: float | None, on_progress: Callable[[float], None] | None) -> list[str]:
    lines: list[str] = []
    buffer = b""
    assert process.stderr is not None
    while chunk := process.stderr.read1(4096) if hasattr(process.stderr, "read1") else process.stderr.read(4096):
        buffer += chunk
        *complete, buffer = re.split(rb"[\r\n]", buffer)
        for raw in complete:
            line = raw.decode("utf-8", "replace").strip()
            if line:
                lines.append(line)
                _report_progress(line, duration_sec, on_progress)
    if buffer.strip():
        lines.append(buffer.decode("utf-8", "replace").strip())
    return lines


def _report_progress(line: str, duration_sec: float | None, on_progress: Callable[[float], None] | None) -> None:
    match = _TIME.search(line)
    if match and on_progress and duration_sec:
        hours, minutes, seconds = match.groups()
        on_progress(min(1.0, (int(hours) * 3600 + int(minutes) * 60 + float(seconds)) / duration_sec))


def _last_error(lines: list[str]) -> str:
    useful = [line for line in lines if not _TIME.search(line) and not line.startswith(("frame=", "size=", "Press [q]"))]
    return useful[-1] if useful else "no message"


def input_argument(path: str | Path) -> str:
    """A path as an ffmpeg input: `file:` stops a name like `a:b.mp4` being read as a protocol."""
    text = str(path)
    return text if re.match(r"^[a-z][a-z0-9+.-]*://", text) else f"file:{text}"


def read_media_info(path: str | Path) -> MediaInfo:
    """Duration and stream facts from `ffmpeg -i` (which exits 1 for want of an output)."""
    argv = [find_ffmpeg(), "-nostdin", "-hide_banner", "-i", input_argument(path)]
    result = subprocess.run(argv, capture_output=True, text=True, errors="replace", check=False)
    return parse_media_info(result.stderr, str(path))


def parse_media_info(text: str, path: str) -> MediaInfo:
    """MediaInfo from the text `ffmpeg -i` prints; ToolError when it found no media."""
    duration = _DURATION.search(text)
    video, audio = _VIDEO.search(text), _AUDIO.search(text)
    if not duration and not video and not audio:
        last = text.strip().splitlines()[-1] if text.strip() else "no media found"
        raise ToolError(f"cannot read media ({last})", "give a video or audio file that ffmpeg can open", path)
    fps = _FPS.search(video.group(0) + text[video.end():].split("\n", 1)[0]) if video else None
    return MediaInfo(
        duration_sec=_seconds(duration) if duration else None,
        video_codec=video.group(1) if video else "",
        width=int(video.group(2)) if video else 0,
        height=int(video.group(3)) if video else 0,
        fps=float(fps.group(1)) if fps else 0.0,
        audio_codec=audio.group(1) if audio else "",
        sample_rate=int(audio.group(2)) if audio else 0,
    )


def _seconds(match: re.Match) -> float:
    hours, minutes, seconds = match.groups()
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def measure_loudness(path: str | Path) -> float:
    """Integrated loudness (LUFS, EBU R128) of a file's audio."""
    stderr = run_ffmpeg(["-i", input_argument(path), "-vn", "-af", "ebur128=framelog=quiet", "-f", "null", "-"], what="measuring loudness")
    match = _LOUDNESS.search(stderr)
    if not match:
        raise ToolError("ffmpeg did not report a loudness", "check that the file has audio", str(path))
    return float(match.group(1))


# --- Speech detection (captions timed to the voice) -------------------------------------------
# Loudness of the speech band in 10 ms windows, printed by ametadata; clipper.caption_timing turns
# the levels into voiced stretches.

_LEVEL_TIME = re.compile(r"pts_time:(-?[\d.]+)")
_LEVEL_VALUE = re.compile(r"lavfi\.astats\.Overall\.RMS_level=(-?inf|-?[\d.]+)")
SPEECH_RATE = 16000


def speech_levels_args(path: str | Path, start_sec: float, duration_sec: float) -> list[str]:
    """ffmpeg arguments printing the RMS level (dB) of each 10 ms of speech band from `start_sec` on."""
    window = round(SPEECH_RATE * 0.01)
    chain = (f"aformat=channel_layouts=mono,aresample={SPEECH_RATE},highpass=f=100,lowpass=f=4000,"
             f"asetnsamples=n={window}:p=0,astats=metadata=1:reset=1:measure_perchannel=none:measure_overall=RMS_level,"
             "ametadata=mode=print:key=lavfi.astats.Overall.RMS_level")
    return ["-ss", f"{start_sec:.3f}", "-t", f"{duration_sec:.3f}", "-i", input_argument(path), "-vn", "-sn", "-dn",
            "-af", chain, "-f", "null", "-"]


def parse_speech_levels(text: str) -> tuple[tuple[float, float], ...]:
    """(time, dB) pairs from what `speech_levels_args` prints; silence is -inf."""
    levels, time = [], None
    for line in text.splitlines():
        found_time, found_level = _LEVEL_TIME.search(line), _LEVEL_VALUE.search(line)
        if found_time:
            time = float(found_time.group(1))
        if found_level and time is not None:
            levels.append((time, float(found_level.group(1))))
            time = None
    return tuple(levels)


def detect_speech(path: str | Path, start_sec: float, duration_sec: float) -> tuple[tuple[float, float], ...]:
    """Voiced stretches (seconds from `start_sec`) of a file's audio; () when it has none to find."""
    from .caption_timing import voiced_intervals

    stderr = run_ffmpeg(speech_levels_args(path, start_sec, duration_sec), what="finding speech for the captions")
    return voiced_intervals(parse_speech_levels(stderr))

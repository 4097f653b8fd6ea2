"""The only module that starts ffmpeg: choose the binary, check it, run an argv, read `ffmpeg -i`.

No ffprobe anywhere: the ffmpeg of the imageio-ffmpeg wheel has none.
"""
from __future__ import annotations

import array
import json
import logging
import math
import operator
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from pathlib import Path

from .children import die_with_parent
from .errors import OutputError, ToolError

log = logging.getLogger("clipper")

_TIME = re.compile(r"time=(\d+):(\d\d):(\d\d(?:\.\d+)?)")
_DURATION = re.compile(r"Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)")
_VIDEO = re.compile(r"Stream #\S+.*?: Video: (\w+).*?, (\d{2,5})x(\d{2,5})[, \[]")
_FPS = re.compile(r", (\d+(?:\.\d+)?) fps")
_PIXELS = re.compile(r"Video: \w+(?: \(([^)/]+)\))?.*?, (\w+)(?:\(([^)]*)\))?, \d{2,5}x\d{2,5}")  # profile, pix_fmt, colour
_AUDIO = re.compile(r"Stream #\S+.*?: Audio: (\w+).*?, (\d+) Hz")
_VERSION = re.compile(r"ffmpeg version n?(\d+)\.(\d+)")
_INSTALL_HINT = "install ffmpeg (apt install ffmpeg, brew install ffmpeg) or `pip install imageio-ffmpeg`"
_PROBE_TIMEOUT_SEC = 30
ENVIRONMENT_VARIABLE = "CLIPPER_FFMPEG"
MIN_VERSION = (4, 4)  # Ubuntu 22.04's; the graphs use nothing newer


class Origin(Enum):
    """Where the ffmpeg in use was found."""

    OPTION = "--ffmpeg"
    ENVIRONMENT = ENVIRONMENT_VARIABLE
    PATH = "PATH"
    WHEEL = "the imageio-ffmpeg wheel"


@dataclass(frozen=True)
class Capability:
    name: str
    kind: str  # "encoder" or "filter"
    used_for: str


CAPABILITIES = (
    Capability("libx264", "encoder", "H.264 video"),
    Capability("aac", "encoder", "AAC audio"),
    Capability("ass", "filter", "burned-in captions (libass)"),
    Capability("loudnorm", "filter", "loudness normalisation"),
    Capability("ebur128", "filter", "loudness measurement"),
    Capability("alimiter", "filter", "true peaks held under the limit"),
    Capability("showwavespic", "filter", "audiogram waveforms"),
    Capability("boxblur", "filter", "the blurred fill"),
    Capability("highpass", "filter", "finding the speech in a clip (its band)"),
)


@dataclass(frozen=True)
class Ffmpeg:
    """One ffmpeg binary and what it can do."""

    path: str
    origin: Origin
    version: str  # as the binary prints it: "5.1.9-0+deb12u1", "n7.1"
    present: frozenset[str]  # the names of CAPABILITIES it has

    @property
    def missing(self) -> tuple[Capability, ...]:
        return tuple(c for c in CAPABILITIES if c.name not in self.present)

    @property
    def release(self) -> tuple[int, int] | None:
        """(major, minor) of a numbered release; None for a build named otherwise ("N-112345-g…")."""
        match = _VERSION.match(f"ffmpeg version {self.version}")
        return (int(match.group(1)), int(match.group(2))) if match else None

    @property
    def is_too_old(self) -> bool:
        return self.release is not None and self.release < MIN_VERSION

    @property
    def frame_timing_option(self) -> str:
        """The output option that keeps frames' own times ("passthrough"): -fps_mode since 5.1,
        -vsync before it (the wheel's 9.0 knows only -fps_mode). Unknown versions: the new name."""
        return "vsync" if self.release is not None and self.release < (5, 1) else "fps_mode"

    @property
    def problem(self) -> str:
        """Why clipper cannot use it, or "" when it can."""
        if self.is_too_old:
            return f"ffmpeg {self.version} is older than {'.'.join(map(str, MIN_VERSION))}"
        if self.missing:
            return "it has no " + ", ".join(f"{c.name} {c.kind} ({c.used_for})" for c in self.missing)
        return ""


@dataclass(frozen=True)
class MediaInfo:
    duration_sec: float | None
    video_codec: str = ""
    width: int = 0
    height: int = 0
    fps: float = 0.0
    audio_codec: str = ""
    sample_rate: int = 0
    video_profile: str = ""  # as `ffmpeg -i` names it: "High", "Main"…
    pixel_format: str = ""  # "yuv420p"…
    colour: str = ""  # what `ffmpeg -i` says in brackets after the pixel format: "tv, bt709, progressive"

    @property
    def has_video(self) -> bool:
        return bool(self.video_codec)

    @property
    def has_audio(self) -> bool:
        return bool(self.audio_codec)


_chosen_path: list[str] = []  # set by use_ffmpeg: the binary the user named with --ffmpeg


def use_ffmpeg(path: str | None) -> None:
    """Use the ffmpeg at `path` (the --ffmpeg option) from now on; None goes back to the default,
    chosen afresh. The same path again keeps what was found of it (a cut names it first to read its
    source ahead)."""
    if path and _chosen_path == [path]:
        return
    _chosen_path[:] = [path] if path else []
    chosen_ffmpeg.cache_clear()


@lru_cache(maxsize=1)
def chosen_ffmpeg() -> Ffmpeg:
    """The ffmpeg to run: --ffmpeg, else $CLIPPER_FFMPEG, else the first of PATH's and the wheel's
    that has everything clipper needs. Raises ToolError naming what is missing and what to do.
    """
    named = [(p, Origin.OPTION) for p in _chosen_path]
    named += [(os.environ[ENVIRONMENT_VARIABLE], Origin.ENVIRONMENT)] if os.environ.get(ENVIRONMENT_VARIABLE) else []
    if named:
        return _checked(probe_ffmpeg(*named[0]))
    on_path = shutil.which("ffmpeg")
    if on_path and not (found := probe_ffmpeg(on_path, Origin.PATH)).problem:
        return found  # the wheel is not looked for: importing it and its check of its binary cost 0.05-0.1 s
    candidates = default_candidates()
    if not candidates:
        raise ToolError("ffmpeg was not found on PATH nor in the imageio-ffmpeg package", _INSTALL_HINT)
    first = probe_ffmpeg(*candidates[0])
    if not first.problem:
        return first  # the others are not even asked: each probe starts three ffmpegs
    usable = next((found for found in (probe_ffmpeg(*c) for c in candidates[1:]) if not found.problem), None)
    if not usable:
        return _checked(first)
    log.warning("%s: %s; using %s at %s instead", first.path, first.problem, usable.origin.value, usable.path)
    return usable


def find_ffmpeg() -> str:
    """The path of the ffmpeg to run (see chosen_ffmpeg)."""
    return chosen_ffmpeg().path


def default_candidates() -> list[tuple[str, Origin]]:
    """PATH's ffmpeg, then the wheel's, when they exist and are not the same file."""
    found = []
    on_path = shutil.which("ffmpeg")
    if on_path:
        found.append((on_path, Origin.PATH))
    wheel = _wheel_ffmpeg()
    if wheel and not (on_path and os.path.realpath(on_path) == os.path.realpath(wheel)):
        found.append((wheel, Origin.WHEEL))
    return found


def _wheel_ffmpeg() -> str:
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError):
        return ""


def _checked(ffmpeg: Ffmpeg) -> Ffmpeg:
    if ffmpeg.problem:
        todo = ("install a full build (apt install ffmpeg) or `pip install imageio-ffmpeg`, "
                f"and point --ffmpeg or ${ENVIRONMENT_VARIABLE} at it (`clipper doctor` lists what each has)")
        raise ToolError(f"this ffmpeg cannot make clips: {ffmpeg.problem}", todo, ffmpeg.path)
    return ffmpeg


@lru_cache(maxsize=8)
def probe_ffmpeg(path: str, origin: Origin) -> Ffmpeg:
    """The version and capabilities of the ffmpeg at `path`; ToolError when it does not run.

    Remembered on disk (probe_cache_file) for the same binary, unchanged: asking costs three
    ffmpeg starts, about 0.3 s, on every clipper command that cuts.
    """
    key = _binary_key(path)
    known = _read_probe_cache().get(key) if key else None
    if known:
        return Ffmpeg(path, origin, known["version"], frozenset(known["present"]))
    version = _query(path, "-version")
    match = re.search(r"ffmpeg version (\S+)", version)
    if not match:
        raise ToolError("this is not an ffmpeg program", "give --ffmpeg the path of an ffmpeg binary", path)
    present = parse_capabilities(_query(path, "-encoders"), _query(path, "-filters"))
    if key:
        _remember_probe(key, {"version": match.group(1), "present": sorted(present)})
    return Ffmpeg(path, origin, match.group(1), present)


def probe_cache_file() -> Path:
    """Where probes are remembered: $XDG_CACHE_HOME/clipper (~/.cache/clipper)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "clipper" / "ffmpeg-probes.json"


def _binary_key(path: str) -> str:
    """The binary as it is now (its real path, size and time) and what clipper asks of it; "" when unseen."""
    try:
        real = os.path.realpath(path)
        stat = os.stat(real)
    except OSError:
        return ""
    from . import __version__

    asked = ",".join(c.name for c in CAPABILITIES)
    return f"{real}|{stat.st_size}|{stat.st_mtime_ns}|{__version__}|{asked}"


def _read_probe_cache() -> dict:
    try:
        known = json.loads(probe_cache_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return known if isinstance(known, dict) else {}


def _remember_probe(key: str, facts: dict) -> None:
    """Add one probe to the cache file (written whole, atomically); a cache that cannot be written is skipped."""
    from .outputs import write_atomic

    try:
        kept = {known: seen for known, seen in _read_probe_cache().items() if os.path.exists(known.split("|")[0])}
        write_atomic(probe_cache_file(), json.dumps({**kept, key: facts}, indent=1) + "\n")
    except OutputError as exc:
        log.debug("ffmpeg probe not remembered: %s", exc.message)


def _query(path: str, flag: str) -> str:
    try:
        result = subprocess.run([path, "-hide_banner", flag], capture_output=True, text=True, errors="replace",
                                timeout=_PROBE_TIMEOUT_SEC, check=False, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ToolError(f"cannot run ffmpeg ({getattr(exc, 'strerror', None) or exc})", _INSTALL_HINT, path) from None
    return result.stdout


def parse_capabilities(encoders: str, filters: str) -> frozenset[str]:
    """The names of CAPABILITIES found in `ffmpeg -encoders` and `ffmpeg -filters` listings."""
    encoder_names = set(re.findall(r"^ [VAS][.A-Z]{5} (\S+)", encoders, re.M))
    filter_names = set(re.findall(r"^ [.A-Z|]{2,3} (\S+)\s+\S*->\S*", filters, re.M))
    return frozenset(c.name for c in CAPABILITIES
                     if c.name in (encoder_names if c.kind == "encoder" else filter_names))


def run_ffmpeg(args: list[str], *, what: str, duration_sec: float | None = None,
               on_progress: Callable[[float], None] | None = None) -> str:
    """Run ffmpeg with `args` (without the binary); return its stderr, raise ToolError on failure.

    `what` names the job in the error ("cutting clip 3"); `on_progress` gets 0..1 as ffmpeg reports time.
    The argv and ffmpeg's whole stderr are logged at DEBUG (`clipper -v`).
    """
    argv = [find_ffmpeg(), "-nostdin", "-hide_banner", *args]
    log.debug("running: %s", shlex.join(argv))
    try:
        process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, preexec_fn=die_with_parent)  # noqa: PLW1509
    except OSError as exc:
        raise ToolError(f"cannot start ffmpeg ({exc.strerror})", _INSTALL_HINT, argv[0]) from None
    try:
        lines = _read_stderr(process, duration_sec, on_progress)
    except BaseException:  # interrupted (Ctrl-C, SIGTERM): stop ffmpeg too, so no half-written file grows on
        process.kill()
        process.wait()
        raise
    status = process.wait()
    log.debug("ffmpeg said (exit status %s):\n%s", status, "\n".join(lines))
    if status != 0:
        cause = ffmpeg_failure(lines)
        raise ToolError(f"ffmpeg failed while {what}: {cause}", failure_hint(cause))
    return "\n".join(lines)


def _read_stderr(process: subprocess.Popen, duration_sec: float | None,
                 on_progress: Callable[[float], None] | None) -> list[str]:
    lines: list[str] = []
    buffer = b""
    assert process.stderr is not None
    while chunk := process.stderr.read1(4096):
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


# Lines ffmpeg prints after the real cause, which say only that something failed.
_CONSEQUENCES = re.compile(
    r"^(Conversion failed!|Error reinitializing filters!|Failed to inject frame into filter network"
    r"|Error while (filtering|processing the decoded data|decoding stream)|Nothing was written into output file"
    r"|Exiting normally|Error closing file|Error (muxing|submitting) a packet|Task finished with error code"
    r"|Terminating thread with return code|Error opening output files?|Error initializing output stream"
    r"|Error initializing filters?|Error while opening encoder|Last message repeated|Error (Nothing|writing trailer)$)",
    re.I)
_NOISE = re.compile(r"^(frame=|size=|video:|Press \[q\]|Stream mapping|Input #|Output #|Metadata:|Duration:"
                    r"|Stream #|(frame|mb|ref|Weighted|kb/s|consecutive|8x8|coded|i16|i8|i4|final|Qavg)\b)")
_ERROR_WORDS = re.compile(r"error|cannot|can't|invalid|unable|no such|not found|failed|denied|no space|"
                          r"unknown|unrecognized|does not|too many|refused|timed out|undefined", re.I)
_SOURCE = re.compile(r"^(\[[^\]]+\] )+")  # "[Parsed_volume_0 @ 0x5620318a9880] [Eval @ 0x7ff…] "


def ffmpeg_failure(lines: list[str]) -> str:
    """ffmpeg's own meaningful line about a failure: the first cause, not `Conversion failed!`."""
    said = [(line, _SOURCE.sub("", line)) for line in lines if not _TIME.search(line)]
    useful = [line for line, text in said if not _NOISE.match(text) and not _CONSEQUENCES.match(text)]
    errors = [line for line in useful if _ERROR_WORDS.search(line)]
    chosen = errors[0] if errors else (useful or [line for line, _ in said] or ["no message"])[-1]
    return re.sub(r" @ 0x[0-9a-f]+\]", "]", chosen)


_HINTS = (
    (r"No space left on device", "free some disk space, or give --out a folder on another disk"),
    (r"Permission denied|Read-only file system", "check that you can write to the output folder"),
    (r"Invalid data found|moov atom not found|Invalid NAL|partial file|End of file|corrupt",
     "the source looks damaged or incomplete: give another --source, or run again with --force to fetch it anew"),
    (r"No such filter|Unknown encoder|Encoder \S+ not found|Unrecognized option",
     "this ffmpeg lacks something clipper needs: run `clipper doctor`, and choose another with --ffmpeg"),
    (r"Connection|timed out|HTTP error|Server returned", "check the network and the URL, or pass --source FILE"),
)


def failure_hint(cause: str) -> str:
    """What to try after ffmpeg failed with `cause`."""
    for pattern, hint in _HINTS:
        if re.search(pattern, cause, re.I):
            return hint
    return ("run again with -v to see ffmpeg's whole output; if it looks like clipper's fault, "
            "report it with that output and `clipper doctor`'s")


def input_argument(path: str | Path) -> str:
    """A path as an ffmpeg input: `file:` stops a name like `a:b.mp4` being read as a protocol."""
    text = str(path)
    return text if re.match(r"^[a-z][a-z0-9+.-]*://", text) else f"file:{text}"


def read_media_info(path: str | Path) -> MediaInfo:
    """Duration and stream facts from `ffmpeg -i` (which exits 1 for want of an output).

    A local file is read once while it is unchanged (same size and time): opening a long
    recording costs ffmpeg about half a second, and every clip cut from it asks.
    """
    key = _file_key(path)
    if key is None:
        return _probe_media(str(path))
    known = _KNOWN_MEDIA.get(key)
    if known is None:
        reading = _READING.pop(key, None)
        known = reading.result() if reading else _probe_media(str(path))
        remember_media_info(path, known)
    return known


def read_media_info_ahead(path: str | Path) -> None:
    """Start reading a local file's facts on a thread of its own, while clipper starts up: the
    read_media_info that asks for them later waits for that reading instead of running ffmpeg
    again. Nothing is said here of a file that cannot be read: the later read says it."""
    import concurrent.futures
    import threading

    if not os.path.isfile(path):  # a pipe would hold ffmpeg; what is not a file is said later
        return
    try:
        key = _file_key(path)
    except ToolError:  # no ffmpeg: said by what runs it
        return
    if key is None or key in _KNOWN_MEDIA or key in _READING:
        return
    reading: concurrent.futures.Future[MediaInfo] = concurrent.futures.Future()
    _READING[key] = reading

    def read() -> None:
        try:
            reading.set_result(_probe_media(str(path)))
        except Exception as exc:  # noqa: BLE001 - handed to whoever asks
            reading.set_exception(exc)

    # Not a daemon: a run that stops early (a user mistake) must not end Python while this thread
    # forks ffmpeg, which prints "Exception ignored … release unlocked lock" to the user.
    threading.Thread(target=read, name="clipper-read-ahead").start()


_READING: dict = {}  # a file's key (_file_key): the concurrent.futures.Future of its reading ahead


def remember_media_info(path: str | Path, info: MediaInfo) -> None:
    """What the file at `path`, as it is now, holds: read_media_info answers it without running
    ffmpeg (a clip just made and checked by verify_media is not read again for the review page)."""
    key = _file_key(path)
    if key is not None:
        _KNOWN_MEDIA.pop(key, None)
        _KNOWN_MEDIA[key] = info
        while len(_KNOWN_MEDIA) > _KNOWN_MEDIA_MAX:
            _KNOWN_MEDIA.pop(next(iter(_KNOWN_MEDIA)), None)  # the oldest


_KNOWN_MEDIA: dict[tuple, MediaInfo] = {}
_KNOWN_MEDIA_MAX = 64


def _file_key(path: str | Path) -> tuple | None:
    """A file as it is (its absolute path, size and time) and the ffmpeg reading it; None when unseen."""
    try:
        stat = os.stat(path)
    except (OSError, ValueError):
        return None
    return os.path.abspath(path), stat.st_size, stat.st_mtime_ns, find_ffmpeg()


def _probe_media(path: str) -> MediaInfo:
    argv = [find_ffmpeg(), "-nostdin", "-hide_banner", "-i", input_argument(path)]
    result = subprocess.run(argv, capture_output=True, text=True, errors="replace", check=False,
                            preexec_fn=die_with_parent)  # noqa: PLW1509
    return parse_media_info(result.stderr, str(path))


def parse_media_info(text: str, path: str) -> MediaInfo:
    """MediaInfo from the text `ffmpeg -i` prints; ToolError when it found no media."""
    duration = _DURATION.search(text)
    video, audio = _VIDEO.search(text), _AUDIO.search(text)
    if not duration and not video and not audio:
        last = text.strip().splitlines()[-1] if text.strip() else "no media found"
        raise ToolError(f"cannot read media ({last})", "give a video or audio file that ffmpeg can open", path)
    line = video.group(0) + text[video.end():].split("\n", 1)[0] if video else ""
    fps, pixels = _FPS.search(line), _PIXELS.search(line)
    return MediaInfo(
        duration_sec=_seconds(duration) if duration else None,
        video_codec=video.group(1) if video else "",
        width=int(video.group(2)) if video else 0,
        height=int(video.group(3)) if video else 0,
        fps=float(fps.group(1)) if fps else 0.0,
        audio_codec=audio.group(1) if audio else "",
        sample_rate=int(audio.group(2)) if audio else 0,
        video_profile=(pixels.group(1) or "") if pixels else "",
        pixel_format=pixels.group(2) if pixels else "",
        colour=(pixels.group(3) or "") if pixels else "",
    )


def verify_media(path: str | Path, duration_sec: float, has_video: bool, has_audio: bool,
                 what: str) -> MediaInfo:
    """Read every packet of a file just made; ToolError unless it has the streams and length asked."""
    stderr = run_ffmpeg(["-v", "info", "-i", input_argument(path), "-map", "0", "-c", "copy", "-f", "null", "-"],
                        what=f"checking {what}")
    info = parse_media_info(stderr, str(path))
    wrong = [problem for problem, is_wrong in (
        ("no video stream", has_video and not info.has_video),
        ("no audio stream", has_audio and not info.has_audio),
        (f"it lasts {info.duration_sec or 0:.2f} s, not {duration_sec:.2f} s",
         abs((info.duration_sec or 0.0) - duration_sec) > max(0.15, 0.02 * duration_sec)),
    ) if is_wrong]
    if wrong:
        raise ToolError(f"{what} came out wrong ({'; '.join(wrong)})",
                        "the source may be damaged or cut short: run again with --force, or give another --source", str(path))
    return info


def _seconds(match: re.Match) -> float:
    hours, minutes, seconds = match.groups()
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


@dataclass(frozen=True)
class StretchGain:
    """A gain (dB) over a stretch of a clip (seconds from its start), reached by short ramps outside it."""

    start_sec: float
    end_sec: float
    gain_db: float


@dataclass(frozen=True)
class Loudness:
    """EBU R128 figures of a stretch of audio, as loudnorm's first pass reports them; and, once the
    clip is planned (clipper.sound), the gains that bring it to the target (clip_graph._normalised).
    """

    integrated_lufs: float
    true_peak_dbtp: float
    range_lu: float
    threshold_lufs: float
    gain_db: float | None = None  # the overall gain before the limiter, found by a probe; None: target - integrated
    stretch_gains: tuple[StretchGain, ...] = ()  # a quieter speaker's voiced stretches, raised to the others


_EBUR128_SUMMARY = re.compile(r"Summary:\s+Integrated loudness:\s+I:\s+(-?[\d.]+) LUFS\s+Threshold:\s+(-?[\d.]+) LUFS"
                              r"\s+Loudness range:\s+LRA:\s+(-?[\d.]+) LU.*?True peak:\s+Peak:\s+(-?[\d.]+|-inf) dBFS", re.S)
SILENT_LUFS = -70.0  # ebur128's absolute gate: what it says of silence


def parse_ebur128_report(text: str) -> Loudness | None:
    """The figures of an `ebur128=peak=true` summary (the last one, if ffmpeg summed up twice), as
    loudnorm's first pass gives them; None for silence (no loudness at all)."""
    found = _EBUR128_SUMMARY.findall(text)
    if not found:
        raise ToolError("ffmpeg did not report the loudness", "run again with -v to see what ffmpeg said")
    integrated, threshold, range_lu, peak = (float(value) for value in found[-1])
    if integrated <= SILENT_LUFS or not math.isfinite(peak):
        return None
    return Loudness(integrated, peak, range_lu, threshold)


@dataclass(frozen=True)
class LoudnessReading:
    integrated_lufs: float
    true_peak_dbtp: float


def read_loudness(path: str | Path) -> LoudnessReading:
    """Integrated loudness (LUFS, EBU R128) and true peak (dBTP) of a file's audio."""
    # No `framelog=quiet`: ffmpeg 5.1 does not know it (the per-frame lines are skipped when read).
    stderr = run_ffmpeg(["-i", input_argument(path), "-vn", "-af", "ebur128=peak=true", "-f", "null", "-"],
                        what="measuring loudness")
    found = _EBUR128_SUMMARY.findall(stderr)
    if not found:
        raise ToolError("ffmpeg did not report a loudness", "check that the file has audio", str(path))
    integrated, _, _, peak = found[-1]  # the summary that parse_ebur128_report reads, silence kept as it is
    return LoudnessReading(float(integrated), float(peak))


def measure_loudness(path: str | Path) -> float:
    """Integrated loudness (LUFS, EBU R128) of a file's audio."""
    return read_loudness(path).integrated_lufs


# --- Speech detection (captions timed to the voice) -------------------------------------------
# ffmpeg writes the speech band (raw 32-bit floats at SPEECH_RATE); parse_speech_band gives its
# level in 10 ms windows, and clipper.caption_timing turns the levels into voiced stretches.

SPEECH_RATE = 16000
LEVEL_SAMPLES = round(SPEECH_RATE * 0.01)  # caption_timing.LEVEL_WINDOW_SEC
_SPEECH_BAND = f"aformat=channel_layouts=mono,aresample={SPEECH_RATE},highpass=f=100,lowpass=f=4000"
Levels = tuple[tuple[float, float], ...]  # (seconds, dB)


def speech_levels_args(path: str | Path, start_sec: float, duration_sec: float, output: str | Path) -> list[str]:
    """ffmpeg arguments writing the speech band from `start_sec` on into `output` (parse_speech_band reads it)."""
    return ["-ss", f"{start_sec:.3f}", "-t", f"{duration_sec:.3f}", "-i", input_argument(path), "-vn", "-sn", "-dn",
            "-af", _SPEECH_BAND, "-f", "f32le", "-y", str(output)]


def parse_speech_band(samples: bytes) -> Levels:
    """(time, dB) of each 10 ms window of the speech band (raw 32-bit little-endian floats): the RMS
    level, silence -inf; the last window may be shorter. Times count the samples from the first
    (a stream that starts after the seek point is not placed later)."""
    band = array.array("f")
    band.frombytes(samples[:len(samples) - len(samples) % band.itemsize])
    if sys.byteorder == "big":
        band.byteswap()
    levels = []
    for first in range(0, len(band), LEVEL_SAMPLES):
        window = band[first:first + LEVEL_SAMPLES]
        power = sum(map(operator.mul, window, window)) / len(window)
        levels.append((round(first / SPEECH_RATE, 2), 10 * math.log10(power) if power > 0 else -math.inf))
    return tuple(levels)


def read_speech_levels(path: str | Path, start_sec: float, duration_sec: float) -> Levels:
    """The speech band's levels of a file's audio from `start_sec` (times from there)."""
    levels, _ = _run_for_speech_band(lambda band: speech_levels_args(path, start_sec, duration_sec, band),
                                     "finding speech for the captions")
    return levels


def _run_for_speech_band(argv: Callable[[Path], list[str]], what: str) -> tuple[Levels, str]:
    """Run ffmpeg with `argv(band)`, which writes the speech band into the file `band`: its levels,
    and what ffmpeg said."""
    with tempfile.TemporaryDirectory(prefix="clipper-") as work:
        band = Path(work) / "band.f32"
        stderr = run_ffmpeg(argv(band), what=what)
        return parse_speech_band(band.read_bytes()), stderr


def detect_speech(path: str | Path, start_sec: float, duration_sec: float) -> tuple[tuple[float, float], ...]:
    """Voiced stretches (seconds from `start_sec`) of a file's audio; () when it has none to find."""
    from .caption_timing import voiced_intervals

    return voiced_intervals(read_speech_levels(path, start_sec, duration_sec))


def audio_analysis_args(path: str | Path, start_sec: float, duration_sec: float, measure: str,
                        measure_from_sec: float, measure_sec: float, band: Path, decoded: Path | None = None,
                        also: tuple[str, ...] = ()) -> list[str]:
    """One pass over the audio from `start_sec`: the speech band into `band` (as speech_levels_args),
    and the filter `measure` (one that prints its figures, such as loudnorm's first pass) over the
    stretch from `measure_from_sec` (seconds into the pass) lasting `measure_sec`; and, when asked,
    the sound as decoded, into the WAV `decoded` (32-bit float: as the decoder gives it), and the
    outputs `also` (argv) of the same input.
    """
    graph = (f"[0:a]asplit=2[speech][measured];[speech]{_SPEECH_BAND}[band];[measured]atrim="
             f"start={measure_from_sec:.3f}:duration={measure_sec:.3f},asetpts=PTS-STARTPTS,{measure}[figures]")
    kept = ["-map", "0:a:0", "-c:a", "pcm_f32le", "-f", "wav", "-y", str(decoded)] if decoded else []
    return ["-ss", f"{start_sec:.3f}", "-t", f"{duration_sec:.3f}", "-i", input_argument(path), "-filter_complex", graph,
            "-map", "[band]", "-f", "f32le", "-y", str(band), "-map", "[figures]", "-f", "null", "-", *kept, *also]


def listen(path: str | Path, start_sec: float, duration_sec: float, measure: str, measure_from_sec: float,
           measure_sec: float, decoded: Path | None = None, also: tuple[str, ...] = ()
           ) -> tuple[tuple[tuple[float, float], ...], Levels, Loudness | None, str]:
    """detect_speech, the levels it was found in (as read_speech_levels), the loudness (`measure`:
    an `ebur128=peak=true`, over its own stretch) and what ffmpeg said, in one run of ffmpeg, which
    also keeps the sound it decoded in `decoded` and writes the outputs `also`, when given."""
    from .caption_timing import voiced_intervals

    levels, stderr = _run_for_speech_band(
        lambda band: audio_analysis_args(path, start_sec, duration_sec, measure, measure_from_sec, measure_sec, band,
                                         decoded, also),
        "listening to the clip (speech and loudness)")
    return voiced_intervals(levels), levels, parse_ebur128_report(stderr), stderr


_SUMMARY_LOUDNESS = re.compile(r"\[Parsed_ebur128_(\d+) @ [^\]]*\] Summary:\s+Integrated loudness:\s+I:\s+(-?[\d.]+) LUFS")


def parse_loudness_summaries(text: str) -> tuple[float, ...]:
    """The integrated loudness (LUFS) of each ebur128 filter's summary in ffmpeg's stderr, sorted;
    a filter's last summary counts (ffmpeg may set a graph up, and so sum up, more than once)."""
    last = {instance: float(value) for instance, value in _SUMMARY_LOUDNESS.findall(text)}
    return tuple(sorted(last.values()))


# --- frames for finding the speakers' tiles (helper "layouts") -------------------------------
def gray_frames_args(path: str | Path, start_sec: float, duration_sec: float, size: tuple[int, int], fps: float | None,
                     output: str | Path) -> list[str]:
    """ffmpeg arguments writing `fps` small grey frames a second of the stretch, raw, one byte a pixel;
    `fps` None: its keyframes alone (only they are decoded: a glance that costs next to nothing)."""
    keyframes = ["-skip_frame", "nokey"] if fps is None else []
    picture = f"scale={size[0]}:{size[1]},format=gray"
    # Keyframes one a second apart at a rate of one a second: the muxer repeats none to fill a rate.
    graph = ["-vf", f"{picture},setpts=N/TB", "-r", "1"] if fps is None else ["-vf", f"fps={fps},{picture}"]
    return [*keyframes, "-ss", f"{start_sec:.3f}", "-t", f"{duration_sec:.3f}", "-i", input_argument(path), "-an", "-sn", "-dn",
            *graph, "-f", "rawvideo", "-y", str(output)]


def read_gray_frames(path: str | Path, start_sec: float, duration_sec: float, size: tuple[int, int],
                     fps: float | None):  # noqa: ANN201
    """The stretch's frames as tiles.GrayFrames (`size`, grey, `fps` a second, or its keyframes: None)."""
    from .tiles import GrayFrames

    with tempfile.TemporaryDirectory(prefix="clipper-") as work:
        raw = Path(work) / "frames.gray"
        run_ffmpeg(gray_frames_args(path, start_sec, duration_sec, size, fps, raw), what="looking for the speakers' tiles")
        data = raw.read_bytes()
    frame = size[0] * size[1]
    return GrayFrames(size[0], size[1], fps or 0.0, tuple(data[i:i + frame] for i in range(0, len(data) - frame + 1, frame)))
# --- end of frames for the speakers' tiles --------------------------------------------------

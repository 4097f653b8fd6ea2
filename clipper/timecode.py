"""Every conversion between seconds and text lives here."""
from __future__ import annotations

import math
import re

_ISO_DURATION = re.compile(
    r"^P(?:(?P<days>\d+)D)?(?:T(?:(?P<hours>\d+(?:\.\d+)?)H)?(?:(?P<minutes>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$"
)
_CLOCK = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:\.\d+)?)$")
MAX_SEC = 7 * 86400.0  # a week: longer "times" are typos or attacks (1e309 is inf), not episodes
WORDS_PER_SEC = 2.5  # ~150 words a minute: how long text takes to say when nothing tells


def words_seconds(text: str) -> float:
    """About how long `text` takes to say."""
    return len(text.split()) / WORDS_PER_SEC


def format_clock(sec: float) -> str:
    """`m:ss` under an hour, `h:mm:ss` from an hour on (YouTube's description style)."""
    whole = int(sec)
    hours, rest = divmod(whole, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{seconds:02d}"
    return f"{minutes}:{seconds:02d}"


def format_name_clock(sec: float) -> str:
    """A time for a file name: `40s`, `12m05s`, `1h02m05s`; tenths when there are any (`40.5s`)."""
    tenths = round(sec * 10)
    whole, tenth = divmod(tenths, 10)
    hours, rest = divmod(whole, 3600)
    minutes, seconds = divmod(rest, 60)
    text = f"{seconds:02d}" if minutes or hours else str(seconds)
    text += f".{tenth}s" if tenth else "s"
    if minutes or hours:
        text = f"{minutes:02d}m{text}" if hours else f"{minutes}m{text}"
    return f"{hours}h{text}" if hours else text


def format_iso_duration(sec: float) -> str:
    """3589.2 → `PT00H59M50S`, the site's shape of `duration` (whole seconds, rounded up: it covers the end)."""
    hours, rest = divmod(math.ceil(sec), 3600)
    minutes, seconds = divmod(rest, 60)
    return f"PT{hours:02d}H{minutes:02d}M{seconds:02d}S"


def format_vtt(sec: float) -> str:
    """`HH:MM:SS.mmm`, as WebVTT cues want."""
    millis = round(sec * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def format_srt(sec: float) -> str:
    """`HH:MM:SS,mmm`, as SRT captions want."""
    return format_vtt(sec).replace(".", ",")


def parse_clock(text: str) -> float | None:
    """`1:11`, `01:02:03` or `59.5` as seconds; None when it is not a clock time."""
    text = text.strip()
    match = _CLOCK.match(text)
    if match:
        hours, minutes, seconds = match.groups()
        return _plausible(float(hours or 0) * 3600 + int(minutes) * 60 + float(seconds))
    try:
        return _plausible(float(text))
    except ValueError:
        return None


def time_value_to_sec(value: object) -> float | None:
    """A `time:`/`sec:` value as YAML loaded it.

    YAML 1.1 reads an unquoted `1:11` as the base-60 integer 71, which is already the
    number of seconds; a quoted `'1:11'` stays a string.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return _plausible(float(value))
    if isinstance(value, str):
        return parse_clock(value)
    return None


def _plausible(sec: float | None) -> float | None:
    """`sec` when it is a finite time from 0 to MAX_SEC, else None (NaN, inf, -5, 1e300)."""
    return sec if sec is not None and math.isfinite(sec) and 0 <= sec <= MAX_SEC else None


def parse_iso_duration(text: str) -> float | None:
    """`PT00H59M23S` → 3563.0; None when it is not an ISO 8601 duration."""
    match = _ISO_DURATION.match(text.strip())
    if not match or text.strip() in ("P", "PT"):
        return None
    parts = {k: float(v) if v else 0.0 for k, v in match.groupdict().items()}
    return _plausible(parts["days"] * 86400 + parts["hours"] * 3600 + parts["minutes"] * 60 + parts["seconds"])

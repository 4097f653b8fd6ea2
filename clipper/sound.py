"""Broadcast sound for a clip (pure): each speaker brought to the loudest one, then one gain that
reaches the target loudness through the limiter.

A clip's speakers are told apart by the transcript's lines, placed on the voice heard as the
captions are (caption_timing.time_words); each voiced stretch belongs to the line it overlaps
most. A speaker's level is the power mean of the speech band's 10 ms levels over their voiced
stretches (what ffmpeg.listen already heard: no extra pass). Pauses longer
than BRIDGED_PAUSE_SEC keep the clip's own gain, so room noise is not raised with the voice.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

from .ffmpeg import Loudness, StretchGain

Interval = tuple[float, float]

MAX_LEVEL_GAIN_DB = 10.0  # a speaker is raised at most this much (a far-off mic is not made a close one)
MIN_LEVEL_GAIN_DB = 1.0  # smaller differences are left alone
BRIDGED_PAUSE_SEC = 0.6  # a speaker's shorter pauses keep their gain (no breathing noise between words)
PROBE_STEP_DB = 3.0  # the second probe's gain, above the first
MAX_LIMITER_PUSH_DB = 8.0  # the gain added for what the limiter takes off, at most


def speaker_of_stretches(voiced: Sequence[Interval], lines: Sequence[tuple[str, float, float]]) -> tuple[str, ...]:
    """Who says each voiced stretch: the speaker of the (who, start, end) line it overlaps most; ""
    when it overlaps none."""
    def overlap(stretch: Interval, line: tuple[str, float, float]) -> float:
        return min(stretch[1], line[2]) - max(stretch[0], line[1])

    return tuple(max(lines, key=lambda line: overlap(stretch, line))[0]
                 if lines and max(overlap(stretch, line) for line in lines) > 0 else "" for stretch in voiced)


def power_mean_db(levels: Sequence[tuple[float, float]], stretches: Sequence[Interval]) -> float | None:
    """The power mean (dB) of the (time, dB) levels inside `stretches`; None when there are none."""
    inside = [10 ** (level / 10) for time, level in levels if level > -200 and any(a <= time < b for a, b in stretches)]
    return 10 * math.log10(sum(inside) / len(inside)) if inside else None


def speaker_gains(levels: Sequence[tuple[float, float]], voiced: Sequence[Interval], speakers: Sequence[str],
                  clip: Interval) -> tuple[StretchGain, ...]:
    """Gains that bring each quieter speaker's voiced stretches (inside `clip`, episode seconds) up to
    the loudest speaker's level; stretches in clip seconds, a speaker's short pauses bridged."""
    start, end = clip
    said: dict[str, list[Interval]] = {}
    for (a, b), who in zip(voiced, speakers):
        if who and b > start and a < end:
            said.setdefault(who, []).append((max(a, start), min(b, end)))
    heard = {who: level for who, stretches in said.items() if (level := power_mean_db(levels, stretches)) is not None}
    if len(heard) < 2:
        return ()
    loudest = max(heard.values())
    gains = []
    for who, level in heard.items():
        gain = min(loudest - level, MAX_LEVEL_GAIN_DB)
        if gain >= MIN_LEVEL_GAIN_DB:
            gains += [StretchGain(round(a - start, 3), round(b - start, 3), round(gain, 2)) for a, b in _bridged(said[who])]
    return tuple(sorted(gains, key=lambda g: g.start_sec))


def _bridged(stretches: list[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for a, b in sorted(stretches):
        if merged and a - merged[-1][1] < BRIDGED_PAUSE_SEC:
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


def needs_limiter(loudness: Loudness, target_lufs: float, limit_dbtp: float) -> bool:
    """Whether the limiter has work: a speaker raised (the clip's loudness then changes too), or the
    linear gain to the target lifting the measured true peak past the limit. When not, one gain
    reaches the target exactly: no probe pass, no oversampled limiter."""
    return bool(loudness.stretch_gains) or loudness.true_peak_dbtp + target_lufs - loudness.integrated_lufs > limit_dbtp


def probe_gains(integrated_lufs: float, target_lufs: float) -> tuple[float, float]:
    """The two overall gains the loudness probe tries: the linear one, and PROBE_STEP_DB more."""
    gain = target_lufs - integrated_lufs
    return gain, gain + PROBE_STEP_DB


def limited_gain(gains: tuple[float, float], reached: tuple[float, float], target_lufs: float) -> float:
    """The overall gain that reaches `target_lufs` through the limiter, from the loudness `reached`
    at two probe `gains` (between them the limiter's loss grows about linearly)."""
    slope = (reached[1] - reached[0]) / (gains[1] - gains[0])
    if slope < 0.2:  # the limiter takes almost all of any more gain: the probes' own best
        return gains[1]
    wanted = gains[0] + (target_lufs - reached[0]) / slope
    return round(min(max(wanted, gains[0] - MAX_LIMITER_PUSH_DB), gains[0] + MAX_LIMITER_PUSH_DB), 2)

"""The sound plan of a clip, pure: speakers levelled, the gain through the limiter, the quietest cut point."""
from __future__ import annotations

import pytest

from clipper.ffmpeg import Loudness, StretchGain
from clipper.sound import needs_limiter

def test_the_quieter_speaker_gets_the_difference_over_their_own_stretches_with_short_pauses_bridged():
    from clipper.ffmpeg import StretchGain
    from clipper.sound import speaker_gains

    voiced = ((10.0, 11.0), (11.3, 12.0), (13.0, 14.0), (15.0, 16.0))
    speakers = ("Host", "Host", "Guest", "Host")
    levels = tuple((10.0 + i / 100, -30.0 if 13.0 <= 10.0 + i / 100 < 14.0 else -35.0) for i in range(600))
    assert speaker_gains(levels, voiced, speakers, (10.0, 15.5)) == (
        StretchGain(0.0, 2.0, 5.0),  # 11.0-11.3 is a breath inside the turn: bridged
        StretchGain(5.0, 5.5, 5.0),  # the clip ends at 15.5
    )


@pytest.mark.parametrize("host_db, expected", [(-30.5, ()), (-60.0, 10.0)], ids=["close enough", "raised 10 dB at most"])
def test_small_differences_are_left_and_large_ones_capped(host_db, expected):
    from clipper.sound import speaker_gains

    levels = ((10.5, host_db), (12.5, -30.0))
    gains = speaker_gains(levels, ((10.0, 11.0), (12.0, 13.0)), ("Host", "Guest"), (10.0, 13.0))
    assert (gains[0].gain_db if gains else ()) == expected


def test_one_speaker_or_unknown_speakers_are_not_levelled():
    from clipper.sound import speaker_gains

    levels = ((10.5, -40.0), (12.5, -30.0))
    assert speaker_gains(levels, ((10.0, 11.0), (12.0, 13.0)), ("", "Guest"), (10.0, 13.0)) == ()


def test_a_stretch_belongs_to_the_line_it_overlaps_most():
    from clipper.sound import speaker_of_stretches

    lines = (("Host", 0.0, 5.2), ("Guest", 5.0, 9.0))
    assert speaker_of_stretches(((1.0, 5.1), (5.1, 8.0), (20.0, 21.0)), lines) == ("Host", "Guest", "")


@pytest.mark.parametrize("reached, expected", [
    ((-14.0, -11.0), 10.0),  # no limiting: the linear gain
    ((-16.0, -14.5), 14.0),  # the limiter takes a part of each dB: pushed harder
    ((-16.0, -15.9), 13.0),  # it takes nearly all: the probes' highest
])
def test_the_gain_reaching_the_target_through_the_limiter(reached, expected):
    from clipper.sound import limited_gain

    assert limited_gain((10.0, 13.0), reached, -14.0) == pytest.approx(expected, abs=0.01)


def test_the_quietest_moment_is_the_quietest_30_ms_nearest_the_asked_time():
    from clipper.clips import quietest_moment

    levels = tuple((round(i / 100, 2), -60.0 if i in (47, 48, 49, 53, 54, 55) else -20.0) for i in range(100))
    assert quietest_moment(0.52, levels) == pytest.approx(0.545)  # the dip at 0.53-0.56, nearer than 0.47-0.49
    assert quietest_moment(0.52, ()) == 0.52


@pytest.mark.parametrize(("peak", "gains", "needed"), [
    (-12.0, (), False),  # +6 dB of gain puts the peak at -6 dBTP: one plain gain is exact
    (-7.0, (), True),  # -1 dBTP after the gain: over the -2 before AAC
    (-12.0, (StretchGain(1.0, 2.0, 3.0),), True),  # a speaker raised: the probe finds the gain
])
def test_the_limiter_and_its_probe_only_when_a_peak_would_pass_the_limit(peak, gains, needed):
    measured = Loudness(-20.0, peak, 5.0, -30.0, stretch_gains=gains)
    assert needs_limiter(measured, -14.0, -2.0) is needed

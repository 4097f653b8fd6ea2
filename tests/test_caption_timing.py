"""Captions timed to the speech heard: the espeak-ng interview in tests/data/speech, its true word onsets."""
from __future__ import annotations

import array
import dataclasses
import json
import math
import re
import statistics
import subprocess
from functools import lru_cache
from pathlib import Path

import pytest

from clipper.api import load_episode
from clipper.caption_timing import (
    MIN_CUE_SEC, Speech, SpokenLine, group_cues, syllables, time_words, voiced_intervals,
)
from clipper.chapters import episode_end_sec
from clipper.clips import caption_cues, custom_span, line_spans
from clipper.ffmpeg import LEVEL_SAMPLES, detect_speech, find_ffmpeg, parse_speech_band, speech_levels_args
from clipper.formats import ass_captions, srt
from clipper.model import Cue
from clipper.templating import make_environment

from .conftest import PODCAST

SPEECH = Path(__file__).parent / "data" / "speech"
AUDIO = SPEECH / "interview.opus"
EPISODE = SPEECH / "_podcast" / "speech-interview.md"
TRUTH = json.loads((SPEECH / "interview_words.json").read_text())
WORDS = TRUTH["words"]
DURATION = TRUTH["duration_sec"]
CONTEXT_SEC = 3.0
SMALL = {"the", "a", "an", "of", "on", "to", "in", "at", "for", "with", "and", "or", "but"}


@lru_cache(maxsize=None)
def heard(start: float, end: float) -> Speech:
    """What ffmpeg hears of the fixture from `start` to `end`, with a few seconds more on each side."""
    origin, until = max(0.0, start - CONTEXT_SEC), min(DURATION, end + CONTEXT_SEC)
    return Speech(origin, until, tuple((origin + a, origin + b) for a, b in detect_speech(AUDIO, origin, until - origin)))


def moved(seconds: float):
    episode = load_episode(EPISODE)
    lines = tuple(dataclasses.replace(line, sec=max(0.0, line.sec + seconds)) for line in episode.lines)
    return dataclasses.replace(episode, transcript=lines)


def onset_errors(cues: tuple[Cue, ...], start: float) -> list[float]:
    """How late (s) each cue starts after its first word's true onset; the cues must be the words in order."""
    said = [text for cue in cues for text in cue.text.split()]
    places = [i for i in range(len(WORDS) - len(said) + 1) if [w["text"] for w in WORDS[i:i + len(said)]] == said]
    assert places, f"the captions are not the transcript's words in order: {said}"
    at, errors = min(places, key=lambda i: abs(WORDS[i]["onset_sec"] - start - cues[0].start_sec)), []
    for cue in cues:
        errors.append(start + cue.start_sec - WORDS[at]["onset_sec"])
        at += len(cue.text.split())
    return errors


def clip_bounds(first: int, last: int) -> tuple[float, float]:
    """A clip of lines first..last (0-based), from just before the first word to just before the next line."""
    starts = [start for _, start, _ in line_spans(load_episode(EPISODE), DURATION)]
    return starts[first] - 0.3, (starts[last + 1] - 0.3 if last + 1 < len(starts) else DURATION)


@pytest.mark.parametrize("shift", [0.0, 1.0, -1.0], ids=["exact", "a second late", "a second early"])
def test_caption_onsets_follow_the_voice_even_when_line_times_are_off(shift):
    episode, count = moved(shift), len(load_episode(EPISODE).lines)
    errors = []
    for first, last in [(0, count - 1)] + [(first, first + 2) for first in range(count - 2)]:
        start, end = clip_bounds(first, last)
        cues = caption_cues(episode, custom_span(episode, (), start, end, DURATION), DURATION, heard(start, end))
        errors += onset_errors(cues, start)
    size = sorted(abs(error) for error in errors)
    assert statistics.median(size) <= 0.12, size
    assert size[math.ceil(0.9 * len(size)) - 1] <= 0.3, size


def test_without_the_voice_captions_are_late_which_is_why_it_is_heard():
    episode = load_episode(EPISODE)
    span = custom_span(episode, (), 0, DURATION, DURATION)
    late = statistics.median(abs(e) for e in onset_errors(caption_cues(episode, span, DURATION, heard(0, DURATION)), 0))
    guessed = statistics.median(abs(e) for e in onset_errors(caption_cues(episode, span, DURATION), 0))
    assert late < 0.05 < guessed


def test_speech_is_found_where_the_words_are():
    speech = heard(0, DURATION)
    for word in WORDS:
        middle = (word["onset_sec"] + word["end_sec"]) / 2
        assert any(start <= middle <= end for start, end in speech.voiced), word
    line_starts = [next(w["onset_sec"] for w in WORDS if w["line"] == n) for n in range(1, WORDS[-1]["line"] + 1)]
    onsets = [start for start, _ in speech.voiced]
    assert all(min(abs(onset - line) for onset in onsets) < 0.1 for line in line_starts)
    assert not any(start < WORDS[0]["onset_sec"] - 0.1 or end > WORDS[-1]["end_sec"] + 0.1 for start, end in speech.voiced)


def test_words_are_never_timed_into_a_pause_or_past_the_speech():
    episode = load_episode(EPISODE)
    lines = [SpokenLine(line.text, start, end) for line, start, end in line_spans(moved(1.0), DURATION)]
    speech = heard(0, DURATION)
    timed = time_words(lines, speech)
    assert [w.text for w in timed] == [w["text"] for w in WORDS] and len(episode.lines) == len(lines)
    for word in timed:
        assert any(start - 1e-6 <= word.start_sec and word.end_sec <= end + 1e-6 for start, end in speech.voiced), word
    last_cue = caption_cues(episode, custom_span(episode, (), 0, DURATION, DURATION), DURATION, speech)[-1]
    assert last_cue.text.endswith("fun.") and last_cue.end_sec <= WORDS[-1]["end_sec"] + 0.5, "not stretched into the silence"


def test_lines_sharing_a_time_are_said_one_after_the_other():
    episode = load_episode(EPISODE)
    shared = list(episode.lines)
    shared[4] = dataclasses.replace(shared[4], sec=shared[3].sec)  # Maria's two lines, one time as on the site
    episode = dataclasses.replace(episode, transcript=tuple(shared))
    span = custom_span(episode, (), 0, DURATION, DURATION)
    for speech in (heard(0, DURATION), None):
        cues = caption_cues(episode, span, DURATION, speech)
        assert all(a.end_sec <= b.start_sec for a, b in zip(cues, cues[1:]))
        assert " ".join(cue.text for cue in cues) == " ".join(w["text"] for w in WORDS)
    second = next(cue for cue in caption_cues(episode, span, DURATION, heard(0, DURATION)) if cue.text.startswith("So we"))
    assert abs(second.start_sec - WORDS[[w["text"] for w in WORDS].index("So")]["onset_sec"]) < 0.1


@pytest.mark.parametrize("name", ["dataops-automation-and-reliable-data-pipelines.md", "_s12e08.md"])
def test_cues_of_a_site_episode_with_shared_times_never_overlap_nor_restart(name):
    episode = load_episode(PODCAST / name)
    end = episode_end_sec(episode)
    secs = [line.sec for line in episode.lines]
    shared_at = next(a for a, b in zip(secs, secs[1:]) if a == b)
    span = custom_span(episode, (), shared_at - 5, shared_at + 55, end)
    cues = caption_cues(episode, span, end)
    assert cues and all(a.end_sec <= b.start_sec and a.start_sec < b.start_sec for a, b in zip(cues, cues[1:]))
    assert sum(cue.start_sec == 0 for cue in cues) <= 1
    assert srt.render(cues).count("00:00:00,000 -->") <= 1


def test_cues_break_at_phrases_and_last_long_enough():
    episode = load_episode(EPISODE)
    span = custom_span(episode, (), 0, DURATION, DURATION)
    for speech in (heard(0, DURATION), None):
        cues = caption_cues(episode, span, DURATION, speech)
        assert not [cue.text for cue in cues if cue.text.split()[-1].lower() in SMALL]
        for cue, following in zip(cues, cues[1:] + (None,)):
            room = (following.start_sec if following else span.duration_sec) - cue.start_sec
            assert cue.end_sec - cue.start_sec >= min(MIN_CUE_SEC, room) - 1e-6, cue
        assert all(len(cue.text.split()) <= 5 and len(cue.word_starts_sec) == len(cue.text.split()) for cue in cues)


def test_a_steady_tone_is_no_speech(tmp_path):
    tone = tmp_path / "tone.m4a"
    subprocess.run([find_ffmpeg(), "-nostdin", "-v", "error", "-f", "lavfi", "-i", "sine=f=440:d=5", "-c:a", "aac", str(tone)], check=True)
    assert detect_speech(tone, 0, 5) == ()


def test_bursts_of_sound_are_found_to_the_hundredth(tmp_path):
    bursts = tmp_path / "bursts.wav"
    gate = "between(t,1,2.5)+between(t,3.2,4)"
    subprocess.run([find_ffmpeg(), "-nostdin", "-v", "error", "-f", "lavfi", "-i",
                    f"aevalsrc='0.001*random(0)+0.3*sin(2*PI*300*t)*({gate})':s=16000:d=5", str(bursts)], check=True)
    found = detect_speech(bursts, 0.5, 4)  # times from 0.5 s
    assert len(found) == 2
    assert [edge for interval in found for edge in interval] == pytest.approx([0.5, 2.0, 2.7, 3.5], abs=0.021)


def test_levels_are_each_10_ms_windows_power_in_db():
    silence, half, tail = [0.0] * LEVEL_SAMPLES, [0.5, -0.5] * (LEVEL_SAMPLES // 2), [0.1] * 40
    levels = parse_speech_band(array.array("f", silence + half + tail).tobytes() + b"\x00")  # a torn last sample is dropped
    assert [time for time, _ in levels] == [0.0, 0.01, 0.02]
    assert levels[0][1] == -math.inf and [level for _, level in levels[1:]] == pytest.approx([-6.0206, -20.0], abs=1e-4)
    args = speech_levels_args("a:b.mp4", 12.5, 30, "band.f32")
    assert args[args.index("-i") + 1] == "file:a:b.mp4" and args[:4] == ["-ss", "12.500", "-t", "30.000"]
    assert args[-3:] == ["f32le", "-y", "band.f32"]


def test_voiced_intervals_bridge_short_dips_and_keep_pauses():
    levels = [(i / 100, -20.0 if (100 <= i < 200 or 210 <= i < 300 or 350 <= i < 400) else -70.0) for i in range(500)]
    found = voiced_intervals(levels)
    assert len(found) == 2 and [edge for interval in found for edge in interval] == pytest.approx([1.0, 3.0, 3.5, 4.0])


def test_syllables_are_counted_by_vowel_groups():
    assert [syllables(w) for w in ["data", "engineering", "the", "make", "table,", "a", "rhythm", "2024"]] == [2, 4, 1, 1, 2, 1, 1, 5]


def test_active_word_style_shows_each_word_as_it_is_said():
    cues = (Cue(0.5, 1.8, "data {is} fun", (0.5, 0.9, 1.2)),)
    layout, environment = ass_captions.layout_for(1080, 1920), make_environment()
    plain = ass_captions.render(cues, layout, 3, environment)
    karaoke = ass_captions.render(cues, layout, 3, environment, style=ass_captions.CaptionStyle.ACTIVE_WORD)
    assert [line for line in plain.splitlines() if line.startswith("Dialogue")] == ["Dialogue: 1,0:00:00.50,0:00:01.80,Caption,,0,0,0,,data (is) fun"]
    events = [line.split(",", 9) for line in karaoke.splitlines() if line.startswith("Dialogue")]
    assert [(e[1], e[2]) for e in events] == [("0:00:00.50", "0:00:00.90"), ("0:00:00.90", "0:00:01.20"), ("0:00:01.20", "0:00:01.80")]
    assert [e[9] for e in events][1] == r"data {\c&H0000D7FF&}(is){\r} fun"


def test_group_cues_keeps_words_inside_the_clip_only():
    lines = [SpokenLine("One two three four five six.", 10, 16)]
    cues = group_cues(time_words(lines, None), 12, 14)
    assert cues and cues[0].start_sec == 0 and cues[-1].end_sec <= 2
    assert " ".join(cue.text for cue in cues) in "One two three four five six."


def parse_srt_starts(text: str) -> list[tuple[float, str]]:
    cues = []
    for block in text.strip().split("\n\n"):
        _, times, *words = block.splitlines()
        hours, minutes, seconds = times.split(" --> ")[0].replace(",", ".").split(":")
        cues.append((int(hours) * 3600 + int(minutes) * 60 + float(seconds), " ".join(words)))
    return cues


def test_clipper_cut_times_the_srt_to_the_voice_of_the_recording(tmp_path, capsys):
    """End to end: a video with the fixture's sound, the transcript's times a second late, a clip cut from it."""
    from clipper.cli import main

    video = tmp_path / "interview.mp4"
    subprocess.run([find_ffmpeg(), "-nostdin", "-v", "error", "-f", "lavfi", "-i", f"color=c=navy:s=320x180:r=30:d={DURATION}",
                    "-i", str(AUDIO), "-shortest", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", str(video)], check=True)
    late = tmp_path / "_podcast" / "speech-interview.md"
    late.parent.mkdir()
    text = EPISODE.read_text(encoding="utf-8")
    late.write_text(re.sub(r"sec: ([\d.]+)", lambda m: f"sec: {float(m[1]) + 1:.3f}", text), encoding="utf-8")
    start, end = clip_bounds(0, len(load_episode(EPISODE).lines) - 1)
    code = main(["cut", str(late), "--start", f"{start:.2f}", "--end", f"{end:.2f}", "--aspect", "16:9", "--no-captions",
                 "--source", str(video), "--out", str(tmp_path / "out")])
    assert code == 0, capsys.readouterr().err
    srt_text = next((tmp_path / "out").rglob("*.srt")).read_text(encoding="utf-8")
    cues = tuple(Cue(at, at + 0.5, words) for at, words in parse_srt_starts(srt_text))
    errors = sorted(abs(error) for error in onset_errors(cues, round(start, 2)))
    assert statistics.median(errors) <= 0.12 and errors[math.ceil(0.9 * len(errors)) - 1] <= 0.3, errors


def test_voice_that_cannot_hold_the_words_falls_back_to_the_line_times():
    lines = [SpokenLine("One two three four five six.", 10, 16)]
    far = Speech(0, 40, ((30.0, 31.0),))  # the only voice is 14 s from where the line is said
    assert [round(w.start_sec, 3) for w in time_words(lines, far)] == [round(w.start_sec, 3) for w in time_words(lines, None)]

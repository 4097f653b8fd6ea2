"""Caption onsets against the true onsets of the speech fixture (tests/data/speech), before and after.

Before: clipper's first caption timing (words spread over each line by character count, from the
line's time to the next line's, pauses included), reproduced here. After: clips.caption_cues with
the voice found by ffmpeg.detect_speech. Each cue's start is compared with the true onset of its
first word; each word's start too (what an active-word highlight shows). Line times: exact, all a
second late or early, cut to whole seconds as the site writes them, and each line off by a random
±1 s. Clips: the whole interview, and every run of three lines cut on its own.

Run: .venv/bin/python benchmarks/captions_bench.py (or `make bench`, which appends it to BENCHMARKS.md).
"""
from __future__ import annotations

import dataclasses
import json
import math
import os
import random
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from clipper.caption_timing import Speech  # noqa: E402
from clipper.clips import caption_cues, custom_span, line_spans  # noqa: E402
from clipper.api import load_episode  # noqa: E402
from clipper.ffmpeg import detect_speech  # noqa: E402
from clipper.model import Cue, Episode  # noqa: E402
from clipper.summary import clean_speech  # noqa: E402

FIXTURE = Path(os.environ.get("CLIPPER_SPEECH_FIXTURE", ROOT / "tests" / "data" / "speech"))
AUDIO = FIXTURE / "interview.opus"
EPISODE = FIXTURE / "_podcast" / "speech-interview.md"
CONTEXT_SEC = 3.0  # heard on each side of a clip, as cutting does
TRUTH = json.loads((FIXTURE / "interview_words.json").read_text())


def shifted(episode: Episode, how: str, seed: int = 0) -> Episode:
    """The episode with its line times moved: `exact`, `+1`, `-1`, `whole` (floored) or `jitter` (±1 s each)."""
    rng = random.Random(seed)
    moves = {"exact": lambda sec: sec, "+1": lambda sec: sec + 1, "-1": lambda sec: max(0.0, sec - 1),
             "whole": lambda sec: float(math.floor(sec)), "jitter": lambda sec: max(0.0, sec + rng.uniform(-1, 1))}
    lines = tuple(dataclasses.replace(line, sec=moves[how](line.sec)) for line in episode.lines)
    return dataclasses.replace(episode, transcript=lines)


def onset_errors(cues: tuple[Cue, ...], start_sec: float) -> tuple[list[float], list[float]]:
    """(cue errors, word errors) in seconds, signed (late > 0), against the true onsets."""
    said = [text for cue in cues for text in cue.text.split()]
    truth = TRUTH["words"]
    places = [i for i in range(len(truth) - len(said) + 1) if [w["text"] for w in truth[i:i + len(said)]] == said]
    assert places, f"the captions are not the words in order: {said}"
    at = min(places, key=lambda i: abs(truth[i]["onset_sec"] - start_sec - cues[0].start_sec))
    cue_errors, word_errors = [], []
    for cue in cues:
        words = truth[at:at + len(cue.text.split())]
        cue_errors.append(start_sec + cue.start_sec - words[0]["onset_sec"])
        starts = cue.word_starts_sec or (cue.start_sec,) * len(words)
        word_errors += [start_sec + start - word["onset_sec"] for start, word in zip(starts, words)]
        at += len(words)
    return cue_errors, word_errors


def clip_errors(episode: Episode, true_episode: Episode, first_line: int, last_line: int, timing: str) -> tuple[list[float], list[float]]:
    """Errors of the captions of lines first_line..last_line (0-based) cut as one clip at their true times."""
    timed = line_spans(true_episode, TRUTH["duration_sec"])
    start = timed[first_line][1] - 0.3
    end = timed[last_line + 1][1] - 0.3 if last_line + 1 < len(timed) else TRUTH["duration_sec"]
    span = custom_span(episode, (), start, end, TRUTH["duration_sec"])
    if timing == "before":
        cues = character_count_cues(episode, span, TRUTH["duration_sec"])
    else:
        heard_from, heard_to = max(0.0, start - CONTEXT_SEC), min(TRUTH["duration_sec"], end + CONTEXT_SEC)
        voiced = tuple((heard_from + a, heard_from + b) for a, b in detect_speech(AUDIO, heard_from, heard_to - heard_from))
        cues = caption_cues(episode, span, TRUTH["duration_sec"], Speech(heard_from, heard_to, voiced))
    return onset_errors(cues, start)


def summary(errors: list[float]) -> str:
    size = sorted(abs(e) for e in errors)
    p90 = size[min(len(size) - 1, math.ceil(0.9 * len(size)) - 1)]
    late = statistics.median(errors)
    return f"{statistics.median(size):.2f} s | {p90:.2f} s | {sum(e > 0.3 for e in size) / len(size):.0%} | {late:+.2f} s"


def rows() -> list[str]:
    true_episode = load_episode(EPISODE)
    count = len(true_episode.lines)
    clips = [(0, count - 1)] + [(first, first + 2) for first in range(count - 2)]
    table = ["| line times | captions | cues | median \\|error\\| | p90 | > 0.3 s | median signed | words: median | p90 |",
             "|---|---|---|---|---|---|---|---|---|"]
    for how in ("exact", "+1", "-1", "whole", "jitter"):
        episode = shifted(true_episode, how)
        for timing in ("before", "after"):
            cue_errors, word_errors = [], []
            for first, last in clips:
                cues, words = clip_errors(episode, true_episode, first, last, timing)
                cue_errors += cues
                word_errors += words
            words_part = " | ".join(summary(word_errors).split(" | ")[:2])
            table.append(f"| {how} | {timing} | {len(cue_errors)} | {summary(cue_errors)} | {words_part} |")
    return table


def character_count_cues(episode: Episode, span, end_sec: float) -> tuple[Cue, ...]:  # noqa: ANN001 - ClipSpan
    """clipper's first caption timing: words spread by characters over line time, three to a cue."""
    cues = []
    for line, line_start, line_end in line_spans(episode, end_sec):
        if line_start >= span.end_sec or line_end <= span.start_sec:
            continue
        words, at = [], line_start
        texts = clean_speech(line.text).split()
        total = sum(len(t) + 1 for t in texts) or 1
        for text in texts:
            length = (line_end - line_start) * (len(text) + 1) / total
            if span.start_sec <= at + length / 2 < span.end_sec:
                words.append((at, at + length, text))
            at += length
        for start, end, text in _three_word_groups(words):
            cues.append(Cue(round(max(start, span.start_sec) - span.start_sec, 3), round(min(end, span.end_sec) - span.start_sec, 3), text))
    return tuple(cues)


def _three_word_groups(words: list[tuple[float, float, str]]) -> list[tuple[float, float, str]]:
    groups, current = [], []
    for word in words:
        text = " ".join(w[2] for w in current + [word])
        if current and (len(current) >= 3 or len(text) > 22 or current[-1][2][-1:] in ".?!"):
            groups.append((current[0][0], current[-1][1], " ".join(w[2] for w in current)))
            current = []
        current.append(word)
    if current:
        groups.append((current[0][0], current[-1][1], " ".join(w[2] for w in current)))
    return groups


def detection_seconds() -> tuple[float, float]:
    """Wall time and ffmpeg's CPU time of the speech detection over the whole fixture (best of three)."""
    walls, cpus = [], []
    for _ in range(3):
        wall, cpu = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime
        detect_speech(AUDIO, 0, TRUTH["duration_sec"])
        walls.append(time.perf_counter() - wall)
        cpus.append(resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime - cpu)
    return min(walls), min(cpus)


def captions_report() -> str:
    """The "Caption timing" section of BENCHMARKS.md."""
    table = rows()
    wall, cpu = detection_seconds()
    return "\n".join([
        "## Caption timing",
        "",
        f"The speech fixture (`tests/data/speech`, made once by `benchmarks/make_speech_fixture.py`): a {TRUTH['duration_sec']:.0f} s",
        f"interview in two espeak-ng voices, {len(TRUTH['words'])} words whose true onsets are known. Captions of the whole",
        "interview and of every run of three lines cut as its own clip (from 0.3 s before its first word), with the",
        "line times exact, all 1 s late (+1) or early (-1), cut to whole seconds as the site writes them, and each",
        "moved at random by up to ±1 s. Error: a cue's start minus the true onset of its first word (late > 0);",
        "words: each word's start as the active-word style shows it. Before: words spread over each line by",
        "character count, from its time to the next line's, pauses included. After: `caption_cues` with the voice",
        f"found by `ffmpeg.detect_speech` ({wall:.2f} s wall, {cpu:.2f} s of CPU for the {TRUTH['duration_sec']:.0f} s of audio: one",
        "extra audio-only ffmpeg run per clip). Targets: median ≤ 0.12 s, p90 ≤ 0.3 s. `python benchmarks/captions_bench.py`.",
        "",
        *table,
        "",
    ])


if __name__ == "__main__":
    print(captions_report())

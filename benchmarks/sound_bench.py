"""Broadcast sound, heard on clips `clipper cut` makes from the speech fixture (tests/data/speech).

- Peaky speech: the espeak-ng interview 6 dB down with a near-full-scale click every 0.9 s (the
  source of tests/test_sound.py). Before: the two-pass linear loudnorm clipper used until now,
  reproduced here; after: clipper's own cut. Loudness and true peak read after AAC.
- Pumping: a steady 440 Hz tone with a full-scale click every second; how far its level moves
  between the clicks (the limiter should only touch the clicks).
- A quiet host: the interview with the host's lines 5 dB down. The host-guest difference (EBU R128
  loudness of each one's lines) in the source and in the clip; the room noise in the pauses of a
  second or more, against the clip's overall gain (the guest's change).
- Clean cut points: a start put in the middle of each word said inside continuous speech (no pause
  within reach); how often the snapped start lands in a gap between words (±20 ms), on the espeak
  fixture (whose words are joined with 0-30 ms gaps, and have silent stop closures inside) and on
  the synthetic words of the tests (tones, 40 ms gaps).
- Cost: the loudness probe (one audio-only ffmpeg run per clip) against the whole cut.
- The limiter's loss: how far above the linear gain the probe's gain lands on 15 s spans of speech
  (why a clip's sound cannot skip the probe and guess the linear gain).

Run: .venv/bin/python benchmarks/sound_bench.py (or `make bench`, which puts it into BENCHMARKS.md).
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from clipper.caption_timing import voiced_intervals  # noqa: E402
from clipper.clip_graph import LOUDNESS_LUFS, ClipCut, loudness_probe_args  # noqa: E402
from clipper.clips import SNAP_REACH_SEC, snap_to_speech  # noqa: E402
from clipper.ffmpeg import (  # noqa: E402
    find_ffmpeg, read_loudness, read_speech_levels, run_ffmpeg,
)
from clipper.model import Chapter, ClipSpan  # noqa: E402
from tests.test_sound import (  # noqa: E402
    EPISODE, HOST_DB, SPEECH, TONE_WITH_CLICKS, WORDS, steady_range, bursts_words, loudness_of, make_bursts_source, make_source, pauses, rms_of, shifted,
    turns,
)

PEAKY = ("volume=-6dB[v];aevalsrc='0.9*sin(2*PI*3000*t)*lt(mod(t\\,0.9)\\,0.002)':s=48000:d=54.6[c];"
         "[v][c]amix=inputs=2:duration=first,volume=2")


def cut(source: Path, out: Path, *options: str) -> tuple[Path, float, float]:
    """clipper cut of the whole interview in 16:9; the clip, its start in the source, the wall time."""
    started = time.perf_counter()
    subprocess.run([str(Path(sys.executable).parent / "clipper"), "cut", str(EPISODE), "--start", "0", "--end", "54.5",
                    "--aspect", "16:9", "--no-captions", "--source", str(source), "--out", str(out), *options],
                   check=True, capture_output=True)
    seconds = time.perf_counter() - started
    clip = next((out / "speech-interview" / "clips").glob("*.mp4"))
    return clip, json.loads(clip.with_suffix(".json").read_text())["start_sec"], seconds


def linear_loudnorm(source: Path, target: Path) -> Path:
    """The clip as clipper made it before: loudnorm's first pass, then its linear second pass, AAC."""
    ffmpeg, measure = find_ffmpeg(), "loudnorm=I=-14:TP=-2:LRA=11"
    report = subprocess.run([ffmpeg, "-nostdin", "-i", str(source), "-vn", "-af", f"{measure}:print_format=json", "-f", "null", "-"],
                            capture_output=True, text=True, check=True).stderr
    figures = json.loads(re.search(r"\{[^{}]*\"input_i\"[^{}]*\}", report).group(0))
    second = (f"{measure}:measured_I={figures['input_i']}:measured_TP={figures['input_tp']}:measured_LRA={figures['input_lra']}"
              f":measured_thresh={figures['input_thresh']}:linear=true,aresample=48000,"
              "aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo")
    subprocess.run([ffmpeg, "-nostdin", "-y", "-i", str(source), "-vn", "-af", second, "-c:a", "aac", "-b:a", "160k", str(target)],
                   check=True, capture_output=True)
    return target


def peaky_rows(work: Path) -> list[str]:
    source = make_source(work / "peaky.mkv", find_ffmpeg(), PEAKY)
    before = read_loudness(linear_loudnorm(source, work / "before.m4a"))
    clip, _, seconds = cut(source, work / "peaky")
    after = read_loudness(clip)
    probe = ClipCut(str(source), 0.0, 54.5, "")
    started = time.perf_counter()
    run_ffmpeg(loudness_probe_args(probe, (10.0, 13.0)), what="probing")
    probe_seconds = time.perf_counter() - started
    return [
        f"| peaky speech: loudness, true peak after AAC (target -14 ±1 LUFS, ≤ -1 dBTP) | {before.integrated_lufs:.1f} LUFS, "
        f"{before.true_peak_dbtp:.1f} dBTP | {after.integrated_lufs:.1f} LUFS, {after.true_peak_dbtp:.1f} dBTP |",
        f"| cost: the loudness probe (audio only, 2 gains) / the whole 16:9 cut, 54.5 s clip | – | "
        f"{probe_seconds:.2f} s / {seconds:.1f} s |",
    ]


def pumping_row(work: Path) -> str:
    source = make_source(work / "tone.mkv", find_ffmpeg(), TONE_WITH_CLICKS)
    before = steady_range(linear_loudnorm(source, work / "tone.m4a"), find_ffmpeg())
    subprocess.run([str(Path(sys.executable).parent / "clipper"), "cut", str(EPISODE), "--start", "0", "--end", "20",
                    "--aspect", "16:9", "--no-captions", "--source", str(source), "--out", str(work / "tone")],
                   check=True, capture_output=True)
    after = steady_range(next((work / "tone" / "speech-interview" / "clips").glob("*.mp4")), find_ffmpeg())
    return f"| pumping: a steady tone's level between clicks (0 dBFS, every 1 s), max - min | {before:.1f} dB | {after:.1f} dB |"


def host_rows(work: Path) -> list[str]:
    ffmpeg = find_ffmpeg()
    host = "+".join(f"between(t,{a - 0.05:.3f},{b + 0.05:.3f})" for a, b in turns("Alexey"))
    source = make_source(work / "host.mkv", ffmpeg, f"volume=volume='if({host},{10 ** (HOST_DB / 20):.4f},1)':eval=frame")
    clip, start, _ = cut(source, work / "host")
    guest_in, host_in = (loudness_of(source, ffmpeg, turns(who)) for who in ("Maria", "Alexey"))
    guest_out, host_out = (loudness_of(clip, ffmpeg, shifted(turns(who), start)) for who in ("Maria", "Alexey"))
    raised = rms_of(clip, ffmpeg, shifted(pauses(), start)) - rms_of(source, ffmpeg, pauses())
    return [
        f"| host 5 dB down: guest minus host (LUFS of each one's lines) | {guest_in - host_in:.1f} dB | {guest_out - host_out:.1f} dB |",
        f"| host 5 dB down: room noise in pauses ≥ 1 s, raised beyond the clip's overall gain ({guest_out - guest_in:+.1f} dB) "
        f"| – | {raised - (guest_out - guest_in):+.1f} dB |",
    ]


def landed_in_gaps(levels, words: list[tuple[float, float]]) -> tuple[int, int, int]:
    """(starts left in a gap without snapping, snapped starts landing in one, starts tried): a start in
    the middle of each word said inside continuous speech."""
    voiced = voiced_intervals(levels)
    gaps = [(a[1], b[0]) for a, b in zip(words, words[1:])]

    def in_a_gap(time: float) -> bool:
        return any(a - 0.02 <= time <= b + 0.02 for a, b in gaps)

    middles = [(onset + end) / 2 for onset, end in words]
    inside = [at for at in middles if any(a < at - SNAP_REACH_SEC and b > at + SNAP_REACH_SEC for a, b in voiced)]
    snapped = [snap_to_speech(ClipSpan(0, "", Chapter("", 0.0, at + 10.0), at, at + 10.0, (), ""), voiced, levels).start_sec
               for at in inside]
    return sum(map(in_a_gap, inside)), sum(map(in_a_gap, snapped)), len(inside)


def snap_rows(work: Path) -> list[str]:
    def levels_of(path: Path, seconds: float):
        return read_speech_levels(path, 0, seconds)

    espeak = landed_in_gaps(levels_of(SPEECH / "interview.opus", 55), [(w["onset_sec"], w["end_sec"]) for w in WORDS])
    tones = landed_in_gaps(levels_of(make_bursts_source(work / "words.mkv", find_ffmpeg()), 30), bursts_words())
    return [f"| --start in the middle of a word ({name}): lands in a gap between words (±20 ms) | {before} of {tried} "
            f"| {after} of {tried} ({after / tried:.0%}) |"
            for name, (before, after, tried) in (("espeak interview", espeak), ("synthetic words", tones))]


LIMITER_SPANS = (0.0, 5.0, 10.0, 20.0, 30.0, 40.0)  # starts of 15 s spans


def limiter_row(work: Path) -> str:
    """How much gain the limiter's probe adds above the linear gain (what the limiter takes off the
    loudness) on spans of speech: a one-pass guess at the linear gain would be off by all of it."""
    from clipper.api import load_episode
    from clipper.cutting import CutOptions, choose_spans, limited_sound, speech_heard

    episode = load_episode(EPISODE)
    ranges = []
    for source in (SPEECH / "interview.opus", make_source(work / "peaky-probe.mkv", find_ffmpeg(), PEAKY)):
        taken = []
        for start in LIMITER_SPANS:
            span, = choose_spans(episode, CutOptions(str(EPISODE), start_sec=start, end_sec=start + 15))
            _, heard = speech_heard(str(source), start, span)
            cut = ClipCut(str(source), start, 15.0, "", has_audio=True, loudness=heard)
            taken.append(limited_sound(cut).loudness.gain_db - (LOUDNESS_LUFS - heard.integrated_lufs))
        ranges.append(f"{min(taken):.1f}–{max(taken):.1f} dB")
    return (f"| the limiter's loss (the probe's gain above the linear gain), {len(LIMITER_SPANS)} spans of 15 s: "
            f"the interview; peaky speech | — | {ranges[0]}; {ranges[1]} |")


def sound_report() -> str:
    """The "## Sound" section of BENCHMARKS.md."""
    with tempfile.TemporaryDirectory(prefix="clipper-bench-sound-") as folder:
        work = Path(folder)
        rows = peaky_rows(work) + [pumping_row(work)] + host_rows(work) + snap_rows(work) + [limiter_row(work)]
    return "\n".join([
        "## Sound",
        "",
        "Clips of the speech fixture's interview (`tests/data/speech`), as in tests/test_sound.py; loudness read",
        "with ffmpeg's ebur128 after AAC. Before: a two-pass linear loudnorm (clipper until now), no levelling, cut",
        "points left inside continuous speech. `python benchmarks/sound_bench.py`.",
        "",
        "| what | before | after |",
        "|---|---|---|",
        *rows,
        "",
    ])


if __name__ == "__main__":
    print(sound_report())

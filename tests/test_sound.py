"""Broadcast sound, heard on the clips clipper makes (real ffmpeg, loudness read after AAC): the
espeak-ng interview of tests/data/speech made peaky, or with the host 5 dB under the guest."""
from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from clipper.cli import main
from clipper.ffmpeg import read_loudness

SPEECH = Path(__file__).parent / "data" / "speech"
EPISODE = SPEECH / "_podcast" / "speech-interview.md"
WORDS = json.loads((SPEECH / "interview_words.json").read_text())["words"]
WHO = {1: "Alexey", 2: "Maria", 3: "Alexey", 4: "Maria", 5: "Maria", 6: "Alexey", 7: "Maria", 8: "Alexey"}
HOST_DB = -5.0
pytestmark = pytest.mark.usefixtures("ffmpeg_binary")


def turns(who: str) -> list[tuple[float, float]]:
    """(first word's onset, last word's end) of each line `who` says."""
    lines = sorted({word["line"] for word in WORDS if WHO[word["line"]] == who})
    return [(min(w["onset_sec"] for w in WORDS if w["line"] == line), max(w["end_sec"] for w in WORDS if w["line"] == line))
            for line in lines]


def pauses() -> list[tuple[float, float]]:
    """The gaps of a second or more between two lines, less 0.2 s at each side (the gains' ramps)."""
    ends = sorted((w["end_sec"], w["onset_sec"]) for w in WORDS)
    gaps = [(a[0], b[1]) for a, b in zip(ends, ends[1:]) if b[1] - a[0] >= 1.0]
    return [(a + 0.2, b - 0.2) for a, b in gaps]


def make_source(path: Path, ffmpeg: str, audio_filter: str) -> Path:
    """A small grey video with the interview's sound through `audio_filter` (48 kHz stereo)."""
    subprocess.run([ffmpeg, "-nostdin", "-y", "-v", "error", "-f", "lavfi", "-i", "color=c=gray:s=320x180:r=30:d=54.6",
                    "-i", str(SPEECH / "interview.opus"), "-filter_complex", f"[1:a]aresample=48000,{audio_filter}[a]",
                    "-map", "0:v", "-map", "[a]", "-ac", "2", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "pcm_s16le",
                    "-shortest", str(path)], check=True)
    return path


def cut_whole(source: Path, out: Path, end_sec: float = 54.5) -> tuple[Path, float]:
    """The whole interview cut in 16:9 without captions; the clip and where it starts in the source."""
    assert main(["cut", str(EPISODE), "--start", "0", "--end", f"{end_sec}", "--aspect", "16:9", "--no-captions",
                 "--source", str(source), "--out", str(out)]) == 0
    clip = next((out / "speech-interview" / "clips").glob("*.mp4"))
    return clip, json.loads(clip.with_suffix(".json").read_text())["start_sec"]


def loudness_of(path: Path, ffmpeg: str, stretches: list[tuple[float, float]]) -> float:
    """Integrated loudness (LUFS) of the audio inside `stretches` alone (seconds in the file)."""
    inside = "+".join(f"between(t,{a:.3f},{b:.3f})" for a, b in stretches)
    result = subprocess.run([ffmpeg, "-nostdin", "-i", str(path), "-vn", "-af", f"aselect='{inside}',ebur128", "-f", "null", "-"],
                            capture_output=True, text=True, check=True)
    return float(re.findall(r"I:\s+(-?[\d.]+) LUFS", result.stderr)[-1])


def rms_of(path: Path, ffmpeg: str, stretches: list[tuple[float, float]]) -> float:
    """RMS level (dB) of the audio inside `stretches` (for room noise, which has no loudness to gate)."""
    inside = "+".join(f"between(t,{a:.3f},{b:.3f})" for a, b in stretches)
    result = subprocess.run([ffmpeg, "-nostdin", "-i", str(path), "-vn", "-af", f"aselect='{inside}',astats=measure_perchannel=none",
                             "-f", "null", "-"], capture_output=True, text=True, check=True)
    return float(re.findall(r"RMS level dB: (-?[\d.]+)", result.stderr)[-1])


def shifted(stretches: list[tuple[float, float]], by: float) -> list[tuple[float, float]]:
    return [(a - by, b - by) for a, b in stretches]


@pytest.fixture(scope="module")
def peaky_clip(tmp_path_factory, ffmpeg_binary) -> Path:
    """Speech with 18 dB between its loudness and its peaks, and clicks near full scale every 0.9 s."""
    folder = tmp_path_factory.mktemp("peaky")
    clicks = "aevalsrc='0.9*sin(2*PI*3000*t)*lt(mod(t\\,0.9)\\,0.002)':s=48000:d=54.6"
    source = make_source(folder / "peaky.mkv", ffmpeg_binary, f"volume=-6dB[v];{clicks}[c];[v][c]amix=inputs=2:duration=first,volume=2")
    return cut_whole(source, folder / "out")[0]


def test_peaky_speech_reaches_minus_14_lufs_with_true_peaks_under_minus_1_after_aac(peaky_clip):
    reading = read_loudness(peaky_clip)
    assert reading.integrated_lufs == pytest.approx(-14.0, abs=1.0)
    assert reading.true_peak_dbtp <= -1.0


@pytest.fixture(scope="module")
def quiet_host(tmp_path_factory, ffmpeg_binary) -> tuple[Path, Path, float]:
    """The interview with the host's lines 5 dB down; the source, its clip, and where the clip starts."""
    folder = tmp_path_factory.mktemp("quiet-host")
    host = "+".join(f"between(t,{a - 0.05:.3f},{b + 0.05:.3f})" for a, b in turns("Alexey"))
    source = make_source(folder / "quiet-host.mkv", ffmpeg_binary, f"volume=volume='if({host},{10 ** (HOST_DB / 20):.4f},1)':eval=frame")
    return (source, *cut_whole(source, folder / "out"))


def test_a_quiet_host_is_brought_up_to_the_guest(quiet_host, ffmpeg_binary):
    source, clip, start = quiet_host
    before = loudness_of(source, ffmpeg_binary, turns("Maria")) - loudness_of(source, ffmpeg_binary, turns("Alexey"))
    after = (loudness_of(clip, ffmpeg_binary, shifted(turns("Maria"), start))
             - loudness_of(clip, ffmpeg_binary, shifted(turns("Alexey"), start)))
    assert before > 4.0, "the source has the host well under the guest"
    assert abs(after) <= 1.5


def test_levelling_does_not_raise_the_room_noise_in_pauses(quiet_host, ffmpeg_binary):
    source, clip, start = quiet_host
    overall = (loudness_of(clip, ffmpeg_binary, shifted(turns("Maria"), start))
               - loudness_of(source, ffmpeg_binary, turns("Maria")))  # the guest is not levelled: the clip's own gain
    raised = rms_of(clip, ffmpeg_binary, shifted(pauses(), start)) - rms_of(source, ffmpeg_binary, pauses())
    assert raised <= overall + 2.0


TONE_WITH_CLICKS = ("atrim=0:20,volume=0[v];sine=f=440:r=48000:d=20,volume=0.05[t];"
                    "aevalsrc='0.9*sin(2*PI*3000*t)*lt(mod(t\\,1)\\,0.002)':s=48000:d=20[c];"
                    "[v][t][c]amix=inputs=3:duration=first,volume=3")


def steady_range(path: Path, ffmpeg: str) -> float:
    """How far (dB) the level of 50 ms windows moves between the clicks (0.15-0.85 s after each)."""
    result = subprocess.run([ffmpeg, "-nostdin", "-i", str(path), "-vn", "-af",
                             "asetnsamples=n=2400,astats=metadata=1:reset=1:measure_perchannel=none:measure_overall=RMS_level,"
                             "ametadata=mode=print:key=lavfi.astats.Overall.RMS_level", "-f", "null", "-"],
                            capture_output=True, text=True, check=True)
    times = [float(t) for t in re.findall(r"pts_time:([\d.]+)", result.stderr)]
    levels = [float(v) for v in re.findall(r"RMS_level=(-?[\d.]+)", result.stderr)]
    steady = [level for time, level in zip(times, levels) if 1.0 < time < 18.0 and 0.15 < time % 1 < 0.85]
    return max(steady) - min(steady)


def test_the_limiter_holds_the_peaks_without_pumping_the_steady_sound_around_them(tmp_path, ffmpeg_binary):
    """A steady tone (as a held vowel) with a click every second: the tone's level stays put between clicks."""
    source = make_source(tmp_path / "tone.mkv", ffmpeg_binary, TONE_WITH_CLICKS)
    clip, _ = cut_whole(source, tmp_path / "out", 20.0)
    assert steady_range(clip, ffmpeg_binary) <= 1.0, "no gain riding between the clicks"
    assert read_loudness(clip).true_peak_dbtp <= -1.0


WORD_GAP_SEC = 0.04


def bursts_words() -> list[tuple[float, float]]:
    """(onset, end) of 'words': connected speech with 40 ms gaps, 0.3–0.6 s each, from 1 s to 29 s."""
    words, at, step = [], 1.0, 0
    while at < 29.0:
        length = 0.3 + 0.1 * (step * 7 % 4)
        words.append((round(at, 3), round(at + length, 3)))
        at += length + WORD_GAP_SEC
        step += 1
    return words


def make_bursts_source(path: Path, ffmpeg: str) -> Path:
    """Words as 180 Hz tones rising and falling in level within each word (never silent inside),
    between them 40 ms of faint noise: the quietest moments are the gaps."""
    import array
    import math
    import random
    import wave

    rate, rng, words = 48000, random.Random(7), bursts_words()
    samples = array.array("h", (int(rng.gauss(0, 30)) for _ in range(rate * 30)))
    for onset, end in words:
        for i in range(int(onset * rate), int(end * rate)):
            t = i / rate - onset
            envelope = min(1.0, t / 0.01, (end - onset - t) / 0.01) * (0.6 + 0.4 * math.cos(2 * math.pi * 5 * t))
            samples[i] += int(8000 * envelope * math.sin(2 * math.pi * 180 * i / rate))
    with wave.open(str(path.with_suffix(".wav")), "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes(samples.tobytes())
    subprocess.run([ffmpeg, "-nostdin", "-y", "-v", "error", "-f", "lavfi", "-i", "color=c=gray:s=320x180:r=30:d=30",
                    "-i", str(path.with_suffix(".wav")), "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "pcm_s16le",
                    "-shortest", str(path)], check=True)
    return path


@pytest.mark.parametrize("exact", [False, True], ids=["snapped", "exact"])
def test_a_start_and_end_inside_words_move_to_the_gaps_between_words_unless_exact(tmp_path, ffmpeg_binary, exact):
    words = bursts_words()
    source = make_bursts_source(tmp_path / "words.mkv", ffmpeg_binary)
    inside = [words[12], words[30]]  # cut in the middle of these words
    start, end = ((onset + end) / 2 for onset, end in inside)
    assert main(["cut", str(EPISODE), "--start", f"{start:.3f}", "--end", f"{end:.3f}", "--aspect", "16:9", "--no-captions",
                 "--source", str(source), "--out", str(tmp_path / "out"), *(["--exact"] if exact else [])]) == 0
    facts = json.loads(next((tmp_path / "out" / "speech-interview" / "clips").glob("*.json")).read_text())
    gaps = [(a[1], b[0]) for a, b in zip(words, words[1:])]

    def in_a_gap(time: float) -> bool:
        return any(a - 0.015 <= time <= b + 0.015 for a, b in gaps)

    if exact:
        assert (facts["start_sec"], facts["end_sec"]) == pytest.approx((start, end), abs=0.001)
    else:
        assert in_a_gap(facts["start_sec"]) and in_a_gap(facts["end_sec"]), (facts["start_sec"], facts["end_sec"])
        assert abs(facts["start_sec"] - start) <= 0.5 and abs(facts["end_sec"] - end) <= 0.5



def test_the_sound_kept_by_the_listening_pass_gives_the_clip_the_sources_own_sound(tmp_path, ffmpeg_binary):
    """The limiter's probe and the sound's encode read the WAV the listening pass kept (not the source
    again): the clip's sound is the one read from the source, at the same times (one sample late
    would differ by 6 % of a 440 Hz tone)."""
    from dataclasses import replace

    import numpy as np

    from clipper.clip_graph import LOUDNESS_SCAN, ClipCut, audio_args
    from clipper.ffmpeg import listen, run_ffmpeg

    source, kept = tmp_path / "source.mp4", tmp_path / "heard.wav"
    subprocess.run([ffmpeg_binary, "-nostdin", "-y", "-v", "error", "-f", "lavfi", "-i", "color=c=gray:s=160x90:r=30:d=20",
                    "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:d=20", "-c:v", "libx264",
                    "-preset", "ultrafast", "-c:a", "aac", "-ac", "2", str(source)], check=True)
    _, _, loudness, _ = listen(source, 7.0, 10.0, LOUDNESS_SCAN, 3.0, 4.0, kept)
    from_source = ClipCut(str(source), 10.0, 4.0, str(tmp_path / "a.m4a"), loudness=loudness)
    from_kept = replace(from_source, output=str(tmp_path / "b.m4a"), sound=str(kept), sound_offset_sec=3.0)
    samples = []
    for cut in (from_source, from_kept):
        run_ffmpeg(audio_args(cut), what="cutting the sound")
        decoded = subprocess.run([ffmpeg_binary, "-nostdin", "-v", "error", "-i", cut.output, "-f", "s16le", "-ac", "1", "-"],
                                 capture_output=True, check=True).stdout
        samples.append(np.frombuffer(decoded, np.int16).astype(float))
    level = np.sqrt(np.mean(samples[0] ** 2))
    assert len(samples[0]) == len(samples[1]) >= 4.0 * 48000 and level > 1000
    assert np.sqrt(np.mean((samples[0] - samples[1]) ** 2)) < 0.01 * level

"""Make the speech fixture once: a two-person interview spoken by espeak-ng, every word's onset known.

Each word is synthesised alone, trimmed to its sound, and laid on a timeline with known gaps:
a few ms inside a phrase (connected speech), longer at commas, sentence ends and turns. So the
true onset of every word is exact by construction. Writes, under tests/data/speech/:
  interview.opus                    mono 16 kHz Opus, with faint room noise
  interview_words.json              every word: line number, text, onset_sec, end_sec
  _podcast/speech-interview.md      the episode (site format), lines timed to their first word

Needs espeak-ng and ffmpeg; tests only read the committed files. Run: .venv/bin/python
benchmarks/make_speech_fixture.py; with `--holdout DIR`, another interview (other words, pauses) goes
to DIR, for `CLIPPER_SPEECH_FIXTURE=DIR python benchmarks/captions_bench.py`.
"""
from __future__ import annotations

import array
import json
import random
import re
import subprocess
import sys
import tempfile
import wave
from pathlib import Path

import yaml

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "speech"
RATE = 22050  # espeak-ng's own output rate
TRIM_LEVEL = 0.01  # of full scale: a word's sound starts where it first passes this
VOICES = {"Alexey": ("en-us", 170), "Maria": ("en-gb+f3", 160)}
GAPS = {"word": (0.0, 0.03), "comma": (0.22, 0.36), "sentence": (0.45, 0.8), "turn": (0.8, 1.5)}
SCRIPT = [
    ("Alexey", "Welcome to the show. Today we talk about data engineering with Maria."),
    ("Maria", "Thanks for having me. I started as an analyst, and then I moved to building pipelines."),
    ("Alexey", "What was the hardest part of that move?"),
    ("Maria", "Testing, honestly. Nobody told me how to test a pipeline that runs once a night."),
    ("Maria", "So we wrote small checks for every table, and the night alerts stopped."),
    ("Alexey", "Do you still write those checks by hand?"),
    ("Maria", "Mostly, yes. A tool helps, but you need to know what the data should look like."),
    ("Alexey", "Great advice. Thank you, Maria, this was fun."),
]
HOLDOUT_SCRIPT = [  # another interview, other pauses: to check figures on speech the method was not tried on
    ("Alexey", "Our guest today is Maria. She leads a small machine learning team in Berlin."),
    ("Maria", "Hello everyone. Yes, we are five people, and we ship models to production every week."),
    ("Alexey", "Every week? How do you keep that pace without breaking things?"),
    ("Maria", "We keep the models simple. A linear model that works beats a deep one that nobody can debug."),
    ("Maria", "And we watch the data, not only the code, because the data changes first."),
    ("Alexey", "That makes sense. What would you tell someone starting out?"),
    ("Maria", "Learn the basics well, write things down, and ask questions early."),
    ("Alexey", "Thank you so much for coming, Maria."),
]


def synthesise(word: str, voice: str, speed: int, folder: Path) -> array.array:
    """One word as 16-bit samples at RATE, trimmed to where its sound begins and ends."""
    path = folder / "word.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(path), word], check=True)
    with wave.open(str(path)) as reader:
        assert reader.getframerate() == RATE and reader.getsampwidth() == 2
        samples = array.array("h", reader.readframes(reader.getnframes()))
    level = TRIM_LEVEL * 32768
    loud = [i for i, sample in enumerate(samples) if abs(sample) > level]
    return samples[loud[0]:loud[-1] + 1]


def gap_after(word: str, is_last_of_line: bool, rng: random.Random) -> float:
    kind = "turn" if is_last_of_line else "sentence" if word[-1] in ".?!" else "comma" if word[-1] in ",;:" else "word"
    return rng.uniform(*GAPS[kind])


def build(folder: Path, rng: random.Random, script: list[tuple[str, str]]) -> tuple[array.array, list[dict]]:
    timeline, words, at = array.array("h"), [], 1.0
    timeline.extend([0] * int(at * RATE))
    for number, (who, text) in enumerate(script, start=1):
        voice, speed = VOICES[who]
        spoken = text.split()
        for index, word in enumerate(spoken):
            sound = synthesise(re.sub(r"[^\w']", "", word), voice, speed, folder)
            start = len(timeline) / RATE
            timeline.extend(sound)
            words.append({"line": number, "text": word, "onset_sec": round(start, 4), "end_sec": round(len(timeline) / RATE, 4)})
            pause = gap_after(word, index == len(spoken) - 1, rng)
            timeline.extend([0] * int(pause * RATE))
    timeline.extend([0] * int(1.0 * RATE))
    return timeline, words


def with_room_noise(samples: array.array, rng: random.Random, level: float = 0.0015) -> array.array:
    """Faint smoothed noise under everything, so silence is not digital zero."""
    noisy, previous = array.array("h"), 0.0
    for sample in samples:
        previous = 0.9 * previous + 0.1 * rng.gauss(0, level * 32768 * 3)
        noisy.append(max(-32768, min(32767, int(sample + previous))))
    return noisy


def encode(samples: array.array, target: Path, folder: Path) -> None:
    raw = folder / "interview.wav"
    with wave.open(str(raw), "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(RATE)
        writer.writeframes(samples.tobytes())
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", str(raw), "-ac", "1", "-ar", "16000",
                    "-c:a", "libopus", "-b:a", "24k", "-map_metadata", "-1", str(target)], check=True)


def episode_text(words: list[dict], duration_sec: float, script: list[tuple[str, str]]) -> str:
    lines = []
    for number, (who, text) in enumerate(script, start=1):
        onset = next(word["onset_sec"] for word in words if word["line"] == number)
        lines.append({"line": text, "sec": round(onset, 3), "who": who})
    front = {"title": "Speech fixture: a short interview spoken by espeak-ng", "short": "Speech fixture",
             "duration": f"PT{int(duration_sec)}S", "topics": ["data engineering", "testing"],
             "quotableClips": [{"name": "The whole interview", "startOffset": 0, "endOffset": int(duration_sec)}],
             "transcript": lines}
    return "---\n" + yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=100) + "---\n"


def main(out: Path, seed: int, script: list[tuple[str, str]]) -> None:
    rng = random.Random(seed)
    (out / "_podcast").mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        timeline, words = build(folder, rng, script)
        encode(with_room_noise(timeline, rng), out / "interview.opus", folder)
    duration = len(timeline) / RATE
    (out / "interview_words.json").write_text(json.dumps({"duration_sec": round(duration, 3), "words": words}, indent=1) + "\n")
    (out / "_podcast" / "speech-interview.md").write_text(episode_text(words, duration, script))
    print(f"{len(words)} words, {duration:.1f} s, {(out / 'interview.opus').stat().st_size / 1000:.0f} kB")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--holdout"]:  # `--holdout DIR`: the other interview, not committed
        main(Path(sys.argv[2]), 23, HOLDOUT_SCRIPT)
    else:
        main(OUT, 11, SCRIPT)

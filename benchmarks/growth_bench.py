"""Growth on huge input and start-up of single commands, as ratios against baselines measured in the same run.

Growth: automatic chapters of a transcript made of the example episode said again and again (n and
2n lines), and `clipper import` of one line of n and 2n megabytes; the baseline for chapters is
reading the same episode file (YAML, linear), for import splitting the text into words and joining them.
Linear work doubles when the input doubles; quadratic work quadruples.

Start-up: `clipper chapters` and `clipper check` on one episode with quotable clips, in process
CPU seconds (user + system, the best of several runs) and peak memory, against `python -c pass`.

`python benchmarks/growth_bench.py` prints the section; `bench.py growth` writes it to BENCHMARKS.md.
"""
from __future__ import annotations

import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from clipper.chapters import episode_end_sec
from clipper.episode_file import read_episode
from clipper.segmentation import automatic_chapters
from clipper.formats import episode_markdown
from clipper.templating import make_environment
from clipper.transcript_import import merge_pieces, parse_transcript

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "_podcast" / "physicist-to-data-scientist.md"
WITH_CLIPS = ROOT / "tests" / "data" / "_podcast" / "dataops-automation-and-reliable-data-pipelines.md"
CHAPTER_LINES = (5_000, 10_000, 20_000)
IMPORT_MEGABYTES = (2, 4, 8)
RUNS = 5
HEADING = "## Growth and start-up"
TIME = "/usr/bin/time"


def long_transcript(count: int, folder: Path) -> Path:
    """An episode file of `count` lines: the example's transcript said again and again, later each time."""
    lines = read_episode(EXAMPLE).lines
    lap = (lines[-1].sec or 0.0) + 30
    items = [{"line": line.text, "sec": int((line.sec or 0) + i // len(lines) * lap), "who": line.who}
             for i, line in ((i, lines[i % len(lines)]) for i in range(count))]
    path = folder / f"long-{count}.md"
    path.write_text("---\n" + yaml.safe_dump({"title": "Long", "transcript": items}, sort_keys=False) + "---\n", encoding="utf-8")
    return path


def one_long_line(megabytes: int, folder: Path) -> Path:
    """A timestamped transcript whose first block is one line of `megabytes` MB of words, without punctuation."""
    words = "data model feature store pipeline python spark kafka team career the a and of to".split()
    chooser = random.Random(megabytes)
    text = " ".join(chooser.choice(words) for _ in range(megabytes * 250_000))[:megabytes * 1_000_000]
    path = folder / f"line-{megabytes}mb.txt"
    path.write_text(f"0:00\nHost\n{text}\n0:30\nGuest\nYes.\n", encoding="utf-8")
    return path


def cpu_seconds(work: Callable[[], object]) -> float:
    start = time.process_time()
    work()
    return time.process_time() - start


def chapter_rows(folder: Path) -> list[str]:
    rows, previous = [], None
    for count in CHAPTER_LINES:
        path = long_transcript(count, folder)
        reading = cpu_seconds(lambda: read_episode(path))
        episode = read_episode(path)
        seconds = cpu_seconds(lambda: automatic_chapters(episode, episode_end_sec(episode) or 0.0))
        growth = f"{seconds / previous:.2f}×" if previous else "–"
        rows.append(f"| chapters | {count:,} lines | {seconds:.2f} s | {seconds / reading:.1f}× reading the file ({reading:.2f} s) | {growth} |")
        previous = seconds
    return rows


def import_rows(folder: Path) -> list[str]:
    rows, previous = [], None
    for megabytes in IMPORT_MEGABYTES:
        path = one_long_line(megabytes, folder)
        text = path.read_text(encoding="utf-8")
        reading = cpu_seconds(lambda: " ".join(text.split()).splitlines())
        seconds = cpu_seconds(lambda: imported(text, path))
        growth = f"{seconds / previous:.2f}×" if previous else "–"
        rows.append(f"| import (parse, merge, write YAML) | one line of {megabytes} MB | {seconds:.2f} s | {seconds / reading:.0f}× splitting it into words ({reading:.3f} s) | {growth} |")
        previous = seconds
    return rows


def imported(text: str, path: Path) -> str:
    """What `clipper import` does between reading the file and writing the episode file."""
    lines = merge_pieces(parse_transcript(text, str(path)))
    return episode_markdown.render("Long", "", None, lines, path.name, make_environment())


def process_cost(argv: list[str]) -> tuple[float, str]:
    """The best CPU seconds (user + system) over RUNS runs of a command, and its peak memory (by
    /usr/bin/time: a child's own figure counts the forking parent's pages)."""
    best, memory = float("inf"), "–"
    timer = [TIME, "-f", "%M"] if Path(TIME).exists() else []
    for _ in range(RUNS):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        done = subprocess.run(timer + argv, capture_output=True, text=True, check=False)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        best = min(best, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if timer:
            memory = f"{int(done.stderr.split()[-1]) / 1024:.0f} MiB"
    return best, memory


def startup_rows() -> list[str]:
    clipper = [sys.executable, "-m", "clipper"]
    commands = [
        ("`python -c pass` (baseline)", [sys.executable, "-c", "pass"]),
        ("`clipper chapters EP` (an episode with quotable clips)", clipper + ["chapters", str(WITH_CLIPS)]),
        ("`clipper check EP`", clipper + ["check", str(WITH_CLIPS)]),
        ("what chapters cost before: clipper + numpy + summa (scipy) imported", [sys.executable, "-c", "import clipper.cli, clipper.segmentation"]),
    ]
    rows, baseline = [], None
    for label, argv in commands:
        seconds, memory = process_cost(argv)
        baseline = baseline or seconds
        rows.append(f"| {label} | {seconds:.3f} s | {seconds / baseline:.1f}× | {memory} |")
    return rows


def growth_report() -> str:
    with tempfile.TemporaryDirectory() as folder:
        rows = chapter_rows(Path(folder)) + import_rows(Path(folder))
    return "\n".join([
        HEADING,
        "",
        "Automatic chapters of a transcript made of the example episode said again and again, and the import",
        "of one line of words without punctuation (`benchmarks/growth_bench.py`); CPU seconds of the work alone.",
        "Linear work doubles when the input doubles (the last column); quadratic work quadruples. Before the",
        "windows and copies were made linear, 10,000 lines took 11 s and 20,000 lines 31 s, and one 20 MB line",
        "327 s to import (libyaml now writes the YAML when PyYAML has it: ten times faster than its pure-Python",
        "emitter, the same text). The tests count the work (tests/test_growth.py) rather than time it.",
        "",
        "| what | input | CPU time | vs a baseline in the same run | vs half the input |",
        "|---|---|---|---|---|",
        *rows,
        "",
        f"Start-up of single commands on one episode: process CPU time (user + system, best of {RUNS} runs) and",
        "peak memory. The test (tests/test_startup.py) checks which modules are imported.",
        "",
        "| command | CPU time | vs `python -c pass` | peak memory |",
        "|---|---|---|---|",
        *startup_rows(),
        "",
    ])


if __name__ == "__main__":
    print(growth_report())

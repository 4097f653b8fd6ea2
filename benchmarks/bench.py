"""`make bench`: clipper's speed against the naive way, written to BENCHMARKS.md.

Notes: the whole corpus folder (../shared/corpus, else the copy in tests/data), cold (empty
output folder) and warm (unchanged re-run), both through the installed `clipper` command,
against the naive approach: summa's summarize + keywords over each whole transcript, one
episode after another.

Clips: `clipper cut` on a synthetic one-hour video (benchmarks/clips_bench.py).

`bench.py` measures both parts; `bench.py notes` or `bench.py clips` measures one and keeps the
other's section from the existing BENCHMARKS.md.
"""
from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from clips_bench import clips_report

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "corpus"
CORPUS = SHARED if SHARED.is_dir() else ROOT / "tests" / "data"
EPISODES = CORPUS / "episodes" if (CORPUS / "episodes").is_dir() else CORPUS / "_podcast"
PEOPLE = CORPUS / "people" if (CORPUS / "people").is_dir() else CORPUS / "_people"
CLIPPER = Path(sys.executable).parent / "clipper"


def naive_seconds() -> tuple[float, int]:
    """summa over each whole transcript, sequentially."""
    from summa import keywords, summarizer

    from clipper.episode_file import read_episode
    from clipper.errors import ClipperError

    texts = []
    for path in sorted(EPISODES.iterdir()):
        try:
            episode = read_episode(path, PEOPLE)
        except ClipperError:
            continue
        if episode.lines:
            texts.append("\n".join(line.text for line in episode.lines))
    start = time.perf_counter()
    for text in texts:
        summarizer.summarize(text, ratio=0.05)
        keywords.keywords(text, words=15)
    return time.perf_counter() - start, len(texts)


def clipper_seconds(out: Path) -> float:
    start = time.perf_counter()
    subprocess.run([str(CLIPPER), "notes", str(EPISODES), "--out", str(out), "--people", str(PEOPLE)],
                   capture_output=True, text=True, check=False)
    return time.perf_counter() - start


def notes_rows() -> list[str]:
    work = Path(tempfile.mkdtemp(prefix="clipper-bench-"))
    try:
        cold = min(clipper_seconds(work / f"cold{i}") for i in range(3))
        warm = min(clipper_seconds(work / "cold0") for _ in range(5))
    finally:
        shutil.rmtree(work)
    naive, count = naive_seconds()
    return [
        f"| notes, naive (summa summarize + keywords per whole transcript, sequential) | {count} transcripts | {naive:.2f} s | 1× |",
        f"| notes, clipper cold (`clipper notes {_shown(EPISODES)}`, empty output) | {count} transcripts | {cold:.2f} s | {naive / cold:.0f}× faster |",
        f"| notes, clipper warm (same command again, nothing changed) | {count} transcripts | {warm:.3f} s | {naive / warm:.0f}× faster |",
    ]


def _shown(path: Path) -> str:
    """A path as seen from the repository (../shared/... or tests/...), never a machine's absolute path."""
    return os.path.relpath(path, ROOT)


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else platform.processor()
    memory = ""
    if Path("/proc/meminfo").exists():
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB RAM"
    return f"{cpu}, {os.cpu_count()} cores{memory}, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def notes_report() -> str:
    """The header of BENCHMARKS.md and the notes table."""
    rows = notes_rows()
    return "\n".join([
        "# Benchmarks",
        "",
        "Written by `make bench` (benchmarks/bench.py); every figure is the best of several runs.",
        "",
        f"- Machine: {machine()}",
        f"- Corpus: `{_shown(EPISODES)}` ({len(list(EPISODES.iterdir()))} episode files)",
        f"- Command: `make bench` (`python benchmarks/bench.py`)",
        f"- Date: {time.strftime('%Y-%m-%d')}",
        "",
        "| what | input | wall time | vs naive |",
        "|---|---|---|---|",
        *rows,
        "",
    ])


def previous_sections(path: Path) -> tuple[str, str]:
    """The notes part (everything before "## Clips") and the clips part of an existing BENCHMARKS.md."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    notes, marker, clips = text.partition("## Clips")
    return notes.rstrip("\n") + "\n" if notes.strip() else "", marker + clips


def main() -> None:
    parts = sys.argv[1:] or ["notes", "clips"]
    if not set(parts) <= {"notes", "clips"}:
        sys.exit("usage: bench.py [notes] [clips]")
    path = ROOT / "BENCHMARKS.md"
    old_notes, old_clips = previous_sections(path)
    notes = notes_report() if "notes" in parts else old_notes
    clips = clips_report() if "clips" in parts else old_clips
    report = "\n".join(part for part in (notes, clips) if part)
    path.write_text(report, encoding="utf-8")
    print(report)


if __name__ == "__main__":
    main()

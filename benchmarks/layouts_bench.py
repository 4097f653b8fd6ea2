"""`make bench`, the layouts part: what each `--layout` costs on a 720p side-by-side recording,
and what finding the tiles costs. Run alone: `.venv/bin/python benchmarks/layouts_bench.py`.

The recording (tests/media.make_two_tile_video, scaled to 1280x720) shows a moving test picture in
a tile only while its speaker's lines run; the episode's lines alternate speakers every 5 s.
Each figure is the median of RUNS runs, taken in turns (blur, crop, split, speaker, blur, ...) so
that the shared machine's load falls on all alike.
"""
from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.media import make_two_tile_video  # noqa: E402 - needs ROOT on sys.path

from clipper.ffmpeg import find_ffmpeg, read_gray_frames, read_media_info  # noqa: E402
from clipper.tiles import Turn, assign_sides, find_tiles, tile_motion  # noqa: E402

CACHE = ROOT / "benchmarks" / ".cache"
CLIPPER = Path(sys.executable).parent / "clipper"
RUNS = 3
SPAN_SEC = 30
TURN_SEC = 5
KINDS = {"blur": ("--layout", "blur"), "crop": ("--layout", "crop"), "split": ("--layout", "split"),
         "speaker (--tiles: nothing to find)": ("--layout", "speaker", "--tiles", "Alexey=left,Maria=right"),
         "default (finds the tiles: speaker)": ()}
EPISODE = """---
title: Two people side by side
duration: PT{seconds}S
transcript:
{lines}
---
"""


def layouts_report() -> str:
    with tempfile.TemporaryDirectory(prefix="clipper-bench-layouts-") as work:
        video, episode = recording(Path(work))
        seconds = {kind: [] for kind in KINDS}
        for _ in range(RUNS):
            for kind, options in KINDS.items():
                seconds[kind].append(cut(Path(work), video, episode, *options))
        finding = [find_seconds(video) for _ in range(RUNS)]
    rows = [f"| {kind}: `{' '.join(KINDS[kind]) or '(no --layout)'}` | {statistics.median(wall for wall, _ in times):.1f} s "
            f"| {statistics.median(cpu for _, cpu in times):.1f} s "
            f"| {SPAN_SEC / statistics.median(wall for wall, _ in times):.2f} s of clip per s |" for kind, times in seconds.items()]
    return "\n".join([
        "## Layouts", "",
        f"- Source: a {SPAN_SEC} s 1280x720 30 fps two-tile recording (tests/media.make_two_tile_video, scaled), "
        f"speakers alternating every {TURN_SEC} s; 9:16 with captions; median of {RUNS} runs, in turns",
        f"- Date: {time.strftime('%Y-%m-%d')}", "",
        "| layout | wall time | CPU time (clipper and its ffmpegs) | figure |", "|---|---|---|---|", *rows,
        f"| finding the tiles alone (frames read at 4 fps, 160 px wide; seam; motion) | {statistics.median(f[0] for f in finding):.2f} s "
        f"| {statistics.median(f[1] for f in finding):.2f} s | {SPAN_SEC / statistics.median(f[0] for f in finding):.0f} s of clip per s |",
        "",
        "CPU time is the steadier figure on a shared machine: the wall time follows what else runs.", "",
        f"Command: `clipper cut EPISODE --start 0 --end {SPAN_SEC} --exact --source two-tiles.mp4 --out OUT` with each row's options.", "",
    ])


def recording(work: Path) -> tuple[Path, Path]:
    CACHE.mkdir(parents=True, exist_ok=True)
    video = CACHE / f"two-tiles-{SPAN_SEC}s-720p.mp4"
    turns = [(("Alexey", "Maria")[n % 2], n * TURN_SEC) for n in range(SPAN_SEC // TURN_SEC)]
    if not video.is_file():
        small = work / "small.mp4"
        moves = {who: [(start, start + TURN_SEC) for name, start in turns if name == who] for who in ("Alexey", "Maria")}
        make_two_tile_video(small, SPAN_SEC, moves["Alexey"], moves["Maria"])
        subprocess.run([find_ffmpeg(), "-nostdin", "-v", "error", "-y", "-i", str(small), "-vf", "scale=1280:720",
                        "-c:v", "libx264", "-preset", "veryfast", "-g", "60", "-pix_fmt", "yuv420p", str(video)], check=True)
    lines = "\n".join(f"- line: Turn {n} of {who}, who says a sentence or two about framing.\n  sec: {start}\n  who: {who}"
                      for n, (who, start) in enumerate(turns))
    episode = work / "_podcast" / "two-tiles.md"
    episode.parent.mkdir(exist_ok=True)
    episode.write_text(EPISODE.format(seconds=SPAN_SEC, lines=lines), encoding="utf-8")
    return video, episode


def cut(work: Path, video: Path, episode: Path, *options: str) -> tuple[float, float]:
    """Wall and CPU seconds of one `clipper cut` (the CPU of clipper and of the ffmpegs it runs)."""
    out = Path(tempfile.mkdtemp(dir=work))
    start, cpu = time.perf_counter(), _children_cpu()
    subprocess.run([str(CLIPPER), "cut", str(episode), "--start", "0", "--end", str(SPAN_SEC), "--exact", *options,
                    "--source", str(video), "--out", str(out)], check=True, capture_output=True)
    return time.perf_counter() - start, _children_cpu() - cpu


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def find_seconds(video: Path) -> tuple[float, float]:
    """What the default layout adds before the encode: the frames read, the seam and whose tile is whose."""
    info = read_media_info(video)
    start, cpu = time.perf_counter(), _children_cpu() + time.process_time()
    frames = read_gray_frames(video, 0, SPAN_SEC, (160, round(160 * info.height / info.width / 2) * 2), 4)
    tiles = find_tiles(frames)
    assert tiles, "the bench recording's tiles must be found"
    turns = [Turn(("Alexey", "Maria")[n % 2], n * TURN_SEC, (n + 1) * TURN_SEC) for n in range(SPAN_SEC // TURN_SEC)]
    assert assign_sides(tile_motion(frames, tiles), turns)
    return time.perf_counter() - start, _children_cpu() + time.process_time() - cpu


if __name__ == "__main__":
    print(layouts_report())

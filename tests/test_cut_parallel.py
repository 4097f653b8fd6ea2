"""Several clips at once (`--jobs`): each encoded as soon as its range is fetched, while the next one comes.

Real ffmpeg and the real yt-dlp path, over tests/media.py's server on 127.0.0.1. Nothing is timed:
the tests check what comes out, in what order, and what is left after a failure or a stop.
"""
from __future__ import annotations

import json
import re
import signal
from pathlib import Path

import pytest

from clipper.cli import main

from .media import FPS, frame_number, gray_frames, video_frame_count
from .test_cut import CLIPS, _children_writing, _start_cut, _wait_for

pytestmark = pytest.mark.usefixtures("ffmpeg_binary")
ALL_SHORT = ("--all", "--max-seconds", "3", "--aspect", "16:9", "--no-captions")
WRITTEN = ["01-opening-16x9.mp4", "02-deep-dive-into-tests-16x9.mp4"]


def _cut(capsys, episode: Path, *args: str) -> tuple[int, str, str]:
    code = main(["cut", str(episode), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_clips_over_http_two_at_a_time_come_out_right_in_order_and_a_rerun_skips_them(
        tmp_path, capsys, media_server, synthetic_episode_path):
    source = ("--source", media_server.url("video.mp4"), "--out", str(tmp_path))
    code, stdout, stderr = _cut(capsys, synthetic_episode_path, *ALL_SHORT, "--jobs", "2", *source)

    assert code == 1, "clip 3 lies past the end of the 90 s video"
    assert [line.split(":")[0] for line in stdout.splitlines()] == ["written", "written"]
    assert [re.search(r"clips/(\S+)", line).group(1) for line in stdout.splitlines()] == WRITTEN
    failed = [line for line in stderr.splitlines() if "failed" in line]
    assert len(failed) == 1 and failed[0].startswith("clipper: failed: 03-past-the-end-of-the-video-16x9: ")
    assert "Traceback" not in stderr
    for number in (1, 2, 3):  # one line per clip, said once, each encoding line naming its clip
        assert len(re.findall(rf"^clipper: clip {number}/3: 0{number}-\S+ \(\d+\.\d s\)$", stderr, re.M)) == 1
    assert all(re.match(r"clipper:   encoding 0[12]-\S+-16x9: \d+%$", line) for line in stderr.splitlines() if "encoding" in line)

    folder = tmp_path / CLIPS
    for name in WRITTEN:  # each clip holds its own span of the video: the first frame is the one at its start
        facts = json.loads((folder / name).with_suffix(".json").read_text())
        frames = gray_frames(folder / name, 200)
        assert frame_number(frames[0]) == round(facts["start_sec"] * FPS), name
        assert len(frames) == video_frame_count(folder / name)
        assert abs(len(frames) - (facts["end_sec"] - facts["start_sec"]) * FPS) <= 2, name
    assert not list(folder.glob("*.part*"))

    made = {name: (folder / name).stat().st_mtime_ns for name in WRITTEN}
    code, stdout, stderr = _cut(capsys, synthetic_episode_path, *ALL_SHORT, "--jobs", "2", *source)
    assert code == 1
    assert [line.split(":")[0] for line in stdout.splitlines()] == ["unchanged", "unchanged"]
    assert {name: (folder / name).stat().st_mtime_ns for name in WRITTEN} == made
    assert "failed: 03-past-the-end-of-the-video-16x9: " in stderr


def test_a_clip_outside_the_video_fails_alone_whatever_the_jobs(tmp_path, capsys, media_dir, synthetic_episode_path):
    for jobs in ("1", "3"):
        out = tmp_path / jobs
        code, stdout, stderr = _cut(capsys, synthetic_episode_path, *ALL_SHORT, "--jobs", jobs,
                                    "--source", str(media_dir / "video.mp4"), "--out", str(out))
        assert code == 1
        assert sorted(p.name for p in (out / CLIPS).glob("*.mp4")) == WRITTEN
        assert re.search(r"failed: 03-past-the-end-of-the-video-16x9: the video has nothing at 1:\d\d–1:\d\d", stderr)


def test_a_negative_jobs_is_one_line(tmp_path, capsys, media_dir, synthetic_episode_path):
    code, stdout, stderr = _cut(capsys, synthetic_episode_path, "--all", "--jobs", "-1", "--source", str(media_dir / "video.mp4"),
                                "--out", str(tmp_path))
    assert code == 1 and not stdout
    assert stderr.strip() == "clipper: --jobs must be 0 or more, not -1; use 0 for the default"


def test_a_stop_during_two_encodes_leaves_nothing_half_written(tmp_path, media_dir, synthetic_episode_path):
    folder = tmp_path / CLIPS
    process = _start_cut(tmp_path, media_dir, synthetic_episode_path, "--clip", "1", "--clip", "2", "--max-seconds", "8",
                         "--jobs", "2")
    _wait_for(lambda: len(list(folder.glob(".*.part.mp4"))) == 2 or process.poll() is not None)
    assert len(_children_writing(folder)) == 2, "two ffmpeg encodes at once"
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 143, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
    _wait_for(lambda: not _children_writing(folder), seconds=5)
    assert not list(folder.glob("*.mp4")) and not list(folder.glob("*.part*")) and not list(folder.glob(".*.stamp"))

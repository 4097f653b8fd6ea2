"""`clipper cut` end to end: real ffmpeg, real yt-dlp, a synthetic video served from 127.0.0.1.

The video (tests/media.py) draws its frame number into every frame, so a clip's first frame tells
exactly where it starts.
"""
from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from clipper.cli import main
from clipper.ffmpeg import measure_loudness, read_media_info

from .media import FPS, frame_number, free_port, gray_frames, mp4_boxes, region_difference, video_frame_count

CLIPS = "synthetic-episode/clips"


def cut(capsys, episode: Path, *args: str) -> tuple[int, str, str]:
    code = main(["cut", str(episode), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def exact_cut(tmp_path_factory, media_server, synthetic_episode_path):
    """40–43 s of the served video in 16:9, fetched as a range; the bytes the server sent for it."""
    out = tmp_path_factory.mktemp("exact")
    before = media_server.sent
    code = main(["cut", str(synthetic_episode_path), "--start", "40", "--end", "43", "--aspect", "16:9", "--no-captions",
                 "--source", media_server.url("video.mp4"), "--out", str(out)])
    return code, out, media_server.sent - before


def test_cut_starts_on_the_asked_frame_and_lasts_the_asked_time(exact_cut):
    code, out, _ = exact_cut
    assert code == 0
    clip = out / CLIPS / "01-deep-dive-into-tests.mp4"
    frames = gray_frames(clip, 120)
    assert frame_number(frames[0]) == 40 * FPS, "no frozen or black lead-in: the first frame is the one at 40 s"
    assert frame_number(frames[-1]) == 43 * FPS - 1
    assert len(frames) == video_frame_count(clip) == 3 * FPS


def test_cut_is_a_file_every_platform_takes(exact_cut):
    _, out, _ = exact_cut
    clip = out / CLIPS / "01-deep-dive-into-tests.mp4"
    info = read_media_info(clip)
    assert (info.video_codec, info.audio_codec, info.sample_rate) == ("h264", "aac", 48000)
    # 90 frames; without an edit list the AAC priming (21 ms) lengthens the first frame, so ffmpeg's average says 29.8.
    assert info.fps == pytest.approx(30, abs=0.3)
    assert (info.width, info.height) == (640, 360), "16:9 keeps the source's size"
    assert info.duration_sec == pytest.approx(3.0, abs=0.05)
    boxes = mp4_boxes(clip)
    assert boxes.index("moov") < boxes.index("mdat"), "faststart: the index comes first"
    assert not [box for box in boxes if box.endswith("/elst")], "no edit lists"


def test_cut_is_normalised_to_social_loudness(exact_cut):
    _, out, _ = exact_cut
    assert measure_loudness(out / CLIPS / "01-deep-dive-into-tests.mp4") == pytest.approx(-14.0, abs=1.5)


def test_a_short_clip_fetches_a_small_part_of_the_video(exact_cut, media_dir):
    _, _, sent = exact_cut
    assert 0 < sent < 0.35 * (media_dir / "video.mp4").stat().st_size


def test_cutting_again_costs_no_download(exact_cut, capsys, media_server, synthetic_episode_path):
    _, out, _ = exact_cut
    before = media_server.sent
    source = ["--source", media_server.url("video.mp4"), "--out", str(out), "--aspect", "16:9", "--no-captions"]
    code, stdout, _ = cut(capsys, synthetic_episode_path, "--start", "40", "--end", "43", *source)
    assert code == 0 and stdout.startswith("unchanged: ")
    code, stdout, stderr = cut(capsys, synthetic_episode_path, "--start", "41", "--end", "44", "--force", *source)
    assert code == 0 and stdout.startswith("written: ")
    assert "using the video fetched before (no download)" in stderr
    assert media_server.sent == before
    assert frame_number(gray_frames(out / CLIPS / "01-deep-dive-into-tests.mp4", 1)[0]) == 41 * FPS


def test_a_url_without_a_file_extension_goes_through_yt_dlp(tmp_path, capsys, media_server, media_dir, synthetic_episode_path):
    before = media_server.sent
    code, _, stderr = cut(capsys, synthetic_episode_path, "--start", "60", "--end", "63", "--aspect", "16:9", "--no-captions",
                          "--source", media_server.url("video"), "--out", str(tmp_path))
    assert code == 0, stderr
    assert frame_number(gray_frames(tmp_path / CLIPS / "01-deep-dive-into-tests.mp4", 1)[0]) == 60 * FPS
    assert media_server.sent - before < 0.35 * (media_dir / "video.mp4").stat().st_size


@pytest.fixture(scope="module")
def tall_clips(tmp_path_factory, media_dir, synthetic_episode_path):
    """The same 4 s highlight in 9:16, with captions and without."""
    folders = {}
    for name, extra in (("captions", []), ("plain", ["--no-captions"])):
        folders[name] = tmp_path_factory.mktemp(name)
        code = main(["cut", str(synthetic_episode_path), "--clip", "2", "--max-seconds", "4", "--source", str(media_dir / "video.mp4"),
                     "--out", str(folders[name]), *extra])
        assert code == 0
    return folders


def test_tall_clip_fills_1080_by_1920(tall_clips):
    clip = next((tall_clips["captions"] / CLIPS).glob("*.mp4"))
    info = read_media_info(clip)
    assert (info.width, info.height) == (1080, 1920)


def test_captions_are_burned_in_where_expected(tall_clips):
    size = (270, 480)  # a quarter of 1080x1920
    with_captions, without = (gray_frames(next((tall_clips[name] / CLIPS).glob("*.mp4")), 1, size, start=2.0)[0]
                              for name in ("captions", "plain"))
    caption_band = (0, 300, 270, 60)  # above the bottom quarter that the apps cover
    picture_band = (0, 180, 270, 60)  # the speaker's picture, no text
    assert region_difference(with_captions, without, 270, caption_band) > 4
    assert region_difference(with_captions, without, 270, picture_band) < 1.5


def test_captions_srt_and_post_text_come_beside_the_clip(tall_clips):
    folder = tall_clips["captions"] / CLIPS
    name = next(folder.glob("*.mp4")).stem
    srt = (folder / f"{name}.srt").read_text(encoding="utf-8")
    assert srt.startswith("1\n00:00:00,000 --> ")
    post = (folder / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    assert post[0] and len("\n".join(post)) <= 280
    assert post[-3].startswith("#") and 3 <= len(post[-3].split()) <= 5
    assert post[-1].startswith("https://www.youtube.com/watch?v=abc&t=")
    assert "TextRank" not in "\n".join(post), "the post is what is posted, not why the highlight was chosen"
    assert {path.suffix for path in folder.iterdir()} == {".mp4", ".srt", ".txt", ".stamp"}, "no work files left behind"


def test_audio_only_gives_an_m4a_and_an_audiogram(tmp_path, capsys, media_dir, synthetic_episode_path):
    code, stdout, stderr = cut(capsys, synthetic_episode_path, "--start", "10", "--end", "13", "--audio-only",
                               "--source", str(media_dir / "video.mp4"), "--out", str(tmp_path))
    assert code == 0, stderr
    folder = tmp_path / CLIPS
    audio = read_media_info(next(folder.glob("*.m4a")))
    assert (audio.has_video, audio.audio_codec) == (False, "aac")
    assert audio.duration_sec == pytest.approx(3.0, abs=0.1)
    assert measure_loudness(next(folder.glob("*.m4a"))) == pytest.approx(-14.0, abs=1.5)
    video = read_media_info(next(folder.glob("*.audiogram.mp4")))
    assert (video.video_codec, video.audio_codec, video.width, video.height) == ("h264", "aac", 1080, 1920)


def test_one_failing_clip_does_not_stop_the_others(tmp_path, capsys, media_dir, synthetic_episode_path):
    code, stdout, stderr = cut(capsys, synthetic_episode_path, "--all", "--max-seconds", "3", "--aspect", "16:9", "--no-captions",
                               "--source", str(media_dir / "video.mp4"), "--out", str(tmp_path))
    assert code == 1
    assert [line.split(":")[0] for line in stdout.splitlines()] == ["written", "written"]
    assert re.search(r"failed: 03-past-the-end-of-the-video: the video has nothing at 1:\d\d–1:\d\d \(it ends at 1:30\)", stderr)
    assert "Traceback" not in stderr
    assert sorted(p.name for p in (tmp_path / CLIPS).glob("*.mp4")) == ["01-opening.mp4", "02-deep-dive-into-tests.mp4"]


def test_unreachable_source_is_a_clean_error(tmp_path, capsys, synthetic_episode_path):
    url = f"http://127.0.0.1:{free_port()}/video.mp4"
    code, stdout, stderr = cut(capsys, synthetic_episode_path, "--start", "0", "--end", "3", "--source", url, "--out", str(tmp_path))
    assert code == 1 and not stdout
    failure = [line for line in stderr.splitlines() if "failed" in line]
    assert len(failure) == 1 and "cannot download the video (cannot reach the server: [Errno 111] Connection refused)" in failure[0]
    assert failure[0].count("check") == 1 and "ERROR" not in stderr, "said once, by clipper"
    assert not list(tmp_path.rglob("*.mp4"))


def test_a_missing_file_on_the_server_is_said_plainly(tmp_path, capsys, media_server, synthetic_episode_path):
    code, _, stderr = cut(capsys, synthetic_episode_path, "--start", "0", "--end", "3", "--source", media_server.url("gone.mp4"), "--out", str(tmp_path))
    assert code == 1
    assert "gone.mp4: cannot download the video (the server answered 404 Not Found); check the URL" in stderr


@pytest.mark.parametrize("source, message", [
    ("missing.mp4", "missing.mp4: no such file; check the path given to --source"),
    ("notes.txt", "notes.txt: cannot read media"),
])
def test_bad_local_source_is_a_one_line_error(tmp_path, capsys, synthetic_episode_path, source, message):
    (tmp_path / "notes.txt").write_text("not a video\n")
    code, stdout, stderr = cut(capsys, synthetic_episode_path, "--start", "0", "--end", "3", "--source", str(tmp_path / source),
                               "--out", str(tmp_path / "out"))
    assert code == 1 and not stdout
    assert message in stderr and "Traceback" not in stderr


def test_episode_without_a_video_link_asks_for_a_source(tmp_path, capsys, synthetic_episode_path):
    episode = tmp_path / "no-link.md"
    episode.write_text(synthetic_episode_path.read_text().replace("links:\n  youtube: https://www.youtube.com/watch?v=abc\n", "")
                       .replace("ids:\n  youtube: abc\n", ""))
    code, _, stderr = cut(capsys, episode, "--start", "0", "--end", "3", "--out", str(tmp_path))
    assert code == 1
    assert stderr.strip() == f"clipper: {episode}: the episode has no YouTube link to fetch the video from; pass --source URL or --source FILE"


def test_a_killed_run_leaves_no_half_clip_and_a_rerun_finishes(tmp_path, media_dir, synthetic_episode_path):
    command = [sys.executable, "-m", "clipper", "cut", str(synthetic_episode_path), "--clip", "1", "--clip", "2", "--max-seconds", "4",
               "--source", str(media_dir / "video.mp4"), "--out", str(tmp_path)]
    folder = tmp_path / CLIPS
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not (folder / ".02-deep-dive-into-tests.part.mp4").exists() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.02)
    process.send_signal(signal.SIGTERM)
    stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 143, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
    assert sorted(p.name for p in folder.glob("*.mp4")) == ["01-opening.mp4"], "the finished clip stays, the cut one is gone"
    assert not list(folder.glob("*.part*")) and not list(folder.glob(".*.ass"))

    rerun = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    assert [line.split(":")[0] for line in rerun.stdout.splitlines()] == ["unchanged", "written"]


def test_a_platform_named_gets_a_clip_of_a_size_it_takes(tmp_path, capsys, media_dir, synthetic_episode_path):
    code, _, stderr = cut(capsys, synthetic_episode_path, "--start", "5", "--end", "8", "--no-captions", "--platform", "x",
                          "--source", str(media_dir / "video.mp4"), "--out", str(tmp_path))
    assert code == 0, stderr
    video = read_media_info(next((tmp_path / CLIPS).glob("*.mp4")))
    assert (video.width, video.height) == (720, 1280), "X takes at most 1280 pixels on the long side"
    assert "warning" not in stderr


def test_a_clip_that_breaks_a_platforms_limit_is_warned_about(tmp_path, capsys, media_dir, synthetic_episode_path):
    code, _, stderr = cut(capsys, synthetic_episode_path, "--start", "5", "--end", "7", "--aspect", "16:9", "--no-captions",
                          "--platform", "reels", "--source", str(media_dir / "video.mp4"), "--out", str(tmp_path))
    assert code == 0
    assert "warning: 01-opening.mp4: Instagram Reels takes at least 3 s; this clip lasts 2.0 s" in stderr
    assert "X " not in stderr, "only the platforms asked for"

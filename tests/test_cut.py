"""`clipper cut` end to end: real ffmpeg, real yt-dlp, a synthetic video served from 127.0.0.1.

The video (tests/media.py) draws its frame number into every frame, so a clip's first frame tells
exactly where it starts.
"""
from __future__ import annotations

import json
import os
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
EXACT = "at-40s-43s-deep-dive-into-tests-16x9.mp4"
pytestmark = pytest.mark.usefixtures("ffmpeg_binary")


def cut(capsys, episode: Path, *args: str) -> tuple[int, str, str]:
    code = main(["cut", str(episode), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def exact_cut(tmp_path_factory, media_server, synthetic_episode_path, ffmpeg_binary):
    """40–43 s of the served video in 16:9, fetched as a range; the bytes the server sent for it."""
    out = tmp_path_factory.mktemp("exact")
    before = media_server.sent
    code = main(["cut", str(synthetic_episode_path), "--start", "40", "--end", "43", "--aspect", "16:9", "--no-captions",
                 "--source", media_server.url("video.mp4"), "--out", str(out)])
    return code, out, media_server.sent - before


def test_cut_starts_on_the_asked_frame_and_lasts_the_asked_time(exact_cut):
    code, out, _ = exact_cut
    assert code == 0
    clip = out / CLIPS / EXACT
    frames = gray_frames(clip, 120)
    assert frame_number(frames[0]) == 40 * FPS, "no frozen or black lead-in: the first frame is the one at 40 s"
    assert frame_number(frames[-1]) == 43 * FPS - 1
    assert len(frames) == video_frame_count(clip) == 3 * FPS


def test_cut_is_a_file_every_platform_takes(exact_cut):
    _, out, _ = exact_cut
    clip = out / CLIPS / EXACT
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
    assert measure_loudness(out / CLIPS / EXACT) == pytest.approx(-14.0, abs=1.5)


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
    assert frame_number(gray_frames(out / CLIPS / "at-41s-44s-deep-dive-into-tests-16x9.mp4", 1)[0]) == 41 * FPS
    assert frame_number(gray_frames(out / CLIPS / EXACT, 1)[0]) == 40 * FPS, "another span does not replace the first"


def test_a_url_without_a_file_extension_goes_through_yt_dlp(tmp_path, capsys, media_server, media_dir, synthetic_episode_path):
    before = media_server.sent
    code, _, stderr = cut(capsys, synthetic_episode_path, "--start", "60", "--end", "63", "--aspect", "16:9", "--no-captions",
                          "--source", media_server.url("video"), "--out", str(tmp_path))
    assert code == 0, stderr
    assert frame_number(gray_frames(tmp_path / CLIPS / "at-1m00s-1m03s-deep-dive-into-tests-16x9.mp4", 1)[0]) == 60 * FPS
    assert media_server.sent - before < 0.35 * (media_dir / "video.mp4").stat().st_size


@pytest.fixture(scope="module")
def tall_clips(tmp_path_factory, media_dir, synthetic_episode_path, ffmpeg_binary):
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
    facts = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
    assert "TextRank" in facts["reason"] and facts["posts"]["all"] == "\n".join(post) + "\n"
    assert facts["end_sec"] - facts["start_sec"] == pytest.approx(4.0, abs=1.0)
    assert {path.suffix or path.name for path in folder.iterdir()} == {".mp4", ".srt", ".txt", ".json", ".stamp", ".clipper-lock"}, \
        "no work files left behind"


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
    assert re.search(r"failed: 03-past-the-end-of-the-video-16x9: the video has nothing at 1:\d\d–1:\d\d \(it ends at 1:30\)", stderr)
    assert "Traceback" not in stderr
    assert sorted(p.name for p in (tmp_path / CLIPS).glob("*.mp4")) == ["01-opening-16x9.mp4", "02-deep-dive-into-tests-16x9.mp4"]


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
               "--jobs", "1", "--source", str(media_dir / "video.mp4"), "--out", str(tmp_path)]
    folder = tmp_path / CLIPS
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not list(folder.glob(".02-deep-dive-into-tests.*.part.mp4")) and time.monotonic() < deadline and process.poll() is None:
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
    assert "warning: at-5s-7s-opening-16x9.mp4: Instagram Reels takes at least 3 s; this clip lasts 2.0 s" in stderr
    assert "X " not in stderr, "only the platforms asked for"


KINDS = {  # extra arguments: (file name, width, height)
    (): ("01-opening.mp4", 1080, 1920),
    ("--fit", "crop"): ("01-opening-crop.mp4", 1080, 1920),
    ("--aspect", "1:1"): ("01-opening-1x1.mp4", 1080, 1080),
    ("--aspect", "16:9"): ("01-opening-16x9.mp4", 640, 360),
    ("--audio-only",): ("01-opening-audio.audiogram.mp4", 1080, 1920),
    ("--audio-only", "--aspect", "16:9"): ("01-opening-audio-16x9.audiogram.mp4", 1920, 1080),
}


def test_every_kind_of_clip_is_made_and_none_overwrites_another(tmp_path, capsys, media_dir, synthetic_episode_path):
    for extra in KINDS:
        code, _, stderr = cut(capsys, synthetic_episode_path, "--clip", "1", "--max-seconds", "3", "--no-captions", *extra,
                              "--source", str(media_dir / "video.mp4"), "--out", str(tmp_path))
        assert code == 0, (extra, stderr)
    folder = tmp_path / CLIPS
    span = read_media_info(folder / "01-opening.mp4").duration_sec
    assert 2 <= span <= 3
    for name, width, height in KINDS.values():
        info = read_media_info(folder / name)
        assert (info.width, info.height, info.audio_codec) == (width, height, "aac"), name
        assert info.duration_sec == pytest.approx(span, abs=0.1), name
    assert (folder / "01-opening-audio.m4a").is_file() and (folder / "01-opening-audio-16x9.m4a").is_file()


def test_a_whole_chapter_is_cut_from_its_start_to_its_end(tmp_path, capsys, media_dir, synthetic_episode_path):
    code, stdout, stderr = cut(capsys, synthetic_episode_path, "--clip", "1", "--whole", "--aspect", "16:9", "--no-captions",
                               "--source", str(media_dir / "video.mp4"), "--out", str(tmp_path))
    assert code == 0, stderr
    clip = tmp_path / CLIPS / "01-opening-16x9.mp4"
    assert "0:00–0:40" in stdout
    assert frame_number(gray_frames(clip, 1)[0]) == 0
    assert video_frame_count(clip) == 40 * FPS


def test_a_crop_shows_the_centre_of_the_picture(tmp_path, capsys, media_dir, synthetic_episode_path):
    code, _, stderr = cut(capsys, synthetic_episode_path, "--start", "10", "--end", "11", "--fit", "crop", "--no-captions",
                          "--source", str(media_dir / "video.mp4"), "--out", str(tmp_path))
    assert code == 0, stderr
    clip = tmp_path / CLIPS / "at-10s-11s-opening-crop.mp4"
    cropped = gray_frames(clip, 1, (203, 360))[0]  # back at the source's scale: 202.5 x 360 of the middle
    source = gray_frames(media_dir / "video.mp4", 1, start=10.0)[0]
    middle = b"".join(source[row * 640 + 219:row * 640 + 422] for row in range(360))
    assert region_difference(cropped, middle, 203, (10, 10, 180, 340)) < 12


@pytest.fixture(scope="module")
def silent_video(media_dir, ffmpeg_binary) -> Path:
    path = media_dir / "silent.mp4"
    if not path.exists():
        subprocess.run([ffmpeg_binary, "-nostdin", "-v", "error", "-i", str(media_dir / "video.mp4"), "-an", "-c", "copy",
                        str(path)], check=True)
    return path


def test_a_video_without_sound_is_cut_with_a_silent_track(tmp_path, capsys, silent_video, synthetic_episode_path):
    code, _, stderr = cut(capsys, synthetic_episode_path, "--start", "5", "--end", "8", "--aspect", "16:9",
                          "--source", str(silent_video), "--out", str(tmp_path))
    assert code == 0, stderr
    info = read_media_info(tmp_path / CLIPS / "at-5s-8s-opening-16x9.mp4")
    assert (info.video_codec, info.audio_codec) == ("h264", "aac")


def test_a_video_without_sound_gives_no_audio_clip(tmp_path, capsys, silent_video, synthetic_episode_path):
    code, _, stderr = cut(capsys, synthetic_episode_path, "--start", "5", "--end", "8", "--audio-only",
                          "--source", str(silent_video), "--out", str(tmp_path))
    assert code == 1
    assert f"{silent_video}: the source has no sound; give a recording with sound with --source" in stderr


def test_folders_and_files_with_quotes_colons_and_backslashes_are_fine(tmp_path, capsys, media_dir, synthetic_episode_path):
    odd = tmp_path / "it's: a=b\\c, [x]"
    odd.mkdir()
    episode = odd / "ep: it's=1.md"
    episode.write_text(synthetic_episode_path.read_text(encoding="utf-8"), encoding="utf-8")
    code, _, stderr = cut(capsys, episode, "--start", "10", "--end", "12", "--aspect", "16:9",
                          "--source", str(media_dir / "video.mp4"), "--out", str(odd / "out"))
    assert code == 0, stderr
    assert read_media_info(next((odd / "out").rglob("*.mp4"))).duration_sec == pytest.approx(2.0, abs=0.1)


@pytest.mark.parametrize("kind", ["folder", "fifo", "device"])
def test_a_source_that_is_no_file_is_said_to_be(tmp_path, capsys, synthetic_episode_path, kind):
    source = {"folder": tmp_path, "device": Path("/dev/zero"), "fifo": tmp_path / "pipe"}[kind]
    if kind == "fifo":
        os.mkfifo(source)
    code, _, stderr = cut(capsys, synthetic_episode_path, "--start", "0", "--end", "3", "--source", str(source),
                          "--out", str(tmp_path / "out"))
    expected = "this is a folder, not a recording" if kind == "folder" else "this is not a regular file (a device or a pipe)"
    assert code == 1 and f"{source}: {expected}; give --source a video or audio file" in stderr


def test_a_truncated_source_gives_no_clip_said_written(tmp_path, capsys, media_dir, synthetic_episode_path):
    data = (media_dir / "video.mp4").read_bytes()
    truncated = tmp_path / "truncated.mp4"
    truncated.write_bytes(data[:len(data) // 3])  # faststart: the index is whole, two thirds of the pictures are gone
    code, stdout, stderr = cut(capsys, synthetic_episode_path, "--start", "70", "--end", "73", "--aspect", "16:9",
                               "--source", str(truncated), "--out", str(tmp_path / "out"))
    assert code == 1 and "written" not in stdout, stdout
    assert "failed: at-1m10s-1m13s-deep-dive-into-tests-16x9: " in stderr
    assert not list((tmp_path / "out").rglob("*.mp4")) and not list((tmp_path / "out").rglob(".*.stamp"))


def _children_writing(folder: Path) -> list[int]:
    """Processes (ffmpeg) whose command line names a file in `folder`."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and str(folder) in (entry / "cmdline").read_bytes().decode(errors="replace"):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def _start_cut(folder: Path, media_dir: Path, episode: Path, *extra: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "clipper", "cut", str(episode), "--source", str(media_dir / "video.mp4"),
               "--out", str(folder), *extra]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for(condition, seconds: float = 60) -> None:  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_sigkill_takes_ffmpeg_with_it_and_a_rerun_makes_whole_clips(tmp_path, media_dir, synthetic_episode_path):
    args = ("--clip", "1", "--clip", "2", "--max-seconds", "4", "--jobs", "1")  # one at a time: clip 1 is done when clip 2 is cut
    folder = tmp_path / CLIPS
    process = _start_cut(tmp_path, media_dir, synthetic_episode_path, *args)
    _wait_for(lambda: list(folder.glob(".02-*.part.mp4")) or process.poll() is not None)
    assert _children_writing(folder), "ffmpeg is at work"
    process.kill()
    process.communicate()
    _wait_for(lambda: not _children_writing(folder), seconds=5)
    rerun = _start_cut(tmp_path, media_dir, synthetic_episode_path, *args)
    stdout, stderr = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, stderr
    assert [line.split(":")[0] for line in stdout.splitlines()] == ["unchanged", "written"]
    for clip in sorted(folder.glob("*.mp4")):  # every frame decodes, as many as the clip lasts
        frames = len(gray_frames(clip, 1000, (64, 36)))
        assert frames == video_frame_count(clip), clip.name
        assert abs(frames - read_media_info(clip).duration_sec * FPS) < 2, clip.name
    assert not list(folder.glob("*.part*"))


def test_a_second_run_into_the_same_folder_stops_at_once(tmp_path, media_dir, synthetic_episode_path):
    args = ("--clip", "1", "--clip", "2", "--max-seconds", "4")
    first = _start_cut(tmp_path, media_dir, synthetic_episode_path, *args)
    _wait_for(lambda: list((tmp_path / CLIPS).glob(".*.part.mp4")) or first.poll() is not None)
    second = _start_cut(tmp_path, media_dir, synthetic_episode_path, *args)
    _, second_err = second.communicate(timeout=60)
    first_out, first_err = first.communicate(timeout=120)
    assert first.returncode == 0, first_err
    assert second.returncode == 1
    assert second_err.strip() == (f"clipper: {tmp_path / CLIPS}: another clipper run is writing into this folder; "
                                  "wait for it to finish, or give another --out")
    assert [line.split(":")[0] for line in first_out.splitlines()] == ["written", "written"]


def test_loudness_is_one_gain_to_minus_14_with_true_peaks_under_minus_1_after_aac(exact_cut):
    from clipper.ffmpeg import read_loudness

    _, out, _ = exact_cut
    reading = read_loudness(out / CLIPS / EXACT)
    assert reading.integrated_lufs == pytest.approx(-14.0, abs=0.5)
    assert reading.true_peak_dbtp <= -1.0


def test_frames_are_on_the_30_fps_grid_from_the_first_and_colours_tagged_bt709(exact_cut, ffmpeg_binary):
    _, out, _ = exact_cut
    result = subprocess.run([ffmpeg_binary, "-hide_banner", "-nostdin", "-i", str(out / CLIPS / EXACT), "-vf", "showinfo",
                             "-frames:v", "5", "-f", "null", "-"], capture_output=True, text=True, check=False)
    times = [float(t) for t in re.findall(r"n: *\d+ pts: *\d+ pts_time:([\d.]+)", result.stderr)]
    assert times[:5] == pytest.approx([n / FPS for n in range(5)], abs=0.001), "no stretched first frame"
    assert re.search(r"Video: h264 .*yuv420p\(tv, bt709", result.stderr)


def _text_box(with_text: bytes, without: bytes, width: int) -> tuple[int, int, int, int]:
    """The bounding box (left, top, right, bottom) of the pixels where two grey frames differ clearly."""
    changed = [i for i, (a, b) in enumerate(zip(with_text, without)) if abs(a - b) > 60]
    xs, ys = [i % width for i in changed], [i // width for i in changed]
    return min(xs), min(ys), max(xs), max(ys)


def test_tall_captions_stay_in_the_safe_area_under_the_picture(tall_clips):
    width, height = 270, 480  # a quarter of 1080x1920
    with_captions, without = (gray_frames(next((tall_clips[name] / CLIPS).glob("*.mp4")), 1, (width, height), start=2.0)[0]
                              for name in ("captions", "plain"))
    left, top, right, bottom = _text_box(with_captions, without, width)
    assert left >= 0.1 * width and right <= 0.88 * width, "clear of the right-hand buttons, within the middle"
    assert bottom <= 0.8 * height, "above the bottom 20 % the apps cover"
    picture_bottom = (height + width * 360 // 640) // 2  # the 16:9 picture, centred
    assert top >= picture_bottom, "in the fill band, not over the picture's lower third"


def test_tall_title_is_below_the_top_14_percent():
    from clipper.formats.ass_captions import layout_for

    for width, height in ((1080, 1920), (720, 1280)):
        layout = layout_for(width, height, picture_bottom=(height + width * 9 // 16) // 2)
        assert layout.title_margin >= 0.14 * height and layout.side_margin >= 0.12 * width
        assert layout.caption_alignment == 8 and layout.caption_margin >= (height + width * 9 // 16) // 2


def test_a_wide_clip_shows_its_title_at_the_start_only_and_boxed_captions(tmp_path, capsys, media_dir, synthetic_episode_path):
    code, _, stderr = cut(capsys, synthetic_episode_path, "--start", "10", "--end", "17", "--aspect", "16:9",
                          "--source", str(media_dir / "video.mp4"), "--out", str(tmp_path))
    assert code == 0, stderr
    clip = tmp_path / CLIPS / "at-10s-17s-opening-16x9.mp4"
    top_band = (40, 5, 560, 40)  # where the title is drawn in a 640x360 frame
    for at, has_title in ((1.0, True), (5.5, False)):
        shown = gray_frames(clip, 1, start=at)[0]
        source = gray_frames(media_dir / "video.mp4", 1, start=10 + at)[0]
        assert (region_difference(shown, source, 640, top_band) > 6) is has_title, at


def test_a_clip_job_is_one_plain_value_a_worker_can_be_sent(synthetic_episode_path, media_dir):
    import pickle

    from clipper.api import load_episode
    from clipper.cutting import ClipJob, CutOptions, choose_spans
    from clipper.errors import ToolError
    from clipper.sources import SourceFile, Sources

    episode = load_episode(synthetic_episode_path)
    options = CutOptions(str(synthetic_episode_path), clips=("1",))
    span, = choose_spans(episode, options)
    failed = ToolError("the server answered 404", "check the URL", "http://127.0.0.1/x.mp4")
    sources = Sources((SourceFile(media_dir / "video.mp4", 0.0, 90.0),), "local", ((95.0, 110.0, failed),))
    job = ClipJob(episode, span, "01-opening", Path("out"), sources, options, "stamp")
    again = pickle.loads(pickle.dumps(job))
    assert (again.episode, again.span, again.options, again.sources.files) == (job.episode, job.span, job.options, job.sources.files)
    assert again.sources.failures[0][2].message == failed.message


def test_active_word_captions_light_up_the_word_being_said(tmp_path, capsys, tall_clips, media_dir, synthetic_episode_path):
    code, _, stderr = cut(capsys, synthetic_episode_path, "--clip", "2", "--max-seconds", "4", "--caption-style", "active-word",
                          "--source", str(media_dir / "video.mp4"), "--out", str(tmp_path))
    assert code == 0, stderr
    size = (270, 480)
    karaoke = gray_frames(next((tmp_path / CLIPS).glob("*.mp4")), 1, size, start=2.0)[0]
    plain, bare = (gray_frames(next((tall_clips[name] / CLIPS).glob("*.mp4")), 1, size, start=2.0)[0]
                   for name in ("captions", "plain"))
    caption_band = _text_box(plain, bare, 270)
    left, top, right, bottom = caption_band
    assert region_difference(karaoke, plain, 270, (left, top, right - left + 1, bottom - top + 1)) > 2, \
        "a word in another colour"
    assert region_difference(karaoke, plain, 270, (0, 0, 270, top - 10)) < 1.5, "nothing else changes"

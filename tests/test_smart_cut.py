"""Smart cut (clipper/smart_cut.py): the plan from a packet list, and 16:9 clips without captions cut
for real from synthetic sources with B-frames, checked frame by frame against the source."""
from __future__ import annotations

import re
import subprocess
from fractions import Fraction
from pathlib import Path

import pytest

from clipper import smart_cut
from clipper.cli import main
from clipper.ffmpeg import MediaInfo, read_loudness, read_media_info, run_ffmpeg
from clipper.smart_cut import Listing, Packet, parse_listing, plan_smart_cut

from .media import FPS, frame_number, gray_frames, make_video, mp4_boxes, region_difference, video_frame_count

CLIPS = "synthetic-episode/clips"
TICK = 512  # one frame at 30 fps in a 1/15360 time base, as ffmpeg writes MP4
BASE = Fraction(1, 15360)


def listing(frames_in_decoding_order: list[int], keyframes: set[int], first: int = 0, delay: int = 0) -> Listing:
    """A packet list at 30 fps: frame numbers (from the cut) in decoding order."""
    return Listing(BASE, tuple(Packet((first + i) * TICK - delay, n * TICK, n in keyframes)
                               for i, n in enumerate(frames_in_decoding_order)))


def test_a_stream_without_b_frames_is_encoded_to_the_first_keyframe_after_the_title_then_copied():
    frames = list(range(-20, 300))  # the list starts at the keyframe before the cut (20 frames before it)
    plan = plan_smart_cut(listing(frames, {-20, 40, 100, 160}, first=-20), 9.0, Fraction(30), title_sec=4.0)
    assert plan is not None
    assert (plan.head_frames, plan.keyframe_ticks, plan.copy_packets, plan.tail_frames) == (160, 160 * TICK, 110, 0)
    assert plan.frames == 270 == 9 * FPS


def _pyramid(start: int, count: int) -> list[int]:
    """Decoding order of x264-like groups: I/P first, then its B-frames (P4 B2 B1 B3 ...)."""
    order = [start]
    for group in range(start + 1, start + count, 4):
        order += [group + 3, group + 1, group, group + 2]
    return order


def test_an_end_inside_a_b_frame_group_gets_its_last_frames_encoded():
    frames = _pyramid(0, 121) + _pyramid(121, 121)  # frames 0..241, keyframes 0 and 121
    plan = plan_smart_cut(listing(frames, {0, 121}, delay=2 * TICK), 228 / 30, Fraction(30), title_sec=3.0)
    assert plan is not None
    copied = frames[frames.index(121):frames.index(121) + plan.copy_packets]
    assert sorted(copied) == list(range(121, 226)), "the copy stops after the last whole group before the end"
    assert (plan.head_frames, plan.tail_frames, plan.tail_ticks) == (121, 2, 226 * TICK)
    assert plan.frames == 228 and plan.delay_ticks == 2 * TICK


def test_a_keyframe_whose_group_shows_frames_before_it_is_passed_over():
    # frame 60's group is open: frame 59 comes after it in decoding order
    frames = list(range(0, 59)) + [60, 59] + list(range(61, 200))
    plan = plan_smart_cut(listing(frames, {0, 60, 120}), 6.0, Fraction(30), title_sec=1.0)
    assert plan is not None and plan.keyframe_ticks == 120 * TICK


def test_no_plan_when_frames_are_unevenly_spaced_or_no_keyframe_comes_before_the_end():
    uneven = Listing(BASE, tuple(Packet(t, t, t == 0) for t in (0, 512, 1024, 2048, 2560)))
    assert plan_smart_cut(uneven, 0.2, Fraction(30), title_sec=0.0) is None
    assert plan_smart_cut(listing(list(range(0, 300)), {0, 290}), 9.0, Fraction(30), title_sec=4.0) is None


def test_the_packet_list_is_read_from_ffmpegs_framecrc():
    text = ("#tb 0: 1/15360\n#media_type 0: video\n0,      -1285,       -261,      512,    21397, 0x4a57c993\n"
            "0,       -773,       1275,      512,     9968, 0x17566395, F=0x0\n")
    assert parse_listing(text) == Listing(BASE, (Packet(-1285, -261, True), Packet(-773, 1275, False)))


@pytest.mark.parametrize(("change", "reason"), [
    ({}, ""),
    ({"video_codec": "vp9"}, "the video is vp9, not H.264"),
    ({"pixel_format": "yuv444p"}, "pixels in yuv444p"),
    ({"colour": "tv, bt470bg/bt470bg/smpte170m"}, "colours tagged tv, bt470bg/bt470bg/smpte170m"),
    ({"fps": 12.5}, "frame rate 12.5"),
    ({"width": 1920, "height": 1080}, "the size changes"),
    ({"audio_codec": ""}, "no sound"),
    ({"video_profile": "High 4:4:4 Predictive"}, "H.264 profile High 4:4:4 Predictive"),
])
def test_what_rules_a_smart_cut_out(change, reason):
    facts = {"duration_sec": 60.0, "video_codec": "h264", "width": 1280, "height": 720, "fps": 29.97, "audio_codec": "aac",
             "sample_rate": 48000, "video_profile": "Main", "pixel_format": "yuv420p", "colour": "tv, bt709, progressive"}
    assert smart_cut.why_not(MediaInfo(**{**facts, **change}), (1280, 720), burned_captions=False) == reason
    assert smart_cut.why_not(MediaInfo(**facts), (1280, 720), burned_captions=True) == "captions are burned over the whole clip"


def test_parameter_sets_and_their_ids_are_read_from_annex_b():
    sps = bytes([0x67, 0x64, 0x00, 0x1F, 0b01000000])  # seq_parameter_set_id ue(v) "010" = 1
    pps = bytes([0x68, 0b11000000])  # pic_parameter_set_id "1" = 0, then its SPS "1" = 0
    stream = b"\x00\x00\x00\x01" + sps + b"\x00\x00\x00\x01" + pps + b"\x00\x00\x01\x65\x88\x84"
    assert smart_cut.leading_parameter_sets(stream) == b"\x00\x00\x00\x01" + sps + b"\x00\x00\x00\x01" + pps
    assert smart_cut.parameter_set_ids(smart_cut.leading_parameter_sets(stream)) == {0, 1}


# --- real cuts ------------------------------------------------------------------------------------
START, END = 10.5, 19.2  # mid-GOP (keyframes every 2 s): the head runs to 16 s, past the 4 s title


@pytest.fixture(scope="module")
def sources(tmp_path_factory, ffmpeg_binary) -> dict[str, Path]:
    """40 s sources with frame numbers drawn: H.264 with B-frames (as YouTube's), and MPEG-4 Part 2."""
    folder = tmp_path_factory.mktemp("smart-sources")
    return {"h264": make_video(folder / "bframes.mp4", 40, gop_seconds=2, encoding=("-preset", "veryfast", "-bf", "3")),
            "mpeg4": make_video(folder / "mpeg4.mp4", 40, gop_seconds=2, encoding=("-c:v", "mpeg4", "-q:v", "4"))}


def cut_16_9(capsys, episode: Path, source: Path, out: Path, start: float, end: float) -> Path:
    code = main(["cut", str(episode), "--start", f"{start}", "--end", f"{end}", "--aspect", "16:9", "--no-captions",
                 "--exact", "--source", str(source), "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    return next((out / CLIPS).glob("*.mp4"))


@pytest.fixture(scope="module")
def smart(tmp_path_factory, sources, synthetic_episode_path) -> Path:
    out = tmp_path_factory.mktemp("smart")
    code = main(["cut", str(synthetic_episode_path), "--start", f"{START}", "--end", f"{END}", "--aspect", "16:9",
                 "--no-captions", "--exact", "--source", str(sources["h264"]), "--out", str(out)])
    assert code == 0
    return next((out / CLIPS).glob("*.mp4"))


def frame_hashes(path: Path, start: float | None = None, count: int | None = None) -> list[str]:
    """The md5 of each decoded frame, as stored (no frame repeated or dropped)."""
    seek = ["-ss", f"{start:.3f}"] if start is not None else []
    frames = ["-frames:v", str(count)] if count else []
    text = subprocess.run([_ffmpeg(), "-nostdin", "-v", "error", *seek, "-i", str(path), "-map", "0:v",
                           *frames, "-fps_mode", "passthrough", "-f", "framemd5", "-"], capture_output=True, text=True,
                          check=True).stdout
    return [line.rsplit(",", 1)[1].strip() for line in text.splitlines() if line and not line.startswith("#")]


def luma(path: Path, at: float) -> bytes:
    """The luma plane of the frame at `at`, as decoded: no conversion (newer ffmpegs convert by the colour
    tags, which the clip has and the source lacks)."""
    raw = subprocess.run([_ffmpeg(), "-nostdin", "-v", "error", "-ss", f"{at:.3f}", "-i", str(path), "-frames:v", "1",
                          "-pix_fmt", "yuv420p", "-f", "rawvideo", "-"], capture_output=True, check=True).stdout
    return raw[:640 * 360]


def _ffmpeg() -> str:
    from clipper.ffmpeg import find_ffmpeg

    return find_ffmpeg()


def test_a_smart_cut_starts_and_ends_on_the_asked_frames(smart):
    count = round((END - START) * FPS)
    frames = gray_frames(smart, count + 10)
    assert frame_number(frames[0]) == round(START * FPS)
    assert frame_number(frames[-1]) == round(END * FPS) - 1
    assert len(frames) == video_frame_count(smart) == count
    assert [frame_number(f) for f in frames] == list(range(round(START * FPS), round(END * FPS))), "no frame lost or doubled at a join"


def test_the_frames_after_the_head_are_the_sources_own(smart, sources):
    head = round((16 - START) * FPS)  # the first keyframe 4 s or more into the clip is at 16 s
    copied = frame_hashes(smart)[head:]
    source = frame_hashes(sources["h264"], start=16.0, count=len(copied))
    group = 4  # the source's B-frames come 3 to a group: at most its last frames are encoded again
    assert len(copied) > 2 * group and copied[:-group] == source[:-group], "copied, not re-encoded"
    assert frame_hashes(smart, count=1) != frame_hashes(sources["h264"], start=START, count=1), "the head is encoded"


def test_a_smart_cut_decodes_without_an_error_has_no_edit_list_and_keeps_the_frame_grid(smart, ffmpeg_binary):
    decoded = subprocess.run([ffmpeg_binary, "-nostdin", "-v", "error", "-i", str(smart), "-f", "null", "-"],
                             capture_output=True, text=True, check=False)
    assert decoded.returncode == 0 and decoded.stderr == ""
    boxes = mp4_boxes(smart)
    assert boxes.index("moov") < boxes.index("mdat") and not [b for b in boxes if b.endswith("/elst")]
    shown = subprocess.run([ffmpeg_binary, "-hide_banner", "-nostdin", "-i", str(smart), "-vf", "showinfo", "-f", "null", "-"],
                           capture_output=True, text=True, check=False).stderr
    times = [float(t) for t in re.findall(r"n: *\d+ pts: *\d+ pts_time:([\d.]+)", shown)]
    assert times == pytest.approx([n / FPS for n in range(len(times))], abs=0.001), "every frame on the 30 fps grid from 0"
    assert re.search(r"Video: h264 .*yuv420p\(tv, bt709", shown)
    info = read_media_info(smart)
    assert info.duration_sec == pytest.approx(END - START, abs=0.05) and info.audio_codec == "aac"


def sample_description_parameter_sets(path: Path) -> tuple[list[bytes], list[bytes]]:
    """The SPS and PPS NAL units in the MP4's avcC box (the one sample description of its video)."""
    data = path.read_bytes()
    at = data.index(b"avcC") + 4 + 5
    found: list[list[bytes]] = [[], []]
    for kind in (0, 1):
        count, at = data[at] & (0x1F if kind == 0 else 0xFF), at + 1
        for _ in range(count):
            size = int.from_bytes(data[at:at + 2], "big")
            found[kind].append(data[at + 2:at + 2 + size])
            at += 2 + size
    return found[0], found[1]


def test_the_sample_description_holds_the_sources_parameter_sets_and_the_heads(smart, sources):
    sps, pps = sample_description_parameter_sets(smart)
    source_sps, source_pps = sample_description_parameter_sets(sources["h264"])
    assert len(sps) == len(pps) == 2, "the copy's sets and the head's, each under its own id"
    assert pps[0] == source_pps[0], "the copied pictures decode with the source's own PPS"
    assert sps[0][:4] == source_sps[0][:4], "the source's profile and level first (the box's header takes them)"
    ids = smart_cut.parameter_set_ids(b"".join(b"\x00\x00\x00\x01" + unit for unit in sps))
    assert ids == {0, 1}


def test_a_smart_cut_shows_the_title_in_its_head_only_and_is_loudness_normalised(smart, sources):
    top_band = (40, 5, 560, 40)
    for at, has_title in ((1.0, True), (5.0, False), (7.0, False)):
        shown, source = luma(smart, at), luma(sources["h264"], START + at)
        assert (region_difference(shown, source, 640, top_band) > 6) is has_title, at
    reading = read_loudness(smart)
    assert reading.integrated_lufs == pytest.approx(-14.0, abs=0.5) and reading.true_peak_dbtp <= -1.0


def test_without_a_title_only_the_frames_before_the_first_keyframe_are_encoded(tmp_path, capsys, sources,
                                                                              synthetic_episode_path):
    code = main(["cut", str(synthetic_episode_path), "--start", f"{START}", "--end", f"{END}", "--aspect", "16:9",
                 "--no-captions", "--no-title", "--exact", "--source", str(sources["h264"]), "--out", str(tmp_path)])
    assert code == 0, capsys.readouterr().err
    clip = next((tmp_path / CLIPS).glob("*.mp4"))
    assert [frame_number(f) for f in gray_frames(clip, 300)] == list(range(round(START * FPS), round(END * FPS)))
    head = round((12 - START) * FPS)  # the first keyframe after the cut, at 12 s
    copied = frame_hashes(clip)[head:]
    assert copied[:-4] == frame_hashes(sources["h264"], start=12.0, count=len(copied))[:-4], "copied from 12 s on"
    top_band = (40, 5, 560, 40)
    assert region_difference(luma(clip, 1.0), luma(sources["h264"], START + 1.0), 640, top_band) <= 6, "no title"
    decoded = subprocess.run([_ffmpeg(), "-nostdin", "-v", "error", "-i", str(clip), "-f", "null", "-"],
                             capture_output=True, text=True, check=False)
    assert decoded.stderr == ""


def test_an_end_inside_a_b_frame_group_is_still_exact(tmp_path, capsys, sources, synthetic_episode_path):
    """Find, from the source's own packets, an end the copy cannot reach cleanly; cut there."""
    packets = tmp_path / "packets.txt"
    run_ffmpeg(smart_cut.listing_args(str(sources["h264"]), f"{START:.3f}", 20.0, packets, tmp_path / "sets.h264"),
               what="listing packets")
    listing_ = parse_listing(packets.read_text(encoding="utf-8"))
    ends = [START + n / FPS for n in range(240, 300)]
    end = next(e for e in ends if (plan := plan_smart_cut(listing_, e - START, Fraction(FPS), 4.0)) and plan.tail_frames)
    clip = cut_16_9(capsys, synthetic_episode_path, sources["h264"], tmp_path, START, round(end, 3))
    frames = gray_frames(clip, 400)
    assert [frame_number(f) for f in frames] == list(range(round(START * FPS), round(end * FPS)))
    decoded = subprocess.run([_ffmpeg(), "-nostdin", "-v", "error", "-i", str(clip), "-f", "null", "-"],
                             capture_output=True, text=True, check=False)
    assert decoded.stderr == ""


def test_a_source_that_is_not_h264_is_encoded_whole_and_still_exact(tmp_path, capsys, sources, synthetic_episode_path):
    clip = cut_16_9(capsys, synthetic_episode_path, sources["mpeg4"], tmp_path, START, END)
    frames = gray_frames(clip, 400)
    assert [frame_number(f) for f in frames] == list(range(round(START * FPS), round(END * FPS)))
    assert read_media_info(clip).video_codec == "h264"
    decoded = subprocess.run([_ffmpeg(), "-nostdin", "-v", "error", "-i", str(clip), "-f", "null", "-"],
                             capture_output=True, text=True, check=False)
    assert decoded.stderr == ""


def test_a_smart_cut_from_a_fetched_range_is_exact_and_copied(tmp_path, capsys, media_server, media_dir, synthetic_episode_path,
                                                            ffmpeg_binary):
    code = main(["cut", str(synthetic_episode_path), "--start", "40", "--end", "49", "--aspect", "16:9", "--no-captions",
                 "--exact", "--source", media_server.url("video.mp4"), "--out", str(tmp_path)])
    assert code == 0, capsys.readouterr().err
    clip = next((tmp_path / CLIPS).glob("*.mp4"))
    assert [frame_number(f) for f in gray_frames(clip, 400)] == list(range(40 * FPS, 49 * FPS))
    copied = frame_hashes(clip)[5 * FPS:]  # keyframes every 3 s: the copy starts at 45 s
    assert len(copied) == 4 * FPS and copied == frame_hashes(media_dir / "video.mp4", start=45.0, count=4 * FPS)


def audio_packet_times(path: Path) -> list[str]:
    text = subprocess.run([_ffmpeg(), "-nostdin", "-v", "error", "-i", str(path), "-map", "0:a", "-c", "copy", "-f", "framecrc", "-"],
                          capture_output=True, text=True, check=True).stdout
    return [",".join(line.split(",")[1:3]) for line in text.splitlines() if line and not line.startswith("#")]


def test_the_sound_of_a_smart_cut_is_timed_as_in_a_whole_encode(tmp_path, smart, sources, synthetic_episode_path):
    """The same span cut whole (16:9 with captions is encoded whole): its sound starts and ends the same."""
    code = main(["cut", str(synthetic_episode_path), "--start", f"{START}", "--end", f"{END}", "--aspect", "16:9", "--exact",
                 "--source", str(sources["h264"]), "--out", str(tmp_path)])
    assert code == 0
    whole = next((tmp_path / CLIPS).glob("*.mp4"))
    assert audio_packet_times(smart) == audio_packet_times(whole)
    assert video_frame_count(smart) == video_frame_count(whole)


def test_a_source_whose_timestamps_do_not_start_at_zero_is_cut_where_ffmpeg_seeks(tmp_path, capsys, sources,
                                                                                   synthetic_episode_path):
    """The concat demuxer's in and out points count from the file's first timestamp, `-ss` from its start."""
    shifted = tmp_path / "shifted.mp4"
    run_ffmpeg(["-y", "-i", str(sources["h264"]), "-c", "copy", "-output_ts_offset", "5", str(shifted)], what="shifting")
    assert (read_media_info(shifted).duration_sec or 0) > 30
    clip = cut_16_9(capsys, synthetic_episode_path, shifted, tmp_path / "out", START, END)
    count = round((END - START) * FPS)
    assert frame_hashes(clip)[-60:-4] == frame_hashes(shifted, start=START, count=count)[-60:-4], "the copy is where -ss says"
    assert video_frame_count(clip) == count


@pytest.mark.parametrize("listed_from, cut_at, start_sec", [("7.500", "10.500", 0), ("9.100", "12.347", 0), ("9.100", "12.347", 5.013)])
def test_packets_listed_from_an_earlier_seek_are_counted_from_the_cut_as_ffmpeg_counts_them(tmp_path, sources, listed_from,
                                                                                          cut_at, start_sec):
    """The listening pass lists the packets from 3 s before the clip (its own seek), the clip may start
    later (snapped to the speech): its times, rounded to the stream's ticks, are what a listing from
    the cut's own seek says (a source whose timestamps begin at `start_sec` too)."""
    source = tmp_path / "source.mp4"
    run_ffmpeg(["-y", "-i", str(sources["h264"]), "-c", "copy", "-output_ts_offset", f"{start_sec}", str(source)], what="shifting")

    def listed(seek: str, seconds: float) -> smart_cut.Listed:
        packets, parameter_sets = tmp_path / f"{seek}.txt", tmp_path / f"{seek}.h264"
        said = run_ffmpeg(smart_cut.listing_args(str(source), seek, seconds, packets, parameter_sets), what="listing")
        return smart_cut.Listed(str(source), packets, parameter_sets, seek, said)

    early, at_cut = listed(listed_from, 16.0), listed(cut_at, 8.0)
    rebased, fresh = smart_cut.listing_from(early, cut_at, 8.0), parse_listing(at_cut.packets.read_text())
    assert rebased is not None and len(fresh.packets) > 200 and set(fresh.packets) <= set(rebased.packets)
    assert rebased.time_base == fresh.time_base
    assert smart_cut.listing_from(early, cut_at, 16.0) is None, "not listed far enough past the clip's end"


def test_a_source_with_its_sound_first_is_encoded_whole_and_exact(tmp_path, capsys, sources, synthetic_episode_path):
    """The concat demuxer pairs streams by their order: a source whose first stream is not its video is not copied."""
    swapped = tmp_path / "sound-first.mp4"
    run_ffmpeg(["-y", "-i", str(sources["h264"]), "-map", "0:a", "-map", "0:v", "-c", "copy", str(swapped)], what="swapping")
    clip = cut_16_9(capsys, synthetic_episode_path, swapped, tmp_path / "out", START, END)
    assert [frame_number(f) for f in gray_frames(clip, 400)] == list(range(round(START * FPS), round(END * FPS)))
    info = read_media_info(clip)
    assert info.fps == pytest.approx(FPS, abs=0.3) and info.duration_sec == pytest.approx(END - START, abs=0.05)


@pytest.mark.parametrize(("said", "problem"), [
    ("Input #0, mov\n  Stream #0:0[0x1](und): Video: h264 (High)\n  Stream #0:1[0x2](und): Audio: aac\n"
     "Output #0, framecrc\n  Stream #0:0: Video: h264", ""),
    ("Input #0, mov\n  Stream #0:0[0x1](und): Audio: aac\n  Stream #0:1[0x2](und): Video: h264 (High)\n"
     "Output #0, framecrc\n  Stream #0:0: Video: h264", "the source's first stream is not its video"),
    ("Input #0, mov\n  Stream #0:0[0x1](und): Video: h264 (High)\n    Side data:\n      displaymatrix: rotation of -90.00 degrees\n"
     "Output #0, framecrc\n", "the picture is rotated for display"),
])
def test_what_ffmpeg_says_of_the_source_can_rule_a_smart_cut_out(said, problem):
    assert smart_cut.source_problem(said) == problem

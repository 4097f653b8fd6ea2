"""Fetching sources from servers that misbehave: every fetch ends, with one line, leaving nothing behind.

The servers are tests/media.py's, on 127.0.0.1; the fetches are clipper's real ones (yt-dlp and ffmpeg).
"""
from __future__ import annotations

import time

import pytest

from clipper.download import NETWORK_TIMEOUT_VARIABLE, byte_cap, fetch
from clipper.errors import ToolError
from clipper.ffmpeg import find_ffmpeg
from clipper.sources import fetched_source

pytestmark = pytest.mark.usefixtures("ffmpeg_binary")


def test_a_server_that_never_ends_is_cut_off_at_what_the_video_can_hold(tmp_path, media_server):
    target = tmp_path / "whole.mp4"
    with pytest.raises(ToolError) as failure:
        fetch(media_server.url("endless.mp4"), target, find_ffmpeg(), video_sec=2.0)
    assert "the server sent more than 55 MB, more than a video of this length holds" in failure.value.message
    assert not list(tmp_path.iterdir()), "no partial file left"
    assert byte_cap(2.0) < media_server.ENDLESS_LIMIT


@pytest.mark.parametrize("time_range", [None, (10.0, 20.0)], ids=["whole", "range"])
def test_a_stalled_server_times_out(tmp_path, media_server, monkeypatch, time_range):
    monkeypatch.setenv(NETWORK_TIMEOUT_VARIABLE, "1")
    started = time.monotonic()
    with pytest.raises(ToolError, match="cannot download the video"):
        fetch(media_server.url("stall.mp4"), tmp_path / "part.mp4", find_ffmpeg(), time_range, video_sec=90.0)
    assert time.monotonic() - started < 15, "bounded by the network timeout, not the server's 20 s"
    assert not list(tmp_path.iterdir())


def test_a_redirect_loop_is_one_line(tmp_path, media_server):
    with pytest.raises(ToolError) as failure:
        fetch(media_server.url("loop.mp4"), tmp_path / "whole.mp4", find_ffmpeg())
    message = failure.value.message
    assert "\n" not in message and "redirect" in message and message.count("cannot download") == 1


def test_what_cannot_be_read_is_not_kept_in_the_cache(tmp_path, media_server, monkeypatch):
    monkeypatch.setenv(NETWORK_TIMEOUT_VARIABLE, "1")
    sources = fetched_source(media_server.url("stall.mp4"), [(10.0, 13.0)], 90.0, tmp_path)
    assert len(sources.failures) == 1 and not sources.files
    assert not [p for p in tmp_path.rglob("*") if p.suffix in (".mp4", ".part")]


def test_a_damaged_cache_index_means_fetching_again(tmp_path, media_server):
    url = media_server.url("video.mp4")
    first = fetched_source(url, [(10.0, 13.0)], 90.0, tmp_path)
    (index,) = tmp_path.rglob("index.json")
    for damage in (b"\xff\xfe not json", b"[1, 2]", b'{"../x.mp4": {"start_sec": 0, "end_sec": 5}}',
                   b'{"range.mp4": {"start_sec": "a"}}'):
        index.write_bytes(damage)
        again = fetched_source(url, [(10.0, 13.0)], 90.0, tmp_path)
        assert again.files and not again.failures
        assert again.files[0].start_sec == first.files[0].start_sec

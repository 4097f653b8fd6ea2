from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from clipper.ffmpeg import ENVIRONMENT_VARIABLE, chosen_ffmpeg, default_candidates

# ffmpeg probes are remembered under $XDG_CACHE_HOME: the tests' fake ffmpegs stay out of the user's.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="clipper-test-cache-")

DATA = Path(__file__).parent / "data"
PODCAST = DATA / "_podcast"
PEOPLE = DATA / "_people"
SEEDS = DATA / "seeds"

# Files that must not load, with the line their one-line error must name.
BROKEN_EPISODES = {
    "_template.md": 6,
    "_theme-park-crowd-modeling-to-tesla-full-stack-data-engineering.md": 1,
}
EPISODE_SEEDS = sorted(SEEDS.glob("00[124]_*.txt"))
GOOD_EPISODES = sorted(p for p in PODCAST.iterdir() if p.name not in BROKEN_EPISODES) + EPISODE_SEEDS


@pytest.fixture
def seed_001() -> Path:
    return SEEDS / "001_e4d990a6fba344ba.txt"


def _ffmpeg_id(path: str) -> str:
    from clipper.ffmpeg import Origin, probe_ffmpeg

    origin = dict(default_candidates())[path]
    return f"{'system' if origin is Origin.PATH else 'wheel'}-ffmpeg-{probe_ffmpeg(path, origin).version.split('-')[0]}"


# Every ffmpeg this machine has: PATH's (a distribution's) and the imageio-ffmpeg wheel's. The
# media tests run against each; CI installs Debian's, so both are always there (test_ffmpeg.py).
FFMPEGS = [path for path, _ in default_candidates()]


@pytest.fixture(scope="module", params=FFMPEGS, ids=_ffmpeg_id)
def ffmpeg_binary(request) -> Iterator[str]:
    """Runs a test module's media tests once per ffmpeg, through $CLIPPER_FFMPEG (subprocesses too)."""
    patch = pytest.MonkeyPatch()
    patch.setenv(ENVIRONMENT_VARIABLE, request.param)
    chosen_ffmpeg.cache_clear()
    yield request.param
    patch.undo()
    chosen_ffmpeg.cache_clear()


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory) -> Path:
    """A 90 s synthetic video (frame numbers drawn as bits, GOP 3 s), made once with ffmpeg."""
    from .media import make_video

    folder = tmp_path_factory.mktemp("media")
    make_video(folder / "video.mp4", 90)
    return folder


@pytest.fixture(scope="session")
def media_server(media_dir):
    from .media import MediaServer

    server = MediaServer(media_dir)
    yield server
    server.close()


SYNTHETIC_EPISODE = DATA / "synthetic" / "_podcast" / "synthetic-episode.md"


@pytest.fixture
def synthetic_episode() -> Path:
    return SYNTHETIC_EPISODE


@pytest.fixture(scope="session")
def synthetic_episode_path() -> Path:
    return SYNTHETIC_EPISODE

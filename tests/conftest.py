from __future__ import annotations

from pathlib import Path

import pytest

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

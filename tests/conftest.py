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

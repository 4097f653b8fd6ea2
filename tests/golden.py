"""Golden files: one episode in, one expected file out per format (`make golden` rewrites them)."""
from __future__ import annotations

from pathlib import Path

from clipper import api
from clipper.episode_file import read_episode
from clipper.formats import CHAPTER_FORMATS
from clipper.review import render_page
from clipper.templating import make_environment

from .conftest import PEOPLE, PODCAST, SEEDS

GOLDEN = Path(__file__).parent / "golden"
RESULTS = Path(__file__).parent / ".results"
CASES = {
    "clips-001": SEEDS / "001_e4d990a6fba344ba.txt",
    "headers-002": SEEDS / "002_c3dced088ed158fe.txt",
    "clips-no-duration-mentoring": PODCAST / "mentoring-in-tech-how-to-find-and-become-a-mentor.md.md",
}
CHAPTER_FILES = {"youtube": "chapters.youtube.txt", "podcast-json": "chapters.json", "vtt": "chapters.vtt", "ffmetadata": "chapters.ffmeta", "clips": "clips.yaml"}


def render_case(source: Path) -> dict[str, str]:
    """Every output clipper makes for one episode, by golden file name."""
    episode = read_episode(source, PEOPLE)
    notes = api.build_show_notes(episode)
    files = api.render_notes(notes, make_environment())
    _, fitted = api.episode_chapters(episode)
    files.update({name: CHAPTER_FORMATS[fmt](episode, fitted) for fmt, name in CHAPTER_FILES.items()})
    files["index.html"] = render_page(notes, GOLDEN / "no-outputs-yet")  # the review page before notes and clips
    return files

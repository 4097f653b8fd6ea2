from __future__ import annotations


import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clipper.chapters import (
    TITLE_MAX_CHARS, YOUTUBE_MIN_CHAPTER_SEC, ChapterSet, YOUTUBE_MIN_CHAPTERS, derive_chapters, episode_end_sec, fit_youtube,
    more_meaningful, shorten_title, shorten_titles,
)
from clipper.episode_file import read_episode
from clipper.errors import ChapterError
from clipper.formats import youtube_chapters
from clipper.model import Chapter, Clip, Episode, Header, TranscriptLine

from .conftest import GOOD_EPISODES, PEOPLE, SEEDS


def chapters(*spans):
    return tuple(Chapter(title, start, end) for title, start, end in spans)


def episode_with(transcript=(), clips=(), duration=None):
    return Episode(path="ep.md", slug="ep", title="T", transcript=tuple(transcript), clips=tuple(clips), duration_sec=duration)


def line(sec, text="Some words here.", who="A"):
    return TranscriptLine(text, who, sec)


def test_clips_come_before_headers():
    episode = episode_with([Header("H"), line(5)], [Clip("C1", 0, 60), Clip("C2", 60, 120)], duration=120)
    result = derive_chapters(episode)
    assert result.source == "quotableClips"
    assert result.chapters == chapters(("C1", 0, 60), ("C2", 60, 120))


def test_header_starts_at_first_timed_line_after_it():
    transcript = [line(0), Header("A"), line(None), line(40), line(50), Header("B"), Header("C"), line(90), line(95)]
    result = derive_chapters(episode_with(transcript, duration=200))
    assert result.source == "headers"
    assert result.chapters == chapters(("A", 40, 90), ("B", 90, 90), ("C", 90, 200))


def test_leading_header_without_lines_covers_the_untranscribed_start(seed_001):
    episode = read_episode(seed_001, PEOPLE)
    from_headers = derive_chapters(episode_with(episode.transcript, duration=episode.duration_sec)).chapters
    assert from_headers[0] == Chapter("Podcast Introduction", 0, 71)
    assert from_headers[1].title == "Episode kickoff and guest reintroduction" and from_headers[1].start_sec == 71


def test_no_clips_no_headers_gives_automatic_chapters_or_none_without_times():
    found = derive_chapters(episode_with([line(0)], duration=60))
    assert found.source == "automatic" and found.chapters == (Chapter("Words", 0, 60),), "titled with its own words"
    assert derive_chapters(episode_with([line(None)])) == ChapterSet((), "none")


def test_headers_without_any_times_are_refused():
    with pytest.raises(ChapterError, match="no times"):
        derive_chapters(episode_with([Header("A"), line(None)]))


def test_end_is_duration_else_last_line_plus_tail():
    assert episode_end_sec(episode_with([line(100)], duration=500)) == 500
    words = " ".join(["word"] * 100)  # 40 s to say at 150 words a minute
    assert episode_end_sec(episode_with([line(100, words)])) == 140
    assert episode_end_sec(episode_with([line(100, "Bye.")])) == 110
    assert episode_end_sec(episode_with([])) is None


# fit_youtube: an edge-case table (adjacent, overlapping, tiny, at 0:00, at the end).
@pytest.mark.parametrize("given_chapters, duration, expected, repair_words", [
    (chapters(("A", 0, 60), ("B", 60, 120), ("C", 120, 180)), 180, [(0, "A"), (60, "B"), (120, "C")], []),
    (chapters(("A", 5, 60), ("B", 60, 120), ("C", 120, 180)), 180, [(0, "A"), (60, "B"), (120, "C")], ["moved the first chapter"]),
    (chapters(("A", 30, 60), ("B", 60, 120), ("C", 120, 180)), 180, [(0, "Introduction"), (30, "A"), (60, "B"), (120, "C")], ["added 'Introduction'"]),
    (chapters(("Podcast intro", 91, 120), ("B", 120, 180), ("C", 180, 240)), 240, [(0, "Podcast intro"), (120, "B"), (180, "C")], ["moved the first chapter"]),
    (chapters(("Intro", 0, 4), ("Deep learning", 4, 60), ("B", 60, 120), ("C", 120, 180)), 180, [(0, "Deep learning"), (60, "B"), (120, "C")], ["merged 'Intro'"]),
    (chapters(("A", 0, 60), ("B", 60, 60), ("Real topic", 60, 120), ("C", 120, 180)), 180, [(0, "A"), (60, "Real topic"), (120, "C")], ["merged"]),
    (chapters(("A", 0, 60), ("B", 60, 120), ("C", 120, 175), ("Bye", 175, 180)), 180, [(0, "A"), (60, "B"), (120, "C")], ["merged 'Bye'"]),
    (chapters(("A", 0, 60), ("A", 60, 120), ("B", 120, 180), ("C", 180, 240)), 240, [(0, "A"), (120, "B"), (180, "C")], ["duplicate"]),
    (chapters(("B", 60, 120), ("A", 0, 60), ("C", 120, 180)), 180, [(0, "A"), (60, "B"), (120, "C")], ["sorted"]),
    (chapters(("A", 0, 60), ("B", 60, 120), ("C", 120, 180), ("Late", 200, 260)), 180, [(0, "A"), (60, "B"), (120, "C")], ["after the end"]),
    (chapters(("A", 0.0, 10.4), ("B", 10.4, 20.9), ("C", 20.9, 40)), 40, [(0, "A"), (10, "B"), (20, "C")], []),
])
def test_fit_youtube_table(given_chapters, duration, expected, repair_words):
    fitted = fit_youtube(given_chapters, duration)
    assert [(c.start_sec, c.title) for c in fitted.chapters] == expected
    assert len(fitted.repairs) == len(repair_words), fitted.repairs
    for words in repair_words:
        assert any(words in repair for repair in fitted.repairs), fitted.repairs
    assert fitted.is_valid


def test_too_few_chapters_says_youtube_will_not_show_them():
    fitted = fit_youtube(chapters(("Alpha", 0, 60), ("Beta", 60, 65)), 65)
    assert not fitted.is_valid and "at least 3" in fitted.problem
    assert [c.title for c in fitted.chapters] == ["Alpha"]


def test_long_titles_are_trimmed_where_a_phrase_ends():
    title = "Staff engineer archetypes: deep specialist, cross-team advisor, hands-on mentor"
    fitted = fit_youtube(chapters((title, 0, 60), ("B", 60, 120), ("C", 120, 180)), 180)
    assert fitted.chapters[0].title == title  # kept whole for podcast apps and notes
    shortened, repairs = shorten_titles(fitted.chapters)
    short = shortened[0].title
    assert short == "Staff engineer archetypes: deep specialist, cross-team advisor"
    assert len(short) <= TITLE_MAX_CHARS and repairs == (f"shortened the title '{title}' to {len(short)} characters",)
    assert shorten_title("Tools of the trade: Structured Output, and the rest of what we use every day", 40) == "Tools of the trade: Structured Output"
    assert shorten_titles((Chapter("x" * 100, 0, 10),))[0][0].title == "x" * 69 + "…", "no phrase: cut at a word"
    assert shorten_title("Why " + "very " * 20 + "long", 30) == "Why very very very very very…"


def test_more_meaningful_keeps_specific_titles_then_the_longer_chapter():
    intro, topic = Chapter("Podcast Introduction", 0, 60), Chapter("Guest background: physics", 60, 65)
    assert more_meaningful(intro, topic) is topic
    assert more_meaningful(Chapter("Intro", 0, 5), Chapter("MLOps at scale", 5, 9)).title == "MLOps at scale"
    assert more_meaningful(Chapter("Tools", 0, 5), Chapter("MLOps at scale", 5, 90)).title == "MLOps at scale"


def _yt_dlp_chapters(description: str, duration: float) -> list[dict]:
    from yt_dlp import YoutubeDL
    from yt_dlp.extractor.common import InfoExtractor
    return InfoExtractor(YoutubeDL({"quiet": True}))._extract_chapters_from_description(description, duration) or []


def assert_obeys_youtube_rules(fitted, duration):
    """Every rule of specs.md, and yt-dlp's own parser reads back exactly what we wrote."""
    starts = [c.start_sec for c in fitted.chapters]
    assert len(fitted.chapters) >= YOUTUBE_MIN_CHAPTERS
    assert starts[0] == 0
    assert all(b - a >= YOUTUBE_MIN_CHAPTER_SEC for a, b in zip(starts, starts[1:]))
    assert duration - starts[-1] >= YOUTUBE_MIN_CHAPTER_SEC
    shown, _ = shorten_titles(fitted.chapters)
    assert all(0 < len(c.title) <= TITLE_MAX_CHARS and "\n" not in c.title for c in shown)
    text = youtube_chapters.render(fitted)
    parsed = _yt_dlp_chapters(text, duration)
    assert [p["start_time"] for p in parsed] == starts
    assert [p["title"] for p in parsed] == [c.title for c in shown]


@pytest.mark.parametrize("path", [p for p in GOOD_EPISODES], ids=lambda p: p.name)
def test_every_real_episode_gives_youtube_ready_chapters(path):
    episode = read_episode(path, PEOPLE)
    chapter_set = derive_chapters(episode)
    if chapter_set.source == "none":
        return
    duration = episode.duration_sec or episode_end_sec(episode)
    fitted = fit_youtube(chapter_set.chapters, duration)
    assert fitted.is_valid, fitted.problem
    assert_obeys_youtube_rules(fitted, duration)


titles = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=120)
raw_chapters = st.lists(st.tuples(titles, st.floats(0, 7200, allow_nan=False), st.floats(0, 600, allow_nan=False)), max_size=40)


@settings(max_examples=300, deadline=None)
@given(raw_chapters, st.floats(1, 8000, allow_nan=False))
def test_youtube_output_obeys_every_rule_or_says_why(raw, duration):
    given_chapters = tuple(Chapter(title, start, start + length) for title, start, length in raw)
    fitted = fit_youtube(given_chapters, duration)
    if fitted.is_valid:
        assert_obeys_youtube_rules(fitted, duration)
    else:
        assert "YouTube shows chapters only when" in fitted.problem
        assert len(fitted.chapters) < YOUTUBE_MIN_CHAPTERS


def test_seed_004_first_line_at_86_s_still_starts_at_zero():
    episode = read_episode(SEEDS / "004_3906d015fbf49c7b.txt", PEOPLE)
    fitted = fit_youtube(derive_chapters(episode).chapters, episode_end_sec(episode))
    assert fitted.chapters[0].start_sec == 0 and fitted.is_valid

"""The intro clipper makes for an episode without one: facts of the episode and people files."""
from __future__ import annotations

from dataclasses import replace

from clipper.api import build_show_notes
from clipper.episode_file import read_episode
from clipper.formats.show_notes import intro_paragraphs
from clipper.intro import guest_role, made_intro
from clipper.people import load_guests
from clipper.templating import make_environment

from .conftest import PEOPLE, PODCAST

ENVIRONMENT = make_environment()


def _person(person_id: str):
    guests, _ = load_guests([person_id], PEOPLE, "test", 1)
    return guests[0]


def test_a_guests_role_comes_from_the_first_sentence_of_their_bio():
    assert guest_role(_person("adityagautam")).role == "an AI researcher and engineer"
    assert guest_role(_person("alexeygrigorev")).role == "the founder of DataTalks.Club"
    assert guest_role(_person("marysiawinkels")).role == "a Lead Data Scientist at GoDataDriven", "'She now works as…'"
    assert guest_role(_person("johannabayer")).role == "", "no 'is a…' sentence: no role rather than a guess"


def test_the_made_intro_names_the_guest_and_what_the_human_chapters_cover():
    episode = read_episode(PODCAST / "s23e03-future-of-ai-agents.md", PEOPLE)
    assert not episode.intro
    notes = build_show_notes(episode)
    intro, = intro_paragraphs(notes, ENVIRONMENT)
    assert intro.startswith("Aditya Gautam, an AI researcher and engineer, talks about “The Future of AI Agents”. The conversation covers ")
    assert all(subject in intro for subject in notes.made_intro.subjects) and notes.made_intro.subjects_are_titles
    assert "Introduction" not in notes.made_intro.subjects
    assert notes.made_intro.lesson in notes.summary.quotes
    assert f"In Aditya’s words: “{notes.made_intro.lesson.text}”" in intro


def test_without_a_quote_taking_a_stand_the_intro_gives_the_first_quote():
    episode = read_episode(PODCAST / "s23e03-future-of-ai-agents.md", PEOPLE)
    summary = build_show_notes(episode).summary
    plain = replace(summary, quotes=tuple(replace(q, text="Agents call tools in a loop.") for q in summary.quotes))
    made = made_intro(episode, (), "automatic", plain)
    assert made.lesson == plain.quotes[0]


def test_without_chapters_of_a_human_the_intro_names_the_episodes_topics():
    episode = read_episode(PODCAST / "crisp-dm.md", PEOPLE)
    notes = build_show_notes(replace(episode, transcript=episode.lines, intro=""))
    intro, = intro_paragraphs(notes, ENVIRONMENT)
    assert "The conversation covers data science, machine learning and project management." in intro


def test_an_episode_with_an_intro_keeps_it():
    episode = read_episode(PODCAST / "data-centric-ai.md", PEOPLE)
    notes = build_show_notes(episode)
    assert notes.made_intro is None and not notes.intro_is_made
    assert intro_paragraphs(notes, ENVIRONMENT)[0].startswith("How much can improving label quality")

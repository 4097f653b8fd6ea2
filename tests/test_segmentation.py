"""Automatic chapters: shape, titles, and agreement with the chapters human editors made."""
from __future__ import annotations

import re
from dataclasses import replace

import pytest

from benchmarks.chapters_bench import automatic_boundaries, headed_episodes, hidden_headers, loadable_episodes, score_methods
from clipper.chapters import derive_chapters, episode_end_sec, fit_youtube
from clipper.formats import youtube_chapters
from clipper.segmentation import (
    MIN_CHAPTER_SEC,
    TITLE_WORDS,
    _asked_first,
    Vocabulary,
    _is_term,
    _stemmed,
    automatic_chapters,
    described_stems,
    same_root,
)
from clipper.keywords import Background
from clipper.textrank import FILLER_WORDS, content_words, noun_stems, stem

from .conftest import DATA, PODCAST, SEEDS

HEADED = headed_episodes([PODCAST, SEEDS], DATA / "_people")


def test_the_corpus_has_human_chapters_to_compare_with():
    assert len(HEADED) >= 10


@pytest.mark.parametrize("episode", HEADED, ids=lambda e: e.slug[:40])
def test_automatic_chapters_look_like_an_editors(episode):
    plain = hidden_headers(episode)
    end = episode_end_sec(plain)
    chapters = automatic_chapters(plain, end)
    starts = [c.start_sec for c in chapters]
    assert starts[0] == 0 and starts == sorted(starts)
    assert all(later - earlier >= MIN_CHAPTER_SEC for earlier, later in zip(starts, starts[1:] + [end]))
    line_starts = {line.sec for line in plain.lines}
    assert all(start in line_starts for start in starts[1:]), "chapters start where a line starts"
    assert 90 <= end / len(chapters) <= 300, "1.5 to 5 minutes a chapter on average"


@pytest.mark.parametrize("episode", HEADED, ids=lambda e: e.slug[:40])
def test_automatic_titles_are_readable_phrases_from_the_chapter(episode):
    plain = hidden_headers(episode)
    chapters = automatic_chapters(plain, episode_end_sec(plain))
    titles = [c.title for c in chapters]
    assert len({t.casefold() for t in titles}) == len(titles), "no two titles the same"
    spoken = " ".join(line.text for line in plain.lines).casefold()
    spoken_as_written = set(re.findall(r"[\w'-]+", " ".join(line.text for line in plain.lines)))
    guests = [guest.name for guest in plain.guests if guest.is_known]
    for chapter in chapters:
        if chapter.title.startswith("Introduction: "):  # whom the host introduces, as the people files name them
            assert chapter is chapters[0] and chapter.title == f"Introduction: {', '.join(guests)}", chapter.title
            continue
        words = re.findall(r"[\w'-]+", chapter.title.casefold())
        assert 0 < len(chapter.title) <= 60 and chapter.title[0].isupper()
        assert not set(words) <= FILLER_WORDS | {"and"}, chapter.title
        labels = ("and", "part", "introduction")
        assert all(word in spoken for word in words if word not in labels), f"{chapter.title}: words said in the episode, not stems"
        assert not re.fullmatch(r"[\w' -]+ and [\w' -]+", chapter.title) or chapter.title.endswith("?"), "no 'X and Y' pairs"
        if ": " in chapter.title:  # the chapter's key phrase, then other nouns it is about, all said in it
            said = " ".join(line.text for line in plain.lines if chapter.start_sec <= line.sec < chapter.end_sec).casefold()
            first, listed = chapter.title.casefold().split(": ")
            opening = first.endswith("’s background")  # "<Guest>’s background: " and the answer's subjects
            assert (first in said or opening) and all(phrase in said for phrase in listed.split(", ")), chapter.title
            assert 2 <= len(re.findall(r"[\w'’-]+", chapter.title)) <= TITLE_WORDS, chapter.title
        later_words = re.findall(r"[\w'-]+", chapter.title)[1:]
        assert all(word[:1].islower() or word in spoken_as_written for word in later_words), f"sentence case: {chapter.title}"
    heads = [_stemmed(title.split(": ")[0]) for title in titles if ": " in title]
    assert len(set(heads)) >= 0.9 * len(heads), f"titles open on their own phrases: {titles}"


def test_automatic_chapters_beat_both_baselines():
    scores = score_methods(HEADED)
    ours = scores["automatic (clipper)"].f1
    assert ours > scores["baseline: equal-length chapters"].f1 + 0.1
    assert ours > scores["baseline: a chapter at each host question"].f1 + 0.03


def test_automatic_chapters_are_youtube_ready():
    episode = hidden_headers(HEADED[0])
    chapter_set = derive_chapters(episode)
    assert chapter_set.source == "automatic"
    fitted = fit_youtube(chapter_set.chapters, episode_end_sec(episode))
    assert fitted.is_valid and not fitted.repairs
    assert youtube_chapters.render(fitted).startswith("0:00 ")


def test_boundaries_prefer_host_questions():
    episode = HEADED[0]
    questions = {line.sec for line in episode.lines if "?" in line.text}
    found = automatic_boundaries(episode)
    assert sum(start in questions for start in found) >= 0.6 * len(found)


def test_automatic_chapters_can_be_written_back_as_quotable_clips(capsys):
    import yaml

    from clipper.cli import main

    assert main(["chapters", str(PODCAST / "crisp-dm.md"), "--format", "clips"]) == 0
    clips = yaml.safe_load(capsys.readouterr().out)["quotableClips"]
    assert clips[0]["startOffset"] == 0 and len(clips) >= 10
    assert all(a["endOffset"] == b["startOffset"] for a, b in zip(clips, clips[1:]))
    assert all("&t=" in clip["url"] for clip in clips)


def test_words_used_as_verbs_are_not_taken_for_nouns():
    texts = ["This gives us the category.", "It gives a number.", "The model gives the category.", "We deploy the model."]
    nouns = noun_stems(texts)
    assert {stem("category"), stem("model"), stem("number")} <= nouns
    assert stem("gives") not in nouns and stem("deploy") not in nouns


def _titles(slug: str) -> list[str]:
    plain = hidden_headers(next(e for e in HEADED if e.slug == slug))
    return [c.title for c in automatic_chapters(plain, episode_end_sec(plain))]


def test_the_chapter_answering_the_background_question_is_the_guests_background():
    # "Before we go into our main topic of DataOps, let's start with your background." - the guest
    # (speaker label Christopher's first name as the transcript gives it) answers in the next chapter.
    titles = _titles("dataops-automation-and-reliable-data-pipelines")
    assert titles[0] == "Introduction: Christopher Bergh" and titles[1].startswith("Chris’s background: ")
    jekaterina = _titles("_s12e08")
    assert jekaterina[0] == "Introduction: Jekaterina Kokatjuhha" and jekaterina[1].startswith("Jekaterina’s background: ")


def test_without_a_background_question_no_background_title():
    # Nobody asks the guest about "your background" in the first chapters here: no chapter claims
    # it; the first line welcomes the audience ("Hi everyone, welcome to our event"): the introduction.
    titles = _titles("s23e03-future-of-ai-agents")
    assert not any(title.endswith("’s background") for title in titles) and titles[0] == "Introduction: Aditya Gautam"


def test_an_opening_that_introduces_nothing_is_not_called_the_introduction():
    plain = hidden_headers(next(e for e in HEADED if e.slug == "s23e03-future-of-ai-agents"))
    opening = next(line for line in plain.transcript if line.sec is not None)
    muted = replace(plain, transcript=tuple(replace(line, text="Events are where we meet.") if line is opening else line
                                            for line in plain.transcript))
    assert automatic_chapters(muted, episode_end_sec(muted))[0].title != "Introduction"


def test_a_title_lists_the_nouns_the_chapter_repeats_after_its_key_phrase():
    titles = _titles("becoming-data-freelancer")
    listed = [title for title in titles if ": " in title and ", " in title]
    assert len(listed) >= len(titles) // 3, titles
    assert any(title.startswith("Sales ") and "Spanish" in title for title in titles), titles


def test_two_listed_words_the_chapter_says_together_stand_as_one_phrase():
    titles = _titles("machine-learning-system-design-interview")
    assert any("machine learning" in title for title in titles), titles
    assert not any("machine, learning" in title or "learning, machine" in title for title in titles), titles


def test_the_words_written_about_an_episode_are_its_own_fields_and_guests_bios():
    episode = next(e for e in HEADED if e.slug == "becoming-data-freelancer")
    described = described_stems(replace(episode, description="", intro="", topics=(), keywords=()))
    assert stem("freelancer") in described  # the short title: "Become a Data Freelancer"
    assert not described_stems(replace(episode, short="", description="", intro="", topics=(), keywords=(), guests=()))


def test_a_word_every_episode_says_weighs_less_in_titles():
    plain = hidden_headers(next(e for e in HEADED if e.slug == "becoming-data-freelancer"))
    # "client", not "freelancer": the episode's own short title ("Become a Data Freelancer") says what
    # it is about, whatever other episodes say.
    common = Background(10, {stem("client"): 10})

    def naming(background: Background | None) -> int:
        titles = [c.title for c in automatic_chapters(plain, episode_end_sec(plain), background)]
        return sum(stem(word) == stem("client") for title in titles for word in content_words(title))
    assert naming(common) < 0.7 * naming(Background())


def test_forms_of_one_word_share_a_root_and_other_words_do_not():
    assert same_root(stem("mentorship"), stem("mentoring")) and same_root(stem("LLMs"), stem("LLM"))
    assert same_root(stem("agentic"), stem("agents"))
    assert not same_root(stem("database"), stem("data")) and not same_root(stem("particle"), stem("part"))


@pytest.mark.parametrize("slug", ["mentoring-in-tech-how-to-find-and-become-a-mentor", "s23e03-future-of-ai-agents"])
def test_a_title_says_no_word_twice_in_two_forms(slug):
    # The mentoring episode said "Mentorship experience mentoring"; the agents one "LLMs: …, LLM".
    episode = next(e for e in loadable_episodes([PODCAST], DATA / "_people") if e.slug == slug)
    plain = hidden_headers(episode)
    for chapter in automatic_chapters(plain, episode_end_sec(plain)):
        stems = [stem(word) for word in content_words(chapter.title.replace("’s ", " "))]
        assert not any(same_root(a, b) for i, a in enumerate(stems) for b in stems[i + 1:]), chapter.title


def test_a_key_phrase_takes_an_s_on_its_last_word_only():
    # "Agent follows principles" (a verb between two nouns) titled a chapter of the agents episode.
    titles = _titles("s23e03-future-of-ai-agents")
    assert not any("follows" in title.split(": ")[0].casefold() for title in titles), titles
    said = frozenset("post posts focus follow follows sales data talks talk club".split())
    vocabulary = Vocabulary(frozenset(), frozenset(), frozenset(), said)
    assert not _is_term(["posts", "focus"], vocabulary) and _is_term(["sales", "data"], vocabulary)
    assert _is_term(["Data", "Talks", "Club"], vocabulary), "a name's words are its own"


def test_a_key_phrase_is_shown_in_the_form_the_chapter_says_most():
    # Two forms of one stem score the same: "Industrial: interviews, …" was chosen by the alphabet
    # where the chapter says "industry" (the academia-to-industry episode).
    titles = _titles("001_e4d990a6fba344ba")
    assert not any(title.startswith("Industrial") for title in titles) and any(title.startswith("Industry: ") for title in titles), titles


def test_the_phrase_the_hosts_opening_question_names_leads_when_among_the_best():
    # "Do you have any book or other resources that you want to recommend to the listeners?"
    titles = _titles("how-to-grow-your-ml-engineering-career")
    assert titles[-1].startswith("Resource"), titles[-1]
    asked = frozenset(stem(word) for word in content_words("Any book or other resources to recommend?"))
    assert _asked_first(["software engineer", "resources", "learning"], asked)[0] == "resources"
    assert _asked_first(["software engineer", "learning", "code", "resources"], asked)[0] == "software engineer"


def test_no_title_opens_with_a_guests_name():
    # "Semelman: manager, joining, LinkedIn" titled the last chapter of the manager episode.
    titles = _titles("004_3906d015fbf49c7b")
    assert not any("Semelman" in title for title in titles[1:]), titles


@pytest.mark.parametrize("slug", ["s23e03-future-of-ai-agents", "dataops-automation-and-reliable-data-pipelines"])
def test_a_question_title_makes_sense_alone(slug):
    # "Can you tell us more about these multi agent systems?": these what? The chapter's key phrase
    # titles it instead.
    questions = [title for title in _titles(slug) if title.endswith("?")]
    pointing = {"this", "these", "those", "it", "they", "them"}
    assert not any(pointing & set(re.findall(r"[\w']+", question.casefold())) for question in questions), questions

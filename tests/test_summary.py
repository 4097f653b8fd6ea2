from __future__ import annotations

import re

import pytest
from summa import summarizer
from summa.preprocessing.textcleaner import clean_text_by_sentences

from clipper.api import episode_chapters
from clipper.keywords import Background, background_of, merged_keywords
from clipper.episode_file import read_episode
from clipper.model import Chapter, Episode, Person, TranscriptLine
from clipper.summary import (
    clean_speech, opens_dangling, pick_keywords, quotes_balanced, refers_back, speaker_names, summarize, tidy_sentence,
)
from clipper.textrank import FILLER_WORDS, rank_sentences, split_sentences, stem

from .conftest import GOOD_EPISODES, PEOPLE, SEEDS

FILLERS_SHOWN = {"yeah", "right", "um", "uh", "like", "okay", "thing", "things", "laughs", "chuckles", "know"}


def summaries():
    for path in GOOD_EPISODES:
        episode = read_episode(path, PEOPLE)
        _, fitted = episode_chapters(episode)
        yield episode, summarize(episode, fitted.chapters)


SUMMARIES = list(summaries())
IDS = [episode.slug for episode, _ in SUMMARIES]


@pytest.mark.parametrize("episode, summary", SUMMARIES, ids=IDS)
def test_text_quality_on_every_real_episode(episode, summary):
    if not episode.lines:
        assert summary.takeaways == () and summary.keywords == ()
        return
    assert 5 <= len(summary.keywords) <= max(10, len(episode.keywords))
    assert summary.keywords[:len(episode.keywords)] == episode.keywords, "the file's own keywords first"
    found = summary.keywords[len(episode.keywords):]
    words = {word for keyword in found for word in keyword.split()}
    assert not words & FILLERS_SHOWN, summary.keywords
    stems = [stem(word) for keyword in found for word in keyword.split()]
    assert len(stems) == len(set(stems)), summary.keywords  # never interview + interviews
    sentences = [s for t in summary.takeaways for s in t.sentences] + [q.text for q in summary.quotes] + list(summary.abstract)
    for sentence in sentences:
        assert not re.search(r"\[|\((?:laughs|chuckles)\)", sentence, re.I), sentence
        assert sentence[0].isupper() or sentence[0].isdigit() or not sentence[0].isalpha(), sentence
        assert sentence[-1] in ".!”\"'", sentence  # whole sentences, never cut
        assert not re.match(r"(yeah|yes|um|uh|okay|so|and|but|it|this|that|they|he|she|because|also)\b", sentence, re.I), sentence
    assert 2 <= len(summary.quotes) <= 3
    names = speaker_names(episode)
    takeaway_sentences = {s.casefold() for t in summary.takeaways for s in t.sentences}
    for quote in summary.quotes:
        assert quote.who.strip() and len(quote.text.split()) <= 25
        assert not any(quote.text.casefold() in s for s in takeaway_sentences), "a quote is never a takeaway again"
        assert quote.who in names.values()
        said_then = [clean_speech(line.text) for line in episode.lines if line.sec == quote.sec and names[line.who] == quote.who]
        assert any(quote.text.rstrip(".!")[-20:] in text for text in said_then)


@pytest.mark.parametrize("episode, summary", SUMMARIES, ids=IDS)
def test_one_or_two_takeaways_per_chapter_in_order(episode, summary):
    starts = [t.chapter.start_sec for t in summary.takeaways]
    assert starts == sorted(starts)
    assert all(1 <= len(t.sentences) <= 2 for t in summary.takeaways)


def test_stage_directions_and_fillers_are_removed():
    assert clean_speech("Well [laughs] it works (chuckles) now [cross-talk].") == "Well it works now."
    assert clean_speech("From academia (from physics) to ML.") == "From academia (from physics) to ML."
    assert tidy_sentence("Yeah, so, um, we shipped it.") == "We shipped it."
    assert tidy_sentence("And then we shipped it.") == "We shipped it."
    assert tidy_sentence("– please, engage with it.") == "Please, engage with it."
    assert tidy_sentence("Right now we ship daily.") == "Right now we ship daily."


def test_hesitations_and_stutters_of_a_raw_transcript_are_removed():
    assert clean_speech("Um, I, I mean, you, you usually do where, where it is, uh.") == "I mean, you usually do where it is."
    assert clean_speech("Mhm So we uh ship the the model. Uh-huh. Hmm, OK.") == "So we ship the model. OK."
    assert clean_speech("It was 5 mm wide. Uh-oh, that that is very very good, and my umbrella.") == \
        "It was 5 mm wide. Uh-oh, that that is very very good, and my umbrella."


def test_spoken_interjections_are_their_own_sentences():
    assert split_sentences("No. I think so. Dr. Smith agrees.") == ["No.", "I think so.", "Dr. Smith agrees."]
    assert split_sentences("She is at LinkedIn. Before, GitHub. Then Dr. Li.") == ["She is at LinkedIn.", "Before, GitHub.", "Then Dr. Li."]


def test_keywords_are_one_per_stem_and_form_phrases():
    texts = ["Machine learning interviews are hard. Interviewing for machine learning roles."] * 4 + ["Yeah, like, you know, interview prep."]
    keywords = pick_keywords(texts, background=Background())
    assert "machine learning interviews" in keywords, "the concept said together, multi-word"
    interview_forms = [k for k in keywords if stem(k.split()[-1]) == "interview"]
    assert len(interview_forms) == 1


def test_keywords_common_to_every_episode_of_the_podcast_give_way_to_specific_ones():
    texts = ["Data people put data in the feature store.", "The feature store keeps data for people."] * 3
    background = background_of([["Data people talk about data."]] * 9 + [["A feature store."]])
    assert background.specificity("data") < 0.1 < 0.5 < background.specificity("featur store")
    assert pick_keywords(texts, count=1, background=background) == ("feature store",)
    assert merged_keywords(("Feature stores", "MLOps"), ("feature store", "data", "people"), count=3) == ("Feature stores", "MLOps", "data")


def test_a_takeaway_stands_alone():
    lines = (TranscriptLine("What did you learn?", "Host", 0),
             TranscriptLine("We moved every batch job to streaming. It cut our costs by half within a single quarter.", "Ana", 10),
             TranscriptLine("And it was them who decided to contact me about the role in the end.", "Ana", 20))
    episode = Episode(path="e", slug="e", title="T", guests=(Person("ana", "Ana Lopez"),), transcript=lines)
    sentences = [s for t in summarize(episode, (Chapter("All", 0, 120),)).takeaways for s in t.sentences]
    assert all(not opens_dangling(s) for s in sentences) and sentences
    assert "We moved every batch job to streaming. It cut our costs by half within a single quarter." in sentences
    assert not any("contact me" in s for s in sentences), "a pronoun with nothing before it to point at"


@pytest.mark.parametrize("sentence, dangles", [
    ("Ah. I think that's always a very difficult question in data science.", True),
    ("I believe that something similar is happening for data-centric AI.", True),
    ("The best was a blog post that explained how to answer design questions.", True),
    ("Again, there are different ways of getting clients.", True),
    ("I think that translates well into other languages as well.", True),
    ("I was lucky that I studied business and marketing, where I learned a lot about that.", True),
    ("I think that models are overrated.", False),
    ("As a contrast to that, we ran a competition where the model was fixed.", True),
    ("After that conference, more than 1000 people joined the community.", False),
    ("The “Staff Engineering Path” is the best book on that, I'd say.", False),
    ("That's why I didn't have a mentor during onboarding.", True),
    ("I think the major difference is that PyCon is for everything Python.", False),
    ("The best model is the one you can explain to your stakeholders.", False),
    ("Most of the time, you don't really write the code.", False),
])
def test_a_line_pointing_back_at_what_was_said_before_does_not_stand_alone(sentence, dangles):
    assert refers_back(sentence) is dangles


@pytest.mark.parametrize("question, quoted", [("Do you still teach?", False), ("How much do you teach now?", True)])
def test_the_first_words_after_a_yes_no_question_are_no_quote(question, quoted):
    answer = "Occasionally, some courses but I'm more focused on my lead data science role."
    lines = (TranscriptLine(question, "Host", 0), TranscriptLine(answer, "Ana", 5),
             TranscriptLine("What matters most in a data team?", "Host", 20),
             TranscriptLine("A data science team lives on trust, so the lead data scientist spends more of the week on reviews"
                            " and on explaining models than on any course or any model of their own.", "Ana", 25))
    episode = Episode(path="e", slug="e", title="T", guests=(Person("ana", "Ana Lopez"),), transcript=lines)
    summary = summarize(episode, (Chapter("All", 0, 60),))
    assert (answer in [q.text for q in summary.quotes]) is quoted
    assert answer not in [s for t in summary.takeaways for s in t.sentences]


def test_duplicated_lines_do_not_repeat_in_the_summary():
    text = "Data contracts make pipelines reliable because producers and consumers agree on a schema upfront."
    lines = tuple(TranscriptLine(text, "Guest", sec) for sec in (0, 10, 20)) + (TranscriptLine("Monitoring catches errors in production before users ever notice them at all.", "Guest", 30),)
    episode = Episode(path="e", slug="e", title="T", transcript=lines)
    summary = summarize(episode, (Chapter("All", 0, 60),))
    sentences = list(summary.takeaways[0].sentences)
    assert len(sentences) == len(set(sentences))


def test_ranking_agrees_with_summa():
    """Our vectorised TextRank picks the same top sentences as summa's own summarizer."""
    episode = read_episode(SEEDS / "001_e4d990a6fba344ba.txt", PEOPLE)
    text = " ".join(line.text for line in episode.lines[10:40])
    summa_scores = summarizer.summarize(text, scores=True, ratio=1.0)
    summa_best = {sentence for sentence, _ in sorted(summa_scores, key=lambda pair: -pair[1])[:5]}
    units = clean_text_by_sentences(text)
    ours = rank_sentences([unit.token.split() for unit in units])
    our_best = {units[i].text for i in sorted(range(len(units)), key=lambda i: -ours[i])[:5]}
    assert len(our_best & summa_best) >= 4, (our_best, summa_best)


def test_filler_list_holds_the_usual_suspects():
    assert {"yeah", "right", "um", "uh", "okay", "like", "thing", "things"} <= FILLER_WORDS


def test_speakers_get_the_guests_full_names(seed_001):
    episode = read_episode(seed_001, PEOPLE)
    assert speaker_names(episode) == {"Alexey": "Alexey", "Tatiana": "Tatiana Gabruseva"}


def test_keywords_keep_the_capitals_names_are_written_with():
    texts = ["We moved to Germany for work, and Germany was great for data work.", "Our data team in Germany uses DuckDB daily.",
             "The data team ships DuckDB models and data pipelines.", "Data Talks Club people like data teams in Germany and DuckDB."] * 3
    words = " ".join(pick_keywords(texts)).split()
    assert "Germany" in words and "DuckDB" in words
    assert "germany" not in words and "Data" not in words, "a sentence's first word or a longer name's part is not a name"


@pytest.mark.parametrize("sentence, balanced", [
    ("He wrote, “Would you mind applying?” and I did.", True),
    ('She said "why not" and went.', True),
    ("Would you mind applying?” I decided “Why not go to interviews?", False),  # as split from the line
    ("I have nothing to lose.” And I passed.", False),
    ("“Why not go to interviews? I have nothing to lose.", False),
    ('He said "why not and went.', False),
])
def test_a_quotation_cut_in_two_is_told_by_the_order_of_its_marks(sentence, balanced):
    assert quotes_balanced(sentence) is balanced

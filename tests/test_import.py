"""`clipper import`: raw transcripts become episode files that every other command reads."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from clipper.api import ImportOptions, import_transcript, load_episode
from clipper.cli import main
from clipper.transcript_import import MAX_PARAGRAPH_CHARS, merge_pieces, parse_transcript

from .conftest import SEEDS

RAW = SEEDS / "000_6df58c81865934d2.txt"
PROSE = SEEDS / "003_521438bc75bead74.txt"

SRT = """1
00:00:00,000 --> 00:00:03,000
Welcome to the show. Today we talk about

2
00:00:03,000 --> 00:00:06,500
testing video tools with synthetic media.

3
00:00:10,000 --> 00:00:14,000
Every frame carries its own number, so a test can check the start of a clip.

4
00:00:14,000 --> 00:00:20,000
How do you check the audio? We measure loudness.
"""

YOUTUBE_VTT = """WEBVTT
Kind: captions
Language: en

00:00:00.000 --> 00:00:02.000 align:start position:0%
 
so<00:00:00.500><c> today</c><00:00:01.000><c> we</c>

00:00:02.000 --> 00:00:02.010 align:start position:0%
so today we
 

00:00:02.010 --> 00:00:04.000 align:start position:0%
so today we
talk<00:00:02.500><c> about</c><00:00:03.000><c> data</c>

00:00:04.000 --> 00:00:04.010 align:start position:0%
talk about data
 

00:00:04.010 --> 00:00:06.000 align:start position:0%
talk about data
pipelines<00:00:04.500><c> and</c><00:00:05.000><c> tests</c>
"""


@pytest.fixture(scope="module")
def raw_import(tmp_path_factory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("site") / "_podcast" / "physics-to-data.md"
    result = import_transcript(ImportOptions(RAW, (("Host", "Alexey"), ("Guest", "Anastasia")), "From physics to data science",
                                             "https://www.youtube.com/watch?v=abc123XYZ", out))
    return out, result.text


def test_a_raw_transcript_becomes_an_episode_file(raw_import):
    path, text = raw_import
    assert path.read_text(encoding="utf-8") == text
    episode = load_episode(path)
    assert episode.title == "From physics to data science"
    assert episode.youtube_url == "https://www.youtube.com/watch?v=abc123XYZ"
    assert {line.who for line in episode.lines} == {"Alexey", "Anastasia"}
    secs = [line.sec for line in episode.lines]
    assert None not in secs and secs == sorted(secs) and secs[0] == 0 and secs[-1] == 61 * 60 + 22
    assert re.findall(r"^  time: (\S+)$", text, re.M)[:2] == ["'0:00'", "'0:23'"], "times are quoted"


def test_imported_lines_are_readable_paragraphs(raw_import):
    episode = load_episode(raw_import[0])
    lines = [line.text for line in episode.lines]
    assert all(len(text.split()) >= 2 for text in lines), "no one-word lines"
    assert all(len(text) <= MAX_PARAGRAPH_CHARS for text in lines)
    whole = [text for text in lines if re.search(r"[.!?][\"”’)]*$", text)]
    assert len(whole) >= 0.95 * len(lines), "lines end at a sentence end"
    assert "it was really, so you already knew these things." in " ".join(lines), "a sentence split across speakers is mended"


def test_import_keeps_every_word(raw_import):
    said = re.findall(r"\w+", " ".join(block.split("\n", 2)[2] for block in re.split(r"\n\s*\n", RAW.read_text().strip())))
    imported = re.findall(r"\w+", " ".join(line.text for line in load_episode(raw_import[0]).lines))
    assert len(said) - 10 <= len(imported) <= len(said)


def test_an_imported_episode_gets_chapters_notes_and_highlights(raw_import, tmp_path, capsys):
    path, _ = raw_import
    assert main(["chapters", str(path)]) == 0
    chapters = capsys.readouterr().out.splitlines()
    assert chapters[0].startswith("0:00 ") and len(chapters) >= 15
    assert main(["notes", str(path), "--out", str(tmp_path)]) == 0
    notes = (tmp_path / "physics-to-data" / "notes.md").read_text()
    assert "## Chapters" in notes
    said = notes[notes.index("## Key takeaways"):notes.index("## Keywords")] + notes[notes.index("## Notable quotes"):]
    assert not re.search(r"\b(um|uh|mhm)\b|\b(\w+), \2\b", said, re.IGNORECASE), "a raw transcript's hesitations and stutters are left out"
    from clipper.cutting import CutOptions, choose_spans

    spans = choose_spans(load_episode(path), CutOptions(str(path), clips=("3",)))
    assert 20 <= spans[0].duration_sec <= 60 and "TextRank" in spans[0].reason


def test_prose_without_times_keeps_its_text_and_says_it_has_no_times(tmp_path, capsys):
    out = tmp_path / "_podcast" / "written-interview.md"
    assert main(["import", str(PROSE), "--out", str(out), "--title", "A written interview"]) == 0
    err = capsys.readouterr().err
    assert "imported" in err and "a prose transcript" in err and "no times" in err
    episode = load_episode(out)
    assert not episode.has_times and {line.who for line in episode.lines} >= {"Alexey", "Eugene"}
    assert episode.lines[0].text.startswith("This week, we chat with Alexey Grigorev")
    assert any("e = mc**2 ; we want to know that e is referring to energy." in line.text for line in episode.lines), "a line broken mid-sentence is joined"
    assert main(["notes", str(out), "--out", str(tmp_path / "notes")]) == 0
    assert main(["chapters", str(out)]) == 1
    assert "the transcript has no times, so it has no chapters" in capsys.readouterr().err
    assert main(["cut", str(out), "--clip", "1", "--out", str(tmp_path)]) == 1
    assert "no times" in capsys.readouterr().err


def test_srt_cues_are_merged_into_sentences():
    parsed = parse_transcript(SRT, "talk.srt")
    lines = merge_pieces(parsed)
    assert parsed.kind == "srt" and parsed.end_sec == 20
    assert [(line.sec, line.text) for line in lines][:1] == [(0, "Welcome to the show. Today we talk about testing video tools with synthetic media.")]
    assert " ".join(line.text for line in lines).endswith("How do you check the audio? We measure loudness.")


def test_youtube_rolling_captions_say_each_line_once():
    parsed = parse_transcript(YOUTUBE_VTT, "auto.en.vtt")
    assert parsed.kind == "vtt"
    lines = merge_pieces(parsed)
    assert " ".join(line.text for line in lines) == "so today we talk about data pipelines and tests"
    assert lines[0].sec == 0, "the words are timed from the cue where they are first said, after its line of one space"
    assert [piece.sec for piece in parsed.pieces] == [0, 2.01, 4.01]


def test_srt_cues_separated_by_lines_of_spaces_stay_apart():
    parsed = parse_transcript("1\n00:00:01,000 --> 00:00:03,000\nHello there.\n  \n2\n00:00:03,000 --> 00:00:05,000\nMore text.\n", "sloppy.srt")
    assert [(piece.sec, piece.text) for piece in parsed.pieces] == [(1, "Hello there."), (3, "More text.")]


def test_vtt_voice_tags_name_the_speakers():
    vtt = "WEBVTT\n\n00:00.000 --> 00:04.000\n<v Alexey>What is a feature store?\n\n00:04.000 --> 00:09.000\n<v Maria>A place to keep features.\n"
    lines = merge_pieces(parse_transcript(vtt, "talk.vtt"))
    assert [(line.who, line.sec) for line in lines] == [("Alexey", 0), ("Maria", 4)]


def test_timestamped_blocks_without_a_speaker_line_or_text_lose_nothing():
    text = ("0:00\nHost\nWelcome to the show.\n\n0:04\n\n0:05\nGuest\nThanks for having me.\n\n"
            "0:09\nAnd I brought slides.\n\n0:12\nHost\n\n0:14\nHost\nLet us begin.\n")
    pieces = parse_transcript(text, "talk.txt").pieces
    assert [(p.sec, p.who, p.text) for p in pieces] == [
        (0, "Host", "Welcome to the show."), (5, "Guest", "Thanks for having me."),
        (9, "Guest", "And I brought slides."), (14, "Host", "Let us begin.")]


def test_a_sentence_moved_to_its_speaker_never_starts_the_rest_after_the_next_line():
    text = ("0:00\nHost\nSo what I wanted to ask is whether\n\n"
            "0:02\nGuest\nthe models you train every single day of the week in production are big. Yes they are.\n\n"
            "0:04\nHost\nGood to know.\n")
    lines = merge_pieces(parse_transcript(text, "talk.txt"))
    assert [(line.who, line.sec) for line in lines] == [("Host", 0), ("Guest", 4), ("Host", 4)]
    assert lines[1].text == "Yes they are."


def test_fragments_are_not_joined_across_speakers_and_backchannels_do_not_split_a_turn():
    text = ("0:00\nHost\nTell me about your work.\n\n0:02\nGuest\nRight\n\n0:03\nHost\nso what do you do all day?\n\n"
            "0:06\nGuest\nWell I\n\n0:07\nHost\nmean on a normal day.\n")
    lines = merge_pieces(parse_transcript(text, "talk.txt"))
    assert [(line.who, line.text) for line in lines[:2]] == [("Host", "Tell me about your work."), ("Host", "so what do you do all day?")]
    assert lines[2].who == "Guest" and lines[2].text.startswith("Well I"), "a guest's words stay the guest's"


def test_long_text_without_punctuation_is_split_into_readable_lines():
    words = " ".join(f"word{i}" for i in range(1500))
    lines = merge_pieces(parse_transcript(f"0:00\nHost\n{words}\n\n10:00\nGuest\nDone.\n", "talk.txt"))
    host = [line for line in lines if line.who == "Host"]
    assert len(host) > 5 and all(len(line.text) <= MAX_PARAGRAPH_CHARS for line in lines)
    assert " ".join(line.text for line in host) == words, "no word lost or doubled"
    assert [line.sec for line in host] == sorted(line.sec for line in host) and host[-1].sec < 600


def test_a_caption_said_again_later_is_kept_and_rolling_lines_are_not():
    srt = ("1\n00:00:00,000 --> 00:00:02,000\nNo.\n\n2\n00:00:02,000 --> 00:00:04,000\nNo.\nWe never did that.\n\n"
           "3\n00:00:04,000 --> 00:00:06,000\nWe never did that.\nWould you?\n\n4\n00:00:06,000 --> 00:00:08,000\nNo.\n")
    assert [p.text for p in parse_transcript(srt, "talk.srt").pieces] == ["No.", "We never did that.", "Would you?", "No."]


def test_a_named_speaker_goes_on_until_another_is_named():
    vtt = ("WEBVTT\n\n00:00.000 --> 00:04.000\n<v Alexey>What is a feature store?\nAnd why would I want one?\n\n"
           "00:04.000 --> 00:06.000\nLet me ask it differently.\n\n00:06.000 --> 00:09.000\n<v Maria>A place to keep features.\n")
    assert [p.who for p in parse_transcript(vtt, "talk.vtt").pieces] == ["Alexey", "Alexey", "Alexey", "Maria"]


def test_a_word_and_colon_inside_an_answer_is_not_a_speaker():
    prose = ("Alexey: What would you tell a beginner?\nMaria: Start small.\nRemember: nobody knows everything.\n"
             "Alexey: Good advice.\nMaria: Thanks.\n")
    pieces = parse_transcript(prose, "talk.txt").pieces
    assert [(p.who, p.text) for p in pieces][2] == ("Maria", "Remember: nobody knows everything.")
    assert parse_transcript("Guest: Hello there.\nHost: Hi.\nHost: Welcome.\n", "t.txt", frozenset({"Guest"})).pieces[0].who == "Guest"


def test_srt_after_blank_lines_and_titles_from_file_names(tmp_path, capsys):
    path = tmp_path / "what-is-a-feature-store.en.srt"
    path.write_text("\n\n\n\n\n" + SRT)
    assert main(["import", str(path), "--speakers", "Host=Alexey"]) == 0
    captured = capsys.readouterr()
    assert "title: What is a feature store\n" in captured.out and "of an SRT transcript" in captured.err
    assert "warning: --speakers names 'Host', but no line of the transcript has that label" in captured.err


@pytest.mark.parametrize("url, video_id", [("https://youtu.be/abc123XYZ", "abc123XYZ"), ("https://youtu.be/", ""),
                                           ("https://youtu.be/a/b?c", ""), ("https://www.youtube.com/watch?v=abc123XYZ&t=5", "abc123XYZ")])
def test_youtube_ids_are_read_only_from_real_links(url, video_id):
    from clipper.formats.episode_markdown import youtube_id

    assert youtube_id(url) == video_id


@pytest.mark.parametrize("content, message", [
    (b"", "empty.txt: the file is empty"),
    (b"\xff\xfe0\x00:\x00\x00\xd8", "empty.txt: the file starts like UTF-16 text but is not"),
    (b"\x00\x01binary\x00", "empty.txt: this is a binary file, not a transcript"),
    ("0:00\nHost\nHallo.\n\n0:05\nGuest\nSchön.\n".encode("latin-1"), "empty.txt:7: not UTF-8 text (byte 0xf6)"),
    (b"0:00\nHost\nHello there.\n\n1:30\nGuest\nHi.\n\n1:10\nHost\nBack in time.\n", "empty.txt:9: time 1:10 comes before the one above it (1:30)"),
    (b"title: not a transcript\nlayout: post\n", "empty.txt:1: this is not a transcript"),
])
def test_bad_input_is_a_one_line_error(tmp_path, capsys, content, message):
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    assert main(["import", str(path)]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1
    assert captured.err.startswith(f"clipper: {tmp_path / message.split(':', 1)[0]}:") and message.split(":", 1)[1] in captured.err


def test_malformed_speaker_names_are_refused(capsys):
    assert main(["import", str(RAW), "--speakers", "Host Alexey"]) == 1
    assert "--speakers: 'Host Alexey' is not LABEL=NAME" in capsys.readouterr().err


def test_an_imported_episode_is_cut_like_any_other(tmp_path, capsys, media_dir):
    srt = tmp_path / "talk.srt"
    srt.write_text(SRT + "\n5\n00:00:40,000 --> 00:01:20,000\nThat is all for today. Thanks for listening to the show.\n")
    episode = tmp_path / "_podcast" / "talk.md"
    assert main(["import", str(srt), "--out", str(episode), "--youtube", "https://youtu.be/abc123XYZ"]) == 0
    code = main(["cut", str(episode), "--clip", "1", "--max-seconds", "6", "--aspect", "16:9", "--no-captions",
                 "--source", str(media_dir / "video.mp4"), "--out", str(tmp_path / "out")])
    assert code == 0, capsys.readouterr().err
    assert "youtu.be/abc123XYZ" not in capsys.readouterr().err
    clips = list((tmp_path / "out" / "talk" / "clips").glob("*.mp4"))
    assert len(clips) == 1
    assert "https://www.youtube.com/watch?v=abc123XYZ&t=" in clips[0].with_suffix(".txt").read_text()

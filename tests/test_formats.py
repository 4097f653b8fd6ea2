from __future__ import annotations

import json
import re

from clipper.chapters import YoutubeChapters
from clipper.formats import ffmetadata, podcast_chapters_json, quotable_clips, webvtt, youtube_chapters
from clipper.model import Chapter, Episode

EPISODE = Episode(path="ep.md", slug="ep", title="A = B; #1 \\ done", youtube_url="https://www.youtube.com/watch?v=abc")
CHAPTERS = (Chapter("Intro", 0, 71.5), Chapter("Tom & <Jerry> --> part", 71.5, 3600), Chapter("Wrap", 3600, 3700))


def test_youtube_lines():
    assert youtube_chapters.render(YoutubeChapters(CHAPTERS, ())) == "0:00 Intro\n1:11 Tom & <Jerry> --> part\n1:00:00 Wrap\n"


def test_podcast_json_follows_podcasting_2_0():
    document = json.loads(podcast_chapters_json.render(EPISODE, CHAPTERS))
    assert document["version"] == "1.2.0"
    starts = [c["startTime"] for c in document["chapters"]]
    assert starts == sorted(starts) == [0, 71.5, 3600]
    assert all(isinstance(c["startTime"], (int, float)) and c["title"] for c in document["chapters"])
    assert document["chapters"][1]["url"] == "https://www.youtube.com/watch?v=abc&t=71"
    assert document["chapters"][2]["endTime"] == 3700


def test_webvtt_cues_are_contiguous_and_escaped():
    text = webvtt.render(CHAPTERS)
    assert text.startswith("WEBVTT\n\n")
    cues = re.findall(r"^(\d\d:\d\d:\d\d\.\d{3}) --> (\d\d:\d\d:\d\d\.\d{3})\n(.+)$", text, re.M)
    assert [c[:2] for c in cues] == [("00:00:00.000", "00:01:11.500"), ("00:01:11.500", "01:00:00.000"), ("01:00:00.000", "01:01:40.000")]
    assert cues[1][2] == "Tom &amp; &lt;Jerry> → part"


def test_ffmetadata_sections_and_escaping():
    text = ffmetadata.render(EPISODE, CHAPTERS)
    assert text.splitlines()[:2] == [";FFMETADATA1", "title=A \\= B\\; \\#1 \\\\ done"]
    assert text.count("[CHAPTER]") == 3 and text.count("TIMEBASE=1/1000") == 3
    assert "START=71500\nEND=3600000\n" in text
    assert ffmetadata.escape_value("a\nb") == "a\\\nb"


def test_quotable_clips_block_has_the_site_shape():
    import yaml
    data = yaml.safe_load(quotable_clips.render(EPISODE, CHAPTERS))
    assert list(data) == ["quotableClips"]
    first = data["quotableClips"][1]
    assert list(first) == ["name", "startOffset", "url", "endOffset"]
    assert first == {"name": "Tom & <Jerry> --> part", "startOffset": 71, "url": "https://www.youtube.com/watch?v=abc&t=71", "endOffset": 3600}


def test_srt_keeps_no_markup_a_player_would_interpret():
    from clipper.formats import srt
    from clipper.model import Cue

    cues = (Cue(0, 1.5, "<b>bold</b> and <font color=\"red\">red</font>"), Cue(1.5, 3, "{\\an8}on top <<i>i>x"), Cue(3, 4, "<b></b>"))
    text = srt.render(cues)
    assert text == "1\n00:00:00,000 --> 00:00:01,500\nbold and red\n\n2\n00:00:01,500 --> 00:00:03,000\non top x\n\n3\n00:00:03,000 --> 00:00:04,000\n \n"
    assert "I <3 data, 2 < 3" in srt.render((Cue(0, 1, "I <3 data, 2 < 3"),))


def test_notes_json_is_never_given_nan_or_infinity():
    import pytest

    from clipper.api import build_show_notes
    from clipper.formats import notes_json
    from clipper.model import ShowNotes, Summary

    notes = build_show_notes(Episode(path="x.md", slug="x", title="T"))
    broken = ShowNotes(notes.episode, (Chapter("A", float("-inf"), 10),), "quotableClips", (), "", Summary())
    from clipper.templating import make_environment

    with pytest.raises(ValueError, match="JSON compliant"):
        notes_json.render(broken, make_environment(None))


def test_unknown_guests_are_never_named_by_their_id(tmp_path):
    from clipper.api import build_show_notes, render_notes
    from clipper.episode_file import read_episode
    from clipper.templating import make_environment

    from .conftest import PEOPLE

    path = tmp_path / "ep.md"
    path.write_text("---\ntitle: T\nguests: [xiahebleinagle, alexeygrigorev]\n---\n", encoding="utf-8")
    files = render_notes(build_show_notes(read_episode(path, PEOPLE)), make_environment(None))
    assert "xiahebleinagle" not in files["notes.md"] + files["youtube.txt"]
    assert json.loads(files["notes.json"])["guests"][0] == {"id": "xiahebleinagle", "name": "", "bio": "", "links": [], "is_known": False, "picture": ""}
    assert "## Guest\n\n- **Alexey Grigorev**" in files["notes.md"]
    alone = render_notes(build_show_notes(read_episode(path, tmp_path)), make_environment(None))
    assert "Guest" not in alone["notes.md"] and "xiahebleinagle" not in alone["notes.md"] + alone["youtube.txt"]


def test_a_link_titled_with_its_own_url_is_named_by_its_host():
    from clipper.formats.show_notes import labelled
    from clipper.model import Link

    assert labelled(Link("https://buzzsumo.com", "https://buzzsumo.com")) == Link("buzzsumo.com", "https://buzzsumo.com")
    assert labelled(Link("www.example.org/a", "https://www.example.org/a")).title == "example.org"
    assert labelled(Link("", "https://dlthub.com/docs")).title == "dlthub.com"
    assert labelled(Link("DuckDB", "https://duckdb.org")).title == "DuckDB"

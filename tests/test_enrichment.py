"""clipper enrich: only the missing keys are added, every other byte stays, the result loads back."""
from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest

from clipper.api import load_episode
from clipper.cli import main
from clipper.enriching import EnrichOptions, EnrichStatus, enrich_one, verify_edit
from clipper.enrichment import Field, fields_to_fill
from clipper.timecode import format_iso_duration
from clipper.errors import EpisodeError
from clipper.front_matter import load_data, parse_front_matter, set_keys
from clipper.validation import find_problems

from .conftest import BROKEN_EPISODES, PEOPLE, PODCAST, SYNTHETIC_EPISODE

SITE_EPISODES = sorted(p for p in PODCAST.iterdir() if p.name not in BROKEN_EPISODES)
FIELD_NAMES = {field.value for field in Field}


def _front_data(text: str) -> dict:
    return load_data(parse_front_matter(text, "x.md"), "x.md")


@pytest.fixture
def site(tmp_path) -> Path:
    shutil.copytree(PODCAST, tmp_path / "_podcast")
    shutil.copytree(PEOPLE, tmp_path / "_people")
    return tmp_path


@pytest.mark.parametrize("path", SITE_EPISODES, ids=lambda p: p.name)
def test_enrich_adds_only_missing_keys_and_keeps_every_other_byte(path, site):
    copy = site / "_podcast" / path.name
    before = copy.read_text(encoding="utf-8")
    result = enrich_one(str(copy), EnrichOptions((str(copy),), write=True))
    assert result.status in (EnrichStatus.WRITTEN, EnrichStatus.UNCHANGED), result.error
    after = copy.read_text(encoding="utf-8")
    diff = list(difflib.ndiff(before.splitlines(keepends=True), after.splitlines(keepends=True)))
    removed = [line[2:] for line in diff if line.startswith("- ")]
    old, new = _front_data(before), _front_data(after)
    # A line goes only where a field was there but empty (`description: ""`): it is filled in.
    assert all(line.split(":")[0] in FIELD_NAMES and not _front_data(f"---\n{line}---\n")[line.split(":")[0]] for line in removed)
    kept = {key: value for key, value in old.items() if key not in FIELD_NAMES or value not in (None, "", [])}
    assert {key: new[key] for key in kept} == kept
    assert set(new) - set(old) <= FIELD_NAMES
    assert after.split("\n---\n", 1)[1] == before.split("\n---\n", 1)[1]  # the body after the front matter
    old_errors = {p.message for p in find_problems(load_episode(path, PEOPLE)) if p.severity == "error"}
    assert not [p for p in find_problems(load_episode(copy, site / "_people")) if p.severity == "error" and p.message not in old_errors]


def test_enrich_twice_adds_nothing_the_second_time(site):
    copy = site / "_podcast" / "s23e03-future-of-ai-agents.md"
    assert enrich_one(str(copy), EnrichOptions((str(copy),), write=True)).status is EnrichStatus.WRITTEN
    assert enrich_one(str(copy), EnrichOptions((str(copy),), write=True)).status is EnrichStatus.UNCHANGED


def test_enrich_drafts_every_missing_field_in_the_sites_shapes(site):
    copy = site / "_podcast" / "s23e03-future-of-ai-agents.md"
    result = enrich_one(str(copy), EnrichOptions((str(copy),), write=True))
    data = _front_data(copy.read_text(encoding="utf-8"))
    assert [a.split(" ")[0] for a in result.added] == ["description", "intro", "duration", "keywords", "quotableClips"]
    assert data["duration"].startswith("PT01H") and data["duration"].endswith("S")
    assert isinstance(data["keywords"], str) and data["keywords"].count(", ") >= 3
    first, second = data["quotableClips"][:2]
    assert list(first) == ["name", "startOffset", "url", "endOffset"] and first["startOffset"] == 0
    assert first["url"].endswith("&t=0") and second["url"].endswith(f"&t={second['startOffset']}")
    assert first["endOffset"] == second["startOffset"]
    assert data["intro"] and data["description"]
    assert "duration PT01H" in result.added[2] and "from the transcript's end" in result.added[2]


def test_force_redoes_only_the_field_named(site):
    copy = site / "_podcast" / "crisp-dm.md"
    before = copy.read_text(encoding="utf-8")
    old = _front_data(before)
    enrich_one(str(copy), EnrichOptions((str(copy),), write=True, force=(Field.KEYWORDS,)))
    new = _front_data(copy.read_text(encoding="utf-8"))
    assert new["keywords"] != old["keywords"]
    assert new["description"] == old["description"] and new["title"] == old["title"]


def test_without_write_the_diff_is_printed_and_the_file_kept(site, capsys, monkeypatch):
    monkeypatch.chdir(site)
    copy = site / "_podcast" / "s23e03-future-of-ai-agents.md"
    before = copy.read_bytes()
    assert main(["enrich", "s23e03-future-of-ai-agents"]) == 0
    out, err = capsys.readouterr()
    assert copy.read_bytes() == before
    assert out.startswith("--- a/_podcast/s23e03-future-of-ai-agents.md\n+++ b/_podcast/s23e03-future-of-ai-agents.md\n@@ ")
    assert all(not line.startswith("-") for line in out.splitlines()[2:])
    assert "[1/1] would change: s23e03-future-of-ai-agents: description" in err


def test_a_folder_skips_underscore_files_and_reports_like_notes(site, capsys):
    assert main(["enrich", str(site / "_podcast"), "--write", "--jobs", "2"]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert "_template" not in err and "_s12e08" not in err
    count = sum(not path.name.startswith("_") for path in SITE_EPISODES)
    assert f"[{count}/{count}]" in err
    assert err.strip().endswith(f"clipper: 0 would change, {count} written, 0 unchanged, 0 failed")


def test_a_broken_file_is_one_failure_line(site, capsys):
    assert main(["enrich", str(site / "_podcast" / "_template.md")]) == 1
    err = capsys.readouterr().err
    assert "clipper: failed: " in err and "_template.md:6: invalid YAML" in err and "Traceback" not in err


def test_duration_from_the_video_given(site, media_dir, capsys):
    copy = site / "_podcast" / "s23e03-future-of-ai-agents.md"
    assert main(["enrich", str(copy), "--source", str(media_dir / "video.mp4"), "--write"]) == 0
    assert "duration PT00H01M30S (from the video)" in capsys.readouterr().err
    assert _front_data(copy.read_text(encoding="utf-8"))["duration"] == "PT00H01M30S"


def test_set_keys_keeps_comments_quoting_crlf_and_bom():
    text = ("\ufeff---\r\ntitle: 'Quoted'   # a comment\r\n# a comment line\r\ntopics: [a, b]\r\n\r\n"
            "transcript:\r\n- line: Hi\r\n  sec: 0\r\n---\r\nbody\r\n")
    front = parse_front_matter(text, "x.md")
    edited = set_keys(front, {"keywords": "keywords: a, b\r\n"}, "x.md").text()
    assert edited == text.replace("\r\ntranscript:", "\r\nkeywords: a, b\r\ntranscript:")


def test_set_keys_replaces_a_key_with_its_wrapped_value_and_keeps_what_follows():
    text = "---\nintro: a long\n  wrapped value\n\n# keep me\nduration: PT1H\n---\n"
    edited = set_keys(parse_front_matter(text, "x.md"), {"intro": "intro: new\n"}, "x.md").text()
    assert edited == "---\nintro: new\n\n# keep me\nduration: PT1H\n---\n"


def test_empty_fields_are_filled_and_present_ones_kept():
    data = {"description": "", "intro": None, "duration": "PT1H", "keywords": [], "quotableClips": [{"name": "x"}]}
    assert fields_to_fill(data, frozenset()) == (Field.DESCRIPTION, Field.INTRO, Field.KEYWORDS)
    assert Field.DURATION in fields_to_fill(data, frozenset({Field.DURATION}))


@pytest.mark.parametrize("sec, iso", [(0.2, "PT00H00M01S"), (59, "PT00H00M59S"), (3589.2, "PT00H59M50S"), (3600, "PT01H00M00S")])
def test_iso_duration(sec, iso):
    assert format_iso_duration(sec) == iso


def test_an_edit_that_does_not_load_back_is_refused(site):
    copy = site / "_podcast" / "crisp-dm.md"
    front = parse_front_matter(copy.read_text(encoding="utf-8"), str(copy))
    expected = {**load_data(front, str(copy)), "keywords": "something else"}
    with pytest.raises(EpisodeError, match="would not load back as the same data plus the new keys"):
        verify_edit(copy, load_episode(copy, site / "_people"), front, expected, site / "_people")


def test_an_empty_field_is_filled_in_place_and_comments_stay(tmp_path):
    text = SYNTHETIC_EPISODE.read_text(encoding="utf-8").replace("short: Synthetic\n", "short: Synthetic\ndescription: ''  # to write\n# a note\n")
    copy = tmp_path / "_podcast" / "synthetic-episode.md"
    copy.parent.mkdir()
    copy.write_text(text, encoding="utf-8")
    result = enrich_one(str(copy), EnrichOptions((str(copy),), write=True))
    after = copy.read_text(encoding="utf-8")
    removed = [line for line in difflib.ndiff(text.splitlines(), after.splitlines()) if line.startswith("- ")]
    assert removed == ["- description: ''  # to write"]
    assert "\n# a note\n" in after and after.index("description: ") < after.index("# a note")
    assert result.added[0].startswith("description (a draft from the notes' intro)")


def test_without_a_transcript_new_keys_end_the_front_matter():
    text = "---\ntitle: T\nguests: [a]   # two\n---\nLinks:\n"
    edited = set_keys(parse_front_matter(text, "x.md"), {"duration": "duration: PT00H01M00S\n"}, "x.md").text()
    assert edited == "---\ntitle: T\nguests: [a]   # two\nduration: PT00H01M00S\n---\nLinks:\n"

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from clipper.cli import main

from .conftest import PEOPLE, PODCAST, SEEDS


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_chapters_youtube_to_stdout_repairs_to_stderr(capsys, seed_001):
    code, out, err = run(capsys, "chapters", seed_001, "--people", PEOPLE)
    assert code == 0
    assert out.splitlines()[0] == "0:00 Podcast Introduction"
    assert "clipper: repaired: dropped 'Recommended books" in err


@pytest.mark.parametrize("fmt, start", [("podcast-json", "{"), ("vtt", "WEBVTT"), ("ffmetadata", ";FFMETADATA1"), ("clips", "quotableClips:")])
def test_chapters_every_format(capsys, fmt, start):
    code, out, _ = run(capsys, "chapters", SEEDS / "002_c3dced088ed158fe.txt", "--format", fmt)
    assert code == 0 and out.startswith(start)


def test_chapters_are_found_when_an_episode_has_no_clips_or_headers(capsys):
    code, out, err = run(capsys, "chapters", PODCAST / "crisp-dm.md")
    assert code == 0 and out.startswith("0:00 ")
    assert "chapters were found in the transcript" in err


def test_chapters_of_a_transcript_without_times(capsys, tmp_path):
    episode = tmp_path / "untimed.md"
    episode.write_text("---\ntitle: T\ntranscript:\n- line: Hello there.\n  who: A\n- line: Hi.\n  who: B\n---\n")
    code, out, err = run(capsys, "chapters", episode)
    assert code == 1 and out == ""
    assert err == f"clipper: {episode}: the transcript has no times, so it has no chapters; add 'sec:' to the transcript lines\n"


def test_broken_file_is_one_line(capsys):
    code, out, err = run(capsys, "chapters", PODCAST / "_template.md")
    assert code == 1
    assert err.count("\n") == 1 and err.startswith(f"clipper: {PODCAST / '_template.md'}:6: invalid YAML")


def test_missing_file(capsys):
    code, _, err = run(capsys, "chapters", "no/such/episode.md")
    assert code == 1 and err == "clipper: no/such/episode.md: no such episode file; give a path to an episode .md file or a slug in _podcast/\n"


def test_slug_is_found_in_podcast_folder(capsys, monkeypatch):
    monkeypatch.chdir(PODCAST.parent)
    code, out, _ = run(capsys, "chapters", "s23e03-future-of-ai-agents")
    assert code == 0 and out.startswith("0:00 ")


def test_check_lists_problems_and_fails_on_errors(capsys, seed_001):
    code, out, _ = run(capsys, "check", seed_001, "--people", PEOPLE)
    assert code == 1
    assert f"{seed_001}:143: error: clip 'Recommended books: communication, staff engineering, and leadership': ends at 1:00:34, past the episode's duration 59:23" in out
    assert f"{seed_001}:148: warning: header 'Podcast Introduction' has no timed line after it" in out


def test_check_clean_file_and_bad_file(capsys):
    code, out, err = run(capsys, "check", PODCAST / "crisp-dm.md", PODCAST / "_template.md")
    assert code == 1
    assert out == f"{PODCAST / 'crisp-dm.md'}: ok\n"
    assert f"{PODCAST / '_template.md'}:6:" in err


def test_check_overlapping_short_and_unknown(capsys, tmp_path):
    path = tmp_path / "ep.md"
    path.write_text("---\ntitle: T\nguests: [ghost]\nduration: PT1M\nquotableClips:\n"
                    "- {name: a, startOffset: 0, endOffset: 30}\n- {name: b, startOffset: 20, endOffset: 25}\n"
                    "- {name: c, startOffset: 10, endOffset: 70}\n---\n")
    code, out, _ = run(capsys, "check", path)
    assert code == 1
    assert f"{path}:3: warning: unknown guest 'ghost'" in out
    assert f"{path}:7: error: clip 'b': starts at 0:20, inside the clip above it" in out
    assert f"{path}:7: warning: clip 'b': lasts 5 s, under 10 s" in out
    assert f"{path}:8: error: clip 'c': starts at 0:10, before the clip above it" in out
    assert f"{path}:8: error: clip 'c': ends at 1:10, past the episode's duration 1:00" in out


def test_no_command_prints_help(capsys):
    code, out, _ = run(capsys)
    assert code == 2 and "chapters" in out


def test_installed_console_script_runs(seed_001):
    clipper = Path(sys.executable).parent / "clipper"
    result = subprocess.run([str(clipper), "chapters", str(seed_001), "--format", "vtt"], capture_output=True, text=True, env={**os.environ}, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("WEBVTT\n\n1\n00:00:00.000 --> 00:01:11.000\nPodcast Introduction\n")

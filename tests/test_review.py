"""The review pages without a browser: what they read from the output folder, escaping, when they are written."""
from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

from clipper.api import build_show_notes, load_episode
from clipper.cli import main
from clipper.review import ALL_PLATFORMS, index_entries, read_clips, render_page

from .conftest import PEOPLE, PODCAST, SYNTHETIC_EPISODE

TEMPLATES = Path(__file__).parent.parent / "templates"


def test_notes_write_each_episodes_page_and_the_index(tmp_path, capsys):
    out = tmp_path / "output"
    assert main(["notes", str(SYNTHETIC_EPISODE), str(PODCAST / "crisp-dm.md"), "--people", str(PEOPLE), "--out", str(out)]) == 0
    page = (out / "crisp-dm" / "index.html").read_text(encoding="utf-8")
    assert "<h1>CRISP-DM Methodology for Data Science Projects" in page
    assert '<a href="chapters.vtt" download>WebVTT chapters</a>' in page
    assert "No clips yet: <code>clipper cut crisp-dm --clip N</code>" in page
    index = (out / "index.html").read_text(encoding="utf-8")
    assert '<a href="crisp-dm/index.html">CRISP-DM Methodology' in index and '<a href="synthetic-episode/index.html">' in index


def test_review_rewrites_a_page_only_when_what_it_shows_changed(tmp_path, capsys):
    out = tmp_path / "output"
    assert main(["review", str(SYNTHETIC_EPISODE), "--out", str(out)]) == 0
    assert capsys.readouterr().out == f"written: {out}/synthetic-episode/index.html\n"
    assert "Not made yet: notes.md, notes.json" in (out / "synthetic-episode" / "index.html").read_text(encoding="utf-8")
    assert main(["review", str(SYNTHETIC_EPISODE), "--out", str(out)]) == 0
    assert capsys.readouterr().out == f"unchanged: {out}/synthetic-episode/index.html\n"
    (out / "synthetic-episode" / "notes.md").write_text("# notes\n", encoding="utf-8")
    assert main(["review", str(SYNTHETIC_EPISODE), "--out", str(out)]) == 0
    assert capsys.readouterr().out.startswith("written: ")


def test_text_from_the_episode_is_escaped(tmp_path):
    episode = load_episode(SYNTHETIC_EPISODE)
    notes = build_show_notes(replace(episode, title='Tests <script>alert("x")</script> & more'))
    page = render_page(notes, tmp_path)
    assert "<script>alert" not in page
    assert "<h1>Tests &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; more</h1>" in page


def test_a_clip_with_per_platform_posts_and_its_span_in_a_json(tmp_path, media_dir):
    clips = tmp_path / "clips"
    clips.mkdir()
    shutil.copy(media_dir / "video.mp4", clips / "01-a-clip.mp4")
    (clips / "01-a-clip.json").write_text(json.dumps({"posts": {"linkedin": "For LinkedIn", "x": "For X"}, "reason": "the best run",
                                                      "start_sec": 5, "end_sec": 95}), encoding="utf-8")
    clip, = read_clips(tmp_path)
    assert [(post.platform, post.text) for post in clip.posts] == [("LinkedIn", "For LinkedIn"), ("X", "For X")]
    assert (clip.reason, clip.start_sec, clip.end_sec, clip.captions) == ("the best run", 5.0, 95.0, "")
    assert clip.duration_sec == 90.0 and clip.media == "clips/01-a-clip.mp4" and not clip.is_audio


def test_a_clip_with_only_its_text_file_and_a_broken_video(tmp_path):
    clips = tmp_path / "clips"
    clips.mkdir()
    (clips / "02-b.mp4").write_bytes(b"not a video")
    (clips / "02-b.txt").write_text("B title\n\nSaid.\n\nFull episode, from this moment: https://www.youtube.com/watch?v=abc&t=75\n"
                                    "\n---\n02-b.mp4: the whole chapter (--whole).\n", encoding="utf-8")
    (clips / ".02-b.stamp").write_text("x", encoding="utf-8")
    clip, = read_clips(tmp_path)
    assert clip.title == "B title" and clip.reason == "the whole chapter (--whole)"
    assert clip.posts[0].platform == ALL_PLATFORMS and clip.posts[0].text.startswith("B title\n\nSaid.")
    assert (clip.start_sec, clip.end_sec) == (75.0, None)
    assert clip.warnings == ("ffmpeg cannot read this file: cut it again with --force",)


def test_the_index_lists_what_exists_for_each_episode(tmp_path):
    (tmp_path / "a" / "clips").mkdir(parents=True)
    (tmp_path / "a" / "clips" / "01-x.m4a").write_bytes(b"")
    (tmp_path / "a" / "clips" / "01-x.audiogram.mp4").write_bytes(b"")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "notes.json").write_text('{"title": "Bee"}', encoding="utf-8")
    (tmp_path / "b" / "chapters.vtt").write_text("WEBVTT\n", encoding="utf-8")
    (tmp_path / "empty").mkdir()
    entries = index_entries(tmp_path)
    assert [(e.slug, e.title, e.files, e.clip_count, e.has_page) for e in entries] == [
        ("a", "a", (), 1, False), ("b", "Bee", ("notes.json", "chapters.vtt"), 0, False)]


def test_own_templates_without_the_review_page_fall_back_to_clippers(tmp_path):
    mine = tmp_path / "mine"
    shutil.copytree(TEMPLATES, mine, ignore=shutil.ignore_patterns("review*"))
    (mine / "youtube.txt.j2").write_text("My own description of {{ episode.title }}\n", encoding="utf-8")
    out = tmp_path / "output"
    assert main(["notes", str(SYNTHETIC_EPISODE), "--templates", str(mine), "--out", str(out)]) == 0
    page = (out / "synthetic-episode" / "index.html").read_text(encoding="utf-8")
    assert "<title>A synthetic episode for clipper&#39;s tests · clipper review</title>" in page
    assert ">My own description of A synthetic episode for clipper&#39;s tests\n</textarea>" in page


def test_review_of_a_site_folder_leaves_out_its_underscore_files(tmp_path, capsys):
    out = tmp_path / "output"
    assert main(["review", str(PODCAST), "--people", str(PEOPLE), "--out", str(out)]) == 0
    pages = sorted(path.parent.name for path in out.glob("*/index.html"))
    assert pages == sorted(path.name.split(".")[0] for path in PODCAST.glob("*.md") if not path.name.startswith("_"))

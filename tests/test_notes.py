from __future__ import annotations

import re

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from clipper import api, outputs
from clipper.cli import main
from clipper.outputs import STAMP_NAME, write_atomic
from clipper.templating import default_templates_dir

from .conftest import BROKEN_EPISODES, PEOPLE, PODCAST, SEEDS
from .test_chapters import _yt_dlp_chapters

NOTES_FILES = set(api.NOTES_FILES)


@pytest.fixture(scope="module")
def folder_run(tmp_path_factory):
    """The whole corpus folder, in parallel, through the CLI; its `_` files (skipped in a folder) are named too, the broken ones."""
    out = tmp_path_factory.mktemp("out")
    broken = [str(PODCAST / name) for name in BROKEN_EPISODES]
    result = subprocess.run([sys.executable, "-m", "clipper", "notes", str(PODCAST), *broken, "--out", str(out), "--people", str(PEOPLE)],
                            capture_output=True, text=True, check=False)
    return out, result


def test_folder_run_goes_past_bad_files_and_reports_them(folder_run):
    out, result = folder_run
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    good = [p for p in PODCAST.iterdir() if not p.name.startswith("_")]
    assert f"clipper: {len(good)} written, 0 unchanged, 2 failed" in result.stderr
    assert "clipper: skipped 3 file(s) whose names start with '_'" in result.stderr
    for name, line in BROKEN_EPISODES.items():
        assert f"clipper: failed: {PODCAST / name}:{line}: " in result.stderr
    assert result.stderr.count("] written: ") == len(good)
    for path in good:
        folder = out / path.name.split(".")[0]
        assert {p.name for p in folder.iterdir()} == NOTES_FILES | {STAMP_NAME}
    assert not list(out.rglob("*.part"))


def test_outputs_agree_and_obey_the_formats(folder_run):
    out, _ = folder_run
    for folder in sorted(p for p in out.iterdir() if p.is_dir()):
        notes = json.loads((folder / "notes.json").read_text())
        chapters = json.loads((folder / "chapters.json").read_text())
        assert [c["startTime"] for c in chapters["chapters"]] == [c["start_sec"] for c in notes["chapters"]]
        description = (folder / "youtube.txt").read_text()
        assert len(description) <= 5000
        markdown = (folder / "notes.md").read_text()
        assert markdown.startswith(f"# {notes['title']}\n")
        assert "{{" not in markdown and "\n\n\n" not in markdown and markdown.endswith("\n")
        if notes["chapters"]:
            end = notes["chapters"][-1]["end_sec"]
            parsed = _yt_dlp_chapters(description, end)
            assert [p["start_time"] for p in parsed] == [c["start_sec"] for c in notes["chapters"]]
            assert (folder / "chapters.vtt").read_text().count(" --> ") == len(notes["chapters"])
            for chapter in notes["chapters"]:
                assert f"[{chapter['clock']}]({chapter['url']}) {chapter['title']}" in markdown


def test_notes_content_of_the_reference_episode(tmp_path, seed_001):
    report = api.make_notes(api.NotesOptions((str(seed_001),), tmp_path, PEOPLE, jobs=1))
    assert [r.status for r in report.results] == ["written"]
    markdown = (tmp_path / seed_001.stem / "notes.md").read_text()
    assert "## Guest\n\n- **Tatiana Gabruseva**: Tatiana Gabruseva is a" in markdown
    assert "[LinkedIn](https://www.linkedin.com/in/tatigabru/)" in markdown
    assert "- [1:11](https://www.youtube.com/watch?v=_xr1_xb736E&t=71) Episode kickoff and guest reintroduction" in markdown
    assert "## Key takeaways" in markdown and "## Keywords" in markdown and "## Notable quotes" in markdown
    assert "> — Tatiana Gabruseva, [" in markdown
    assert "(https://anchor.fm/datatalksclub/episodes/Staff-AI-Engineer---Tatiana-Gabruseva-e1v3on7)" in markdown
    assert "_This summary was extracted" not in markdown
    description = (tmp_path / seed_001.stem / "youtube.txt").read_text()
    assert description.startswith("Discover Staff AI Engineer interview prep")
    assert "\nChapters:\n0:00 Podcast Introduction\n1:11 Episode kickoff" in description


def test_episode_without_intro_gets_one_made_from_its_facts(tmp_path):
    api.make_notes(api.NotesOptions((str(SEEDS / "002_c3dced088ed158fe.txt"),), tmp_path, PEOPLE, jobs=1))
    folder = tmp_path / "002_c3dced088ed158fe"
    markdown = (folder / "notes.md").read_text()
    about = markdown.split("## About this episode\n\n")[1].split("\n\n")[0]
    assert about.startswith("Alexey Grigorev, the founder of DataTalks.Club, talks about “DataTalks.Club Behind the Scenes”."), \
        "the guest (not Eugene, who hosts this one) with the role of his people file"
    assert 2 <= len(re.findall(r"[.”] ", about + " ")) <= 4, about
    assert "_clipper wrote this introduction" in markdown and "_This summary was extracted" not in markdown
    notes = json.loads((folder / "notes.json").read_text())
    assert notes["intro_is_made"] and not notes["intro_is_extracted"] and notes["intro"] == [about]
    assert (folder / "youtube.txt").read_text().startswith(about + "\n")


def test_quotes_give_their_time_even_without_a_video_link(tmp_path, seed_001):
    episode = tmp_path / "no-video.md"
    text = seed_001.read_text(encoding="utf-8")
    episode.write_text(re.sub(r"(?m)^(ids|links):\n(  .*\n)+", "", text), encoding="utf-8")
    api.make_notes(api.NotesOptions((str(episode),), tmp_path / "out", PEOPLE, jobs=1))
    markdown = (tmp_path / "out" / "no-video" / "notes.md").read_text()
    assert "youtube.com" not in markdown
    assert len(re.findall(r"(?m)^> — [A-Z][\w ]+, \d+:\d\d$", markdown)) >= 2


def test_rerun_skips_unchanged_and_redoes_changed(tmp_path, seed_001):
    episode = tmp_path / "site" / "_podcast" / "ep.md"
    people = tmp_path / "site" / "_people"
    episode.parent.mkdir(parents=True)
    shutil.copy(seed_001, episode)
    shutil.copytree(PEOPLE, people)
    options = api.NotesOptions((str(episode),), tmp_path / "out", jobs=1)
    assert api.make_notes(options).results[0].status == "written"
    notes = tmp_path / "out" / "ep" / "notes.md"
    before = notes.stat().st_mtime_ns
    assert api.make_notes(options).results[0].status == "unchanged"
    assert notes.stat().st_mtime_ns == before
    (people / "tatianagabruseva.md").write_text("---\ntitle: Tatiana G.\n---\nBio.\n")
    assert api.make_notes(options).results[0].status == "written"
    assert "**Tatiana G.**" in notes.read_text()
    episode.write_text(episode.read_text().replace("Podcast Introduction", "Cold open"))
    assert api.make_notes(options).results[0].status == "written"
    assert api.make_notes(api.NotesOptions((str(episode),), tmp_path / "out", jobs=1, force=True)).results[0].status == "written"


def test_interrupted_run_is_redone(tmp_path, seed_001, monkeypatch):
    """A run stopped between two outputs (Ctrl-C, a kill) leaves no stamp: the next run redoes all."""
    episode = tmp_path / "ep.md"
    shutil.copy(seed_001, episode)
    options = api.NotesOptions((str(episode),), tmp_path / "out", PEOPLE, jobs=1)
    api.make_notes(options)
    episode.write_text(episode.read_text().replace("Podcast Introduction", "Cold open"))
    writes = []

    def stopped_at_the_third(path, data):  # noqa: ANN001, ANN202
        writes.append(path.name)
        if len(writes) == 3:
            raise KeyboardInterrupt
        real_write(path, data)

    real_write = outputs.write_atomic
    monkeypatch.setattr(outputs, "write_atomic", stopped_at_the_third)
    with pytest.raises(KeyboardInterrupt):
        api.make_notes(options)
    monkeypatch.setattr(outputs, "write_atomic", real_write)
    assert api.make_notes(options).results[0].status == "written"
    folder = tmp_path / "out" / "ep"
    assert all("Cold open" in (folder / name).read_text() for name in ("notes.md", "youtube.txt", "chapters.vtt"))


def test_atomic_write_leaves_old_file_when_interrupted(tmp_path):
    """The disk fills (a file-size limit) halfway through the new text: the old file stays whole."""
    target = tmp_path / "notes.md"
    write_atomic(target, "old")
    code = ("import resource, signal, sys; from pathlib import Path; from clipper.outputs import write_atomic\n"
            "signal.signal(signal.SIGXFSZ, signal.SIG_IGN); resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000))\n"
            "try: write_atomic(Path(sys.argv[1]), 'new ' * 10_000)\n"
            "except Exception as exc: sys.exit(f'{type(exc).__name__}: {exc}')")
    done = subprocess.run([sys.executable, "-c", code, str(target)], capture_output=True, text=True, check=False)
    assert done.returncode == 1 and "OutputError" in done.stderr and "File too large" in done.stderr
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["notes.md"]


def test_own_templates_and_strict_undefined(tmp_path, capsys, seed_001):
    templates = tmp_path / "templates"
    shutil.copytree(default_templates_dir(), templates, ignore=shutil.ignore_patterns("__*"))
    (templates / "notes.md.j2").write_text("Custom: {{ episode.title }}\n")
    assert main(["notes", str(seed_001), "--out", str(tmp_path / "o"), "--templates", str(templates), "--people", str(PEOPLE), "--jobs", "1"]) == 0
    assert (tmp_path / "o" / seed_001.stem / "notes.md").read_text() == "Custom: Transitioning from Academia to Industry as a Staff AI Engineer: Interview Prep, MLOps & Onboarding\n"
    (templates / "notes.md.j2").write_text("Line one\n{{ episode.no_such_field }}\n")
    capsys.readouterr()
    assert main(["notes", str(seed_001), "--out", str(tmp_path / "o"), "--templates", str(templates), "--jobs", "1"]) == 1
    err = capsys.readouterr().err
    assert f"clipper: failed: {templates / 'notes.md.j2'}:2: the template uses an undefined variable" in err
    assert "Traceback" not in err


def test_missing_templates_folder(tmp_path, capsys, seed_001):
    assert main(["notes", str(seed_001), "--out", str(tmp_path), "--templates", str(tmp_path / "nope"), "--jobs", "1"]) == 1
    assert f"{tmp_path / 'nope'}: the templates folder does not exist" in capsys.readouterr().err


def test_templates_ship_inside_the_wheel(tmp_path):
    root = Path(__file__).parent.parent
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path), str(root)],
                   check=True, capture_output=True, env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"})
    wheel = next(tmp_path.glob("clipper-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "clipper/templates/notes.md.j2" in names and "clipper/templates/youtube.txt.j2" in names

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


def test_check_lists_problems_and_passes_on_warnings(capsys, seed_001):
    code, out, _ = run(capsys, "check", seed_001, "--people", PEOPLE)
    assert code == 0
    assert (f"{seed_001}:143: warning: clip 'Recommended books: communication, staff engineering, and leadership': ends at 1:00:34, "
            "past the episode's duration 59:23: check 'duration' and the clip's endOffset") in out
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
    assert f"{path}:8: warning: clip 'c': ends at 1:10, past the episode's duration 1:00" in out


def test_no_command_prints_help(capsys):
    code, out, _ = run(capsys)
    assert code == 2 and "chapters" in out


def test_installed_console_script_runs(seed_001):
    clipper = Path(sys.executable).parent / "clipper"
    result = subprocess.run([str(clipper), "chapters", str(seed_001), "--format", "vtt"], capture_output=True, text=True, env={**os.environ}, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("WEBVTT\n\n1\n00:00:00.000 --> 00:01:11.000\nPodcast Introduction\n")


CLIPPER = Path(sys.executable).parent / "clipper"


def _site(tmp_path: Path, names: list[str]) -> Path:
    folder = tmp_path / "_podcast"
    folder.mkdir()
    for name in names:
        (folder / name).write_bytes((PODCAST / name).read_bytes())
    return folder


def test_a_folder_batch_skips_underscore_files_as_jekyll_does(capsys, tmp_path):
    folder = _site(tmp_path, ["crisp-dm.md", "dataops-automation-and-reliable-data-pipelines.md", "_template.md", "_theme-park-crowd-modeling-to-tesla-full-stack-data-engineering.md"])
    code, out, err = run(capsys, "check", folder, "--people", PEOPLE)
    assert code == 0, err
    assert out.startswith(f"{folder / 'crisp-dm.md'}: ok\n{folder / 'dataops-automation-and-reliable-data-pipelines.md'}:")
    assert ": error: " not in out and "_t" not in out
    assert err == ("clipper: skipped 2 file(s) whose names start with '_' (_template.md, _theme-park-crowd-modeling-to-tesla-full-stack-data-engineering.md), "
                   "as Jekyll does; name one to use it\n")
    code, out, err = run(capsys, "check", folder / "_template.md")
    assert code == 1 and err.startswith(f"clipper: {folder / '_template.md'}:6: invalid YAML")
    code, _, err = run(capsys, "notes", folder, "--people", PEOPLE, "--out", tmp_path / "out", "--jobs", "1")
    assert code == 0 and err.count("skipped 2 file(s)") == 1 and "2 written, 0 unchanged, 0 failed" in err
    assert sorted(path.name for path in (tmp_path / "out").iterdir() if path.is_dir()) == [
        "crisp-dm", "dataops-automation-and-reliable-data-pipelines"]


def test_the_sites_own_folder_is_fine_with_warnings_only(capsys):
    code, out, err = run(capsys, "check", PODCAST, "--people", PEOPLE)
    assert code == 0 and ": error: " not in out
    assert ("clip 'Fraud Detection Case Study: Probabilities, Loss Functions, and Real-Time Needs': has the same span as the clip "
            "above it ('Contrast: Software System Design Versus ML System Design', 13:58–16:43): YouTube gets one chapter") in out
    assert err.startswith("clipper: skipped 3 file(s)") and err.count("\n") == 1


def test_a_clip_that_overlaps_the_one_above_part_way_is_an_error(capsys, tmp_path):
    episode = tmp_path / "ep.md"
    episode.write_text("---\ntitle: T\nquotableClips:\n- name: A\n  startOffset: 0\n  endOffset: 60\n"
                       "- name: B\n  startOffset: 30\n  endOffset: 90\n---\n", encoding="utf-8")
    code, out, _ = run(capsys, "check", episode)
    assert code == 1 and "error: clip 'B': starts at 0:30, inside the clip above it ('A' ends at 1:00): overlap" in out


def test_a_folder_of_only_underscore_files_says_so(capsys, tmp_path):
    folder = _site(tmp_path, ["_template.md"])
    code, _, err = run(capsys, "check", folder)
    assert code == 1 and err.endswith("holds no episode files (*.md not starting with '_'); name such a file to use it\n")


def test_a_bad_people_file_fails_its_episode_and_the_batch_goes_on(capsys, tmp_path):
    folder = _site(tmp_path, ["crisp-dm.md", "data-centric-ai.md"])
    people = tmp_path / "_people"
    people.mkdir()
    for person in PEOPLE.iterdir():
        (people / person.name).write_bytes(person.read_bytes())
    (people / "alexeygrigorev.md").write_bytes("---\ntitle: Alex\u00e9y\n---\n".encode("latin-1"))
    code, _, err = run(capsys, "notes", folder, "--out", tmp_path / "out", "--jobs", "1")
    assert code == 1
    assert f"clipper: failed: {people / 'alexeygrigorev.md'}:2: the people file is not UTF-8 text; save it as UTF-8\n" in err
    assert "1 written, 0 unchanged, 1 failed" in err


def test_check_says_lines_without_sec_or_who_once_with_a_count(capsys, tmp_path):
    path = tmp_path / "ep.md"
    lines = "".join(f"- line: Line {n}.\n" for n in range(40)) + "".join(f"- line: Said {n}.\n  sec: {n}\n" for n in range(30))
    path.write_text(f"---\ntitle: T\ntranscript:\n{lines}---\n", encoding="utf-8")
    code, out, _ = run(capsys, "check", path)
    assert code == 0
    assert out.splitlines() == [f"{path}:4: warning: 40 transcript lines have no 'sec' or 'time', from this one on",
                                f"{path}:44: warning: 30 transcript lines have no speaker ('who'), from this one on"]


@pytest.mark.parametrize("argv, usage, hint", [
    (["notes", "x.md", "--forc"], "usage: clipper notes", "(did you mean --force?)"),
    (["notes", "x.md", "--for"], "usage: clipper notes", "(did you mean --force"),  # no abbreviations
    (["cut", "x.md", "--lis"], "usage: clipper cut", "(did you mean --list"),
    (["check", "x.md", "--peple", "p"], "usage: clipper check", "(did you mean --people?)"),
])
def test_a_misspelled_option_shows_its_commands_usage(capsys, argv, usage, hint):
    with pytest.raises(SystemExit) as exited:
        main(argv)
    err = capsys.readouterr().err
    assert exited.value.code == 2 and err.startswith(usage) and hint in err, err


def test_a_slug_not_found_suggests_the_closest(capsys, monkeypatch):
    monkeypatch.chdir(PODCAST.parent)
    code, _, err = run(capsys, "chapters", "crisp-mm")
    assert code == 1 and err == "clipper: crisp-mm: no such episode file; did you mean 'crisp-dm'?\n"
    code, _, err = run(capsys, "chapters", "_podcast/data-centric.md")
    assert code == 1 and err == "clipper: _podcast/data-centric.md: no such episode file; did you mean '_podcast/data-centric-ai.md'?\n"


@pytest.mark.parametrize("argv", [["check", PODCAST], ["cut", PODCAST / "crisp-dm.md", "--list"], ["chapters", PODCAST / "crisp-dm.md"]])
def test_a_reader_gone_ends_the_run_quietly(argv):
    process = subprocess.Popen([str(CLIPPER), *map(str, argv)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()  # the reader is gone before anything is written, as after `| head -1`
    _, err = process.communicate(timeout=60)
    assert b"Traceback" not in err and b"BrokenPipe" not in err, err.decode()
    assert process.returncode == 141


def test_head_of_a_check_ends_quietly():
    result = subprocess.run(f"'{CLIPPER}' check '{PODCAST}' | head -1", shell=True, capture_output=True, text=True, check=False, timeout=120)
    assert result.stdout.endswith(": ok\n") and len(result.stdout.splitlines()) == 1
    assert "Traceback" not in result.stderr and "Error" not in result.stderr, result.stderr


def _children(pid: int) -> set[int]:
    children = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        children |= {int(child) for child in (task / "children").read_text().split()}
    return children


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")


def test_killed_notes_leave_no_worker_running(tmp_path):
    import signal
    import time

    folder = tmp_path / "_podcast"  # enough work for the run to last while it is watched
    folder.mkdir()
    for copy in range(4):
        for episode in PODCAST.glob("[!_]*.md"):
            (folder / f"{copy}-{episode.name}").write_bytes(episode.read_bytes())
    process = subprocess.Popen([str(CLIPPER), "notes", str(folder), "--people", str(PEOPLE), "--out", str(tmp_path / "out"),
                                "--jobs", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    workers: set[int] = set()
    while len(workers) < 2 and time.monotonic() < deadline and process.poll() is None:
        workers = _children(process.pid)
        time.sleep(0.01)
    assert len(workers) == 2, f"the pool's two workers were seen (exit {process.poll()})"
    process.send_signal(signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 5
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    still = [pid for pid in workers if _alive(pid)]
    for pid in still:
        os.kill(pid, signal.SIGKILL)
    assert not still, "pool workers outlived a SIGKILLed clipper notes"


ATTACKS = {
    "season-digits.md": ("---\ntitle: T\nseason: " + "9" * 4400 + "\n---\n", 3),
    "sec-overflow.md": ("---\ntitle: T\ntranscript:\n- line: a\n  sec: 1.0e+309\n---\n", 4),
    "sec-nan.md": ("---\ntitle: T\ntranscript:\n- line: a\n  sec: .nan\n---\n", 4),
    "end-inf.md": ("---\ntitle: T\nquotableClips:\n- name: a\n  startOffset: 0\n  endOffset: .inf\n---\n", 4),
    "sec-timestamp.md": ("---\ntitle: T\ntranscript:\n- line: a\n  sec: !!timestamp 2001-12-14 21:59:43.10\n---\n", 4),
    "season-float.md": ("---\ntitle: T\nseason: !!float one\n---\n", 3),
    "long-guest.md": ("---\ntitle: T\nguests:\n- " + "x" * 300 + "\n---\n", 3),
    "secret-guest.md": ("---\ntitle: T\nguests: [../../secret]\n---\n", 3),
    "bomb.md": ("---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                "c: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\ntitle: T\n---\n", 2),
}


def test_every_attack_file_is_one_line_and_the_batch_goes_on(capsys, tmp_path):
    folder = _site(tmp_path, ["crisp-dm.md"])
    for name, (text, _) in ATTACKS.items():
        (folder / name).write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "check", folder, "--people", PEOPLE)
    assert code == 1 and out == f"{folder / 'crisp-dm.md'}: ok\n"
    assert sorted(err.splitlines()) == sorted(f"clipper: {folder / name}:{line}: " + err.split(f"{folder / name}:{line}: ")[1].split("\n")[0]
                                              for name, (_, line) in ATTACKS.items())
    code, _, err = run(capsys, "notes", folder, "--people", PEOPLE, "--out", tmp_path / "out", "--jobs", "1")
    assert code == 1 and f"1 written, 0 unchanged, {len(ATTACKS)} failed" in err
    assert [path.name for path in (tmp_path / "out").iterdir() if path.is_dir()] == ["crisp-dm"]

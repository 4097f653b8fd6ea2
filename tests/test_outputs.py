"""outputs.py: stamps that are damaged mean "redo", never a traceback; the clips folder lock; temporary names."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from clipper.cli import main
from clipper.errors import OutputError
from clipper.outputs import STAMP_NAME, atomic_path, clip_is_done, folder_lock, is_up_to_date, read_stamp

from .conftest import PODCAST

DAMAGED = [b"", b"\xff\xfe\x00not utf-8", b"\n\n", b"abc def\n" * 3]


@pytest.mark.parametrize("damage", DAMAGED, ids=["empty", "not-utf8", "blank-lines", "junk"])
def test_a_damaged_notes_stamp_means_the_notes_are_made_again(tmp_path, capsys, damage):
    episode = str(PODCAST / "crisp-dm.md")
    assert main(["notes", episode, "--out", str(tmp_path), "--jobs", "1"]) == 0
    (tmp_path / "crisp-dm" / STAMP_NAME).write_bytes(damage)
    assert main(["notes", episode, "--out", str(tmp_path), "--jobs", "1"]) == 0
    err = capsys.readouterr().err
    assert "[1/1] written:" in err.splitlines()[-2] and "Traceback" not in err
    assert main(["notes", episode, "--out", str(tmp_path), "--jobs", "1"]) == 0
    assert "[1/1] unchanged:" in capsys.readouterr().err


@pytest.mark.parametrize("damage", DAMAGED, ids=["empty", "not-utf8", "blank-lines", "junk"])
def test_a_damaged_clip_stamp_means_the_clip_is_not_done(tmp_path, damage):
    (tmp_path / "01-a.mp4").write_bytes(b"x")
    (tmp_path / ".01-a.stamp").write_bytes(damage)
    assert not clip_is_done(tmp_path, "01-a", ["01-a.mp4"], "the stamp of these settings")
    assert read_stamp(tmp_path / ".01-a.stamp") in (None, damage.decode("utf-8", "replace"))
    assert not is_up_to_date(tmp_path, ["01-a.mp4"], "fingerprint")


def test_temporary_names_differ_between_runs_and_vanish(tmp_path):
    target = tmp_path / "clip.mp4"
    with atomic_path(target) as first, atomic_path(target) as second:
        assert first != second and first.name.startswith(".clip.") and first.name.endswith(".part.mp4")
        assert str(os.getpid()) in first.name
        first.write_bytes(b"one")
        second.write_bytes(b"two")
    assert target.read_bytes() == b"one", "the run that finished last"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clip.mp4"]


def test_a_failed_write_leaves_no_temporary_file_and_no_target(tmp_path):
    target = tmp_path / "clip.mp4"
    with pytest.raises(RuntimeError), atomic_path(target) as temporary:
        temporary.write_bytes(b"half")
        raise RuntimeError
    assert not list(tmp_path.iterdir())


def test_the_folder_lock_is_one_runs_and_clears_what_a_killed_run_left(tmp_path):
    leftover = tmp_path / ".01-a.4242-deadbeef.part.mp4"
    leftover.write_bytes(b"half a clip")
    with folder_lock(tmp_path):
        assert not leftover.exists()
        with pytest.raises(OutputError, match="another clipper run is writing into this folder"), folder_lock(tmp_path):
            pass
    with folder_lock(tmp_path):  # released with the first
        pass


def test_an_output_folder_that_cannot_be_made_is_one_line(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(OutputError, match=r"cannot make the folder"):
        with folder_lock(Path(blocker) / "clips"):
            pass

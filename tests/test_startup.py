"""Single commands start quickly: they import only what their work needs (counted in sys.modules, never timed).

numpy, and scipy which summa's package import pulls in, are for automatic chapters and summaries;
jinja2 for rendered outputs; yt_dlp and ffmpeg-python for cutting; multiprocessing for batches of
notes. The seconds are in BENCHMARKS.md (`python benchmarks/bench.py growth`).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from clipper.templating import make_environment

from .conftest import PODCAST, SEEDS

ROOT = Path(__file__).parent.parent
WITH_CLIPS = PODCAST / "dataops-automation-and-reliable-data-pipelines.md"
WITHOUT_CHAPTERS = ROOT / "examples" / "_podcast" / "physicist-to-data-scientist.md"
HEAVY = ("numpy", "scipy", "summa", "jinja2", "yt_dlp", "ffmpeg", "imageio_ffmpeg", "multiprocessing")
_RUN = """
import contextlib, io, json, sys
from clipper.cli import main
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    code = main(sys.argv[1:])
print(json.dumps([code, sorted(name for name in sys.modules if name.split(".")[0] in {heavy})]))
"""


def imported_by(*argv: str) -> list[str]:
    """The heavy modules a fresh `clipper ARGV...` process imported (its exit code must be 0)."""
    done = subprocess.run([sys.executable, "-c", _RUN.format(heavy=set(HEAVY)), *argv], capture_output=True, text=True, check=True)
    code, modules = json.loads(done.stdout)
    assert code == 0, done.stderr
    return sorted({name.split(".")[0] for name in modules})


@pytest.mark.parametrize("command", [("chapters", str(WITH_CLIPS)), ("check", str(WITH_CLIPS)), ("check", str(WITHOUT_CHAPTERS)),
                                     ("chapters", str(SEEDS / "002_c3dced088ed158fe.txt"))], ids=" ".join)
def test_commands_on_one_episode_import_nothing_heavy(command):
    assert imported_by(*command) == []


def test_automatic_chapters_import_what_they_need():
    """The other side: the test above would see these imports."""
    assert "summa" in imported_by("chapters", str(WITHOUT_CHAPTERS))  # (numpy: only where TextRank ranks)


def test_a_templates_folder_is_compiled_once_and_its_edits_are_still_seen(tmp_path):
    (tmp_path / "t.j2").write_text("one\n")
    first = make_environment(tmp_path).get_template("t.j2")
    assert make_environment(tmp_path) is make_environment(tmp_path)
    assert make_environment(tmp_path).get_template("t.j2") is first
    (tmp_path / "t.j2").write_text("two\n")
    later = os.path.getmtime(tmp_path / "t.j2") + 5  # a new time even where the clock is coarse
    os.utime(tmp_path / "t.j2", (later, later))
    assert make_environment(tmp_path).get_template("t.j2").render() == "two\n"


_CUT_SPAN = """
import json, sys
from clipper.api import load_episode
from clipper.clips import post_sentences
from clipper.cutting import CutOptions, choose_spans
span, = choose_spans(load_episode(sys.argv[1]), CutOptions(sys.argv[1], start_sec=600.0, end_sec=630.0))
chosen = sorted(sys.modules)
print(json.dumps([post_sentences(span), chosen, sorted(sys.modules)]))
"""


def test_a_cuts_span_is_chosen_without_numpy_and_its_sentences_ranked_without_scipy():
    """`clipper cut --start --end` starts its encode without numpy (0.07 s): the span's sentences are
    ranked for its post, beside the encode; with summa's splitter, not its package, whose import
    pulls scipy in (0.15-0.3 s of every cut)."""
    done = subprocess.run([sys.executable, "-c", _CUT_SPAN, str(WITH_CLIPS)], capture_output=True, text=True, check=True)
    sentences, chosen, modules = json.loads(done.stdout)
    assert "numpy" not in chosen
    assert sentences and "summa.preprocessing.textcleaner" in modules and "scipy" not in modules

"""README stays true: every `$ clipper ...` example prints what README shows, every command is documented."""
from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from clipper.api import load_episode
from clipper.cli import _parser, main
from clipper.cutting import CutOptions, choose_spans, post_text_of
from clipper.templating import make_environment

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
EXAMPLES = re.findall(r"```console\n\$ (clipper [^\n]+)\n(.*?)```", README, re.S)


def test_readme_has_examples():
    assert len(EXAMPLES) >= 4


@pytest.mark.parametrize("command, expected", EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_readme_example_output(command, expected, capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(ROOT / "examples")
    argv = shlex.split(command)[1:]
    if argv[0] == "notes":
        argv += ["--out", str(tmp_path)]
    code = main(argv)
    out = capsys.readouterr().out
    assert code == (1 if ": error: " in expected else 0)  # check exits 1 exactly when it shows an error
    if expected.endswith("...\n"):
        assert out.startswith(expected[: -len("...\n")])
    else:
        assert out == expected


def test_every_subcommand_is_documented():
    commands = _parser()._subparsers._group_actions[0].choices  # noqa: SLF001 - argparse keeps them here
    for name in commands:
        assert f"### `clipper {name}" in README, name


def test_two_setup_commands_and_ci_runs_them():
    assert "```\nmake install\nmake test\n```" in README
    ci = (ROOT / ".ci" / "run").read_text()
    assert ci.strip().endswith("make install\nmake test")


def test_make_notes_without_arguments_uses_the_sample(tmp_path):
    result = subprocess.run(["make", "-s", "notes", f"OUT={tmp_path}"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "s12e09-staff-ai-engineer" / "notes.md").is_file()
    assert result.stderr.startswith("make notes: no EPISODE given: the bundled sample episode "
                                    f"(s12e09-staff-ai-engineer.md) goes into {tmp_path}/; name yours with EPISODE=")


def test_make_notes_from_inside_a_sites_podcast_folder_writes_the_sites_output(tmp_path):
    podcast = tmp_path / "site" / "_podcast"
    podcast.mkdir(parents=True)
    shutil.copy(ROOT / "tests/data/_podcast/crisp-dm.md", podcast)
    result = subprocess.run(["make", "-s", "-f", str(ROOT / "Makefile"), "notes", "EPISODE=crisp-dm"], cwd=podcast,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site" / "output" / "crisp-dm" / "notes.md").is_file()
    assert not (podcast / "output").exists()
    assert "no EPISODE given" not in result.stderr


def test_make_finds_a_slug_in_the_sites_podcast_folder_first(tmp_path):
    site = tmp_path / "site"
    (site / "_podcast").mkdir(parents=True)
    (site / "_podcast" / "crisp-dm.md").write_text("---\ntitle: The site's own copy\n---\n", encoding="utf-8")
    from_site = subprocess.run(["make", "-s", "-f", str(ROOT / "Makefile"), "validate", "EPISODE=crisp-dm"], cwd=site, capture_output=True, text=True, check=False)
    assert from_site.returncode == 0 and from_site.stdout.startswith("_podcast/crisp-dm.md"), from_site.stdout + from_site.stderr
    bundled = subprocess.run(["make", "-s", "chapters", "EPISODE=crisp-dm"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert bundled.returncode == 0 and bundled.stdout.startswith("0:00 "), bundled.stderr


def test_readme_post_text_example_is_what_cut_writes():
    name, shown = re.search(r"and `(20-[\w-]+)\.txt`:\n\n```text\n(.*?)```", README, re.S).groups()
    episode = load_episode(ROOT / "examples/_podcast/s12e09-staff-ai-engineer.md", ROOT / "examples/_people")
    span, = choose_spans(episode, CutOptions(episode="s12e09-staff-ai-engineer", clips=("mock interviews and",)))
    assert post_text_of(episode, span, f"{name}.mp4", make_environment(ROOT / "templates")) == shown

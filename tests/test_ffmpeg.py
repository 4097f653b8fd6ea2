"""Which ffmpeg clipper runs, what it checks in it, and what it says when ffmpeg fails.

Real binaries only: a "poor" ffmpeg is a small script in front of a real one that hides a filter
from its listing or says an old version, as a distribution's build without libass would.
"""
from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from clipper.cli import main
from clipper.errors import ToolError
from clipper.ffmpeg import (
    CAPABILITIES, ENVIRONMENT_VARIABLE, Origin, chosen_ffmpeg, default_candidates, ffmpeg_failure,
    MediaInfo, failure_hint, probe_ffmpeg, read_media_info, remember_media_info, run_ffmpeg, use_ffmpeg,
)

from .conftest import FFMPEGS


@pytest.fixture(autouse=True)
def fresh_choice(monkeypatch):
    monkeypatch.delenv(ENVIRONMENT_VARIABLE, raising=False)
    use_ffmpeg(None)
    yield
    use_ffmpeg(None)


def poor_ffmpeg(folder: Path, real: str, *, hide_filter: str = "", version: str = "") -> Path:
    """An `ffmpeg` script that runs `real`, but lists no `hide_filter` or says `version`."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "ffmpeg"
    listing_filter = f"| grep -v ' {hide_filter} '" if hide_filter else ""
    version_line = f'echo "ffmpeg version {version} Copyright (c) 2000-2020"; exit 0' if version else ""
    script.write_text(f"""#!/bin/sh
case "$*" in
  *-version*) {version_line or f'exec "{real}" "$@"'} ;;
  *-filters*) "{real}" "$@" {listing_filter}; exit 0 ;;
esac
exec "{real}" "$@"
""")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


def test_ci_has_a_distributions_ffmpeg_and_the_wheels():
    origins = {origin for _, origin in default_candidates()}
    assert Origin.WHEEL in origins, "the imageio-ffmpeg wheel is a dependency: pip install alone gives an ffmpeg"
    if os.environ.get("CI"):
        assert origins == {Origin.PATH, Origin.WHEEL}, ".ci/run installs Debian's ffmpeg: the media tests run on both"
    assert len(FFMPEGS) == len(origins)


@pytest.mark.parametrize("path", FFMPEGS)
def test_every_ffmpeg_found_here_has_what_clipper_needs(path):
    ffmpeg = probe_ffmpeg(path, dict(default_candidates())[path])
    assert ffmpeg.present == {c.name for c in CAPABILITIES}
    assert not ffmpeg.problem


def test_path_comes_first(monkeypatch):
    on_path = [path for path, origin in default_candidates() if origin is Origin.PATH]
    assert chosen_ffmpeg().origin is (Origin.PATH if on_path else Origin.WHEEL)


def test_an_ffmpeg_without_libass_on_path_gives_way_to_the_wheels(tmp_path, monkeypatch, caplog):
    poor = poor_ffmpeg(tmp_path / "bin", FFMPEGS[-1], hide_filter="ass")
    monkeypatch.setenv("PATH", f"{poor.parent}{os.pathsep}{os.environ['PATH']}")
    chosen = chosen_ffmpeg()
    assert chosen.origin is Origin.WHEEL
    assert f"{poor}: it has no ass filter (burned-in captions (libass)); using the imageio-ffmpeg wheel" in caplog.text


def test_an_ffmpeg_named_by_the_user_is_checked_and_refused_in_one_line(tmp_path, capsys, synthetic_episode):
    poor = poor_ffmpeg(tmp_path / "bin", FFMPEGS[-1], hide_filter="loudnorm")
    code = main(["cut", str(synthetic_episode), "--start", "0", "--end", "3", "--ffmpeg", str(poor),
                 "--source", "unused.mp4", "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 1
    assert err.strip().splitlines()[-1] == (
        f"clipper: {poor}: this ffmpeg cannot make clips: it has no loudnorm filter (loudness normalisation); "
        "install a full build (apt install ffmpeg) or `pip install imageio-ffmpeg`, and point --ffmpeg or "
        "$CLIPPER_FFMPEG at it (`clipper doctor` lists what each has)")


def test_an_ffmpeg_older_than_4_4_is_said_to_be(tmp_path, monkeypatch):
    old = poor_ffmpeg(tmp_path / "bin", FFMPEGS[-1], version="4.3.1")
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, str(old))
    with pytest.raises(ToolError, match=r"ffmpeg 4\.3\.1 is older than 4\.4"):
        chosen_ffmpeg()


def test_a_program_that_is_no_ffmpeg_is_refused(monkeypatch):
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, "/bin/true")
    with pytest.raises(ToolError, match="/bin/true: this is not an ffmpeg program"):
        chosen_ffmpeg()


@pytest.mark.parametrize("path", FFMPEGS)
def test_a_failure_is_said_with_ffmpegs_own_cause_not_conversion_failed(path, monkeypatch):
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, path)
    with pytest.raises(ToolError) as failure:
        run_ffmpeg(["-f", "lavfi", "-i", "sine=d=1", "-af", "volume=volume=loud", "-f", "null", "-"], what="testing")
    message = failure.value.message
    assert message.startswith("ffmpeg failed while testing: ") and "Conversion failed" not in message
    assert "volume" in message and "0x" not in message, message
    assert "run again with -v" in message


@pytest.mark.parametrize("path", FFMPEGS)
def test_a_full_disk_is_said_as_such(path, monkeypatch):
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, path)
    with pytest.raises(ToolError) as failure:
        run_ffmpeg(["-f", "lavfi", "-i", "sine=d=5", "-c:a", "pcm_s16le", "-f", "wav", "-y", "/dev/full"], what="writing")
    assert "No space left on device" in failure.value.message
    assert failure.value.message.endswith("free some disk space, or give --out a folder on another disk")


def test_the_cause_is_chosen_over_the_lines_that_follow_it():
    lines = ["Input #0, lavfi, from 'sine':", "[Parsed_aresample_5 @ 0x55d0c0a4c2c0] Cannot select channel layout for"
             " the link between filters Parsed_aresample_5 and format_out_0_1.", "Error reinitializing filters!",
             "Failed to inject frame into filter network: Invalid argument", "Conversion failed!"]
    assert ffmpeg_failure(lines) == ("[Parsed_aresample_5] Cannot select channel layout for the link between filters"
                                     " Parsed_aresample_5 and format_out_0_1.")
    assert ffmpeg_failure(["Conversion failed!"]) == "Conversion failed!"
    assert "clipper doctor" in failure_hint("[AVFilterGraph] No such filter: 'ass'")


def test_verbose_shows_the_argv_and_ffmpegs_whole_output(tmp_path, capsys, media_dir, synthetic_episode):
    code = main(["cut", str(synthetic_episode), "--start", "5", "--end", "6", "--aspect", "16:9", "--no-captions",
                 "--source", str(media_dir / "video.mp4"), "--out", str(tmp_path), "-v"])
    err = capsys.readouterr().err
    assert code == 0, err
    assert "clipper: running: " in err and " -filter_complex " in err and "libx264" in err
    assert "clipper: ffmpeg said (exit status 0):" in err and "Stream mapping:" in err


def test_doctor_says_versions_paths_and_capabilities():
    result = subprocess.run([sys.executable, "-m", "clipper", "doctor"], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("clipper ") and lines[1].startswith("python 3.") and lines[2].startswith("yt-dlp 20")
    assert lines[3].startswith("font ") and lines[3].endswith("DejaVuSans-Bold.ttf")
    used = [line for line in lines if line.endswith("(used)")]
    assert len(used) == 1 and f"at {chosen_ffmpeg().path}," in used[0]
    assert sum(line.startswith("ffmpeg ") for line in lines) == len(FFMPEGS)
    assert sum(line.strip().startswith("yes ") for line in lines) == len(FFMPEGS) * len(CAPABILITIES)


def test_doctor_without_a_usable_ffmpeg_says_why_and_fails(tmp_path):
    result = subprocess.run([sys.executable, "-m", "clipper", "doctor", "--ffmpeg", str(tmp_path / "none")],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert result.stderr.strip() == f"clipper: {tmp_path / 'none'}: cannot run ffmpeg (No such file or directory); " \
        "install ffmpeg (apt install ffmpeg, brew install ffmpeg) or `pip install imageio-ffmpeg`"


def counting_ffmpeg(folder: Path, real: str) -> tuple[Path, Path]:
    """A wrapper in front of a real ffmpeg that writes a line to a log each time it is started."""
    folder.mkdir(parents=True, exist_ok=True)
    script, log = folder / "ffmpeg", folder / "started.log"
    script.write_text(f'#!/bin/sh\necho "$*" >> "{log}"\nexec "{real}" "$@"\n')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script, log


def test_a_probe_is_remembered_until_the_binary_changes(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    wrapper, log = counting_ffmpeg(tmp_path / "bin", FFMPEGS[-1])
    first = probe_ffmpeg(str(wrapper), Origin.ENVIRONMENT)
    starts = len(log.read_text().splitlines())
    probe_ffmpeg.cache_clear()
    again = probe_ffmpeg(str(wrapper), Origin.ENVIRONMENT)
    assert (again.version, again.present) == (first.version, first.present)
    assert len(log.read_text().splitlines()) == starts == 3  # -version, -encoders, -filters: once
    wrapper.write_text(wrapper.read_text() + "# changed\n")
    probe_ffmpeg.cache_clear()
    probe_ffmpeg(str(wrapper), Origin.ENVIRONMENT)
    assert len(log.read_text().splitlines()) == 6


def test_a_usable_ffmpeg_on_path_is_the_only_one_asked(tmp_path, monkeypatch):
    wrapper, log = counting_ffmpeg(tmp_path / "bin", FFMPEGS[-1])
    monkeypatch.setenv("PATH", f"{wrapper.parent}{os.pathsep}{os.environ['PATH']}")
    probe_ffmpeg.cache_clear()
    assert chosen_ffmpeg().path == str(wrapper)
    assert probe_ffmpeg.cache_info().misses == 1  # the wheel's, also found, was not probed


def test_a_file_remembered_as_checked_is_not_read_again_until_it_changes(tmp_path):
    made = tmp_path / "clip.mp4"
    made.write_bytes(b"not media at all")
    remember_media_info(made, MediaInfo(30.0, "h264", 1280, 720))
    assert read_media_info(made) == MediaInfo(30.0, "h264", 1280, 720)  # ffmpeg would have refused it
    made.write_bytes(b"not media, changed")
    with pytest.raises(ToolError, match="cannot read media"):
        read_media_info(made)


def test_an_ffmpeg_fit_on_path_is_chosen_without_importing_the_wheel():
    """The wheel is the fallback: importing it (and its own check of its binary) costs every cut 0.05-0.1 s."""
    environment = {name: value for name, value in os.environ.items() if name != ENVIRONMENT_VARIABLE}
    asked = "import sys; from clipper.ffmpeg import chosen_ffmpeg; print(chosen_ffmpeg().origin.name, 'imageio_ffmpeg' in sys.modules)"
    said = subprocess.run([sys.executable, "-c", asked], capture_output=True, text=True, check=True, env=environment).stdout
    assert said.split() == ["PATH", "False"]


def test_a_file_read_ahead_is_read_once_by_ffmpeg(tmp_path, monkeypatch):
    """`clipper cut` reads its local source's facts while it starts up; the later read waits for that one."""
    from clipper.ffmpeg import read_media_info_ahead, use_ffmpeg

    source = tmp_path / "tone.m4a"
    run_ffmpeg(["-y", "-f", "lavfi", "-i", "sine=d=2", "-c:a", "aac", str(source)], what="making a tone")
    wrapper, log = counting_ffmpeg(tmp_path / "bin", FFMPEGS[-1])
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    use_ffmpeg(str(wrapper))
    try:
        read_media_info_ahead(source)
        read_media_info_ahead(source)  # asked twice: still one reading
        info = read_media_info(source)
        read_media_info_ahead(tmp_path)  # not a file: nothing read
    finally:
        use_ffmpeg(None)
    reads = [line for line in log.read_text().splitlines() if str(tmp_path) in line]
    assert len(reads) == 1 and reads[0].endswith(f"{source}") and info.has_audio and not info.has_video
    assert 1.9 < (info.duration_sec or 0) < 2.2


def test_naming_the_same_ffmpeg_again_keeps_what_was_found_of_it():
    """`clipper cut --ffmpeg X` names it to read the source ahead and again to cut: one probe."""
    from clipper.ffmpeg import chosen_ffmpeg, find_ffmpeg

    path = find_ffmpeg()
    use_ffmpeg(path)
    found = chosen_ffmpeg()
    use_ffmpeg(path)
    assert chosen_ffmpeg() is found
    use_ffmpeg(None)
    assert chosen_ffmpeg() is not found

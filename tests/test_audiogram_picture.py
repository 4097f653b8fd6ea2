"""The audiogram's card shows the episode's picture (its `image:`), else the guest's, from the site checkout.

Real ffmpeg: the pictures are made with lavfi, the audiogram is cut from the synthetic video, and its
pixels are read back where the layout puts the picture.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from clipper.cli import main
from clipper.clip_graph import audiogram_layout
from clipper.ffmpeg import find_ffmpeg

pytestmark = pytest.mark.usefixtures("ffmpeg_binary")
SIZE = (1080, 1920)
RED, BLUE, GOLD = (220, 30, 30), (30, 60, 220), (255, 215, 0)


def _picture(path: Path, colour: tuple[int, int, int], size: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    hex_colour = "0x" + "".join(f"{c:02X}" for c in colour)
    subprocess.run([find_ffmpeg(), "-nostdin", "-v", "error", "-f", "lavfi", "-i", f"color=c={hex_colour}:s={size}:d=1",
                    "-frames:v", "1", "-y", str(path)], check=True)


def _site(tmp_path: Path, synthetic_episode_path: Path, image: str = "", guest_picture: str = "") -> Path:
    """A site checkout: _podcast/ with the synthetic episode (its `image:` and a guest), _people/."""
    text = synthetic_episode_path.read_text(encoding="utf-8")
    extra = (f"image: {image}\n" if image else "") + "guests: [tester]\n"
    episode = tmp_path / "site" / "_podcast" / synthetic_episode_path.name
    episode.parent.mkdir(parents=True)
    episode.write_text(text.replace("short: Synthetic\n", "short: Synthetic\n" + extra, 1), encoding="utf-8")
    people = tmp_path / "site" / "_people"
    people.mkdir()
    picture = f"picture: {guest_picture}\n" if guest_picture else ""
    (people / "tester.md").write_text(f"---\ntitle: Tess Ter\n{picture}---\nTess tests.\n", encoding="utf-8")
    return episode


def _audiogram_pixel(capsys, episode: Path, source: Path, out: Path) -> tuple[tuple[int, int, int], str]:
    """The colour at the middle of the picture's square, one second into the audiogram; and stderr."""
    code = main(["cut", str(episode), "--start", "5", "--end", "8", "--audio-only", "--exact", "--source", str(source),
                 "--out", str(out)])
    stderr = capsys.readouterr().err
    assert code == 0, stderr
    video = next(out.rglob("*.audiogram.mp4"))
    frame = subprocess.run([find_ffmpeg(), "-nostdin", "-v", "error", "-ss", "1", "-i", str(video), "-frames:v", "1",
                            "-f", "rawvideo", "-pix_fmt", "rgb24", "-"], capture_output=True, check=True).stdout
    x, y, side, _ = audiogram_layout(SIZE, with_picture=True).picture
    at = ((y + side // 2) * SIZE[0] + x + side // 2) * 3
    return tuple(frame[at:at + 3]), stderr


def _near(colour: tuple[int, ...], expected: tuple[int, int, int]) -> bool:
    return all(abs(a - b) <= 24 for a, b in zip(colour, expected))


def test_the_episode_image_is_on_the_card(tmp_path, capsys, media_dir, synthetic_episode_path):
    episode = _site(tmp_path, synthetic_episode_path, image="/images/podcast/synthetic.png",
                    guest_picture="images/authors/tester.jpg")
    _picture(tmp_path / "site" / "images" / "podcast" / "synthetic.png", RED, "160x90")
    _picture(tmp_path / "site" / "images" / "authors" / "tester.jpg", BLUE, "64x64")
    colour, stderr = _audiogram_pixel(capsys, episode, media_dir / "video.mp4", tmp_path / "out")
    assert _near(colour, RED), colour
    assert "picture" not in stderr


def test_without_the_episode_image_the_guest_picture_is_on_the_card(tmp_path, capsys, media_dir, synthetic_episode_path):
    episode = _site(tmp_path, synthetic_episode_path, guest_picture="images/authors/tester.jpg")
    _picture(tmp_path / "site" / "images" / "authors" / "tester.jpg", BLUE, "64x64")
    colour, _ = _audiogram_pixel(capsys, episode, media_dir / "video.mp4", tmp_path / "out")
    assert _near(colour, BLUE), colour


def test_a_picture_not_in_the_checkout_leaves_the_designed_card(tmp_path, capsys, media_dir, synthetic_episode_path):
    episode = _site(tmp_path, synthetic_episode_path, image="images/podcast/missing.jpg")
    colour, stderr = _audiogram_pixel(capsys, episode, media_dir / "video.mp4", tmp_path / "out")
    assert _near(colour, GOLD), f"the waveform across the designed card's width, where a picture would be: {colour}"
    assert stderr.count("no picture for the audiogram card: images/podcast/missing.jpg is not in the site checkout") == 1
    assert "Traceback" not in stderr

"""The audiogram of `clipper cut --audio-only`, read from its rendered frames: a steady waveform,
a card with its titles and a progress bar inside the safe area, the clip's own audio copied."""
from __future__ import annotations

import math
import subprocess
from pathlib import Path

import numpy as np
import pytest

from clipper.cli import main
from clipper.clip_graph import AUDIOGRAM_FPS, audiogram_layout
from clipper.ffmpeg import find_ffmpeg, read_media_info

from .media import gray_frames, video_frame_count

SPEECH = Path(__file__).parent / "data" / "speech"
SIZE = (1080, 1920)
SHRINK = 4  # frames are read at a quarter of their size: enough to see shapes, a sixteenth of the bytes
START, END = 7.0, 28.0  # Maria's first answer and Alexey's question: she says the most


@pytest.fixture(scope="module")
def audiogram(tmp_path_factory, ffmpeg_binary) -> tuple[Path, Path]:
    """An audiogram (9:16, captions) of real synthetic speech, and its .m4a."""
    out = tmp_path_factory.mktemp("audiogram")
    code = main(["cut", str(SPEECH / "_podcast" / "speech-interview.md"), "--start", str(START), "--end", str(END), "--exact",
                 "--audio-only", "--source", str(SPEECH / "interview.opus"), "--out", str(out)])
    assert code == 0
    return next(out.rglob("*.audiogram.mp4")), next(out.rglob("*.m4a"))


def frames(video: Path, start: float, count: int) -> list[np.ndarray]:
    width, height = SIZE[0] // SHRINK, SIZE[1] // SHRINK
    return [np.frombuffer(frame, np.uint8).reshape(height, width).astype(float)
            for frame in gray_frames(video, count, (width, height), start=start)]


def box(frame: np.ndarray, area: tuple[int, int, int, int]) -> np.ndarray:
    x, y, width, height = (value // SHRINK for value in area)
    return frame[y:y + height, x:x + width]


def test_the_waveform_moves_without_flicker(audiogram):
    wave = audiogram_layout(SIZE).wave
    shown = [box(frame, wave).ravel() for frame in frames(audiogram[0], 4.0, 2 * AUDIOGRAM_FPS)]
    correlations = [np.corrcoef(before, after)[0, 1] for before, after in zip(shown, shown[1:])]
    assert np.mean(correlations) >= 0.8, "consecutive frames of the waveform look alike (an oscilloscope trace: 0.2)"
    assert np.abs(shown[0] - shown[-1]).mean() > 1, "and yet it moves over two seconds"


def test_the_bar_shows_how_far_the_clip_has_played(audiogram):
    bar = audiogram_layout(SIZE).bar
    duration = END - START
    played = []
    for moment in (0.25, 0.75):
        frame, = frames(audiogram[0], duration * moment, 1)
        row = box(frame, bar).mean(axis=0)
        played.append(np.mean(row > (row.max() + row.min()) / 2))
    assert played == pytest.approx([0.25, 0.75], abs=0.05)


def test_titles_and_captions_stay_inside_the_safe_area(audiogram):
    width, height = SIZE[0] // SHRINK, SIZE[1] // SHRINK
    for frame in frames(audiogram[0], 3.0, 1) + frames(audiogram[0], 15.0, 1):
        card = np.median(frame)
        unsafe = [frame[:int(height * 0.14)], frame[int(height * 0.80):], frame[:, math.ceil(width * 0.88):]]
        assert all(np.abs(band - card).max() < 12 for band in unsafe), "the apps' buttons and bars cover those bands"
        titles = frame[int(height * 0.14):int(height * 0.30)]
        assert (np.abs(titles - card) > 60).mean() > 0.02, "the titles are drawn under the top band"
    first, later = frames(audiogram[0], 1.0, 1)[0], frames(audiogram[0], 10.0, 1)[0]
    captions = (slice(int(height * 0.62), int(height * 0.80)), slice(None))
    assert np.abs(first[captions] - later[captions]).mean() > 2, "the captions change as the words are said"


def test_the_card_names_who_speaks(audiogram):
    from clipper.cutting import CutOptions, audiogram_captions, choose_spans
    from clipper.api import load_episode
    from clipper.outputs import default_templates_dir
    from clipper.templating import make_environment

    episode_path = SPEECH / "_podcast" / "speech-interview.md"
    options = CutOptions(str(episode_path), start_sec=START, end_sec=END, audio_only=True, exact=True)
    episode = load_episode(episode_path)
    span, = choose_spans(episode, options)
    size, titles, captions = audiogram_captions(episode, span, (), END - START, options,
                                                make_environment(default_templates_dir()))
    assert size == SIZE
    assert "Speech fixture" in titles and "The whole interview" in titles and "Maria" in titles
    assert "Speech fixture" not in captions, "the titles are drawn once on the card, not every frame"


def test_the_audio_is_the_m4a_copied_and_the_video_is_constant_rate(audiogram):
    video, audio = audiogram
    shown, heard = (packet_digests(path) for path in (video, audio))
    assert shown == heard[:len(shown)] and len(heard) - len(shown) <= 1, \
        "the clip's AAC packets (the last one may fall past the video's end), not a second generation"
    info = read_media_info(video)
    assert (info.video_codec, info.audio_codec, info.width, info.height) == ("h264", "aac", *SIZE)
    assert info.fps == AUDIOGRAM_FPS
    assert video_frame_count(video) == round((END - START) * AUDIOGRAM_FPS), "every frame on the constant-rate grid, none dropped"


def packet_digests(path: Path) -> list[str]:
    listing = subprocess.run([find_ffmpeg(), "-nostdin", "-v", "error", "-i", str(path), "-map", "0:a", "-c", "copy", "-f", "framemd5", "-"],
                             capture_output=True, text=True, check=True).stdout
    return [line.split(",")[-1].strip() for line in listing.splitlines() if not line.startswith("#")]


def test_the_speaker_named_is_who_speaks_most_inside_the_clip():
    from clipper.api import load_episode
    from clipper.cutting import CutOptions, choose_spans, main_speaker

    episode = load_episode(Path(__file__).parent / "data" / "speech" / "_podcast" / "speech-interview.md")
    span, = choose_spans(episode, CutOptions("x", start_sec=7, end_sec=20))  # Maria answers; Alexey's lines only touch it
    assert main_speaker(episode, span) == "Maria"


def test_captions_drawn_once_per_change_look_as_libass_draws_them_on_every_frame(audiogram, tmp_path):
    """The audiogram's captions are a layer drawn once per change and overlaid (issue 13): its frames
    match the same audiogram with the captions drawn by the ass filter on every frame."""
    from clipper.api import load_episode
    from clipper.clip_graph import audiogram_args, audiogram_card_args
    from clipper.clips import caption_cues
    from clipper.cutting import CutOptions, _captions_file, _drawn_text_boxes, audiogram_captions, choose_spans
    from clipper.ffmpeg import run_ffmpeg
    from clipper.outputs import default_templates_dir
    from clipper.templating import make_environment

    episode_path, seconds, m4a = SPEECH / "_podcast" / "speech-interview.md", 6.0, str(audiogram[1])
    options = CutOptions(str(episode_path), start_sec=START, end_sec=START + seconds, audio_only=True, exact=True)
    episode = load_episode(episode_path)
    span, = choose_spans(episode, options)
    size, titles, text = audiogram_captions(episode, span, caption_cues(episode, span, END), seconds, options,
                                            make_environment(default_templates_dir()))
    layout, card, titles_file = audiogram_layout(size), tmp_path / "card.png", tmp_path / "titles.ass"
    titles_file.write_text(titles, encoding="utf-8")
    every, once, layer = tmp_path / "every.mp4", tmp_path / "once.mp4", tmp_path / "text.mov"
    with _captions_file(text) as (ass, fonts):
        run_ffmpeg(audiogram_card_args(m4a, str(card), layout, titles_file, fonts), what="the card")
        boxes = _drawn_text_boxes(text, ass, fonts, size, seconds, layer, "the test")
        run_ffmpeg(audiogram_args(m4a, seconds, str(every), layout, str(card), ass, fonts), what="libass every frame")
        run_ffmpeg(audiogram_args(m4a, seconds, str(once), layout, str(card), None, fonts, layer, boxes), what="the layer")
    height = SIZE[1] // SHRINK
    captions = (slice(int(height * 0.62), int(height * 0.80)), slice(None))
    for moment in (0.5, 2.5, 5.0):
        drawn, overlaid = frames(every, moment, 1)[0], frames(once, moment, 1)[0]
        assert (np.abs(drawn[captions] - np.median(drawn)) > 60).mean() > 0.01, "a caption is on screen"
        assert np.abs(drawn[captions] - overlaid[captions]).mean() < 1.0

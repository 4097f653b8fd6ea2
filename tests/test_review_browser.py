"""The review page in a real browser: Debian's headless Chromium opens it from file:// (no server,
no network), plays the clips that `clipper cut` made, and copies each text exactly."""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from clipper.api import make_chapters
from clipper.cli import main
from clipper.ffmpeg import find_ffmpeg, read_media_info

from .browser import CONTRAST_SCRIPT, chromium, wait_for
from .conftest import SYNTHETIC_EPISODE

ROOT = Path(__file__).parent.parent
RESULTS = ROOT / "tests" / ".results"
SLUG = "synthetic-episode"
PHONE, DESKTOP = (390, 900), (1280, 900)


def _cut(out: Path, source: Path, *args: str) -> None:
    result = subprocess.run([sys.executable, "-m", "clipper", "cut", str(SYNTHETIC_EPISODE), "--source", str(source),
                             "--out", str(out), "--max-seconds", "15", *args], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def site(tmp_path_factory, media_dir) -> Path:
    """An output folder with the notes of the synthetic episode, a video clip and an audio clip."""
    out = tmp_path_factory.mktemp("review") / "output"
    assert main(["notes", str(SYNTHETIC_EPISODE), "--out", str(out)]) == 0
    _cut(out, media_dir / "video.mp4", "--clip", "2", "--aspect", "16:9", "--no-captions")
    _cut(out, media_dir / "video.mp4", "--clip", "1", "--audio-only", "--aspect", "9:16")
    return out


@pytest.fixture(scope="module")
def browser():
    with chromium() as driver:
        yield driver


def _open(browser, page: Path, size: tuple[int, int] = DESKTOP) -> None:
    browser.set_window_size(*size)
    browser.get(page.as_uri())
    wait_for(lambda: browser.execute_script("return document.readyState") == "complete")


def _console_errors(browser) -> list[dict]:
    return [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]


def _expected_copies(site: Path) -> dict[str, str]:
    folder = site / SLUG
    texts = {"youtube-description": (folder / "youtube.txt").read_text(encoding="utf-8"),
             "youtube-chapters": make_chapters(SYNTHETIC_EPISODE).text}
    for post in sorted((folder / "clips").glob("*.txt")):
        texts[f"post-{post.stem}-1"] = post.read_text(encoding="utf-8").partition("\n---\n")[0].strip()
    return texts


def _paste(browser) -> str:
    """What the clipboard holds, pasted with Ctrl+V into a textarea added for the purpose."""
    browser.execute_script("var t = document.getElementById('paste-here') || document.createElement('textarea');"
                           "t.id = 'paste-here'; t.value = ''; document.body.appendChild(t);")
    target = browser.find_element(By.ID, "paste-here")
    target.click()
    target.send_keys(Keys.CONTROL, "v")
    wait_for(lambda: target.get_attribute("value"))
    return target.get_attribute("value")


def test_pages_load_from_file_without_console_errors(browser, site):
    _open(browser, site / "index.html")
    link = browser.find_element(By.CSS_SELECTOR, f"a[href='{SLUG}/index.html']")
    assert link.text == "A synthetic episode for clipper's tests"
    link.click()
    wait_for(lambda: browser.find_elements(By.ID, "clips"))
    assert browser.current_url == (site / SLUG / "index.html").as_uri()
    assert browser.find_element(By.TAG_NAME, "h1").text == "A synthetic episode for clipper's tests"
    assert _console_errors(browser) == []


def test_every_clip_plays_with_its_files_duration(browser, site):
    _open(browser, site / SLUG / "index.html")
    media = browser.find_elements(By.CSS_SELECTOR, "#clips video, #clips audio")
    sources = [element.get_attribute("src") for element in media]
    assert [Path(src).name for src in sources] == ["01-opening-audio.audiogram.mp4", "01-opening-audio.m4a",
                                                      "02-deep-dive-into-tests-16x9.mp4"]
    for element, src in zip(media, sources):
        wait_for(lambda element=element: browser.execute_script("return arguments[0].readyState >= 1", element))
        assert browser.execute_script("return arguments[0].error", element) is None, src
        played = browser.execute_script("return arguments[0].duration", element)
        on_disk = read_media_info(site / SLUG / "clips" / Path(src).name).duration_sec
        assert played == pytest.approx(on_disk, abs=0.1), src
        assert played == pytest.approx(14, abs=1), src  # the highlights are 14 s of the transcript
    assert _console_errors(browser) == []


def test_each_copy_button_puts_the_exact_text_on_the_clipboard(browser, site):
    _open(browser, site / SLUG / "index.html")
    expected = _expected_copies(site)
    buttons = browser.find_elements(By.CSS_SELECTOR, "button[data-copy]")
    assert sorted(button.get_attribute("data-copy") for button in buttons) == sorted(expected)
    for button in browser.find_elements(By.CSS_SELECTOR, "button[data-copy]"):
        target = button.get_attribute("data-copy")
        button.click()
        status = button.find_element(By.XPATH, "following-sibling::*[@role='status']")
        wait_for(lambda status=status: status.text == "Copied")
        assert _paste(browser) == expected[target], target
    assert _console_errors(browser) == []


def test_copy_works_from_the_keyboard(browser, site):
    _open(browser, site / SLUG / "index.html")
    button = browser.find_element(By.CSS_SELECTOR, "button[data-copy='youtube-chapters']")
    browser.execute_script("arguments[0].focus()", button)
    button.send_keys(Keys.ENTER)
    wait_for(lambda: button.find_element(By.XPATH, "following-sibling::*[@role='status']").text == "Copied")
    assert _paste(browser) == make_chapters(SYNTHETIC_EPISODE).text


def test_without_a_clipboard_copy_selects_the_whole_text(browser, site):
    _open(browser, site / SLUG / "index.html")
    browser.execute_script("Object.defineProperty(navigator, 'clipboard', {value: undefined});"
                           "document.execCommand = function () { return false; };")
    browser.find_element(By.CSS_SELECTOR, "button[data-copy='youtube-description']").click()
    field = browser.find_element(By.ID, "youtube-description")
    assert browser.switch_to.active_element == field
    selected = browser.execute_script("var f = arguments[0]; return f.value.substring(f.selectionStart, f.selectionEnd)", field)
    assert selected == (site / SLUG / "youtube.txt").read_text(encoding="utf-8")
    status = browser.find_element(By.CSS_SELECTOR, "#description [role='status']").text
    assert status.startswith("Selected: press Ctrl+C")


def test_chapter_times_link_to_that_moment_of_the_video(browser, site):
    _open(browser, site / SLUG / "index.html")
    links = [(a.text, a.get_attribute("href")) for a in browser.find_elements(By.CSS_SELECTOR, "ol.chapters a")]
    assert links == [("0:00", "https://www.youtube.com/watch?v=abc&t=0"), ("0:40", "https://www.youtube.com/watch?v=abc&t=40")]
    span = browser.find_element(By.CSS_SELECTOR, "#clip-02-deep-dive-into-tests-16x9 a.span")
    assert (span.text, span.get_attribute("href")) == ("1:00", "https://www.youtube.com/watch?v=abc&t=60")


def test_text_has_enough_contrast_and_every_field_a_label(browser, site):
    _open(browser, site / SLUG / "index.html")
    for selector in ("p", ".muted", "button", "a", ".warnings li", "textarea", "dt", "figcaption", "label"):
        for element in browser.find_elements(By.CSS_SELECTOR, selector)[:5]:
            assert browser.execute_script(CONTRAST_SCRIPT, element) >= 4.5, selector  # WCAG AA for body text
    for field in browser.find_elements(By.CSS_SELECTOR, "textarea[id]"):
        assert browser.find_elements(By.CSS_SELECTOR, f"label[for='{field.get_attribute('id')}']")
    for media in browser.find_elements(By.CSS_SELECTOR, "video, audio"):
        assert media.get_attribute("aria-label")


def test_screenshots_at_phone_and_desktop_widths_fit_the_screen(browser, site):
    RESULTS.mkdir(parents=True, exist_ok=True)
    shots = {}
    for name, size, anchor in (("phone", PHONE, ""), ("desktop", DESKTOP, "clips")):
        _open(browser, site / SLUG / "index.html", size)
        assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth"), name  # no sideways scrolling
        if anchor:
            browser.execute_script("document.getElementById(arguments[0]).scrollIntoView()", anchor)
        # Headless Chromium paints a paused video's frame only once it has played: play a second, pause.
        browser.execute_script("document.querySelectorAll('video').forEach(v => { v.muted = true; v.play(); })")
        wait_for(lambda: browser.execute_script("return [...document.querySelectorAll('video')].every(v => v.currentTime > 1)"))
        browser.execute_script("document.querySelectorAll('video').forEach(v => v.pause())")
        time.sleep(1)  # the player's controls settle
        shots[name] = RESULTS / f"review-{name}.png"
        assert browser.save_screenshot(str(shots[name]))
    combined = RESULTS / "review-page.png"
    # Side by side for the README (docs/review-page.png is a copy): desktop, then phone, on white.
    subprocess.run([find_ffmpeg(), "-nostdin", "-v", "error", "-y", "-i", str(shots["desktop"]), "-i", str(shots["phone"]),
                    "-filter_complex", "[1:v]pad=iw+24:ih:24:0:white[p];[0:v][p]hstack=inputs=2", "-frames:v", "1", str(combined)], check=True)
    assert read_media_info(combined).width == DESKTOP[0] + PHONE[0] + 24

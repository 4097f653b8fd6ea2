"""A headless Chromium for tests: Debian's chromium and chromium-driver, driven by selenium (nothing downloaded)."""
from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
_ARGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--hide-scrollbars", "--mute-audio")
_INSTALL = "install them with: apt-get install -y chromium chromium-driver (CI's .ci/run does)"

# The WCAG relative luminance and contrast of an element's text against the first opaque background behind it.
CONTRAST_SCRIPT = """
function rgb(text) { var m = text.match(/[\\d.]+/g).map(Number); return {r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1}; }
function lum(c) { return [c.r, c.g, c.b].map(function (v) { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); })
  .reduce(function (sum, v, i) { return sum + v * [0.2126, 0.7152, 0.0722][i]; }, 0); }
function background(el) { for (; el; el = el.parentElement) { var c = rgb(getComputedStyle(el).backgroundColor); if (c.a > 0.9) { return c; } }
  return {r: 255, g: 255, b: 255, a: 1}; }
var el = arguments[0], fg = lum(rgb(getComputedStyle(el).color)), bg = lum(background(el));
return (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
"""


def check_browser() -> None:
    """Fail (never skip) with how to install, when the system's browser or driver is missing."""
    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if not Path(path).is_file()]
    assert not missing, f"{', '.join(missing)} not found: {_INSTALL}"


@contextmanager
def chromium() -> Iterator[webdriver.Chrome]:
    """A fresh headless Chromium with its own profile, offline, reporting the page's console."""
    check_browser()
    os.environ.setdefault("SE_OFFLINE", "true")  # selenium must not fetch drivers or browsers
    profile = tempfile.mkdtemp(prefix="clipper-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (*_ARGS, f"--user-data-dir={profile}"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def wait_for(condition: Callable[[], object], seconds: float = 10.0) -> object:
    """The first truthy value of `condition()`, polled; AssertionError on timeout."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {seconds:g} s waiting for {condition}")

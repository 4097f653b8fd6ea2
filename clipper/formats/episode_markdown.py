"""An episode file in the site's own format (templates/episode.md.j2): what `clipper import` writes."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import jinja2
import yaml

from ..model import TranscriptLine
from ..templating import render as render_template
from ..timecode import format_clock, format_iso_duration

TEMPLATE = "episode.md.j2"


class _Quoted(str):
    """A string YAML writes in quotes: every `time`, as the site does, so no reader takes 1:11 for 71."""


# libyaml's emitter when PyYAML has it: the same text, ten times faster on a long transcript
# (two thirds of importing one 20 MB line were the pure-Python emitter's).
class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    pass


_Dumper.add_representer(_Quoted, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style="'"))


def render(title: str, youtube_url: str, duration_sec: float | None, lines: list[TranscriptLine], source: str,
           environment: jinja2.Environment) -> str:
    front: dict = {"title": title}
    video_id = youtube_id(youtube_url)
    if video_id:  # the site's own shape, whatever form of the link was given
        front["ids"] = {"youtube": video_id}
        front["links"] = {"youtube": f"https://www.youtube.com/watch?v={video_id}"}
    elif youtube_url:
        front["links"] = {"youtube": youtube_url}
    if duration_sec:
        front["duration"] = format_iso_duration(duration_sec)
    front["transcript"] = [_item(line) for line in lines]
    front_matter = yaml.dump(front, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100_000)
    return render_template(environment, TEMPLATE, front_matter=front_matter, title=title, source=source)


def _item(line: TranscriptLine) -> dict:
    item: dict = {"line": line.text}
    if line.sec is not None:
        item["sec"] = int(line.sec)
        item["time"] = _Quoted(format_clock(line.sec))
    if line.who:
        item["who"] = line.who
    return item


def youtube_id(url: str) -> str:
    """The video id of a watch or youtu.be link; "" when the link has none."""
    parsed = urlparse(url)
    if parsed.hostname and parsed.hostname.endswith("youtu.be"):
        found = parsed.path.strip("/")
    else:
        found = parse_qs(parsed.query).get("v", [""])[0]
    return found if re.fullmatch(r"[\w-]{6,}", found) else ""



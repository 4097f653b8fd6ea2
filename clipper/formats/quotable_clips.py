"""A `quotableClips:` YAML block in the site's own shape, to paste into an episode file."""
from __future__ import annotations

from typing import Any

import yaml

from ..model import Chapter, Episode


def clip_entries(episode: Episode, chapters: tuple[Chapter, ...]) -> list[dict[str, Any]]:
    """The site's clip items: name, startOffset, the `&t=` url and endOffset, in whole seconds."""
    return [
        {
            "name": chapter.title,
            "startOffset": int(chapter.start_sec),
            "url": episode.watch_url(chapter.start_sec),
            "endOffset": int(round(chapter.end_sec)),
        }
        for chapter in chapters
    ]


def dump_clips(entries: list[dict[str, Any]]) -> str:
    """The `quotableClips:` block, one line per value."""
    return yaml.safe_dump({"quotableClips": entries}, sort_keys=False, allow_unicode=True, width=1000)


def render(episode: Episode, chapters: tuple[Chapter, ...]) -> str:
    return dump_clips(clip_entries(episode, chapters))

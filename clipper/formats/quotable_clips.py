"""A `quotableClips:` YAML block in the site's own shape, to paste into an episode file."""
from __future__ import annotations

import yaml

from ..model import Chapter, Episode


def render(episode: Episode, chapters: tuple[Chapter, ...]) -> str:
    clips = [
        {
            "name": chapter.title,
            "startOffset": int(chapter.start_sec),
            "url": episode.watch_url(chapter.start_sec),
            "endOffset": int(round(chapter.end_sec)),
        }
        for chapter in chapters
    ]
    return yaml.safe_dump({"quotableClips": clips}, sort_keys=False, allow_unicode=True, width=1000)

"""The review page: `output/<slug>/index.html` shows everything clipper made for an episode, to
watch and copy; `output/index.html` lists the episodes and what exists for each.

Reads whatever the output folder holds and tolerates what is missing: a page made before the
notes, clips with or without their text files, or with a `NAME.json` of per-platform posts.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import ToolError
from .model import Link, ShowNotes
from .outputs import write_atomic
from .platforms import PLATFORMS, platform_problems
from .templating import make_environment
from .timecode import parse_clock

PAGE_NAME = "index.html"
PAGE_TEMPLATE = "review.html.j2"
INDEX_TEMPLATE = "review-index.html.j2"
CLIPS_FOLDER = "clips"
DOWNLOADS = (
    ("notes.md", "Show notes (Markdown)"),
    ("notes.json", "Show notes (JSON)"),
    ("youtube.txt", "YouTube description (text)"),
    ("chapters.json", "Podcasting 2.0 chapters (JSON)"),
    ("chapters.vtt", "WebVTT chapters"),
    ("chapters.ffmeta", "FFmpeg metadata chapters"),
)
ALL_PLATFORMS = "All platforms"
_AUDIOGRAM = ".audiogram.mp4"
_REASON_SEPARATOR = "\n---\n"
_SPAN = re.compile(r"(\d+(?::\d{2}){1,2})–(\d+(?::\d{2}){1,2})")
_START_LINK = re.compile(r"[?&]t=(\d+)")


@dataclass(frozen=True)
class ClipPost:
    platform: str
    text: str


@dataclass(frozen=True)
class ReviewClip:
    """One clip made so far, with paths relative to the episode's folder."""

    name: str
    title: str
    media: str
    is_audio: bool
    audiogram: str = ""
    captions: str = ""  # the .srt
    start_sec: float | None = None
    end_sec: float | None = None
    duration_sec: float | None = None
    reason: str = ""
    posts: tuple[ClipPost, ...] = ()
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReviewPage:
    notes: ShowNotes
    intro: tuple[str, ...]
    youtube_description: str
    youtube_chapters: str
    downloads: tuple[Link, ...]  # the notes' files that exist
    missing: tuple[str, ...]  # the notes' files not made yet
    clips: tuple[ReviewClip, ...]


@dataclass(frozen=True)
class IndexEntry:
    slug: str
    title: str
    has_page: bool
    files: tuple[str, ...]  # the notes' files that exist
    clip_count: int


def read_clips(folder: Path) -> tuple[ReviewClip, ...]:
    """Every clip in `folder/clips/`, in name order (their numbers); a clip is its media file."""
    clips_dir = folder / CLIPS_FOLDER
    if not clips_dir.is_dir():
        return ()
    media = [p for p in sorted(clips_dir.iterdir()) if p.is_file() and not p.name.startswith(".") and _is_clip_media(p.name)]
    return tuple(read_clip(path) for path in media)


def _is_clip_media(name: str) -> bool:
    return name.endswith(".m4a") or (name.endswith(".mp4") and not name.endswith(_AUDIOGRAM))


def read_clip(media: Path) -> ReviewClip:
    """A clip from its media file and whatever lies beside it (.srt, .txt, .json, .audiogram.mp4)."""
    from .ffmpeg import MediaInfo, read_media_info

    name, folder = media.stem, media.parent
    is_audio = media.suffix == ".m4a"
    audiogram = folder / f"{name}{_AUDIOGRAM}"
    shown = audiogram if is_audio and audiogram.is_file() else media
    try:
        info = read_media_info(shown)
    except ToolError:
        info = MediaInfo(None)
    text = _read_text(folder / f"{name}.txt")
    post, _, reason = text.partition(_REASON_SEPARATOR)
    extra = _read_json(folder / f"{name}.json")
    reason = str(extra.get("reason") or extra.get("why") or reason.strip().removeprefix(f"{shown.name}: ").removeprefix(f"{media.name}: "))
    start, end = _span(extra, reason, post, info.duration_sec)
    return ReviewClip(
        name=name,
        title=str(extra.get("title") or (post.strip().splitlines()[0] if post.strip() else name)),
        media=f"{CLIPS_FOLDER}/{media.name}",
        is_audio=is_audio,
        audiogram=f"{CLIPS_FOLDER}/{audiogram.name}" if is_audio and audiogram.is_file() else "",
        captions=f"{CLIPS_FOLDER}/{name}.srt" if (folder / f"{name}.srt").is_file() else "",
        start_sec=start,
        end_sec=end,
        duration_sec=info.duration_sec,
        reason=reason.rstrip("."),
        posts=_posts(extra, post),
        warnings=_warnings(shown, info),
    )


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _platform_name(key: str) -> str:
    """A platform's name for a key of a clip's `posts` ("all": one text for every platform)."""
    return PLATFORMS[key].name if key in PLATFORMS else ALL_PLATFORMS if key == "all" else key


def _posts(extra: dict, post: str) -> tuple[ClipPost, ...]:
    """Per-platform texts when the clip has them, else the one text for all platforms."""
    posts = extra.get("posts")
    if isinstance(posts, dict) and posts:
        return tuple(ClipPost(_platform_name(str(key)), str(text).strip()) for key, text in posts.items())
    return (ClipPost(ALL_PLATFORMS, post.strip()),) if post.strip() else ()


def _span(extra: dict, reason: str, post: str, duration_sec: float | None) -> tuple[float | None, float | None]:
    """The clip's span in the episode: from its JSON, its reason ('highlight 49:09–50:09'), or its link's `&t=`."""
    if isinstance(extra.get("start_sec"), (int, float)) and isinstance(extra.get("end_sec"), (int, float)):
        return float(extra["start_sec"]), float(extra["end_sec"])
    match = _SPAN.search(reason)
    if match:
        return parse_clock(match[1]), parse_clock(match[2])
    link = _START_LINK.search(post)
    if link:
        start = float(link[1])
        return start, start + duration_sec if duration_sec else None
    return None, None


def _warnings(video: Path, info) -> tuple[str, ...]:  # noqa: ANN001 - ffmpeg.MediaInfo
    """Every platform's objections to the clip as it is on disk."""
    if info.duration_sec is None:
        return ("ffmpeg cannot read this file: cut it again with --force",)
    size = video.stat().st_size
    return tuple(problem for platform in PLATFORMS for problem in platform_problems(platform, info.duration_sec, size, info.width, info.height))


def build_review_page(notes: ShowNotes, folder: Path, youtube_description: str, youtube_chapters: str,
                      intro: tuple[str, ...]) -> ReviewPage:
    """The page's data: the notes as given, the files found in `folder`."""
    downloads = tuple(Link(label, name) for name, label in DOWNLOADS if (folder / name).is_file())
    missing = tuple(name for name, _ in DOWNLOADS if not (folder / name).is_file())
    return ReviewPage(notes, intro, youtube_description, youtube_chapters, downloads, missing, read_clips(folder))


def render_review_texts(notes: ShowNotes, environment) -> tuple[str, str]:  # noqa: ANN001
    """(the YouTube description, the YouTube chapters) to show with a Copy button."""
    from .chapters import YoutubeChapters
    from .formats import CHAPTER_FORMATS, youtube_description

    fitted = YoutubeChapters(notes.chapters, notes.chapter_repairs, notes.chapter_problem)
    chapters = CHAPTER_FORMATS["youtube"](notes.episode, fitted) if notes.chapters else ""
    return youtube_description.render(notes, environment), chapters


def render_page(notes: ShowNotes, folder: Path, templates_dir: Path | None = None) -> str:
    """The episode's review page, from the notes and what `folder` holds now."""
    from .formats import review_page

    environment = make_environment(templates_dir)
    from .formats.show_notes import intro_paragraphs

    description, chapters = render_review_texts(notes, environment)
    intro = tuple(intro_paragraphs(notes, environment))
    return review_page.render(build_review_page(notes, folder, description, chapters, intro), environment)


def compile_review_templates(templates_dir: Path | None = None) -> None:
    """Compile the page's templates ahead: a cut does it while its clips are encoded, so the page
    written after them costs no compiling (0.02-0.03 s at the end of every cut)."""
    from .formats import show_notes, youtube_description

    environment = make_environment(templates_dir)
    for name in (PAGE_TEMPLATE, INDEX_TEMPLATE, youtube_description.TEMPLATE, show_notes.INTRO_TEMPLATE):
        environment.get_template(name)


def write_if_changed(path: Path, text: str) -> bool:
    """Write `text` atomically unless the file already holds it; True when written."""
    if path.is_file() and _read_text(path) == text:
        return False
    write_atomic(path, text)
    return True


def write_review_page(notes: ShowNotes, folder: Path, templates_dir: Path | None = None) -> bool:
    """Write `folder/index.html` when what it shows changed; True when written."""
    return write_if_changed(folder / PAGE_NAME, render_page(notes, folder, templates_dir))


def index_entries(out_dir: Path) -> tuple[IndexEntry, ...]:
    """One entry per episode folder under `out_dir` (a folder holding notes, clips or a page)."""
    entries = []
    for folder in sorted(p for p in out_dir.iterdir() if p.is_dir() and not p.name.startswith(".")) if out_dir.is_dir() else ():
        files = tuple(name for name, _ in DOWNLOADS if (folder / name).is_file())
        clips = folder / CLIPS_FOLDER
        clip_count = sum(1 for p in clips.iterdir() if p.is_file() and not p.name.startswith(".") and _is_clip_media(p.name)) if clips.is_dir() else 0
        if files or clip_count or (folder / PAGE_NAME).is_file():
            title = str(_read_json(folder / "notes.json").get("title") or folder.name)
            entries.append(IndexEntry(folder.name, title, (folder / PAGE_NAME).is_file(), files, clip_count))
    return tuple(entries)


def write_review_index(out_dir: Path, templates_dir: Path | None = None) -> bool:
    """Write `out_dir/index.html`, the list of every episode's page, when it changed."""
    from .formats import review_page

    text = review_page.render_index(index_entries(out_dir), make_environment(templates_dir))
    return write_if_changed(out_dir / PAGE_NAME, text)


def refresh_review(notes: ShowNotes, out_dir: Path, templates_dir: Path | None = None) -> bool:
    """The episode's page and the index, rewritten where they changed; True when the page was."""
    try:
        written = write_review_page(notes, out_dir / notes.episode.slug, templates_dir)
    finally:
        write_review_index(out_dir, templates_dir)
    return written


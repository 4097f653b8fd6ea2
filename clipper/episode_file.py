"""Episode markdown (Jekyll front matter + a `Links:` body) → Episode."""
from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

import yaml

from .errors import EpisodeError
from .model import Clip, Episode, Header, Link, Problem, TranscriptItem, TranscriptLine
from .people import load_guests
from .safe_yaml import SafeSourceLoader, clean_text, decode_source
from .timecode import MAX_SEC, parse_iso_duration, time_value_to_sec

_LINE_KEY = "__line__"
_KEY_LINES = "__key_lines__"
_MARKDOWN_LINK = re.compile(r"^\s*[*-]\s*\[(?P<title>[^\]]+)\]\((?P<url>[^)\s]+)\)")
_EPISODE_SUFFIXES = (".md", ".markdown", ".txt")
_LINK_TITLES = {"youtube": "YouTube", "apple": "Apple Podcasts", "spotify": "Spotify", "anchor": "Anchor"}


class _LineLoader(SafeSourceLoader):  # type: ignore[misc, valid-type]
    """Records, in each mapping, the 1-based line it starts on (within the YAML text)."""

    def construct_mapping(self, node, deep=False):  # noqa: ANN001 - PyYAML's signature
        mapping = super().construct_mapping(node, deep=deep)
        mapping[_LINE_KEY] = node.start_mark.line + 1
        if node.start_mark.line == 0 and node.start_mark.column == 0:  # the front matter itself
            mapping[_KEY_LINES] = {key.value: key.start_mark.line + 1 for key, _ in node.value}
        return mapping


def episode_slug(path: Path) -> str:
    """The file name without its extensions: `a.md.md` → `a`."""
    name = path.name
    while name.lower().endswith(_EPISODE_SUFFIXES):
        name = name[: name.rfind(".")]
    return name


def resolve_episode_path(arg: str) -> Path:
    """A path as given, or a slug looked up in `_podcast/` (a site checkout) and here."""
    path = Path(arg)
    if path.is_file():
        return path
    if path.is_dir():
        raise EpisodeError("this is a folder, not an episode file", "name one episode file (clipper notes and check also take folders)", arg)
    for candidate in (Path("_podcast") / f"{arg}.md", Path("_podcast") / f"{arg}.md.md", Path(f"{arg}.md")):
        if candidate.is_file():
            return candidate
    close = closest_episodes(arg)
    hint = f"did you mean {' or '.join(repr(name) for name in close)}?" if close else "give a path to an episode .md file or a slug in _podcast/"
    raise EpisodeError("no such episode file", hint, arg)


def closest_episodes(arg: str) -> list[str]:
    """Episode paths (in the folder named) or slugs (in `_podcast/` and here) most like `arg`."""
    path = Path(arg)
    if str(path.parent) != "." and path.parent.is_dir():
        names = [found.name for found in path.parent.iterdir() if found.name.lower().endswith(_EPISODE_SUFFIXES)]
        return [str(path.parent / name) for name in difflib.get_close_matches(path.name, sorted(names), n=3, cutoff=0.6)]
    else:
        names = [episode_slug(found) for folder in (Path("_podcast"), Path(".")) if folder.is_dir()
                 for found in folder.iterdir() if found.name.lower().endswith((".md", ".markdown"))]
    return difflib.get_close_matches(arg, sorted(set(names)), n=3, cutoff=0.6)


def read_episode(path: Path, people_dir: Path | None = None) -> Episode:
    """Load one episode file; raises EpisodeError with the file and line of the problem."""
    text = _read_text(path)
    front, offset, body = split_front_matter(text, str(path))
    data = _load_yaml(front, offset, str(path))
    people_dir = people_dir if people_dir is not None else default_people_dir(path)
    return _build_episode(data, body, path, offset, people_dir)


def default_people_dir(episode_path: Path) -> Path | None:
    """`_people/` beside the episode's folder, as in a site checkout, when it exists."""
    candidate = episode_path.resolve().parent.parent / "_people"
    return candidate if candidate.is_dir() else None


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise EpisodeError("no such file", "check the path", str(path)) from None
    except OSError as exc:
        raise EpisodeError(f"cannot read the file ({exc.strerror})", "check the path and its permissions", str(path)) from None
    if b"\0" in raw[:4096]:
        raise EpisodeError("this is a binary file, not an episode", "give the episode's .md file", str(path), 1)
    return decode_source(raw, str(path), EpisodeError)


def _no_front_matter_hint(lines: list[str], path: str) -> str:
    if any(line.strip() == "---" for line in lines):
        return "put the YAML front matter between '---' lines at the very top of the file"
    return f"put YAML front matter between '---' lines at the top, or, for a raw transcript, make an episode file with 'clipper import {path}'"


def split_front_matter(text: str, path: str) -> tuple[str, int, str]:
    """(front matter YAML, number of lines before it, body after the closing `---`)."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        first = next((i for i, line in enumerate(lines) if line.strip()), 0)
        raise EpisodeError("the file does not start with front matter ('---' on the first line)", _no_front_matter_hint(lines, path), path, first + 1)
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return "".join(lines[1:index]), 1, "".join(lines[index + 1 :])
    raise EpisodeError("the front matter has no closing '---'", "end the front matter with a '---' line", path, 1)


def _load_yaml(front: str, offset: int, path: str) -> dict[str, Any]:
    try:
        data = yaml.load(front, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except RecursionError:
        raise EpisodeError("the front matter nests too deep", "write it as plain 'key: value' lines and lists", path, offset + 1) from None
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, front, offset, path) from None
    if not isinstance(data, dict):
        raise EpisodeError("the front matter is not a YAML mapping of fields", "write it as 'key: value' lines", path, offset + 1)
    return data


def _yaml_error(exc: yaml.YAMLError, front: str, offset: int, path: str) -> EpisodeError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 + offset if mark else offset + 1
    problem = getattr(exc, "problem", None) or "invalid YAML"
    source_line = front.splitlines()[line - offset - 1] if mark and line - offset - 1 < len(front.splitlines()) else ""
    if "alias" in problem:
        todo = "write the value out where the alias is"
    elif "{{" in source_line or "{%" in front:
        todo = "this is an unfilled template: replace its {{ ... }} placeholders with real values"
    else:
        todo = "fix the YAML there (quote values that contain ': ', '#' or start with '{', '[' or '*')"
    return EpisodeError(f"invalid YAML in the front matter ({problem})", todo, path, line)


def _build_episode(data: dict[str, Any], body: str, path: Path, offset: int, people_dir: Path | None) -> Episode:
    where = str(path)
    title = _one_line(_text_field(data, "title", where, offset))
    if not title:
        raise EpisodeError("the front matter has no 'title'", "add a 'title:' line", where, offset + 1)  # the first line of the front matter
    guest_ids = _string_list(data.get("guests"), "guests", where, offset, data)
    guests, warnings = load_guests(guest_ids, people_dir, where, _field_line(data, "guests", offset))
    transcript, copies = without_copies(_transcript(data.get("transcript"), where, offset, _field_line(data, "transcript", offset)))
    if copies:
        warnings.append(Problem(where, copies[0].source_line, "warning", f"{len(copies)} transcript item(s) repeated from here on "
                                "(a line again without its sec or who, or a header twice): each is used once; delete the copies"))
    ids, links = _mapping(data, "ids", where, offset), _mapping(data, "links", where, offset)
    return Episode(
        path=where,
        slug=episode_slug(path),
        title=title,
        short=_one_line(_text_field(data, "short", where, offset)) or title,
        guests=guests,
        youtube_id=str(ids.get("youtube") or ""),
        youtube_url=_youtube_url(ids, links),
        links=tuple(Link(_LINK_TITLES.get(str(k), str(k).capitalize()), str(v)) for k, v in links.items() if _is_url(v)),
        description=_text_field(data, "description", where, offset),
        intro=_text_field(data, "intro", where, offset),
        topics=tuple(_string_list(data.get("topics"), "topics", where, offset, data)),
        keywords=_keywords(data, where, offset),
        duration_sec=_duration(data, where, offset),
        image=_one_line(_text_field(data, "image", where, offset)),
        clips=_clips(data.get("quotableClips"), where, offset, _field_line(data, "quotableClips", offset)),
        transcript=transcript,
        body_links=tuple(_body_links(body)),
        warnings=tuple(warnings),
    )


def _field_line(data: dict[str, Any], key: str, offset: int) -> int:
    """The file line of a top-level field (its key), or of the front matter's start."""
    return data.get(_KEY_LINES, {}).get(key, 1) + offset


def _text_field(data: dict[str, Any], key: str, path: str, offset: int) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        raise EpisodeError(f"'{key}' should be text", f"write '{key}:' as a single (quoted) string", path, _field_line(data, key, offset))
    return _text(value)


def _string_list(value: Any, key: str, path: str, offset: int, data: dict[str, Any]) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(item, (str, int, float)) and not isinstance(item, bool) for item in value):
        raise EpisodeError(f"'{key}' should be a list of names", f"write '{key}: [a, b]'", path, _field_line(data, key, offset))
    return [_one_line(item) for item in value]


def _keywords(data: dict[str, Any], path: str, offset: int) -> tuple[str, ...]:
    """`keywords:` as a list, or as one comma-separated line (as the site writes them)."""
    value = data.get("keywords")
    items = value.split(",") if isinstance(value, str) else _string_list(value, "keywords", path, offset, data)
    return tuple(item.strip() for item in items if item.strip())


def _mapping(data: dict[str, Any], key: str, path: str, offset: int) -> dict[str, Any]:
    value = data.get(key) or {}
    if not isinstance(value, dict):
        raise EpisodeError(f"'{key}' should be a mapping", f"write '{key}:' with indented 'name: value' lines", path, _field_line(data, key, offset))
    return value


def _is_url(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(("http://", "https://"))


def _youtube_url(ids: dict[str, Any], links: dict[str, Any]) -> str:
    if _is_url(links.get("youtube")):
        return str(links["youtube"])
    return f"https://www.youtube.com/watch?v={ids['youtube']}" if ids.get("youtube") else ""


def _duration(data: dict[str, Any], path: str, offset: int) -> float | None:
    value = data.get("duration")
    if value is None:
        return None
    seconds = parse_iso_duration(str(value)) if isinstance(value, str) else time_value_to_sec(value)
    if seconds is None:
        raise EpisodeError(f"'duration' is not an ISO 8601 duration: {value!r}", "write it like PT00H59M23S", path, _field_line(data, "duration", offset))
    return seconds


def _clips(value: Any, path: str, offset: int, line: int) -> tuple[Clip, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise EpisodeError("'quotableClips' should be a list", "write one '- name: ...' item per clip", path, line)
    return tuple(_clip(item, path, offset, line) for item in value)


def _clip(item: Any, path: str, offset: int, list_line: int) -> Clip:
    if not isinstance(item, dict):
        raise EpisodeError("a quotable clip is not a mapping", "give it name, startOffset and endOffset", path, list_line)
    line = item[_LINE_KEY] + offset
    start, end = _time(item, "startOffset", path, line), _time(item, "endOffset", path, line)
    if start is None or end is None:
        raise EpisodeError("a quotable clip has no numeric startOffset/endOffset", "give both, in seconds", path, line)
    return Clip(_one_line(item.get("name")), start, end, str(item.get("url") or ""), line)


def _time(item: dict[str, Any], key: str, path: str, line: int) -> float | None:
    """A time field in seconds; None when absent; an error when it is there but not a time."""
    value = item.get(key)
    if value is None or value == "":
        return None
    sec = time_value_to_sec(value)
    if sec is None:
        shown = repr(value) if isinstance(value, (str, int, float)) and len(repr(value)) < 40 else f"a {type(value).__name__}"
        raise EpisodeError(f"'{key}' is not a time: {shown}", f"write seconds from 0 to {MAX_SEC:.0f} (71) or m:ss ('1:11')", path, line)
    return sec


def _text(value: Any) -> str:
    return clean_text(str(value or "")).strip()


def _one_line(value: Any) -> str:
    """Text that must stay on one line (titles, names, speakers): its line breaks become spaces."""
    return " ".join(_text(value).split())


def _transcript(value: Any, path: str, offset: int, line: int) -> tuple[TranscriptItem, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise EpisodeError("'transcript' should be a list", "write '- header: ...' and '- line: ...' items", path, line)
    return tuple(_transcript_item(item, path, offset, line) for item in value)


def _transcript_item(item: Any, path: str, offset: int, list_line: int) -> TranscriptItem:
    if not isinstance(item, dict):
        raise EpisodeError("a transcript item is not a mapping", "write '- line: ...' with sec/time/who, or '- header: ...'", path, list_line)
    line = item[_LINE_KEY] + offset
    if "header" in item:
        return Header(_one_line(item["header"]), line)
    if "line" not in item:
        raise EpisodeError("a transcript item has neither 'line' nor 'header'", "add the text as 'line:'", path, line)
    sec = _time(item, "sec", path, line)
    if sec is None:
        sec = _time(item, "time", path, line)
    return TranscriptLine(_text(item["line"]), _one_line(item.get("who")), sec, line)


def without_copies(items: tuple[TranscriptItem, ...]) -> tuple[tuple[TranscriptItem, ...], list[TranscriptItem]]:
    """The transcript with each line and header once, and the copies left out.

    A line is a copy when another line has its text and at least its time and speaker (the timed,
    attributed copy wins); a header is a copy of one with its title in the same run of headers.
    """
    complete: dict[str, list[TranscriptLine]] = {}
    for item in items:
        if isinstance(item, TranscriptLine) and item.sec is not None and item.who:
            complete.setdefault(item.text, []).append(item)
    kept: list[TranscriptItem] = []
    copies: list[TranscriptItem] = []
    run_titles: set[str] = set()
    for item in items:
        is_copy = item.title in run_titles if isinstance(item, Header) else _is_copy(item, complete.get(item.text, ()))
        (copies if is_copy else kept).append(item)
        run_titles = run_titles | {item.title} if isinstance(item, Header) else set()
    return tuple(kept), sorted(copies, key=lambda item: item.source_line or 0)


def _is_copy(line: TranscriptLine, complete_lines) -> bool:  # noqa: ANN001 - a sequence of TranscriptLine
    """True when a complete line other than `line` says the same, and agrees with what `line` has."""
    for other in complete_lines:
        if other is line:
            return False  # the first complete copy is the one kept
        if line.who in ("", other.who) and line.sec in (None, other.sec):
            return True
    return False


def _body_links(body: str) -> list[Link]:
    """Bulleted links of the markdown body; in-page anchors (a table of contents) point nowhere off the site."""
    links = []
    for text_line in body.splitlines():
        match = _MARKDOWN_LINK.match(text_line)
        if match and _is_url(match["url"]):
            links.append(Link(_text(match["title"]), _text(match["url"])))
    return links


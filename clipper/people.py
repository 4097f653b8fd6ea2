"""Guest ids → Person, from the site's `_people/<id>.md` files."""
from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml

from .errors import PeopleError
from .model import Link, Person, Problem
from .safe_yaml import SafeSourceLoader, clean_text, decode_source

_PROFILE_URLS = {
    "web": ("Website", "{}"),
    "linkedin": ("LinkedIn", "https://www.linkedin.com/in/{}/"),
    "twitter": ("Twitter", "https://twitter.com/{}"),
    "github": ("GitHub", "https://github.com/{}"),
}
_MAX_ID_CHARS = 200  # a file name (`<id>.md`) has at most 255 bytes
_BAD_ID = re.compile(r"[/\\\0]|^\.|^$")
_URL_SAFE = ":/?#[]@!$&'*+,;=%~"  # kept as they are in a URL; `(`, `)`, `<`, spaces… are percent-encoded


def load_guests(ids: list[str], people_dir: Path | None, episode_path: str, line: int) -> tuple[tuple[Person, ...], list[Problem]]:
    """The guests in order; an unknown id becomes an unnamed Person, with a warning."""
    guests, warnings = [], []
    for guest_id in ids:
        _check_id(guest_id, episode_path, line)
        person = read_person(people_dir / f"{guest_id}.md", people_dir) if people_dir else None
        if person is None:
            warnings.append(Problem(episode_path, line, "warning", f"unknown guest '{guest_id}': no people file{_where(people_dir, guest_id)}"
                                    "; the notes leave the guest unnamed"))
            person = Person(id=guest_id, name="", is_known=False)
        guests.append(person)
    return tuple(guests), warnings


def _check_id(guest_id: str, episode_path: str, line: int) -> None:
    """A guest id names a people file: a plain name, never a path."""
    if _BAD_ID.search(guest_id) or len(guest_id) > _MAX_ID_CHARS:
        shown = guest_id if len(guest_id) <= 60 else guest_id[:57] + "..."
        raise PeopleError(f"guest id '{shown}' is not a name of a people file", f"write the id as in _people/<id>.md: "
                          f"no '/', '\\' or leading '.', at most {_MAX_ID_CHARS} characters", episode_path, line)


def read_person(path: Path, people_dir: Path | None = None) -> Person | None:
    """The person described by a people file, or None when there is no such file.

    Only a regular file inside `people_dir` is read: a symlink out of the folder is no people file.
    """
    if not path.is_file() or (people_dir is not None and not path.resolve().is_relative_to(people_dir.resolve())):
        return None
    front, body = _split(_read_text(path))
    try:
        data = yaml.load(front, Loader=SafeSourceLoader) or {}  # noqa: S506 - a safe loader
    except RecursionError:
        raise PeopleError("the people file nests too deep", "write 'title: Name' between '---' lines", str(path), 1) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark else 1
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise PeopleError(f"invalid YAML in the people file ({problem})", "fix the YAML there", str(path), line) from None
    if not isinstance(data, dict):
        raise PeopleError("the people file has no front matter mapping", "write 'title: Name' between '---' lines", str(path), 1)
    return Person(
        id=path.stem,
        name=" ".join(clean_text(str(data.get("title") or path.stem)).split()),
        bio=_bio(clean_text(body)),
        links=tuple(_profile_links(data)),
        picture=_site_path(data.get("picture")),
    )


def _site_path(value: Any) -> str:
    """A path in the site as written (`picture: images/authors/x.jpg`); "" when it is not one line of text."""
    return value.strip() if isinstance(value, str) and "\n" not in value.strip() else ""


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PeopleError(f"cannot read the people file ({exc.strerror})", "check its permissions", str(path)) from None
    if not raw.strip():
        raise PeopleError("the people file is empty", "write 'title: Name' between '---' lines, then the bio", str(path), 1)
    return decode_source(raw, str(path), PeopleError, "the people file")


def _split(text: str) -> tuple[str, str]:
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return "", text
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            return "".join(lines[1:index]), "".join(lines[index + 1 :])
    return "".join(lines[1:]), ""


def _bio(body: str) -> str:
    bio = " ".join(body.split())
    return "" if bio.upper() in ("", "TBA", "TODO") else bio


def _profile_links(data: dict[str, Any]) -> list[Link]:
    """Profile links; a `web:` that is not http(s) (`javascript:…`) is no link."""
    links = []
    for key, (title, pattern) in _PROFILE_URLS.items():
        value = str(data.get(key) or "").strip()
        if key == "web" and value and ":" not in value.split("/")[0]:
            value = f"https://{value}"  # `web: example.com`
        if value.lower().startswith(("http://", "https://")):
            links.append(Link(title, quote(value, safe=_URL_SAFE)))
        elif value and key != "web":
            links.append(Link(title, pattern.format(quote(value, safe=""))))
    return links


def closest_ids(guest_id: str, people_dir: Path | None) -> list[str]:
    """The people files' ids most like `guest_id`, for a "did you mean"."""
    if people_dir is None or not people_dir.is_dir():
        return []
    return difflib.get_close_matches(guest_id, [path.stem for path in people_dir.glob("*.md")], n=3)


def _where(people_dir: Path | None, guest_id: str) -> str:
    if people_dir is None:
        return " (no people folder: pass --people DIR)"
    if not people_dir.is_dir():
        return f" (the people folder {people_dir} does not exist: check --people)"
    close = closest_ids(guest_id, people_dir)
    return f" in {people_dir}" + (f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else "")

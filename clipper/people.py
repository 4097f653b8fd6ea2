"""Guest ids → Person, from the site's `_people/<id>.md` files."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import PeopleError
from .model import Link, Person, Problem

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_PROFILE_URLS = {
    "web": ("Website", "{}"),
    "linkedin": ("LinkedIn", "https://www.linkedin.com/in/{}/"),
    "twitter": ("Twitter", "https://twitter.com/{}"),
    "github": ("GitHub", "https://github.com/{}"),
}


def load_guests(ids: list[str], people_dir: Path | None, episode_path: str, line: int) -> tuple[tuple[Person, ...], list[Problem]]:
    """The guests in order; an unknown id becomes a Person named by the id, with a warning."""
    guests, warnings = [], []
    for guest_id in ids:
        person = read_person(people_dir / f"{guest_id}.md") if people_dir else None
        if person is None:
            warnings.append(Problem(episode_path, line, "warning", f"unknown guest '{guest_id}': no people file{_where(people_dir)}"))
            person = Person(id=guest_id, name=guest_id, is_known=False)
        guests.append(person)
    return tuple(guests), warnings


def read_person(path: Path) -> Person | None:
    """The person described by a people file, or None when there is no such file."""
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8-sig")
    front, body = _split(text)
    try:
        data = yaml.load(front, Loader=_Loader) or {}  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark else 1
        raise PeopleError("invalid YAML in the people file", "fix the YAML there", str(path), line) from None
    if not isinstance(data, dict):
        raise PeopleError("the people file has no front matter mapping", "write 'title: Name' between '---' lines", str(path), 1)
    return Person(
        id=path.stem,
        name=str(data.get("title") or path.stem).strip(),
        bio=_bio(body),
        links=tuple(_profile_links(data)),
    )


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
    links = []
    for key, (title, pattern) in _PROFILE_URLS.items():
        value = data.get(key)
        if value:
            value = str(value).strip()
            links.append(Link(title, value if value.startswith("http") else pattern.format(value)))
    return links


def _where(people_dir: Path | None) -> str:
    if people_dir is None:
        return " (no people folder: pass --people DIR)"
    if not people_dir.is_dir():
        return f" (the people folder {people_dir} does not exist: check --people)"
    return f" in {people_dir}"

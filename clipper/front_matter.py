"""Editing an episode file's front matter as text: new keys go in, every other byte stays.

A YAML dump of the whole front matter would reorder keys, requote strings, rewrap lines and
drop comments; so the file is edited line by line, at the top-level keys' own lines, which
PyYAML's composer reports exactly (pure: text in, text out).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from .errors import EpisodeError

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# YAML's own line breaks (str.splitlines also splits at \f, \v and others, which YAML does not).
_LINE = re.compile(r"[^\n\r\x85\u2028\u2029]*(?:\r\n|[\n\r\x85\u2028\u2029])|[^\n\r\x85\u2028\u2029]+$")
_BOM = "\ufeff"
_INSERT_BEFORE = "transcript"  # the site's files end their front matter with the long transcript


@dataclass(frozen=True)
class FrontMatter:
    """An episode file cut into lines: front matter lines are `lines[first:end]`."""

    bom: str
    lines: tuple[str, ...]
    first: int
    end: int
    newline: str

    def text(self) -> str:
        return self.bom + "".join(self.lines)

    def yaml_text(self) -> str:
        return "".join(self.lines[self.first : self.end])


def split_lines(text: str) -> list[str]:
    """Lines with their ends, split where YAML splits them."""
    return _LINE.findall(text)


def parse_front_matter(text: str, path: str) -> FrontMatter:
    """The file's lines and where its front matter is; raises EpisodeError without one."""
    bom = _BOM if text.startswith(_BOM) else ""
    lines = split_lines(text[len(bom):])
    if not lines or lines[0].strip() != "---":
        raise EpisodeError("the file does not start with front matter ('---' on the first line)", "add front matter first", path, 1)
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            newline = "\r\n" if lines[0].endswith("\r\n") else "\n"
            return FrontMatter(bom, tuple(lines), 1, index, newline)
    raise EpisodeError("the front matter has no closing '---'", "end the front matter with a '---' line", path, 1)


def load_data(front: FrontMatter, path: str) -> dict[str, Any]:
    """The front matter as plain YAML data (what the site's Jekyll sees)."""
    try:
        data = yaml.load(front.yaml_text(), Loader=_Loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 + front.first if mark else front.first
        raise EpisodeError("invalid YAML in the front matter", "fix it first (clipper check names the problem)", path, line) from None
    return data if isinstance(data, dict) else {}


def key_spans(front: FrontMatter, path: str) -> dict[str, tuple[int, int]]:
    """Each top-level key → the file lines [start, stop) of its key and value.

    Blank lines and column-0 comments after a value belong to no key, so they stay put.
    """
    root = yaml.compose(front.yaml_text(), Loader=_Loader)
    if root is None:
        return {}
    if not isinstance(root, yaml.MappingNode) or root.flow_style:
        raise EpisodeError("the front matter is not a block mapping of 'key: value' lines", "write one key per line", path, front.first + 1)
    starts = [(str(key.value), key.start_mark.line + front.first) for key, _ in root.value]
    stops = [start for _, start in starts[1:]] + [front.end]
    return {key: (start, _trim_trailing(front.lines, start, stop)) for (key, start), stop in zip(starts, stops)}


def _trim_trailing(lines: tuple[str, ...], start: int, stop: int) -> int:
    while stop - 1 > start and (not lines[stop - 1].strip() or lines[stop - 1].startswith("#")):
        stop -= 1
    return stop


def render_key(key: str, value: Any, newline: str, width: int = 80) -> str:
    """`key: value` as YAML block text, wrapped as PyYAML wraps (the site's own files were so written)."""
    text = yaml.safe_dump({key: value}, sort_keys=False, allow_unicode=True, width=width)
    return text.replace("\n", newline)


def set_keys(front: FrontMatter, blocks: dict[str, str], path: str) -> FrontMatter:
    """The file with each key's YAML block in place of that key's lines, or, for a new key,
    before `transcript:` (the end of the front matter when there is none)."""
    spans = key_spans(front, path)
    anchor = spans[_INSERT_BEFORE][0] if _INSERT_BEFORE in spans else front.end
    replaced = {spans[key][0]: (spans[key][1], block) for key, block in blocks.items() if key in spans}
    inserted = "".join(block for key, block in blocks.items() if key not in spans)
    lines: list[str] = []
    index = 0
    while index < len(front.lines):
        if index == anchor:
            lines.extend(split_lines(inserted))
        if index in replaced:
            stop, block = replaced[index]
            lines.extend(split_lines(block))
            index = stop
            continue
        lines.append(front.lines[index])
        index += 1
    added_lines = len(lines) - len(front.lines)
    return FrontMatter(front.bom, tuple(lines), front.first, front.end + added_lines, front.newline)

"""Errors a user can act on: one line, `<file>:<line>: <what is wrong>; <what to do>`."""
from __future__ import annotations


class ClipperError(Exception):
    """Base class: every message names the file (and line, when known) and what to do."""

    def __init__(self, what: str, todo: str, path: str | None = None, line: int | None = None):
        self.what, self.todo, self.path, self.line = what, todo, path, line
        super().__init__(self.message)

    def __reduce__(self):  # noqa: ANN204 - pickled whole (a clip job's failed ranges travel to a worker)
        return self.__class__, (self.what, self.todo, self.path, self.line)

    @property
    def message(self) -> str:
        where = ""
        if self.path:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        return f"{where}{self.what}; {self.todo}"


class EpisodeError(ClipperError):
    """An episode file cannot be read or does not make an episode."""


class PeopleError(ClipperError):
    """A people file cannot be read."""


class TemplateError(ClipperError):
    """A show-notes template is missing or fails to render."""


class ChapterError(ClipperError):
    """Chapters cannot be made for an episode (for example, a transcript with no times)."""


class OutputError(ClipperError):
    """An output file cannot be written."""


class ToolError(ClipperError):
    """An external program (ffmpeg, yt-dlp) failed."""

"""The Jinja2 environment: one place that finds templates/, with strict undefined variables."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import jinja2

from .errors import TemplateError
from .outputs import default_templates_dir
from .timecode import format_clock

_BREAKS = re.compile(r"\s*(?:<br\s*/?>\s*)+", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]+>")


def paragraphs(text: str) -> list[str]:
    """Text split at HTML line breaks (the site's intros use `<br><br>`) and blank lines, tags removed."""
    parts = re.split(r"\n\s*\n", _BREAKS.sub("\n\n", text or ""))
    return [" ".join(_TAGS.sub("", part).split()) for part in parts if _TAGS.sub("", part).strip()]


@lru_cache(maxsize=16)
def make_environment(templates_dir: Path | None = None) -> jinja2.Environment:
    """One environment a templates folder and process, so each template is compiled once per worker
    (compiling them again for every episode was 17 % of a batch); Jinja still reloads a template
    whose file changed (auto_reload). Shared: callers must not change it."""
    folder = templates_dir or default_templates_dir()
    if not folder.is_dir():
        raise TemplateError("the templates folder does not exist", "give --templates a folder holding notes.md.j2 and youtube.txt.j2", str(folder))
    # A --templates folder need not hold every template: clipper's own stand in for the ones it lacks.
    folders = [str(folder)] + ([str(default_templates_dir())] if folder != default_templates_dir() else [])
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folders),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=is_html_template,  # markdown and plain text are not escaped; HTML pages are
    )
    environment.filters["clock"] = format_clock
    environment.filters["paragraphs"] = paragraphs
    environment.filters["ass_time"] = ass_time
    environment.filters["ass_text"] = ass_text
    return environment


def is_html_template(name: str | None) -> bool:
    return bool(name) and str(name).endswith(".html.j2")


def ass_time(sec: float) -> str:
    """`H:MM:SS.cc`, the centisecond times of ASS subtitles."""
    centis = max(0, round(sec * 100))
    hours, rest = divmod(centis, 360_000)
    minutes, rest = divmod(rest, 6000)
    seconds, centis = divmod(rest, 100)
    return f"{hours}:{minutes:02d}:{seconds:02d}.{centis:02d}"


def ass_text(text: str) -> str:
    """Text safe inside an ASS event: braces would start override tags, backslashes escapes."""
    return " ".join(text.replace("\\", "/").replace("{", "(").replace("}", ")").split())


def tidy_text(text: str) -> str:
    """At most one blank line in a row, and exactly one newline at the end."""
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def render(environment: jinja2.Environment, name: str, **context: object) -> str:
    """The template rendered; a missing template or an undefined variable is a TemplateError."""
    try:
        template = environment.get_template(name)
        return tidy_text(template.render(**context))
    except jinja2.TemplateNotFound:
        raise TemplateError(f"no template named {name}", "copy it from clipper's templates/ into your --templates folder", _folder(environment)) from None
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"template syntax error ({exc.message})", "fix the template there", exc.filename or name, exc.lineno) from None
    except jinja2.UndefinedError as exc:
        raise TemplateError(f"the template uses an undefined variable ({exc.message})", "use only the variables listed in clipper's templates/README.md", str(Path(_folder(environment)) / name), _error_line(exc)) from None


def _folder(environment: jinja2.Environment) -> str:
    loader = environment.loader
    return loader.searchpath[0] if isinstance(loader, jinja2.FileSystemLoader) else ""


def _error_line(exc: Exception) -> int | None:
    """The template line where rendering failed, from the traceback Jinja keeps for templates."""
    tb = exc.__traceback__
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(".j2"):
            line = tb.tb_lineno
        tb = tb.tb_next
    return line

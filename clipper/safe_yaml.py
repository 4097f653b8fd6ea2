"""The one safe YAML loader of episode and people files, and the cleaning of the text they hold."""
from __future__ import annotations

import re

import yaml

from .errors import ClipperError

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml is ~8x faster (specs.md)
# CSI (`ESC [ ... m`), OSC (`ESC ] ... BEL`) and two-character escapes; then C0/C1 controls but \t \n.
_ESCAPE_SEQUENCE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[ -/]*[0-~]|\x9b[0-?]*[ -/]*[@-~]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class SafeSourceLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """A safe loader for hand-written files: no aliases, no bad values past a line number.

    Aliases are refused (real files never use them, and nested ones expand into gigabytes);
    a value that cannot be built (an int of 5,000 digits, `!!float one`) is a YAML error at
    its line rather than a ValueError; text loses control characters and terminal escapes.
    """

    def construct_object(self, node, deep=False):  # noqa: ANN001 - PyYAML's signature
        if node in self.constructed_objects or node in self.recursive_objects:
            raise yaml.constructor.ConstructorError(None, None, "a value with an anchor (&name) that an alias (*name) repeats: aliases are not allowed",
                                                    node.start_mark)
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, OverflowError, TypeError, AttributeError):  # PyYAML's constructors on bad text
            raise yaml.constructor.ConstructorError(None, None, f"a value that cannot be read as {node.tag.rpartition(':')[2]}",
                                                    node.start_mark) from None

    def construct_yaml_str(self, node):  # noqa: ANN001
        return clean_text(super().construct_yaml_str(node))


SafeSourceLoader.add_constructor("tag:yaml.org,2002:str", SafeSourceLoader.construct_yaml_str)


def clean_text(text: str) -> str:
    """Text without terminal escape sequences and control characters (newlines and tabs stay)."""
    if text.isprintable():  # most text: nothing to do, found at C speed
        return text
    return _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text))


def decode_source(raw: bytes, path: str, error: type[ClipperError], what: str = "the file") -> str:
    """`raw` as text (UTF-8, a leading BOM dropped); `error` naming the line of the first byte that is not."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise error(f"{what} is not UTF-8 text", "save it as UTF-8", path, line) from None

"""Work counted, not timed: how many lines of clipper's own code a call runs.

A count is the same on any machine and under any load, so a test can compare the work on n and
on 2n items and catch a return of quadratic growth without a timed assertion.
"""
from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import clipper

_PACKAGE = str(Path(clipper.__file__).parent)


def lines_run(call: Callable[[], object]) -> int:
    """The number of lines of clipper's code run by `call()` (loops count once per turn)."""
    count = 0

    def local(frame, event, arg):  # noqa: ANN001, ANN202
        nonlocal count
        if event == "line":
            count += 1
        return local

    def calls(frame, event, arg):  # noqa: ANN001, ANN202
        return local if frame.f_code.co_filename.startswith(_PACKAGE) else None

    previous = sys.gettrace()
    sys.settrace(calls)
    try:
        call()
    finally:
        sys.settrace(previous)
    return count


def growth(work: Callable[[int], int], size: int) -> float:
    """How much more work twice the size takes: about 2 when linear, about 4 when quadratic."""
    return work(2 * size) / work(size)


class CopiedText(str):
    """Text that tallies the characters copied out of it (slices, strips), and whose copies do too:
    an algorithm that copies the rest of a text at every step shows it here, whatever the machine."""

    copied = 0

    def __getitem__(self, key):  # noqa: ANN001, ANN204
        return self._tallied(super().__getitem__(key))

    def strip(self, chars=None):  # noqa: ANN001, ANN201
        return self._tallied(super().strip(chars))

    def rstrip(self, chars=None):  # noqa: ANN001, ANN201
        return self._tallied(super().rstrip(chars))

    def lstrip(self, chars=None):  # noqa: ANN001, ANN201
        return self._tallied(super().lstrip(chars))

    @classmethod
    def _tallied(cls, text: str) -> CopiedText:
        CopiedText.copied += len(text)
        return cls(text)

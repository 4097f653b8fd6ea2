"""Child processes (ffmpeg, the notes workers) that die with clipper, even when it is killed with SIGKILL."""
from __future__ import annotations

import ctypes
import signal
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")

_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _load_prctl():  # noqa: ANN202 - a ctypes function, or None
    if not sys.platform.startswith("linux"):
        return None
    try:  # the C library Python runs on (find_library would run ldconfig at every start)
        return ctypes.CDLL(None, use_errno=True).prctl
    except AttributeError:  # a Python linked without it
        return None


# Loaded once here: `die_with_parent` runs between fork and exec, where it must not import or load.
_PRCTL = _load_prctl()


def die_with_parent() -> None:
    """Ask the kernel to SIGKILL this process when its parent dies (Linux; elsewhere nothing).

    The `preexec_fn` of ffmpeg and the initializer of the notes workers: a killed clipper leaves
    no orphan that goes on writing files or holding the caller's stderr open.
    """
    if _PRCTL is not None:
        _PRCTL(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def map_in_workers(function: Callable[..., T], items: Iterable, jobs: int) -> Iterator[T]:
    """`function` over `items` in order: here when `jobs` ≤ 1, else in `jobs` worker processes that
    die with clipper. The results come as they are done, for progress."""
    items = list(items)
    if jobs <= 1 or len(items) <= 1:
        yield from map(function, items)
        return
    from concurrent.futures import ProcessPoolExecutor  # with multiprocessing: 40 ms a single command need not pay

    with ProcessPoolExecutor(max_workers=min(jobs, len(items)), initializer=die_with_parent) as pool:
        yield from pool.map(function, items, chunksize=1)

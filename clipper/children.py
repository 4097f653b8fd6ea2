"""Child processes (ffmpeg, the notes workers) that die with clipper, even when it is killed with SIGKILL."""
from __future__ import annotations

import ctypes
import ctypes.util
import signal
import sys

_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def die_with_parent() -> None:
    """Ask the kernel to send this process SIGKILL when its parent dies (Linux; elsewhere a no-op).

    Used as a `preexec_fn` of subprocesses and as the initializer of pool workers, so that a killed
    clipper leaves no orphan that goes on writing files or holding the caller's stderr open.
    """
    if not sys.platform.startswith("linux"):
        return
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return
    libc = ctypes.CDLL(libc_name, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)

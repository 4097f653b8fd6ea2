"""The only writer under output/: atomic files, and a stamp that lets a re-run skip unchanged work."""
from __future__ import annotations

import fcntl
import hashlib
import os
import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

from .errors import OutputError

STAMP_NAME = ".clipper-stamp"
LOCK_NAME = ".clipper-lock"


def default_templates_dir() -> Path:
    """templates/ of the checkout, or the copy shipped inside the installed package."""
    return Path(str(resources.files("clipper.templates")))


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write to a temporary file beside `path`, then rename: readers never see half a file."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if not isinstance(payload, bytes):
        raise TypeError(f"write_atomic takes str or bytes, not {type(data).__name__}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(payload)
            os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes 0600 files
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise OutputError(f"cannot write the file ({exc.strerror})", "check that the output folder is writable and the disk has room", str(path)) from None


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def fingerprint(paths: list[Path], extra: str = "") -> str:
    """A hash of the files' contents (in order) and `extra`: what the outputs were made from."""
    digest = hashlib.sha256(extra.encode("utf-8"))
    for path in paths:
        digest.update(path.name.encode("utf-8") + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"<missing>")
    return digest.hexdigest()


def make_stamp(main_fingerprint: str, dependencies: list[Path]) -> str:
    """The stamp: the inputs' fingerprint, then a line per file found while working (people files)."""
    return "\n".join([main_fingerprint] + [f"{fingerprint([path])} {path}" for path in dependencies])


def read_stamp(path: Path) -> str | None:
    """A stamp's text; None when it is missing, unreadable or not UTF-8 (the work is then redone)."""
    try:
        return path.read_text(encoding="utf-8") if path.is_file() else None
    except (OSError, UnicodeDecodeError):
        return None


def is_up_to_date(folder: Path, names: list[str], main_fingerprint: str) -> bool:
    """True when every output exists and its stamp matches the inputs as they are now."""
    stamp = read_stamp(folder / STAMP_NAME)
    if not stamp or not all((folder / name).is_file() for name in names):
        return False
    first, *dependencies = stamp.splitlines()
    if first != main_fingerprint:
        return False
    for line in dependencies:
        digest, _, path = line.partition(" ")
        if fingerprint([Path(path)]) != digest:
            return False
    return True


def write_outputs(folder: Path, files: dict[str, str], stamp: str) -> list[Path]:
    """Write every file atomically, then the stamp last, so an interrupted run is redone."""
    try:
        (folder / STAMP_NAME).unlink(missing_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot write there ({exc.strerror})", "give --out a folder you can write to", str(folder)) from None
    written = []
    for name, text in files.items():
        write_atomic(folder / name, text)
        written.append(folder / name)
    write_atomic(folder / STAMP_NAME, stamp + "\n")
    return written


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path beside `path` for a program to write; renamed to `path` only on success.

    The name is unique to this run (process id and a random part), so a run killed mid-write
    and the next one, or two runs at once, never write into the same file.
    """
    _make_folder(path.parent)
    temporary = path.with_name(f".{path.stem}.{os.getpid()}-{secrets.token_hex(4)}.part{path.suffix}")
    try:
        yield temporary
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot make the folder ({exc.strerror})", "give --out a folder you can write to",
                          str(folder)) from None


@contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold `folder` for this run alone; OutputError at once when another run holds it.

    An flock dies with its process, so a killed run never leaves the folder locked; what such a
    run was writing is removed here, since no other run can be writing it now.
    """
    _make_folder(folder)
    with open(folder / LOCK_NAME, "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputError("another clipper run is writing into this folder",
                              "wait for it to finish, or give another --out", str(folder)) from None
        for leftover in folder.glob(".*.part*"):
            leftover.unlink(missing_ok=True)
        yield


def clip_is_done(folder: Path, name: str, files: list[str], stamp: str) -> bool:
    """True when a clip's files exist and were made with these settings."""
    return all((folder / f).is_file() for f in files) and read_stamp(folder / f".{name}.stamp") == stamp


def mark_clip_done(folder: Path, name: str, stamp: str) -> None:
    write_atomic(folder / f".{name}.stamp", stamp)

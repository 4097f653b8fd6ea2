"""Fuzzing: mutated real files through load, check, chapters, notes and import.

Every input either works or gives one ClipperError line: never another exception (a traceback),
a hang past a few seconds, or memory blown. The runs are derandomized, so CI sees the same inputs
every time; CLIPPER_FUZZ_EXAMPLES=N runs a larger campaign of random inputs by hand.
"""
from __future__ import annotations

import os
import re
import resource
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from clipper.api import ImportOptions, build_show_notes, import_transcript, make_chapters, render_notes
from clipper.episode_file import read_episode
from clipper.errors import ClipperError
from clipper.formats import CHAPTER_FORMATS
from clipper.templating import make_environment
from clipper.validation import find_problems

from .conftest import PEOPLE, PODCAST, SEEDS

EXAMPLES = int(os.environ.get("CLIPPER_FUZZ_EXAMPLES", "60"))
SECONDS_PER_INPUT = 5
MEMORY_HEADROOM = 2 << 30  # bytes of address space an input may add
CAMPAIGN = "CLIPPER_FUZZ_EXAMPLES" in os.environ  # by hand: random inputs; in `make test`: the same ones every run
FUZZ = settings(max_examples=EXAMPLES, derandomize=not CAMPAIGN, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
ENVIRONMENT = make_environment(None)

# Values of every kind a hand-written field may wrongly hold (as YAML text).
HOSTILE_VALUES = [
    "", "~", "0", "-1", "1.0e+309", "-.inf", ".inf", ".nan", "9" * 5000, "1e309", "99999999999999999999", "true",
    "[]", "{}", "[[[[[[]]]]]]", "{a: {b: {c: []}}}", "!!timestamp 2001-12-14", "!!timestamp soon", "!!float one",
    "!!int x", "!!binary aGVsbG8=", "!!set {a, b}", "!!python/object:os.system x", "&a x", "*a", "!!str",
    "'\\e[31mred\\e[0m \\a'", '"\\e]0;title\\a\\x1b[2J\\x00\\x9b"', "'{{ placeholder }}'", "'" + "long " * 3000 + "'",
    "'../../../../etc/passwd'", "/etc/passwd", "'javascript:alert(1)'", "'<b>bold</b> {\\an8}'", "'12:34:56:78'",
    "'1:99'", "'-0:01'", "PT-5M", "P1000000D", "'\u202eevil'", "|\n  block\n  text",
]


@contextmanager
def bounded(seconds: float = SECONDS_PER_INPUT) -> Iterator[None]:
    """Fail an input that runs past `seconds` or grows the address space past MEMORY_HEADROOM."""
    def hang(signum: int, frame: object) -> None:
        raise TimeoutError(f"an input ran past {seconds} s")

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    used = _address_space()
    previous = signal.signal(signal.SIGALRM, hang)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    if used and (hard == resource.RLIM_INFINITY or used + MEMORY_HEADROOM < hard):
        resource.setrlimit(resource.RLIMIT_AS, (used + MEMORY_HEADROOM, hard))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _address_space() -> int:
    match = re.search(r"^VmSize:\s+(\d+) kB", Path("/proc/self/status").read_text(), re.M) if Path("/proc/self/status").exists() else None
    return int(match[1]) * 1024 if match else 0


def works_or_one_line(step: Callable[[], object]) -> str:
    """Run `step`; "" when it works, else its one-line ClipperError message (anything else fails the test)."""
    try:
        with bounded():
            step()
    except ClipperError as exc:
        assert exc.message and "\n" not in exc.message and "Traceback" not in exc.message, exc.message
        return exc.message
    return ""


def every_step(path: Path, people: Path = PEOPLE) -> str:
    """Load, check, chapters in every format, and notes of one episode file."""
    def steps() -> None:
        episode = read_episode(path, people)
        for problem in find_problems(episode):
            assert "\n" not in str(problem), str(problem)
        for fmt in CHAPTER_FORMATS:
            try:
                make_chapters(path, fmt, people)
            except ClipperError as exc:
                assert "chapters" in exc.message, exc.message  # an episode without chapters says so
        files = render_notes(build_show_notes(episode), ENVIRONMENT)
        assert "NaN" not in files["notes.json"] and "Infinity" not in files["notes.json"]
        assert "\x1b" not in files["notes.md"] + files["youtube.txt"]
    return works_or_one_line(steps)


def small_episode(name: str, items: int = 14) -> str:
    """A real episode file with its transcript cut to its first `items` entries (notes stay fast)."""
    lines = (PODCAST / name).read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("transcript:"))
    end = next(i for i in range(1, len(lines)) if lines[i].rstrip() == "---")
    starts = [i for i in range(start + 1, end) if lines[i].startswith("- ")]
    cut = starts[items] if len(starts) > items else end
    return "".join(lines[:cut] + lines[end:])


BASES = {name: small_episode(name) for name in ("s23e03-future-of-ai-agents.md", "machine-learning-system-design-interview.md")}
FIELD = re.compile(r"^(?P<head>(?:- |  )?(?P<key>[A-Za-z]+):)(?P<value> .*)?$", re.M)


def field_mutations(text: str) -> Iterator[tuple[str, str]]:
    """(what, text) for each distinct key of the front matter given each hostile value."""
    front_end = text.index("\n---", 4)
    seen: set[str] = set()
    for match in FIELD.finditer(text, 0, front_end):
        if match["head"] in seen:
            continue
        seen.add(match["head"])
        for value in HOSTILE_VALUES:
            yield f"{match['head']} {value[:30]}", text[: match.start("value") if match["value"] else match.end()] + " " + value + text[match.end():]


def test_every_field_given_every_wrong_value(tmp_path):
    path = tmp_path / "ep.md"
    outcomes = []
    for what, text in field_mutations(small_episode("s23e03-future-of-ai-agents.md", items=6)):
        path.write_text(text, encoding="utf-8")
        outcomes.append((what, every_step(path)))
    assert len(outcomes) >= 15 * len(HOSTILE_VALUES)
    failures = [message for _, message in outcomes if message]
    assert failures and len(failures) < len(outcomes), "some inputs load and some are refused"


OPERATIONS = st.one_of(
    st.tuples(st.just("flip"), st.floats(0, 1), st.integers(1, 255)),
    st.tuples(st.just("truncate"), st.floats(0, 1), st.just(0)),
    st.tuples(st.just("insert"), st.floats(0, 1), st.sampled_from(HOSTILE_VALUES + ["\n", ": ", "- ", "---\n", "\t", "\\", "'", '"', "&x ", "*x"])),
    st.tuples(st.just("delete"), st.floats(0, 1), st.integers(1, 200)),
    st.tuples(st.just("bom"), st.just(0.0), st.just(0)),
    st.tuples(st.just("crlf"), st.just(0.0), st.just(0)),
)


def mutate(data: bytes, operations: list[tuple[str, float, object]]) -> bytes:
    for kind, where, arg in operations:
        at = int(where * len(data))
        if kind == "flip" and data:
            at = min(at, len(data) - 1)
            data = data[:at] + bytes([data[at] ^ int(arg)]) + data[at + 1:]
        elif kind == "truncate":
            data = data[:at]
        elif kind == "insert":
            data = data[:at] + str(arg).encode("utf-8") + data[at:]
        elif kind == "delete":
            data = data[:at] + data[at + int(arg):]
        elif kind == "bom":
            data = b"\xef\xbb\xbf" + data
        elif kind == "crlf":
            data = data.replace(b"\n", b"\r\n")
    return data


@FUZZ
@given(base=st.sampled_from(sorted(BASES)), operations=st.lists(OPERATIONS, min_size=1, max_size=6))
def test_mutated_episode_files(tmp_path, base, operations):
    path = tmp_path / "ep.md"
    path.write_bytes(mutate(BASES[base].encode("utf-8"), operations))
    every_step(path)


@FUZZ
@given(operations=st.lists(OPERATIONS, min_size=1, max_size=6), person=st.sampled_from(["alexeygrigorev.md", "adityagautam.md"]))
def test_mutated_people_files(tmp_path, operations, person):
    people = tmp_path / "_people"
    people.mkdir(exist_ok=True)
    (people / person).write_bytes(mutate((PEOPLE / person).read_bytes(), operations))
    path = tmp_path / "ep.md"
    path.write_text(f"---\ntitle: T\nguests: [{person[:-3]}]\ntranscript:\n- line: Hello.\n  sec: 0\n  who: A\n---\n", encoding="utf-8")
    every_step(path, people)


SRT = "1\n00:00:01,000 --> 00:00:04,000\n<b>Hello</b> there.\n\n2\n00:00:04,000 --> 00:00:09,500\n{\\an8}General Kenobi.\n"
VTT = "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Ann>Hello there.\n\n00:00:04.000 --> 00:00:09.500\nGeneral Kenobi.\n"
RAW = [(SEEDS / "000_6df58c81865934d2.txt").read_bytes()[:3000], SRT.encode(), VTT.encode(), b"Ann: Hi.\nBob: Hello.\nAnn: Bye now.\n"]


@FUZZ
@given(base=st.sampled_from(range(len(RAW))), operations=st.lists(OPERATIONS, min_size=0, max_size=6))
def test_mutated_raw_transcripts_import(tmp_path, base, operations):
    source = tmp_path / ("talk.srt" if base == 1 else "talk.vtt" if base == 2 else "talk.txt")
    source.write_bytes(mutate(RAW[base], operations))
    out = tmp_path / "_podcast" / "talk.md"
    if not works_or_one_line(lambda: import_transcript(ImportOptions(source, out_file=out))):
        every_step(out)  # what import writes, every other command reads


@FUZZ
@given(text=st.text(st.characters(codec="utf-8"), max_size=400))
def test_any_text_as_an_episode_file(tmp_path, text):
    path = tmp_path / "ep.md"
    path.write_text("---\n" + text + "\n---\n", encoding="utf-8")
    every_step(path)


def test_the_attack_inputs_are_one_line_each(tmp_path):
    bomb = "---\n" + "".join(f"l{n}: &l{n} [" + ", ".join([f"*l{n - 1}" if n else "x"] * 9) + "]\n" for n in range(10)) + "title: T\n---\n"
    refused = [bomb, "---\ntitle: T\nseason: " + "9" * 4400 + "\n---\n", "---\n" + "[" * 5000 + "\n---\n",
               "---\ntitle: T\nduration: .nan\ntranscript:\n- line: a\n  sec: .inf\n---\n"]
    path = tmp_path / "ep.md"
    for text in refused:
        path.write_text(text, encoding="utf-8")
        assert every_step(path), text[:40]
    path.write_text("---\ntitle: T\n" + "a:\n " * 3000 + " b\n---\n", encoding="utf-8")  # deep, but YAML
    every_step(path)


@pytest.mark.parametrize("sentences", [["x" * 695 + " end.", "Bye now."], ["word " * 59 + "one.", "word " * 89 + "end.", "Bye now."]])
def test_a_long_paragraph_ending_in_a_few_words_loses_nothing(sentences):
    """Found by the fuzz campaign: the last few words were added to the wrong part, or past the end (IndexError)."""
    from clipper.transcript_import import Piece, _split_long

    paragraph = Piece(" ".join(sentences), "Ann", 0.0, 1)
    parts = _split_long(paragraph, 60.0, 700)
    assert " ".join(part.text for part in parts).split() == paragraph.text.split()
    assert parts[-1].text.endswith("end. Bye now.")

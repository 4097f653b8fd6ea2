"""`make bench`: clipper's speed against the naive way, written to BENCHMARKS.md.

Notes: the whole corpus folder (../shared/corpus, else the copy in tests/data), cold (empty
output folder) and warm (unchanged re-run), both through the installed `clipper` command,
against the naive approach: summa's summarize + keywords over each whole transcript, one
episode after another.

Clips: `clipper cut` on a synthetic one-hour video (benchmarks/clips_bench.py).

Chapters: automatic chapters against the human ones of every episode with headers
(benchmarks/chapters_bench.py).

Captions: caption onsets against the true word onsets of the speech fixture, before and after
timing them to the voice (benchmarks/captions_bench.py).

Sound: loudness and true peak of peaky speech, a quiet host levelled, cut points inside continuous
speech (benchmarks/sound_bench.py).

Text: clipper's own takeaways, quotes, keywords, intros and chapter titles, judged as a reader
would, in two halves (benchmarks/text_bench.py).

Growth: chapters and import on inputs of n and 2n, and the start-up of single commands
(benchmarks/growth_bench.py).

Layouts: what each `clipper cut --layout` costs on a two-tile recording, and finding the tiles
(benchmarks/layouts_bench.py).

`bench.py` measures every part; `bench.py notes`, `bench.py clips`, `bench.py chapters`, `bench.py captions`, `bench.py sound`, `bench.py text`, `bench.py growth` or `bench.py layouts`
measures those named and keeps the others' sections from the existing BENCHMARKS.md.
"""
from __future__ import annotations

import compileall
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from captions_bench import captions_report
from chapters_bench import chapter_rows, headed_episodes
from clips_bench import clips_report
from sound_bench import sound_report
from text_bench import corpus_episodes, text_rows
from growth_bench import HEADING as GROWTH_HEADING, growth_report
from layouts_bench import layouts_report

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "corpus"
CORPUS = SHARED if SHARED.is_dir() else ROOT / "tests" / "data"
EPISODES = CORPUS / "episodes" if (CORPUS / "episodes").is_dir() else CORPUS / "_podcast"
PEOPLE = CORPUS / "people" if (CORPUS / "people").is_dir() else CORPUS / "_people"
SEEDS = ROOT.parent / "shared" / "seeds" if (ROOT.parent / "shared" / "seeds").is_dir() else ROOT / "tests" / "data" / "seeds"
HEADINGS = {"clips": "## Clips", "chapters": "## Automatic chapters", "captions": "## Caption timing", "sound": "## Sound",
            "text": "## Text clipper writes", "growth": GROWTH_HEADING,
            "layouts": "## Layouts"}  # the notes part is what comes before them
CLIPPER = Path(sys.executable).parent / "clipper"


def naive_seconds() -> tuple[float, int]:
    """summa over each whole transcript, sequentially."""
    from summa import keywords, summarizer

    from clipper.episode_file import read_episode
    from clipper.errors import ClipperError

    texts = []
    for path in sorted(EPISODES.iterdir()):
        try:
            episode = read_episode(path, PEOPLE)
        except ClipperError:
            continue
        if episode.lines:
            texts.append("\n".join(line.text for line in episode.lines))
    start = time.perf_counter()
    for text in texts:
        summarizer.summarize(text, ratio=0.05)
        keywords.keywords(text, words=15)
    return time.perf_counter() - start, len(texts)


def clipper_seconds(out: Path) -> float:
    start = time.perf_counter()
    subprocess.run([str(CLIPPER), "notes", str(EPISODES), "--out", str(out), "--people", str(PEOPLE)],
                   capture_output=True, text=True, check=False)
    return time.perf_counter() - start


def notes_rows() -> list[str]:
    work = Path(tempfile.mkdtemp(prefix="clipper-bench-"))
    try:
        cold = min(clipper_seconds(work / f"cold{i}") for i in range(3))
        warm = min(clipper_seconds(work / "cold0") for _ in range(5))
    finally:
        shutil.rmtree(work)
    naive, count = naive_seconds()
    return [
        f"| notes, naive (summa summarize + keywords per whole transcript, sequential) | {count} transcripts | {naive:.2f} s | 1× |",
        f"| notes, clipper cold (`clipper notes {_shown(EPISODES)}`, empty output) | {count} transcripts | {cold:.2f} s | {naive / cold:.0f}× faster |",
        f"| notes, clipper warm (same command again, nothing changed) | {count} transcripts | {warm:.3f} s | {naive / warm:.0f}× faster |",
    ]


def _shown(path: Path) -> str:
    """A path as seen from the repository (../shared/... or tests/...), never a machine's absolute path."""
    return os.path.relpath(path, ROOT)


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else platform.processor()
    memory = ""
    if Path("/proc/meminfo").exists():
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB RAM"
    return f"{cpu}, {os.cpu_count()} cores{memory}, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def notes_report() -> str:
    """The header of BENCHMARKS.md and the notes table."""
    rows = notes_rows()
    return "\n".join([
        "# Benchmarks",
        "",
        "Written by `make bench` (benchmarks/bench.py); every figure is the best of several runs.",
        "",
        f"- Machine: {machine()}",
        f"- Corpus: `{_shown(EPISODES)}` ({len(list(EPISODES.iterdir()))} episode files)",
        "- Command: `make bench` (`python benchmarks/bench.py`), clipper's bytecode compiled first",
        f"- Date: {time.strftime('%Y-%m-%d')}",
        "",
        "| what | input | wall time | vs naive |",
        "|---|---|---|---|",
        *rows,
        "",
    ])


def chapters_report() -> str:
    episodes = headed_episodes([EPISODES, SEEDS], PEOPLE)
    return "\n".join([
        HEADINGS["chapters"],
        "",
        f"Every episode of `{_shown(EPISODES)}` and `{_shown(SEEDS)}` with headers ({len(episodes)} episodes): the headers are",
        "hidden, chapters are found in the transcript, and their starts (after 0:00) are scored against the",
        "headers' starts. A found start matches a human one within ±30 s, each human one at most once; the",
        "counts are summed over all episodes. Distance: from each found start to the nearest human one.",
        "The method's weights were tuned on these same episodes (six numbers in clipper/segmentation.py); tuned",
        "on half of them and scored on the other half, F1 stays at 0.60 (`python benchmarks/chapters_bench.py crossval`, 3 min).",
        "",
        "| method | starts found | human starts | precision | recall | F1 | mean distance |",
        "|---|---|---|---|---|---|---|",
        *chapter_rows(episodes),
        "",
    ])


def text_report() -> str:
    episodes = corpus_episodes([EPISODES, SEEDS], PEOPLE)
    return "\n".join([
        HEADINGS["text"],
        "",
        f"Every episode of `{_shown(EPISODES)}` and `{_shown(SEEDS)}` with a timed transcript ({len(episodes)} episodes), with its",
        "headers, intro, description and `keywords:` hidden, so that everything scored is written by clipper.",
        "Halves: the even- and odd-numbered episodes (rules that fit one half only would show as a gap).",
        "A dangling opening is a pronoun or connective (it, this, they, and, but, so, because...); a generic",
        "keyword sits in the lists of more than 10 % of the episodes (and of two at least); title F1 pairs",
        "each automatic chapter with the human header it overlaps most (content-word stems, a possessive",
        "counted as its noun). The row after it shows the file's description and intro to the titles (they",
        "were written with the headers at hand: a ceiling, not the figure).",
        "",
        "| figure | half A | half B | all |",
        "|---|---|---|---|",
        *text_rows(episodes),
        "",
        "Before issue 10 (recorded at commit 6adb309 with this benchmark; keywords then ignored the background):",
        "dangling takeaways 11 % / 16 %, quotes blank or repeating a takeaway 92 % / 92 %, generic keywords",
        "26 % / 34 %, made intros naming a guest 0 % / 0 %, \"X and Y\" titles 93 % / 95 %, title F1 0.15 / 0.11",
        "(half A / half B). Targets: ≤ 3 %, ≈ 0, ≤ 5 %, ≥ 90 %, ≤ 10 %, ≥ 0.25.",
        "Title F1 was 0.16 / 0.11 before the opening titles (\"Introduction\", \"<Guest>’s background\" from the",
        "host's background question) and the key phrase's repeated nouns listed after it; their counts",
        "(two nouns, host-asked words weighed double) were read on both halves together, never tuned on one.",
        "Title F1 0.21 / 0.21 before the titles listed the chapter's next best words (up to five words, two said",
        "together kept as one phrase), weighed words written about the episode (short title, topics, guests'",
        "bios: 0.250 / 0.237 without them), named the guests in the introduction and listed the subjects of",
        "the background answer. Those weights and lengths were chosen on half A (0.258) and read on half B",
        "(0.244) with six words and four listed; chosen on half B instead (0.250), half A reads 0.247.",
        "Kept: five words, three listed (0.248 / 0.246): four listed words read as a keyword list. Not kept:",
        "a word's spread over the",
        "episode's chapters or its share of the episode (lower on both halves), nouns only in the list (-0.01),",
        "general-English rarity (wordfreq: +0.002, not worth a dependency), fewer repeats across titles.",
        "Then (0.248 / 0.246 before): no title says a word twice in two forms (\"Mentorship experience",
        "mentoring\", \"LLMs: …, LLM\"; 2 % / 1 % of titles before); a key phrase takes an -s on its last word",
        "only (no \"Agent follows principles\", \"Posts focus\"; names kept); of two forms of one phrase the",
        "one the chapter says more (\"Industry\", not \"Industrial\"); no guest's name as a key phrase: 0.249 /",
        "0.247. The phrase the host's opening question names leads when among the chapter's three best",
        "(\"Resource: books, engineer, learning\" after \"any book or other resources … to recommend?\"):",
        "0.254 / 0.248. A host's question titles a chapter only when it makes sense alone (no \"these multi",
        "agent systems\"): 0.254 / 0.251. That rank, chosen on half A (2: 0.252, 3: 0.254, 4: 0.251), reads",
        "0.251 on half B; chosen on half B (2: 0.249, 3: 0.251, 4: 0.248), 0.254 on half A; without the rule",
        "0.249 / 0.250. Not kept (half A / half B, each against the figures of its step):",
        "listed words without verbs and adjectives (0.245 / 0.231 against 0.248 / 0.246), without -ing words",
        "or adjective endings (0.249 / 0.240, 0.248 / 0.243), said in two lines at least (0.229 / 0.221); a",
        "key phrase sharing no word with an earlier title's (0.241 / 0.235); phrases never said on their own",
        "dropped (0.249 / 0.244 against 0.249 / 0.247); words of the episode's title or of the title before",
        "not listed (0.221 / 0.203, 0.222 / 0.195); three listed subjects with a phrase counted as one",
        "(0.256 / 0.247 against 0.254 / 0.248); an unused key phrase searched further down before one",
        "repeats (0.256 / 0.250 against 0.254 / 0.251).",
        "",
    ])


def previous_sections(path: Path) -> dict[str, str]:
    """The sections of an existing BENCHMARKS.md: "notes" (everything before the first part heading), "clips", "chapters"."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    found = sorted((text.find(heading), part) for part, heading in HEADINGS.items() if heading in text)
    sections = {"notes": text[:found[0][0]] if found else text}
    for (at, part), (end, _) in zip(found, found[1:] + [(len(text), "")]):
        sections[part] = text[at:end]
    return {part: section.rstrip("\n") + "\n" for part, section in sections.items() if section.strip()}


def main() -> None:
    """Measure each part asked for (all by default), writing BENCHMARKS.md as soon as each is done.

    A part that fails is reported and keeps its previous section; the others still run.
    """
    reports = {"notes": notes_report, "clips": clips_report, "chapters": chapters_report, "captions": captions_report,
               "sound": sound_report, "text": text_report, "growth": growth_report, "layouts": layouts_report}
    parts = sys.argv[1:] or list(reports)
    if not set(parts) <= set(reports):
        sys.exit(f"usage: bench.py [{'] ['.join(reports)}]")
    # clipper's bytecode, as an installed clipper has it (pip compiles it; a checkout writes it at its
    # first run). A machine with PYTHONDONTWRITEBYTECODE would otherwise compile it in every process.
    compileall.compile_dir(ROOT / "clipper", quiet=1)
    path = ROOT / "BENCHMARKS.md"
    sections = previous_sections(path)
    failed = []
    for number, part in enumerate(parts, start=1):
        print(f"bench: [{number}/{len(parts)}] {part}…", file=sys.stderr, flush=True)
        started = time.perf_counter()
        try:
            sections[part] = reports[part]()
        except Exception as exc:  # noqa: BLE001 - one part's failure must not lose the others' figures
            failed.append(part)
            print(f"bench: {part} failed ({type(exc).__name__}: {exc}); its previous figures are kept", file=sys.stderr)
            continue
        _write(path, "\n".join(sections[name] for name in reports if name in sections))
        print(f"bench: {part} done in {time.perf_counter() - started:.0f} s; BENCHMARKS.md written", file=sys.stderr)
    print(path.read_text(encoding="utf-8") if path.exists() else "")
    if failed:
        sys.exit(f"bench: failed: {', '.join(failed)}")


def _write(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.part")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


if __name__ == "__main__":
    main()

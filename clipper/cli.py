"""Command line: argv → options → one api call → print → exit code."""
from __future__ import annotations

import argparse
import difflib
import logging
import os
import re
import signal
import sys
from pathlib import Path

from . import __version__, api
from .errors import ClipperError
from .formats import CHAPTER_FORMATS
from .timecode import format_clock, parse_clock

EXIT_OK = 0
EXIT_FAILED = 1  # a check found errors, or some episodes failed
EXIT_USAGE = 2
EXIT_BROKEN_PIPE = 128 + 13  # SIGPIPE, as `yes | head` ends


class _Parser(argparse.ArgumentParser):
    """No abbreviated options (`--for` is not `--force`); an unknown option is said with the usage
    of the (sub)command it was given to, and the closest options it has."""

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003 - argparse's
        kwargs["allow_abbrev"] = False
        super().__init__(*args, **kwargs)

    def parse_known_args(self, args=None, namespace=None):  # noqa: ANN001, ANN201 - argparse's
        namespace, extras = super().parse_known_args(args, namespace)
        if extras:
            self.error(f"unrecognized arguments: {' '.join(extras)}{self._did_you_mean(extras)}")
        return namespace, extras

    def _did_you_mean(self, extras: list[str]) -> str:
        options = [option for option in self._option_string_actions if option.startswith("--") and option != "--help"]
        close = [match for extra in extras if extra.startswith("-")
                 for match in difflib.get_close_matches(extra.split("=")[0], options, n=2, cutoff=0.6)]
        return f" (did you mean {' or '.join(dict.fromkeys(close))}?)" if close else ""


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return EXIT_USAGE
    _show_log(verbose=getattr(args, "verbose", False))
    previous = signal.signal(signal.SIGTERM, _interrupt)  # a killed run cleans up like Ctrl-C: no half-written outputs
    try:
        status = args.run(args)
        sys.stdout.flush()  # here, so that a reader gone (`| head`) is seen inside the try
        return status
    except BrokenPipeError:
        _discard_output()
        return EXIT_BROKEN_PIPE
    except ClipperError as exc:
        print(f"clipper: {exc.message}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt as exc:
        print("clipper: interrupted; finished outputs are kept, a re-run does the rest", file=sys.stderr)
        return 128 + (signal.SIGTERM if isinstance(exc, _Terminated) else signal.SIGINT)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _show_log(verbose: bool) -> None:
    """clipper's warnings on stderr; with -v also what it runs (ffmpeg's argv and whole output)."""
    logger = logging.getLogger("clipper")
    logger.handlers = [logging.StreamHandler(sys.stderr)]
    logger.handlers[0].setFormatter(logging.Formatter("clipper: %(message)s"))
    logger.setLevel(logging.DEBUG if verbose else logging.INFO)
    logger.propagate = False


def _discard_output() -> None:
    """The reader of stdout/stderr is gone (`clipper check | head -1`): end quietly, as Unix tools do."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.stdout, sys.stderr):
        try:
            os.dup2(devnull, stream.fileno())  # Python's flush at exit then writes nowhere, without a traceback
        except (OSError, ValueError):
            pass


class _Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C; the exit status still says which (143, not 130)."""


def _interrupt(signum: int, frame: object) -> None:
    raise _Terminated


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="clipper", description="Show notes, chapters and social clips from podcast episode files.")
    parser.add_argument("--version", action="version", version=f"clipper {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_check(commands)
    _add_chapters(commands)
    _add_notes(commands)
    _add_cut(commands)
    _add_import(commands)
    _add_doctor(commands)
    _add_enrich(commands)
    _add_review(commands)
    return parser


def _verbose_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-v", "--verbose", action="store_true", help="also print what clipper runs, and ffmpeg's whole output")


def _ffmpeg_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--ffmpeg", metavar="PATH", default="",
                        help="the ffmpeg to use (default: $CLIPPER_FFMPEG, else PATH's, else the imageio-ffmpeg wheel's)")


def _add_doctor(commands) -> None:  # noqa: ANN001
    parser = commands.add_parser("doctor", help="versions, the ffmpeg used and what it can do: paste it into a bug report")
    _ffmpeg_option(parser)
    _verbose_option(parser)
    parser.set_defaults(run=_run_doctor)


def _run_doctor(args: argparse.Namespace) -> int:
    from .ffmpeg import CAPABILITIES, MIN_VERSION

    report = api.diagnose(args.ffmpeg or None)
    print(f"clipper {report.clipper_version}")
    print(f"python {report.python}")
    print(f"yt-dlp {report.yt_dlp_version}")
    print(f"font {report.font}")
    for ffmpeg in report.found:
        chosen = " (used)" if report.chosen and ffmpeg.path == report.chosen.path else ""
        print(f"ffmpeg {ffmpeg.version} at {ffmpeg.path}, from {ffmpeg.origin.value}{chosen}")
        for capability in CAPABILITIES:
            has = "yes" if capability.name in ffmpeg.present else "MISSING"
            print(f"  {has:7} {capability.name} {capability.kind}: {capability.used_for}")
        if ffmpeg.is_too_old:
            print(f"  too old: clipper needs ffmpeg {'.'.join(map(str, MIN_VERSION))} or newer")
    if not report.chosen:
        print(f"clipper: {report.problem}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def _people_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--people", type=Path, metavar="DIR", help="folder of people files (default: _people beside the episode's folder)")


def _add_check(commands) -> None:  # noqa: ANN001 - argparse's private subparsers type
    parser = commands.add_parser("check", help="validate episode files and list every problem")
    parser.add_argument("episodes", nargs="+", metavar="EPISODE")
    _people_option(parser)
    parser.set_defaults(run=_run_check)


def _say_skipped(episodes: list[str]) -> None:
    skipped = api.select_episodes(tuple(episodes)).skipped
    if skipped:
        names = ", ".join(Path(name).name for name in skipped[:3]) + (", …" if len(skipped) > 3 else "")
        print(f"clipper: skipped {len(skipped)} file(s) whose names start with '_' ({names}), as Jekyll does; "
              "name one to use it", file=sys.stderr)


def _run_check(args: argparse.Namespace) -> int:
    _say_skipped(args.episodes)
    results = api.check_episodes(args.episodes, args.people)
    for result in results:
        if result.error:
            print(f"clipper: {result.error}", file=sys.stderr)
        for problem in result.problems:
            print(problem)
        if result.is_ok and not result.problems:
            print(f"{result.path}: ok")
    return EXIT_OK if all(result.is_ok for result in results) else EXIT_FAILED


def _add_chapters(commands) -> None:  # noqa: ANN001
    parser = commands.add_parser("chapters", help="print an episode's chapters")
    parser.add_argument("episode", metavar="EPISODE", help="episode file, or its slug in _podcast/")
    parser.add_argument("--format", choices=sorted(CHAPTER_FORMATS), default="youtube")
    _people_option(parser)
    parser.set_defaults(run=_run_chapters)


def _run_chapters(args: argparse.Namespace) -> int:
    result = api.make_chapters(args.episode, args.format, args.people)
    if result.source == "automatic":
        print("clipper: the episode has no quotableClips or headers: chapters were found in the transcript", file=sys.stderr)
    for repair in result.repairs:
        print(f"clipper: repaired: {repair}", file=sys.stderr)
    if result.problem and args.format == "youtube":
        print(f"clipper: warning: {result.problem}", file=sys.stderr)
    sys.stdout.write(result.text)
    return EXIT_OK


def _add_notes(commands) -> None:  # noqa: ANN001
    parser = commands.add_parser("notes", help="write show notes, a YouTube description and chapter files")
    parser.add_argument("episodes", nargs="+", metavar="EPISODE", help="episode files, slugs in _podcast/, or folders of them")
    parser.add_argument("--out", type=Path, default=Path("output"), metavar="DIR", help="write into DIR/<slug>/ (default: output)")
    parser.add_argument("--templates", type=Path, metavar="DIR", help="your own copies of clipper's templates/")
    parser.add_argument("--jobs", type=int, default=0, metavar="N", help="worker processes (default: one per core)")
    parser.add_argument("--force", action="store_true", help="redo episodes whose notes are up to date")
    _people_option(parser)
    parser.set_defaults(run=_run_notes)


def _run_notes(args: argparse.Namespace) -> int:
    _say_skipped(args.episodes)
    options = api.NotesOptions(tuple(args.episodes), args.out, args.people, args.templates, args.jobs, args.force)
    report = api.make_notes(options, on_progress=_print_progress)
    for failure in report.failures:
        print(f"clipper: failed: {failure.error}", file=sys.stderr)
    written = sum(result.status == "written" for result in report.results)
    unchanged = sum(result.status == "unchanged" for result in report.results)
    print(f"clipper: {written} written, {unchanged} unchanged, {len(report.failures)} failed", file=sys.stderr)
    return EXIT_FAILED if report.failures else EXIT_OK


def _print_progress(result: api.NotesResult, done: int, total: int) -> None:
    for warning in result.warnings:
        print(f"clipper: {warning}", file=sys.stderr)
    where = result.folder or result.episode
    print(f"[{done}/{total}] {result.status}: {where}", file=sys.stderr)


def _add_cut(commands) -> None:  # noqa: ANN001
    parser = commands.add_parser("cut", help="cut social clips from the episode's video or a local recording")
    parser.add_argument("episode", metavar="EPISODE", help="episode file, or its slug in _podcast/")
    what = parser.add_argument_group("what to cut (one of)")
    what.add_argument("--clip", action="append", default=[], metavar="N|NAME", help="a quotable clip or chapter, by number or name (repeatable)")
    what.add_argument("--all", action="store_true", help="every quotable clip (or chapter)")
    what.add_argument("--start", type=_clock, metavar="TIME", help="start of a span, in seconds or m:ss (with --end)")
    what.add_argument("--end", type=_clock, metavar="TIME", help="end of that span")
    what.add_argument("--list", action="store_true", help="list the clips and chapters --clip can name, and stop")
    parser.add_argument("--exact", action="store_true",
                        help="cut at the times as given, not moved (at most half a second) to the pauses around the speech")
    parser.add_argument("--whole", action="store_true", help="cut the whole clip or chapter, not its best highlight")
    parser.add_argument("--max-seconds", type=float, default=60.0, metavar="S", help="longest highlight (default 60)")
    parser.add_argument("--source", default="", metavar="URL|FILE", help="video to cut from (default: the episode's YouTube link)")
    parser.add_argument("--aspect", default="9:16", choices=["9:16", "1:1", "16:9"], help="frame (default 9:16, 1080x1920)")
    parser.add_argument("--layout", default="", choices=["blur", "crop", "split", "speaker"],
                        help="fill a tall frame: the picture over a blurred copy, the centre cropped, two side-by-side "
                             "people stacked, or the crop on whoever speaks (default: the best the recording allows)")
    parser.add_argument("--fit", default="", choices=["blur", "crop"], help="the same as --layout blur|crop (its older name)")
    parser.add_argument("--tiles", default="", metavar='"NAME=left,NAME=right"',
                        help="whose tile is which in a side-by-side recording, instead of finding it from the picture")
    parser.add_argument("--no-captions", action="store_true", help="no burned-in captions")
    parser.add_argument("--no-title", action="store_true",
                        help="no chapter title burned in at the top (a 16:9 clip with --no-captions then re-encodes "
                             "only the frames before its first keyframe)")
    parser.add_argument("--caption-style", default="plain", choices=["plain", "active-word"],
                        help="active-word: the word being said lights up (karaoke); default plain")
    parser.add_argument("--audio-only", action="store_true", help="an .m4a and an audiogram video instead of a video clip")
    parser.add_argument("--platform", action="append", default=[], choices=["shorts", "reels", "tiktok", "linkedin", "x"], help="check every limit of this platform, shape and pixels included (default: the duration and size limits of all)")
    parser.add_argument("--out", type=Path, default=Path("output"), metavar="DIR", help="write into DIR/<slug>/clips/ (default: output)")
    parser.add_argument("--templates", type=Path, metavar="DIR", help="your own copies of clipper's templates/")
    parser.add_argument("--force", action="store_true", help="redo clips that are already made")
    parser.add_argument("--jobs", type=int, default=0, metavar="N",
                        help="clips encoded at once, while the next range is fetched (default: 0, meaning 2)")
    _people_option(parser)
    _ffmpeg_option(parser)
    _verbose_option(parser)
    parser.set_defaults(run=_run_cut)


def _clock(text: str) -> float:
    seconds = parse_clock(text)
    if seconds is None:
        raise argparse.ArgumentTypeError(f"'{text}' is not a time: give seconds (95) or m:ss (1:35)")
    return seconds


def _read_source_ahead(source: str, ffmpeg: str) -> None:
    """A local source's facts read by ffmpeg while the cutting code is imported (0.1-0.2 s of each cut)."""
    from .ffmpeg import read_media_info_ahead, use_ffmpeg

    if source and not re.match(r"^https?://", source):
        if ffmpeg:
            use_ffmpeg(ffmpeg)
        read_media_info_ahead(source)


def _run_cut(args: argparse.Namespace) -> int:
    if args.list:
        for number, chapter in api.list_clip_choices(args.episode, args.people):
            print(f"{number:3d}  {format_clock(chapter.start_sec)}–{format_clock(chapter.end_sec)}  {chapter.title}")
        return EXIT_OK
    _read_source_ahead(args.source, args.ffmpeg)
    from .cutting import CutOptions
    from .errors import ClipperError

    if args.fit and args.layout and args.fit != args.layout:
        raise ClipperError(f"--fit {args.fit} and --layout {args.layout} disagree", "give --layout alone")
    options = CutOptions(args.episode, tuple(args.clip), args.all, args.start, args.end, args.source, args.aspect,
                         not args.no_captions, args.audio_only, args.whole, args.max_seconds, tuple(args.platform),
                         args.out, args.people, args.templates, args.force, args.ffmpeg,
                         args.exact, args.caption_style, args.layout or args.fit, args.tiles, args.jobs,
                         not args.no_title)
    progress = _Progress()
    report = api.cut_clips(options, on_event=progress)
    if report.source not in progress.printed:
        print(f"clipper: {report.source}", file=sys.stderr)
    for result in report.results:
        for warning in result.warnings:
            print(f"clipper: warning: {warning}", file=sys.stderr)
        if result.status == "failed":
            print(f"clipper: failed: {result.name}: {result.error}", file=sys.stderr)
        else:
            first, *others = result.files
            beside = ", ".join(other.removeprefix(str(Path(first).with_suffix(""))) for other in others)
            print(f"{result.status}: {first}  {format_clock(result.start_sec)}–{format_clock(result.end_sec)}  (+ {beside})")
    return EXIT_FAILED if report.failures else EXIT_OK


def _add_import(commands) -> None:  # noqa: ANN001
    parser = commands.add_parser("import", help="turn a raw transcript (timestamped blocks, SRT, WebVTT, prose) into an episode file")
    parser.add_argument("file", type=Path, metavar="FILE")
    parser.add_argument("--out", type=Path, metavar="FILE", help="write the episode file there (default: print it)")
    parser.add_argument("--speakers", default="", metavar="LABEL=NAME,...", help="names for the speaker labels: Host=Alexey,Guest=Anastasia")
    parser.add_argument("--title", default="", help="the episode's title (default: from the file name)")
    parser.add_argument("--youtube", default="", metavar="URL", help="the episode's YouTube video")
    parser.add_argument("--templates", type=Path, metavar="DIR", help="your own copies of clipper's templates/")
    parser.set_defaults(run=_run_import)


def _run_import(args: argparse.Namespace) -> int:
    from .transcript_import import parse_speaker_names

    try:
        speakers = parse_speaker_names(args.speakers)
    except ValueError as exc:
        raise ClipperError(f"--speakers: '{exc}' is not LABEL=NAME", 'write them as --speakers "Host=Alexey,Guest=Anastasia"') from None
    options = api.ImportOptions(args.file, tuple(speakers.items()), args.title, args.youtube, args.out, args.templates)
    result = api.import_transcript(options)
    if not args.out:
        sys.stdout.write(result.text)
    where = f" into {args.out}" if args.out else ""
    lines = f"{result.line_count} line" + ("" if result.line_count == 1 else "s")
    kind = {"srt": "an SRT", "vtt": "a WebVTT"}.get(result.kind, f"a {result.kind}")
    print(f"clipper: imported {lines} of {kind} transcript{where}; speakers: {', '.join(result.speakers) or 'none named'}",
          file=sys.stderr)
    for label in result.unused_labels:
        print(f"clipper: warning: --speakers names '{label}', but no line of the transcript has that label", file=sys.stderr)
    if not result.has_times:
        print("clipper: warning: the transcript has no times: notes work, but chapters and clips need times", file=sys.stderr)
    if not args.title:
        print(f"clipper: no --title given: the title is '{result.title}'", file=sys.stderr)
    return EXIT_OK


def _add_enrich(commands) -> None:  # noqa: ANN001
    from .enrichment import Field

    parser = commands.add_parser("enrich", help="put what an episode file lacks (clips, duration, keywords, drafts) into it")
    parser.add_argument("episodes", nargs="+", metavar="EPISODE", help="episode files, slugs in _podcast/, or folders of them")
    parser.add_argument("--write", action="store_true", help="write the files (default: print the diff)")
    parser.add_argument("--force", action="append", default=[], choices=[field.value for field in Field], metavar="FIELD",
                        help=f"redo FIELD even if the file has it: {', '.join(field.value for field in Field)} (repeatable)")
    parser.add_argument("--source", default="", metavar="FILE", help="the episode's video or audio, for its duration")
    parser.add_argument("--jobs", type=int, default=0, metavar="N", help="worker processes (default: one per core)")
    _people_option(parser)
    parser.set_defaults(run=_run_enrich)


def _run_enrich(args: argparse.Namespace) -> int:
    from .enriching import EnrichOptions, EnrichStatus
    from .enrichment import Field

    options = EnrichOptions(tuple(args.episodes), args.write, tuple(Field(f) for f in args.force), args.source, args.people, args.jobs)
    results = api.enrich_episodes(options, on_progress=_print_enrich_progress)
    for result in results:
        sys.stdout.write(result.diff)
    failures = [result for result in results if result.status is EnrichStatus.FAILED]
    for failure in failures:
        print(f"clipper: failed: {failure.error}", file=sys.stderr)
    counts = {status: sum(result.status is status for result in results) for status in EnrichStatus}
    print(f"clipper: {', '.join(f'{count} {status.value}' for status, count in counts.items())}", file=sys.stderr)
    return EXIT_FAILED if failures else EXIT_OK


def _print_enrich_progress(result, done: int, total: int) -> None:  # noqa: ANN001 - enriching.EnrichResult
    added = f": {'; '.join(result.added)}" if result.added else ""
    print(f"[{done}/{total}] {result.status.value}: {result.episode}{added}", file=sys.stderr)


def _add_review(commands) -> None:  # noqa: ANN001
    parser = commands.add_parser("review", help="write the review page of episodes: notes, chapters and clips to watch and copy")
    parser.add_argument("episodes", nargs="+", metavar="EPISODE", help="episode files, slugs in _podcast/, or folders of them")
    parser.add_argument("--out", type=Path, default=Path("output"), metavar="DIR", help="the output folder of notes and cut (default: output)")
    parser.add_argument("--templates", type=Path, metavar="DIR", help="your own copies of clipper's templates/")
    _people_option(parser)
    parser.set_defaults(run=_run_review)


def _run_review(args: argparse.Namespace) -> int:
    results = api.make_review(api.ReviewOptions(tuple(args.episodes), args.out, args.people, args.templates))
    for result in results:
        print(f"{'written' if result.is_written else 'unchanged'}: {result.page}")
    print(f"clipper: open {args.out / 'index.html'} in a browser", file=sys.stderr)
    return EXIT_OK


class _Progress:
    """Progress on stderr: every message, but a job's percentages only in steps of 25%."""

    def __init__(self) -> None:
        self.last_key, self.last_step = "", -1
        self.printed: set[str] = set()

    def __call__(self, message: str) -> None:
        key, _, rest = message.rpartition(":")
        percent = re.fullmatch(r" (\d+)%", rest)
        step = int(percent.group(1)) // 25 if percent else -1
        if key and key == self.last_key and (step == self.last_step or not percent):
            return
        self.last_key, self.last_step = (key, step) if key else ("", -1)
        self.printed.add(message)
        print(f"clipper: {message}", file=sys.stderr)

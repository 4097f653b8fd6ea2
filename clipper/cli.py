"""Command line: argv → options → one api call → print → exit code."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import api
from .errors import ClipperError
from .formats import CHAPTER_FORMATS

EXIT_OK = 0
EXIT_FAILED = 1  # a check found errors, or some episodes failed
EXIT_USAGE = 2


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return EXIT_USAGE
    try:
        return args.run(args)
    except ClipperError as exc:
        print(f"clipper: {exc.message}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("clipper: interrupted", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="clipper", description="Show notes, chapters and social clips from podcast episode files.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_check(commands)
    _add_chapters(commands)
    _add_notes(commands)
    return parser


def _people_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--people", type=Path, metavar="DIR", help="folder of people files (default: _people beside the episode's folder)")


def _add_check(commands) -> None:  # noqa: ANN001 - argparse's private subparsers type
    parser = commands.add_parser("check", help="validate episode files and list every problem")
    parser.add_argument("episodes", nargs="+", metavar="EPISODE")
    _people_option(parser)
    parser.set_defaults(run=_run_check)


def _run_check(args: argparse.Namespace) -> int:
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

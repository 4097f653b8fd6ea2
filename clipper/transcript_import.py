"""Raw transcripts → transcript lines (pure): timestamped blocks, SRT, WebVTT, or `Name: text` prose.

Parsing gives pieces as the file has them; `merge_pieces` then makes readable paragraphs: a
speaker's pieces joined while a sentence runs on, fragments of a mis-split sentence put back
together, rolling caption lines said once, long paragraphs split at a sentence end.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from .errors import EpisodeError
from .model import TranscriptLine
from .textrank import split_sentences
from .timecode import format_clock

MAX_PARAGRAPH_CHARS = 700
CAPTION_PARAGRAPH_CHARS = 350  # captions carry no speakers: a paragraph ends at a sentence end past this
CAPTION_PAUSE_SEC = 2.0
_WORDS_PER_SEC = 2.5
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)]*$")
_STAMP = re.compile(r"^\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*$")
_CUE_TIME = re.compile(r"^\s*(?:(\d+):)?(\d{1,2}):(\d{2})[.,](\d{1,3})\s*-->\s*(?:(\d+):)?(\d{1,2}):(\d{2})[.,](\d{1,3})")
_SPEAKER_PREFIX = re.compile(r"^([A-Z][\w.'-]*(?: [A-Z][\w.'-]*){0,2}):\s+(.*)$")
_VOICE = re.compile(r"<v(?:\.[\w.-]+)?\s+([^>]+)>")
_TAG = re.compile(r"<[^>]*>")
_BACKCHANNEL = frozenset("mhm mm hmm uh-huh yeah yes yep ok okay right sure cool nice wow".split())


@dataclass(frozen=True)
class Piece:
    """A stretch of text as the file has it, with where it came from."""

    text: str
    who: str
    sec: float | None
    line: int  # 1-based line in the file
    end_sec: float | None = None


@dataclass(frozen=True)
class ParsedTranscript:
    kind: str  # "timestamped", "srt", "vtt" or "prose"
    pieces: tuple[Piece, ...]

    @property
    def has_times(self) -> bool:
        return any(piece.sec is not None for piece in self.pieces)

    @property
    def end_sec(self) -> float | None:
        ends = [piece.end_sec for piece in self.pieces if piece.end_sec is not None]
        return max(ends) if ends else None


def parse_transcript(text: str, path: str) -> ParsedTranscript:
    """The file's pieces, by its kind; EpisodeError (with a line) when it is not a transcript."""
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        raise EpisodeError("the file is empty", "give a transcript: timestamped blocks, SRT, WebVTT or 'Name: text' lines", path)
    first = next(line for line in lines if line.strip()).lstrip("\ufeff").strip()
    if first.startswith("WEBVTT"):
        return ParsedTranscript("vtt", _checked(_cues(lines, path), path))
    if any(_CUE_TIME.match(line) for line in lines[:5]):
        return ParsedTranscript("srt", _checked(_cues(lines, path), path))
    if sum(bool(_STAMP.match(line)) for line in lines) >= 2:
        return ParsedTranscript("timestamped", _checked(_stamped_blocks(lines, path), path))
    if sum(bool(_SPEAKER_PREFIX.match(line.strip())) for line in lines) >= 2:
        return ParsedTranscript("prose", tuple(_prose(lines)))
    raise EpisodeError("this is not a transcript: no timestamps, captions or 'Name: text' lines found",
                       "give timestamped blocks (M:SS, speaker, text), an .srt or .vtt file, or 'Name: text' prose", path, 1)


def _checked(pieces: list[Piece], path: str) -> tuple[Piece, ...]:
    if not pieces:
        raise EpisodeError("no transcript text found", "check that the file holds times and text", path, 1)
    previous: Piece | None = None
    for piece in pieces:
        if previous and piece.sec is not None and previous.sec is not None and piece.sec < previous.sec:
            raise EpisodeError(f"time {format_clock(piece.sec)} comes before the one above it ({format_clock(previous.sec)})",
                               "put the blocks in order of time, or fix the time", path, piece.line)
        previous = piece
    return tuple(pieces)


def _stamped_blocks(lines: list[str], path: str) -> list[Piece]:
    """`M:SS` (or `H:MM:SS`) on a line of its own, the speaker on the next, then the text."""
    pieces: list[Piece] = []
    index = 0
    while index < len(lines):
        stamp = _STAMP.match(lines[index])
        if not stamp:
            if lines[index].strip() and not pieces:
                raise EpisodeError("text before the first time stamp", "start the file with a time line such as 0:00", path, index + 1)
            index += 1
            continue
        sec = _stamp_seconds(stamp)
        who_at = _next_filled(lines, index + 1)
        body_at = _next_filled(lines, who_at + 1) if who_at < len(lines) else len(lines)
        end = next((i for i in range(body_at, len(lines)) if _STAMP.match(lines[i])), len(lines))
        text = " ".join(line.strip() for line in lines[body_at:end] if line.strip())
        if who_at < len(lines) and _STAMP.match(lines[who_at]) is None:
            pieces.append(Piece(text, lines[who_at].strip(), sec, index + 1))
        index = end
    return [piece for piece in pieces if piece.text]


def _stamp_seconds(match: re.Match) -> float:
    first, second, third = match.groups()
    return int(first) * 3600 + int(second) * 60 + int(third) if third else int(first) * 60 + int(second)


def _next_filled(lines: list[str], start: int) -> int:
    return next((i for i in range(start, len(lines)) if lines[i].strip()), len(lines))


def _cues(lines: list[str], path: str) -> list[Piece]:
    """SRT or WebVTT cues; a caption line repeated from the cue before (YouTube's rolling captions) is said once."""
    pieces: list[Piece] = []
    said: list[str] = []
    index = 0
    while index < len(lines):
        timing = _CUE_TIME.match(lines[index])
        if not timing:
            index += 1
            continue
        start, end = _cue_seconds(timing.groups()[:4]), _cue_seconds(timing.groups()[4:])
        body_end = next((i for i in range(index + 1, len(lines)) if not lines[i].strip()), len(lines))
        for raw in lines[index + 1:body_end]:
            who, text = _caption_text(raw)
            if text and text not in said[-3:]:
                pieces.append(Piece(text, who, start, index + 1, end))
                said.append(text)
        index = body_end
    return pieces


def _cue_seconds(parts: tuple) -> float:
    hours, minutes, seconds, fraction = parts
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(fraction.ljust(3, "0")) / 1000


def _caption_text(raw: str) -> tuple[str, str]:
    """A caption line without tags, and its speaker when it names one (`<v Name>`, `Name: text`)."""
    voice = _VOICE.search(raw)
    text = " ".join(_TAG.sub("", raw).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").split())
    text = re.sub(r"^(?:>>|-)\s*", "", text)
    if voice:
        return voice.group(1).strip(), text
    prefixed = _SPEAKER_PREFIX.match(text)
    return (prefixed.group(1), prefixed.group(2)) if prefixed else ("", text)


def _prose(lines: list[str]) -> list[Piece]:
    """`Name: text` starts a speaker's turn; a line without a name goes on with the speaker before."""
    pieces: list[Piece] = []
    who = ""
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            continue
        prefixed = _SPEAKER_PREFIX.match(line)
        if prefixed:
            who, line = prefixed.group(1), prefixed.group(2)
        pieces.append(Piece(line, who, None, number))
    return pieces


def map_speakers(pieces: tuple[Piece, ...], names: dict[str, str]) -> tuple[Piece, ...]:
    """Speaker labels replaced by names (`Host` → `Alexey`); labels not in `names` stay."""
    return tuple(replace(piece, who=names.get(piece.who, piece.who)) for piece in pieces)


def parse_speaker_names(text: str) -> dict[str, str]:
    """`Host=Alexey,Guest=Anastasia` → {"Host": "Alexey", "Guest": "Anastasia"}; ValueError when malformed."""
    names = {}
    for pair in filter(None, (part.strip() for part in text.split(","))):
        label, sep, name = pair.partition("=")
        if not sep or not label.strip() or not name.strip():
            raise ValueError(pair)
        names[label.strip()] = name.strip()
    return names


def merge_pieces(parsed: ParsedTranscript) -> list[TranscriptLine]:
    """Readable paragraphs: whole sentences, one speaker each, none of one word, none too long."""
    pieces = _mend_split_sentences(_rejoin_fragments(list(parsed.pieces)))
    pieces = _drop_backchannels(pieces)
    limit = CAPTION_PARAGRAPH_CHARS if parsed.kind in ("srt", "vtt") else MAX_PARAGRAPH_CHARS
    paragraphs = _join_turns(pieces, limit, parsed.kind in ("srt", "vtt"))
    return [line for index, paragraph in enumerate(paragraphs)
            for line in _split_long(paragraph, _next_start(paragraphs, index), MAX_PARAGRAPH_CHARS)]


def _rejoin_fragments(pieces: list[Piece]) -> list[Piece]:
    """A word or two cut off mid-sentence ("it" / "was" / "really, so…") belongs to the text it runs into."""
    result: list[Piece] = []
    carried: list[Piece] = []
    for piece in pieces:
        is_fragment = len(piece.text.split()) <= 2 and not _SENTENCE_END.search(piece.text)
        if is_fragment and piece is not pieces[-1]:
            carried.append(piece)
            continue
        if carried and piece.text[:1].islower():
            text = " ".join([c.text for c in carried] + [piece.text])
            result.append(replace(piece, text=text, sec=carried[0].sec, line=carried[0].line))
        else:
            result.extend(carried + [piece])
        carried = []
    return result + carried


def _mend_split_sentences(pieces: list[Piece]) -> list[Piece]:
    """A sentence cut by a speaker change ("So to be a," / "lot of help.") ends with the speaker who began it."""
    mended: list[Piece] = []
    for piece in pieces:
        last = mended[-1] if mended else None
        if last and last.who != piece.who and not _SENTENCE_END.search(last.text) and piece.text[:1].islower():
            head, *rest = split_sentences(piece.text) or [piece.text]
            mended[-1] = replace(last, text=f"{last.text} {head}")
            if not rest:
                continue
            moved = len(head.split()) / _WORDS_PER_SEC
            piece = replace(piece, text=" ".join(rest), sec=None if piece.sec is None else float(int(piece.sec + moved)))
        mended.append(piece)
    return mended


def _drop_backchannels(pieces: list[Piece]) -> list[Piece]:
    """"Mhm." or "Yeah." from one speaker inside another's turn is dropped, so the turn stays whole."""
    kept: list[Piece] = []
    for index, piece in enumerate(pieces):
        words = re.findall(r"[\w-]+", piece.text.lower())
        before, after = kept[-1] if kept else None, pieces[index + 1] if index + 1 < len(pieces) else None
        inside_a_turn = before and after and before.who == after.who != piece.who
        if inside_a_turn and words and len(words) <= 2 and all(word in _BACKCHANNEL for word in words):
            continue
        kept.append(piece)
    return kept


def _join_turns(pieces: list[Piece], limit: int, is_captions: bool) -> list[Piece]:
    """A speaker's pieces joined while the sentence runs on, or while the paragraph is short."""
    paragraphs: list[Piece] = []
    for piece in pieces:
        last = paragraphs[-1] if paragraphs else None
        if last and last.who == piece.who and _belongs_with(last, piece, limit, is_captions):
            paragraphs[-1] = replace(last, text=f"{last.text} {piece.text}", end_sec=piece.end_sec)
        else:
            paragraphs.append(piece)
    return paragraphs


def _belongs_with(paragraph: Piece, piece: Piece, limit: int, is_captions: bool) -> bool:
    runs_on = not _SENTENCE_END.search(paragraph.text)
    if is_captions:
        paused = paragraph.end_sec is not None and piece.sec is not None and piece.sec - paragraph.end_sec >= CAPTION_PAUSE_SEC
        if runs_on:
            return len(paragraph.text) < 2 * limit and not (paused and len(paragraph.text) >= limit)
        return len(paragraph.text) < limit and not paused
    return runs_on or len(paragraph.text.split()) <= 1 or len(piece.text.split()) <= 1


def _next_start(paragraphs: list[Piece], index: int) -> float | None:
    """When the paragraph after this one starts (for the last: when this one ends, if known)."""
    later = (p.sec for p in paragraphs[index + 1:] if p.sec is not None)
    return next(later, paragraphs[index].end_sec)


def _split_long(paragraph: Piece, next_sec: float | None, limit: int) -> list[TranscriptLine]:
    """A paragraph over `limit` characters split at sentence ends; each part's time estimated by its length."""
    if len(paragraph.text) <= limit:
        return [TranscriptLine(paragraph.text, paragraph.who, paragraph.sec, paragraph.line)]
    parts: list[str] = []
    for sentence in split_sentences(paragraph.text):
        if parts and len(parts[-1]) + len(sentence) < limit * 0.6:
            parts[-1] += " " + sentence
        else:
            parts.append(sentence)
    if len(parts) > 1 and len(parts[-1].split()) <= 3:
        parts[-2] += " " + parts.pop()
    return _timed_parts(paragraph, parts, next_sec)


def _timed_parts(paragraph: Piece, parts: list[str], next_sec: float | None) -> list[TranscriptLine]:
    """Each part starts where its share of the paragraph's time begins (by length); no time, no times."""
    if paragraph.sec is None:
        return [TranscriptLine(part, paragraph.who, None, paragraph.line) for part in parts]
    if next_sec is None or next_sec <= paragraph.sec:
        next_sec = paragraph.sec + len(paragraph.text.split()) / _WORDS_PER_SEC
    total = sum(len(part) for part in parts)
    lines, done = [], 0
    for part in parts:
        sec = paragraph.sec + (next_sec - paragraph.sec) * done / total
        lines.append(TranscriptLine(part, paragraph.who, float(int(sec)), paragraph.line))
        done += len(part)
    return lines


def read_text_file(path: Path) -> str:
    """A transcript file's text (UTF-8, or UTF-16 with its BOM); EpisodeError naming the line when it is not text."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise EpisodeError("no such file", "check the path", str(path)) from None
    except OSError as exc:
        raise EpisodeError(f"cannot read the file ({exc.strerror})", "check the path and its permissions", str(path)) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\0" in data[:8192]:
        raise EpisodeError("this is a binary file, not a transcript", "give a text file: timestamped blocks, SRT, WebVTT or 'Name: text' lines", str(path))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise EpisodeError(f"not UTF-8 text (byte 0x{data[exc.start]:02x})", "save the file as UTF-8 and import it again", str(path), line) from None

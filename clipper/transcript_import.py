"""Raw transcripts → transcript lines (pure): timestamped blocks, SRT, WebVTT, or `Name: text` prose.

Parsing gives pieces as the file has them; `merge_pieces` then makes readable paragraphs: a
speaker's pieces joined while a sentence runs on, fragments of a mis-split sentence put back
together, rolling caption lines said once, long paragraphs split at a sentence end.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from .errors import EpisodeError
from .model import TranscriptLine
from .textrank import ends_sentence, split_sentences
from .timecode import format_clock, words_seconds

MAX_PARAGRAPH_CHARS = 700
CAPTION_PARAGRAPH_CHARS = 350  # captions carry no speakers: a paragraph ends at a sentence end past this
CAPTION_PAUSE_SEC = 2.0
_STAMP = re.compile(r"^\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*$")
_CUE_TIME = re.compile(r"^\s*(?:(\d+):)?(\d{1,2}):(\d{2})[.,](\d{1,3})\s*-->\s*(?:(\d+):)?(\d{1,2}):(\d{2})[.,](\d{1,3})")
_SPEAKER_PREFIX = re.compile(r"^([A-Z][\w.'-]*(?: [A-Z][\w.'-]*){0,2}):\s+(.*)$")
# No `<` inside a tag: a line of many `<` without `>` is then read once, not once per `<`.
_VOICE = re.compile(r"<v(?:\.[\w.-]+)?\s+([^<>]+)>")
_TAG = re.compile(r"<[^<>]*>")
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


def parse_transcript(text: str, path: str, speakers: frozenset[str] = frozenset()) -> ParsedTranscript:
    """The file's pieces, by its kind; EpisodeError (with a line) when it is not a transcript.

    In prose, `Label: text` starts a turn when the label is in `speakers` or starts two lines or more
    (so "Remember: ..." inside an answer stays text).
    """
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        raise EpisodeError("the file is empty", "give a transcript: timestamped blocks, SRT, WebVTT or 'Name: text' lines", path)
    opening = [line.lstrip("\ufeff").strip() for line in lines if line.strip()][:5]
    if opening[0].startswith("WEBVTT"):
        return ParsedTranscript("vtt", _checked(_cues(lines, path), path))
    if any(_CUE_TIME.match(line) for line in opening):
        return ParsedTranscript("srt", _checked(_cues(lines, path), path))
    if sum(bool(_STAMP.match(line)) for line in lines) >= 2:
        return ParsedTranscript("timestamped", _checked(_stamped_blocks(lines, path), path))
    labels = Counter(found.group(1) for line in lines if (found := _SPEAKER_PREFIX.match(line.strip())))
    named = {label for label, count in labels.items() if count >= 2} | (speakers & set(labels))
    if named:
        return ParsedTranscript("prose", tuple(_prose(lines, named)))
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
    """`M:SS` (or `H:MM:SS`) on a line of its own, the speaker on the next, then the text.

    A block of one line is text said by the speaker before, unless it is a speaker's name
    seen elsewhere (a block with nothing said); a time right after a time starts a new block.
    """
    blocks: list[tuple[int, float, list[str]]] = []
    for index, line in enumerate(lines):
        stamp = _STAMP.match(line)
        if stamp:
            blocks.append((index + 1, _stamp_seconds(stamp), []))
        elif line.strip() and not blocks:
            raise EpisodeError("text before the first time stamp", "start the file with a time line such as 0:00", path, index + 1)
        elif line.strip():
            blocks[-1][2].append(line.strip())
    labels = {block[0] for _, _, block in blocks if len(block) > 1}
    pieces: list[Piece] = []
    for number, sec, block in blocks:
        if len(block) == 1 and block[0] not in labels:
            pieces.append(Piece(block[0], pieces[-1].who if pieces else "", sec, number))
        elif len(block) > 1:
            pieces.append(Piece(" ".join(block[1:]), block[0], sec, number))
    return pieces


def _stamp_seconds(match: re.Match) -> float:
    first, second, third = match.groups()
    return int(first) * 3600 + int(second) * 60 + int(third) if third else int(first) * 60 + int(second)


def _cues(lines: list[str], path: str) -> list[Piece]:
    """SRT or WebVTT cues; a caption line repeated from the cue before (YouTube's rolling captions) is said once.

    A speaker named once (`<v Name>`, `Name: text`) goes on speaking until another is named.
    """
    pieces: list[Piece] = []
    shown_before: set[tuple[str, str]] = set()
    speaker = ""
    index = 0
    while index < len(lines):
        timing = _CUE_TIME.match(lines[index])
        if not timing:
            index += 1
            continue
        start, end = _cue_seconds(timing.groups()[:4]), _cue_seconds(timing.groups()[4:])
        body_end = _cue_end(lines, index + 1)
        shown: set[tuple[str, str]] = set()
        for raw in lines[index + 1:body_end]:
            who, text = _caption_text(raw)
            speaker = who or speaker
            if text and (speaker, text) not in shown_before:
                pieces.append(Piece(text, speaker, start, index + 1, end))
            shown.add((speaker, text))
        shown_before = shown
        index = body_end
    return pieces


def _cue_end(lines: list[str], first: int) -> int:
    """Where a cue's text ends: at an empty line. A line of spaces ends it only before the next cue,
    since YouTube's auto-captions open each cue with a line of one space."""
    return next((at for at in range(first, len(lines)) if not lines[at] or (not lines[at].strip() and _opens_cue(lines, at + 1))), len(lines))


def _opens_cue(lines: list[str], at: int) -> bool:
    """Whether a new cue (or the end) comes at `at`: a blank line, a timing line, or a cue number before one."""
    ahead = lines[at:at + 2]
    return not ahead or not ahead[0].strip() or any(_CUE_TIME.match(line) for line in ahead)


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


def _prose(lines: list[str], speakers: set[str]) -> list[Piece]:
    """`Name: text` starts a speaker's turn; a line without a name goes on with the speaker before."""
    pieces: list[Piece] = []
    who = ""
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            continue
        prefixed = _SPEAKER_PREFIX.match(line)
        if prefixed and prefixed.group(1) in speakers:
            who, line = prefixed.group(1), prefixed.group(2)
        pieces.append(Piece(line, who, None, number))
    return pieces


def map_speakers(pieces: tuple[Piece, ...], names: dict[str, str]) -> tuple[Piece, ...]:
    """Speaker labels replaced by names (`Host` → `Alexey`); labels not in `names` stay."""
    return tuple(replace(piece, who=names.get(piece.who, piece.who)) for piece in pieces)


def title_from_file_name(name: str) -> str:
    """`what-is-a-feature-store.en.vtt` → "What is a feature store"."""
    stem = re.sub(r"(?:\.[a-z]{2}(?:-[A-Za-z]{2,4})?)?\.\w+$", "", name)
    return " ".join(stem.replace("_", " ").replace("-", " ").split()).capitalize()


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
    pieces = _mend_split_sentences(_rejoin_fragments(_drop_backchannels(list(parsed.pieces))))
    limit = CAPTION_PARAGRAPH_CHARS if parsed.kind in ("srt", "vtt") else MAX_PARAGRAPH_CHARS
    paragraphs = _join_turns(pieces, limit, parsed.kind in ("srt", "vtt"))
    return [line for index, paragraph in enumerate(paragraphs)
            for line in _split_long(paragraph, _next_start(paragraphs, index), MAX_PARAGRAPH_CHARS)]


def _rejoin_fragments(pieces: list[Piece]) -> list[Piece]:
    """A word or two cut off mid-sentence ("it" / "was" / "really, so…") belongs to the text it runs into."""
    result: list[Piece] = []
    carried: list[Piece] = []
    for piece in pieces:
        is_fragment = len(piece.text.split()) <= 2 and not ends_sentence(piece.text)
        if is_fragment and piece is not pieces[-1]:
            carried.append(piece)
            continue
        if carried and piece.text[:1].islower() and all(c.who == piece.who for c in carried):
            text = " ".join([c.text for c in carried] + [piece.text])
            result.append(replace(piece, text=text, sec=carried[0].sec, line=carried[0].line))
        else:
            result.extend(carried + [piece])
        carried = []
    return result + carried


def _mend_split_sentences(pieces: list[Piece]) -> list[Piece]:
    """A sentence cut by a speaker change ("So to be a," / "lot of help.") ends with the speaker who began it."""
    mended: list[Piece] = []
    for index, piece in enumerate(pieces):
        last = mended[-1] if mended else None
        if last and last.who != piece.who and not ends_sentence(last.text) and piece.text[:1].islower():
            head, *rest = split_sentences(piece.text) or [piece.text]
            mended[-1] = replace(last, text=f"{last.text} {head}")
            if not rest:
                continue
            piece = replace(piece, text=" ".join(rest), sec=_later_start(piece, head, _next_sec(pieces, index)))
        mended.append(piece)
    return mended


def _later_start(piece: Piece, head: str, next_sec: float | None) -> float | None:
    """When `piece` goes on once `head` is said: later by the words' time, never past the next piece's start."""
    if piece.sec is None:
        return None
    sec = float(int(piece.sec + words_seconds(head)))
    return min(sec, next_sec) if next_sec is not None and next_sec >= piece.sec else sec


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
    runs_on = not ends_sentence(paragraph.text)
    if is_captions:
        paused = paragraph.end_sec is not None and piece.sec is not None and piece.sec - paragraph.end_sec >= CAPTION_PAUSE_SEC
        if runs_on:
            return len(paragraph.text) < 2 * limit and not (paused and len(paragraph.text) >= limit)
        return len(paragraph.text) < limit and not paused
    if len(paragraph.text) >= 2 * limit:
        return False
    return runs_on or len(paragraph.text.split()) <= 1 or len(piece.text.split()) <= 1


def _next_start(paragraphs: list[Piece], index: int) -> float | None:
    """When the paragraph after this one starts (for the last: when this one ends, if known)."""
    found = _next_sec(paragraphs, index)
    return paragraphs[index].end_sec if found is None else found


def _next_sec(pieces: list[Piece], index: int) -> float | None:
    """The first time after `pieces[index]`, read in place (a copy of the rest at every piece is quadratic)."""
    return next((pieces[at].sec for at in range(index + 1, len(pieces)) if pieces[at].sec is not None), None)


def _split_long(paragraph: Piece, next_sec: float | None, limit: int) -> list[TranscriptLine]:
    """A paragraph over `limit` characters split at sentence ends; each part's time estimated by its length."""
    if len(paragraph.text) <= limit:
        return [TranscriptLine(paragraph.text, paragraph.who, paragraph.sec, paragraph.line)]
    parts: list[str] = []
    for sentence in (piece for s in split_sentences(paragraph.text) for piece in _split_at_words(s, limit)):
        if parts and len(parts[-1]) + len(sentence) < limit * 0.6:
            parts[-1] += " " + sentence
        else:
            parts.append(sentence)
    if len(parts) > 1 and len(parts[-1].split()) <= 3:
        last = parts.pop()  # popped first: `parts[-2] += parts.pop()` writes to the wrong item, or past the end
        parts[-1] += " " + last
    return _timed_parts(paragraph, parts, next_sec)


def _split_at_words(sentence: str, limit: int) -> list[str]:
    """A sentence over `limit` characters (captions without punctuation) split after a comma, else between words.

    The rest is read from an offset, never copied: a copy at every cut makes one long line quadratic.
    """
    parts: list[str] = []
    start, end, stripped_end = 0, len(sentence), len(sentence.rstrip())
    while end - start > limit:
        cut = sentence.rfind(", ", start, start + limit)
        cut = cut + 1 if cut - start > limit // 2 else sentence.rfind(" ", start, start + limit)
        if cut <= start:
            break
        parts.append(sentence[start:cut].strip())
        start, end = cut, stripped_end
        while start < end and sentence[start].isspace():
            start += 1
    return parts + [sentence[start:end]] if parts else [sentence]


def _timed_parts(paragraph: Piece, parts: list[str], next_sec: float | None) -> list[TranscriptLine]:
    """Each part starts where its share of the paragraph's time begins (by length); no time, no times."""
    if paragraph.sec is None:
        return [TranscriptLine(part, paragraph.who, None, paragraph.line) for part in parts]
    if next_sec is None or next_sec <= paragraph.sec:
        next_sec = paragraph.sec + words_seconds(paragraph.text)
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
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise EpisodeError("the file starts like UTF-16 text but is not", "save the file as UTF-8 and import it again", str(path)) from None
    if b"\0" in data[:8192]:
        raise EpisodeError("this is a binary file, not a transcript", "give a text file: timestamped blocks, SRT, WebVTT or 'Name: text' lines", str(path))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise EpisodeError(f"not UTF-8 text (byte 0x{data[exc.start]:02x})", "save the file as UTF-8 and import it again", str(path), line) from None

"""Two people side by side: where the seam between their tiles is, which tile is whose, and the
shots of a crop that follows the speaker. Pure: frames come in as small grey pictures (bytes, one
per pixel), read by ffmpeg.read_gray_frames.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass
from enum import Enum

from .errors import ClipperError

SEAM_WINDOW = (0.3, 0.7)  # the seam is looked for in the middle of the width
SEAM_EDGE = 10.0  # mean grey step across the seam (0-255) in most sampled frames
SEAM_CONTRAST = 4.0  # ...and that many times the picture's usual step between columns
SEAM_UNIQUE = 3.0  # ...and that many times the strongest edge elsewhere in the picture
MAX_GAP = 0.15  # a gap between the tiles at most this part of the width
SAMPLED_FRAMES = 16  # frames looked at for the seam, spread over the clip
MIN_SHOT_SEC = 2.0  # a speaker's turn shorter than this does not move the crop
CLEAR_MOTION = 0.3  # grey levels a frame: less than this between the tiles is no answer


class Side(Enum):
    LEFT = "left"
    RIGHT = "right"


@dataclass(frozen=True)
class GrayFrames:
    width: int
    height: int
    fps: float
    frames: tuple[bytes, ...]


@dataclass(frozen=True)
class Tiles:
    """Each tile's columns, as parts of the width (start, end); between them a seam or a gap."""

    left: tuple[float, float]
    right: tuple[float, float]


@dataclass(frozen=True)
class Turn:
    """Who speaks from when to when, in seconds from the clip's start."""

    who: str
    start_sec: float
    end_sec: float


@dataclass(frozen=True)
class Shot:
    side: Side
    start_sec: float
    end_sec: float


@dataclass(frozen=True)
class Sides:
    """Whose tile is which (`who` → side), and whether the picture said it clearly."""

    of: tuple[tuple[str, Side], ...]
    clear: bool

    def side_of(self, who: str) -> Side | None:
        return dict(self.of).get(who)


# --- the seam -------------------------------------------------------------------------------

def column_steps(frame: bytes, width: int, height: int) -> list[float]:
    """For each column boundary x (between x-1 and x, x = 1..width-1), the mean grey step across it."""
    sums = [0] * (width - 1)
    for top in range(0, width * height, width):
        row = frame[top:top + width]
        sums = [total + abs(a - b) for total, a, b in zip(sums, row[1:], row[:-1])]
    return [total / height for total in sums]


def seam_profile(frames: GrayFrames) -> list[float]:
    """Each column boundary's step in most frames (the lower quartile): a seam is strong in all of them."""
    sampled = _spread(frames.frames, SAMPLED_FRAMES)
    steps = [column_steps(frame, frames.width, frames.height) for frame in sampled]
    return [_lower_quartile(column) for column in zip(*steps)]


def find_tiles(frames: GrayFrames) -> Tiles | None:
    """Two tiles side by side, when a straight edge that lasts (or a pair of them, around a gap)
    splits the middle of the picture far more sharply than any other edge in it; else None.

    The strongest lasting edge in the middle third; with it, any edge at least a quarter as strong
    within a gap's width (the gap's other side). It must be SEAM_UNIQUE times the strongest edge
    elsewhere: a picture with many sharp upright edges (shelves, bars) is taken for one picture.
    """
    if len(frames.frames) == 0 or frames.width < 16:
        return None
    profile = seam_profile(frames)
    low, high = (round(frames.width * part) for part in SEAM_WINDOW)
    middle = range(max(low, 1), min(high, frames.width - 1))
    peak = max(middle, key=lambda x: profile[x - 1])
    strength = profile[peak - 1]
    if strength < max(SEAM_EDGE, SEAM_CONTRAST * statistics.median(profile)):
        return None
    reach = round(MAX_GAP * frames.width)
    sides = [x for x in middle if abs(x - peak) <= reach and profile[x - 1] >= strength / 4]
    start, end = min(sides), max(sides)
    elsewhere = [step for x, step in enumerate(profile, start=1) if x < start - 1 or x > end + 1]
    if elsewhere and max(elsewhere) * SEAM_UNIQUE > strength:
        return None
    return Tiles((0.0, start / frames.width), (end / frames.width, 1.0))


# --- whose tile is which --------------------------------------------------------------------

def tile_motion(frames: GrayFrames, tiles: Tiles) -> list[tuple[float, float, float]]:
    """(time, left, right): the mean grey change of each tile from one frame to the next."""
    if len(frames.frames) < 2:
        return []
    import numpy  # only a clip with tiles needs it

    pictures = numpy.frombuffer(b"".join(frames.frames), numpy.uint8).reshape(-1, frames.height, frames.width)
    changes = numpy.abs(numpy.diff(pictures.astype(numpy.int16), axis=0))
    means = [changes[:, :, start:end].mean(axis=(1, 2)) for start, end in (_columns(t, frames.width) for t in (tiles.left, tiles.right))]
    return [((index + 1) / frames.fps, float(left), float(right)) for index, (left, right) in enumerate(zip(*means))]


def assign_sides(motion: list[tuple[float, float, float]], turns: list[Turn]) -> Sides | None:
    """Whose tile moves while they speak: for each speaker, how much more the left tile moves than the
    right during their turns; the one with more left motion is on the left. None without speakers."""
    lean = {who: _lean(motion, [t for t in turns if t.who == who]) for who in dict.fromkeys(t.who for t in turns if t.who)}
    lean = {who: value for who, value in lean.items() if value is not None}
    if not lean:
        return None
    ranked = sorted(lean, key=lambda who: lean[who], reverse=True)
    if len(ranked) == 1:
        side = Side.LEFT if lean[ranked[0]] > 0 else Side.RIGHT
        return Sides(((ranked[0], side),), abs(lean[ranked[0]]) >= CLEAR_MOTION)
    first, last = ranked[0], ranked[-1]
    others = tuple((who, Side.LEFT if lean[who] - lean[last] > lean[first] - lean[who] else Side.RIGHT) for who in ranked[1:-1])
    return Sides(((first, Side.LEFT), *others, (last, Side.RIGHT)), lean[first] - lean[last] >= CLEAR_MOTION)


def _lean(motion: list[tuple[float, float, float]], turns: list[Turn]) -> float | None:
    inside = [left - right for time, left, right in motion if any(t.start_sec <= time < t.end_sec for t in turns)]
    return statistics.fmean(inside) if inside else None


# --- the shots of a crop that follows the speaker -------------------------------------------

def speaker_shots(turns: list[Turn], sides: Sides, duration_sec: float, min_shot_sec: float = MIN_SHOT_SEC) -> tuple[Shot, ...]:
    """Hard cuts to the tile of whoever speaks, at the turns' starts; a turn shorter than
    `min_shot_sec` (or of someone without a tile) keeps the shot as it is. Covers 0..duration."""
    placed = [(sides.side_of(t.who), max(0.0, t.start_sec), min(duration_sec, t.end_sec)) for t in turns]
    placed = [(side, start, end) for side, start, end in placed if side and end > start]
    if not placed:
        return (Shot(Side.LEFT, 0.0, duration_sec),)
    shots = [Shot(placed[0][0], 0.0, duration_sec)]
    for side, start, end in _merged(placed)[1:]:
        if side is not shots[-1].side and end - start >= min_shot_sec and start - shots[-1].start_sec >= min_shot_sec:
            shots[-1] = Shot(shots[-1].side, shots[-1].start_sec, start)
            shots.append(Shot(side, start, duration_sec))
    return tuple(shots)


def _merged(placed: list[tuple[Side, float, float]]) -> list[tuple[Side, float, float]]:
    """Consecutive turns on one side as one (a speaker's lines in a row are one turn)."""
    merged = [placed[0]]
    for side, start, end in placed[1:]:
        if side is merged[-1][0]:
            merged[-1] = (side, merged[-1][1], end)
        else:
            merged.append((side, start, end))
    return merged


# --- --tiles "Alexey=left,Maria=right" ------------------------------------------------------

TILES_HINT = 'give --tiles "NAME=left,NAME=right" with the speakers\' names'


def parse_tiles(text: str) -> tuple[tuple[str, Side], ...]:
    """The names and sides of --tiles; ClipperError on anything else."""
    pairs = []
    for part in text.split(","):
        name, equals, side = part.partition("=")
        if not equals or not name.strip() or side.strip().lower() not in ("left", "right"):
            raise ClipperError(f"--tiles {text!r}: {part.strip()!r} is not NAME=left or NAME=right", TILES_HINT)
        pairs.append((name.strip(), Side(side.strip().lower())))
    if len({side for _, side in pairs}) != len(pairs):
        raise ClipperError(f"--tiles {text!r} puts two people on one side", TILES_HINT)
    return tuple(pairs)


def resolve_tiles(pairs: tuple[tuple[str, Side], ...], names: dict[str, str]) -> Sides:
    """--tiles' names as the transcript's `who` labels: a label itself, or a person's full or first
    name (`names`: label → full name), any case."""
    known = {}
    for who, full in names.items():
        for alias in (who, full, full.split()[0] if full.split() else who):
            known[alias.casefold()] = who
    unknown = [name for name, _ in pairs if name.casefold() not in known]
    if unknown:
        raise ClipperError(f"--tiles: nobody called {unknown[0]!r} speaks in this episode",
                           f"use one of {', '.join(sorted(names)) or 'the transcript speakers'}")
    return Sides(tuple((known[name.casefold()], side) for name, side in pairs), True)


def _spread(items: tuple[bytes, ...], count: int) -> list[bytes]:
    step = max(1, len(items) // count)
    return list(items[::step])[:count]


def _lower_quartile(values: tuple[float, ...]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 4]


def _columns(tile: tuple[float, float], width: int) -> tuple[int, int]:
    """A tile's columns, less a margin on each side (the seam itself, a moving border)."""
    start, end = round(tile[0] * width), round(tile[1] * width)
    margin = (end - start) // 10
    return start + margin, max(start + margin + 1, end - margin)

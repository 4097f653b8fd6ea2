"""Smart cut: re-encode only the clip's head (up to a keyframe past the burned-in title) and, when
the source's frame order demands it, a few frames at its end; copy the H.264 in between as it is.

Pure: the plan from the source's packet list, and the ffmpeg argv; cutting.py runs them.

How the parts are joined, and why:
- The copied part keeps the source's parameter sets (SPS/PPS, id 0 as a rule); the head is encoded
  with other ids (x264's `sps-id`) and the source's sets are put before its own, so the MP4's one
  sample description holds both and each picture finds its own: no set is redefined midway.
- The concat demuxer joins head and copy (it seeks the source to the keyframe and stops at the
  copy's last packet, in decoding order); `setts` puts every frame on the frame-rate grid from 0 and
  keeps decoding times rising where the copy's B-frame delay meets the head (which has none).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from .clip_graph import X264_PARAMS  # as every clip: the head's settings match the re-encoded clips'
from .ffmpeg import MediaInfo, input_argument

H264_PROFILES = {"High": "high", "Main": "main", "Constrained Baseline": "baseline", "Baseline": "baseline"}
_NTSC = {23.98: Fraction(24000, 1001), 29.97: Fraction(30000, 1001), 59.94: Fraction(60000, 1001)}
_PLAIN_COLOUR = {"tv", "bt709", "progressive"}  # what the copied frames may say of themselves: else the tags would lie
LISTING_MARGIN_SEC = 1.0  # packets listed past the clip's end, to see where a copy may stop


@dataclass(frozen=True)
class Packet:
    """One video packet of the source, in decoding order; times in the stream's ticks from the cut."""

    dts: int
    pts: int
    key: bool


@dataclass(frozen=True)
class Listing:
    time_base: Fraction
    packets: tuple[Packet, ...]


@dataclass(frozen=True)
class SmartCutPlan:
    """Where the clip's frames come from: frames 0..head_frames-1 encoded, then copy_packets packets
    copied from the keyframe at keyframe_ticks, then tail_frames encoded from tail_ticks. Ticks are the
    source stream's, counted from the cut; `frame_ticks` is one frame, `delay_ticks` the copy's B-frame delay."""

    head_frames: int
    keyframe_ticks: int
    copy_packets: int
    last_copied_dts: int
    next_dts: int | None  # the first packet not copied, in decoding order (None: the file ends)
    tail_frames: int
    tail_ticks: int
    frame_ticks: int
    delay_ticks: int
    time_base: Fraction

    @property
    def frames(self) -> int:
        return self.head_frames + self.copy_packets + self.tail_frames


def frame_rate(fps: float) -> Fraction | None:
    """The exact frame rate `ffmpeg -i` rounds to `fps` (a whole number, or NTSC's x/1.001), else None."""
    if fps in _NTSC:
        return _NTSC[fps]
    return Fraction(round(fps)) if fps == round(fps) and 15 <= fps <= 60 else None


def why_not(info: MediaInfo, size: tuple[int, int], burned_captions: bool) -> str:
    """Why a clip of this source cannot be smart-cut ("" when it can): it must keep the source's
    pictures as they are (same size, no captions over them) in an H.264 stream a copy can join."""
    colour = {part.strip() for part in info.colour.split(",") if part.strip()}
    reasons = (
        (burned_captions, "captions are burned over the whole clip"),
        (not info.has_video, "no video"),
        (not info.has_audio, "no sound"),
        (info.video_codec != "h264", f"the video is {info.video_codec or 'unknown'}, not H.264"),
        (info.video_profile not in H264_PROFILES, f"H.264 profile {info.video_profile or 'unknown'}"),
        (info.pixel_format != "yuv420p", f"pixels in {info.pixel_format or 'unknown'}"),
        (not colour <= _PLAIN_COLOUR, f"colours tagged {info.colour}"),
        (size != (info.width, info.height), "the size changes"),
        (frame_rate(info.fps) is None, f"frame rate {info.fps:g}"),
    )
    return next((reason for blocked, reason in reasons if blocked), "")


def listing_args(source: str, offset: str, duration_sec: float, listing: Path, parameter_sets: Path) -> list[str]:
    """List the video packets from the keyframe before the cut to past its end (no decoding), and
    write the source's parameter sets (the first keyframe's, as Annex B) beside."""
    return ["-y", "-ss", offset, "-t", f"{duration_sec + LISTING_MARGIN_SEC:.6f}", "-i", input_argument(source),
            *listing_outputs(listing, parameter_sets)]


def listing_outputs(listing: Path, parameter_sets: Path) -> list[str]:
    """listing_args' outputs, for a pass that reads the source anyway (the listening pass)."""
    return ["-map", "0:v:0", "-c", "copy", "-f", "framecrc", "-y", str(listing),
            "-map", "0:v:0", "-c", "copy", "-frames:v", "1", "-bsf:v", "h264_mp4toannexb", "-f", "h264", "-y", str(parameter_sets)]


@dataclass(frozen=True)
class Listed:
    """The packets listed (and parameter sets written) by a pass that seeked `source` to `seek` (as
    given to -ss), and what ffmpeg said of the source then."""

    source: str
    packets: Path
    parameter_sets: Path
    seek: str
    said: str


def listing_from(listed: Listed, seek: str, duration_sec: float) -> Listing | None:
    """The packets of `listed` with their times counted from `seek` instead, as a listing made from
    `seek` counts them; None when they do not reach LISTING_MARGIN_SEC past the clip's end.

    ffmpeg takes each -ss (and the source's start) in microseconds off every packet's time, rounded
    to the stream's ticks: the two roundings are done here as ffmpeg does them (halves away from 0).
    """
    listing = parse_listing(listed.packets.read_text(encoding="utf-8"))
    if not listing.packets or listing.time_base <= 0:
        return None
    start = source_start(listed.said)
    shift = _seek_ticks(seek, start, listing.time_base) - _seek_ticks(listed.seek, start, listing.time_base)
    packets = tuple(Packet(p.dts - shift, p.pts - shift, p.key) for p in listing.packets)
    if max(p.pts for p in packets) * listing.time_base < duration_sec + LISTING_MARGIN_SEC:
        return None
    return Listing(listing.time_base, packets)


def _seek_ticks(seek: str, start_sec: float, time_base: Fraction) -> int:
    micro = round(Fraction(seek) * 1_000_000) + round(Fraction(start_sec) * 1_000_000)
    return math.floor(Fraction(micro, 1_000_000) / time_base + Fraction(1, 2)) if micro >= 0 \
        else -math.floor(Fraction(-micro, 1_000_000) / time_base + Fraction(1, 2))


def source_start(said: str) -> float:
    """Where the source's timestamps begin (`start:` in what ffmpeg says of its input): the concat
    demuxer's in and out points count from there, `-ss` from the start."""
    found = re.search(r"Duration: .*?, start: (-?[\d.]+)", said)
    return float(found.group(1)) if found else 0.0


def source_problem(said: str) -> str:
    """Why the copy cannot join the head, from what ffmpeg says of the source ("" when it can): the
    concat demuxer pairs each file's streams by their order, so the video must come first; and a
    picture turned by its display matrix is turned when decoded (the head) but not when copied."""
    source = said.split("Output #0", 1)[0]  # what it says of its outputs comes after
    if not re.search(r"Stream #0:0\S*: Video:", source):
        return "the source's first stream is not its video"
    return "the picture is rotated for display" if re.search(r"displaymatrix|rotate\s*:", source) else ""


def parse_listing(text: str) -> Listing:
    """A Listing from ffmpeg's framecrc output (`#tb 0: 1/15360`, then `0, dts, pts, duration, size, crc[, F=flags]`)."""
    base = re.search(r"^#tb 0: (\d+)/(\d+)", text, re.M)
    packets = tuple(Packet(int(dts), int(pts), "F=" not in rest)
                    for dts, pts, rest in re.findall(r"^0,\s*(-?\d+),\s*(-?\d+),(.*)$", text, re.M))
    return Listing(Fraction(int(base.group(1)), int(base.group(2))) if base else Fraction(0), packets)


def plan_smart_cut(listing: Listing, duration_sec: float, fps: Fraction, title_sec: float) -> SmartCutPlan | None:
    """The plan for frames [0, duration) of the listing, the head reaching past `title_sec`; None when the
    source's frames are not evenly spaced there, or no keyframe lets a copy start cleanly before the end."""
    if not listing.packets or listing.time_base <= 0:
        return None
    frame = 1 / (fps * listing.time_base)
    end = round(Fraction(duration_sec) / listing.time_base)
    clip = sorted(p.pts for p in listing.packets if 0 <= p.pts < end)
    if frame.denominator != 1 or not clip or not _evenly_spaced(clip, int(frame)):
        return None
    frame_ticks, first = int(frame), clip[0]
    title_ticks = first + max(1, math.ceil(Fraction(title_sec) * fps)) * frame_ticks  # a head of one frame at least
    start = next((i for i in _clean_starts(listing.packets) if title_ticks <= listing.packets[i].pts < end), None)
    if start is None:
        return None
    last = _last_clean_end(listing.packets, start, end)
    if last is None:
        return None
    keyframe, copied = listing.packets[start], listing.packets[start:last + 1]
    after = max(p.pts for p in copied) + frame_ticks
    following = listing.packets[last + 1].dts if last + 1 < len(listing.packets) else None
    return SmartCutPlan((keyframe.pts - first) // frame_ticks, keyframe.pts, len(copied), copied[-1].dts, following,
                        len([t for t in clip if t >= after]), after, frame_ticks, keyframe.pts - keyframe.dts,
                        listing.time_base)


def _evenly_spaced(times: list[int], step: int) -> bool:
    return all(abs(b - a - step) <= 1 for a, b in zip(times, times[1:]))


def _clean_starts(packets: tuple[Packet, ...]) -> list[int]:
    """Keyframes where a copy may begin: every packet before shows earlier, every packet after later."""
    before = _running(p.pts for p in packets)
    after = _running((p.pts for p in reversed(packets)), lowest=True)[::-1]
    return [i for i, p in enumerate(packets) if p.key and (i == 0 or before[i - 1] < p.pts)
            and (i + 1 == len(packets) or after[i + 1] > p.pts)]


def _last_clean_end(packets: tuple[Packet, ...], start: int, end: int) -> int | None:
    """The last packet (in decoding order) a copy from `start` may end on: all it copies shows before
    `end`, and nothing after it shows before anything it copies."""
    after = _running((p.pts for p in reversed(packets)), lowest=True)[::-1]
    best, highest = None, -math.inf
    for i in range(start, len(packets)):
        if packets[i].pts >= end:
            break
        highest = max(highest, packets[i].pts)
        if i + 1 == len(packets) or after[i + 1] > highest:
            best = i
    return best


def _running(values, lowest: bool = False) -> list[float]:  # noqa: ANN001 - an iterable of ints
    result, current = [], math.inf if lowest else -math.inf
    for value in values:
        current = min(current, value) if lowest else max(current, value)
        result.append(current)
    return result


# --- the parts, as ffmpeg argv ----------------------------------------------------------------

def encode_args(source: str, seek: str, frames: int, output: Path, profile: str, parameter_set_id: int,
                captions: Path | None, fonts_dir: Path) -> list[str]:
    """`frames` frames from `seek`, encoded as clipper encodes clips (no B-frames), as raw H.264 whose
    parameter sets carry `parameter_set_id`; the title burned in when `captions` is given."""
    picture = ["-vf", f"ass={captions}:fontsdir={fonts_dir}"] if captions else []
    return ["-y", "-ss", seek, "-i", input_argument(source), "-map", "0:v:0", "-frames:v", str(frames), *picture,
            "-c:v", "libx264", "-preset", "veryfast", "-crf", "21", "-profile:v", profile, "-bf", "0",
            "-pix_fmt", "yuv420p", "-x264-params", f"sps-id={parameter_set_id}:{X264_PARAMS}", "-f", "h264", str(output)]


def wrap_args(raw: Path, fps: Fraction, time_base: Fraction, output: Path) -> list[str]:
    """Raw H.264 without B-frames into MP4 at the frame rate, in the source's time base (the concat
    demuxer joins parts of one time base)."""
    return ["-y", "-framerate", str(fps), "-i", input_argument(raw), "-c", "copy",
            "-video_track_timescale", str(time_base.denominator), "-use_editlist", "0", "-f", "mp4", str(output)]


def concat_listing(plan: SmartCutPlan, head: Path, source: str, cut_sec: float, tail: Path | None, fps: Fraction) -> str:
    """The concat demuxer's list: the head, the source from the keyframe to the last copied packet, the tail.

    The source is opened a quarter frame past the keyframe (so the seek lands on it, not the one before);
    the head's stated length is a quarter frame longer for the copy to start on its own frame.
    """
    base = plan.time_base
    nudge = Fraction(plan.frame_ticks, 4) * base
    inpoint = Fraction(cut_sec) + plan.keyframe_ticks * base + nudge
    stop = plan.last_copied_dts + (plan.frame_ticks if plan.next_dts is None else plan.next_dts - plan.last_copied_dts) / 2
    lines = ["ffconcat version 1.0", f"file '{_quoted(head)}'", f"duration {float(plan.head_frames / fps + nudge):.6f}",
             f"file '{_quoted(Path(source))}'", f"inpoint {float(inpoint):.6f}",
             f"outpoint {float(Fraction(cut_sec) + stop * base):.6f}", f"duration {float(plan.copy_packets / fps - nudge):.6f}"]
    if tail:
        lines += [f"file '{_quoted(tail)}'"]
    return "\n".join(lines) + "\n"


def _quoted(path: Path) -> str:
    return str(path.resolve()).replace("'", "'\\''")


def join_args(concat: Path, audio: Path, plan: SmartCutPlan, output: str, colour_tags: bool) -> list[str]:
    """The joined video and the clip's own audio (already encoded) into one MP4 without an edit list.

    `setts` puts each frame on the grid (n frames × frame_ticks) and lowers the decoding times of the head's
    last frames just below the copy's first (which decodes `delay_ticks` before it shows).
    """
    step, keyframe = plan.frame_ticks, plan.head_frames * plan.frame_ticks
    pts = f"round(PTS/{step})*{step}"
    dts = (f"if(lt({pts}\\,{keyframe})\\,min({pts}\\,{keyframe}-{plan.delay_ticks}-({keyframe}-{pts})/{step})"
           f"\\,round((DTS+{plan.delay_ticks})/{step})*{step}-{plan.delay_ticks})")
    filters = [f"setts=pts={pts}:dts={dts}"]
    if colour_tags:  # HD colours, as every clip is tagged; the pictures are already so
        filters.append("h264_metadata=colour_primaries=1:transfer_characteristics=1:matrix_coefficients=1"
                       ":video_full_range_flag=0")
    return ["-y", "-f", "concat", "-safe", "0", "-i", input_argument(concat), "-i", input_argument(audio),
            "-map", "0:v:0", "-map", "1:a:0", "-c", "copy", "-bsf:v", ",".join(filters),
            "-movflags", "+faststart", "-use_editlist", "0", "-avoid_negative_ts", "disabled", "-f", "mp4", output]


# --- Annex B parameter sets -------------------------------------------------------------------
_START = re.compile(b"\x00\x00\x01")


def leading_parameter_sets(annex_b: bytes) -> bytes:
    """The SPS and PPS NAL units (with start codes) before the first picture of an Annex B stream."""
    kept, units = [], _nal_units(annex_b)
    for unit in units:
        kind = unit[0] & 0x1F
        if kind in (1, 5):
            break
        if kind in (7, 8):
            kept.append(b"\x00\x00\x00\x01" + unit)
    return b"".join(kept)


def parameter_set_ids(parameter_sets: bytes) -> set[int]:
    """The ids the SPS and PPS of `parameter_sets` use (an SPS's id after its 3 bytes of profile and level)."""
    ids = set()
    for unit in _nal_units(parameter_sets):
        kind = unit[0] & 0x1F
        if kind == 7 and len(unit) > 4:
            ids.add(_exp_golomb(unit[4:]))
        elif kind == 8 and len(unit) > 1:
            ids.add(_exp_golomb(unit[1:]))
    return ids


def _nal_units(data: bytes) -> list[bytes]:
    starts = [m.end() for m in _START.finditer(data)]
    units = [data[a:b - 3] for a, b in zip(starts, starts[1:] + [len(data) + 3])]
    return [unit.rstrip(b"\x00") or unit for unit in units if unit]


def _exp_golomb(data: bytes) -> int:
    """The first unsigned Exp-Golomb number of `data` (enough for parameter-set ids)."""
    bits = "".join(f"{byte:08b}" for byte in data[:8])
    zeros = len(bits) - len(bits.lstrip("0"))
    return int(bits[zeros:2 * zeros + 1], 2) - 1

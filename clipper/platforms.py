"""Social platforms' limits for video posts, kept in one place (specs.md; re-check before a release)."""
from __future__ import annotations

from dataclasses import dataclass

MB = 1_000_000


@dataclass(frozen=True)
class PlatformLimits:
    name: str
    min_sec: float
    max_sec: float
    max_bytes: int
    max_ratio: float = 4096 / 360  # the longer side over the shorter
    max_long_side: int = 4096
    max_short_side: int = 4096


PLATFORMS = {
    "shorts": PlatformLimits("YouTube Shorts", 0.0, 180.0, 10_000 * MB),
    "reels": PlatformLimits("Instagram Reels", 3.0, 15 * 60.0, 300 * MB),
    "tiktok": PlatformLimits("TikTok", 3.0, 10 * 60.0, 1000 * MB),
    "linkedin": PlatformLimits("LinkedIn", 3.0, 15 * 60.0, 200 * MB, max_ratio=2.4),
    "x": PlatformLimits("X", 0.5, 140.0, 512 * MB, max_ratio=3.0, max_long_side=1280, max_short_side=1024),
}


def platform_problems(platform: str, duration_sec: float, size_bytes: int, width: int = 0, height: int = 0) -> list[str]:
    """What about a clip breaks a platform's limits ([] when nothing does); width and height 0: not checked."""
    limits = PLATFORMS[platform]
    problems = []
    if duration_sec > limits.max_sec:
        problems.append(f"{limits.name} takes at most {limits.max_sec:.0f} s; this clip lasts {duration_sec:.1f} s (use --max-seconds)")
    if duration_sec < limits.min_sec:
        problems.append(f"{limits.name} takes at least {limits.min_sec:.0f} s; this clip lasts {duration_sec:.1f} s")
    if size_bytes > limits.max_bytes:
        problems.append(f"{limits.name} takes at most {limits.max_bytes // MB} MB; this clip is {size_bytes / MB:.0f} MB")
    long_side, short_side = max(width, height), min(width, height)
    if short_side and long_side / short_side > limits.max_ratio:
        problems.append(f"{limits.name} takes shapes up to {limits.max_ratio:g}:1; this clip is {width}x{height}")
    if long_side > limits.max_long_side or short_side > limits.max_short_side:
        problems.append(f"{limits.name} takes at most {limits.max_long_side}x{limits.max_short_side}; this clip is {width}x{height}"
                        " (the platform will scale it down)")
    return problems


def fit_within_limits(size: tuple[int, int], platforms: tuple[str, ...]) -> tuple[int, int]:
    """`size`, scaled down (same shape, even sides) until every platform named takes it as it is."""
    width, height = size
    long_side, short_side = max(size), min(size)
    scale = min([1.0] + [min(PLATFORMS[name].max_long_side / long_side, PLATFORMS[name].max_short_side / short_side) for name in platforms])
    return (width, height) if scale >= 1 else (_even(width * scale), _even(height * scale))


def _even(side: float) -> int:
    return int(round(side / 2)) * 2

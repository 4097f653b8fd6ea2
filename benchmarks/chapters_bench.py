"""Automatic chapters against human ones: hide an episode's headers, find chapters, score the boundaries.

A boundary is a chapter start after 0:00. A found boundary matches a human one within ±30 s (each
human boundary matches at most once). Scores are summed over all episodes (micro-average).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from clipper.chapters import chapters_from_headers, episode_end_sec
from clipper.episode_file import read_episode
from clipper.errors import ClipperError
from clipper.model import Episode
from clipper.segmentation import TARGET_CHAPTER_SEC, automatic_chapters, host_of, transcript_units

TOLERANCE_SEC = 30.0


@dataclass
class Score:
    found: int = 0
    human: int = 0
    matched: int = 0
    distance_sum: float = 0.0

    def add(self, found: list[float], human: list[float]) -> None:
        self.found += len(found)
        self.human += len(human)
        self.matched += _matches(found, human)
        self.distance_sum += sum(min(abs(f - h) for h in human) for f in found) if human else 0.0

    @property
    def precision(self) -> float:
        return self.matched / self.found if self.found else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.human if self.human else 0.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    @property
    def mean_distance(self) -> float:
        return self.distance_sum / self.found if self.found else 0.0


def _matches(found: list[float], human: list[float]) -> int:
    free = sorted(found)
    matched = 0
    for boundary in sorted(human):
        near = [f for f in free if abs(f - boundary) <= TOLERANCE_SEC]
        if near:
            free.remove(min(near, key=lambda f: abs(f - boundary)))
            matched += 1
    return matched


def loadable_episodes(folders: list[Path], people: Path) -> list[Episode]:
    """Every episode file of the folders that loads (the broken ones are left out)."""
    episodes = []
    for folder in folders:
        for path in sorted(folder.iterdir()):
            try:
                episodes.append(read_episode(path, people))
            except ClipperError:
                continue
    return episodes


def headed_episodes(folders: list[Path], people: Path) -> list[Episode]:
    """Episodes whose transcript has headers with times: the human chapters to score against."""
    return [episode for episode in loadable_episodes(folders, people)
            if episode.headers and episode.has_times and len(chapters_from_headers(episode)) >= 3]


def hidden_headers(episode: Episode) -> Episode:
    return replace(episode, transcript=episode.lines, clips=())


def human_boundaries(episode: Episode) -> list[float]:
    return sorted({c.start_sec for c in chapters_from_headers(episode) if c.start_sec > 0})


def automatic_boundaries(episode: Episode) -> list[float]:
    plain = hidden_headers(episode)
    return [c.start_sec for c in automatic_chapters(plain, episode_end_sec(plain) or 0.0)[1:]]


def equal_length_boundaries(episode: Episode) -> list[float]:
    """Baseline: as many chapters as the automatic method makes, all the same length."""
    end = episode_end_sec(episode) or 0.0
    count = max(3, round(end / TARGET_CHAPTER_SEC))
    return [end * i / count for i in range(1, count)]


def question_boundaries(episode: Episode) -> list[float]:
    """Baseline: a chapter at every question the host asks."""
    units = transcript_units(hidden_headers(episode))
    host = host_of(units)
    return sorted({u.start_sec for u in units if u.who == host and u.asks and u.start_sec > 0})


METHODS = {
    "automatic (clipper)": automatic_boundaries,
    "baseline: equal-length chapters": equal_length_boundaries,
    "baseline: a chapter at each host question": question_boundaries,
}


def score_methods(episodes: list[Episode]) -> dict[str, Score]:
    scores = {name: Score() for name in METHODS}
    for episode in episodes:
        human = human_boundaries(episode)
        for name, method in METHODS.items():
            scores[name].add(method(episode), human)
    return scores


def chapter_rows(episodes: list[Episode]) -> list[str]:
    return [f"| {name} | {s.found} | {s.human} | {s.precision:.2f} | {s.recall:.2f} | **{s.f1:.2f}** | {s.mean_distance:.0f} s |"
            for name, s in score_methods(episodes).items()]


def cross_validated_f1(episodes: list[Episode]) -> list[str]:
    """Two-fold check that the weights are not fitted to these episodes: tune on half, score the other half."""
    import itertools

    from clipper import segmentation

    grid = list(itertools.product([0, 0.5, 1], [0.15, 0.3, 0.6], [0, 0.2, 0.4], [140, 160, 180], [45, 60, 75], [60, 90, 120]))

    def score(weights: tuple, group: list[Episode]) -> Score:
        (segmentation.DISSIMILARITY_WEIGHT, segmentation.QUESTION_BONUS, segmentation.EXCHANGE_WEIGHT, target,
         segmentation.MIN_CHAPTER_SEC, segmentation.WINDOW_SEC) = weights
        total = Score()
        for episode in group:
            plain = hidden_headers(episode)
            units = transcript_units(plain)
            total.add(segmentation.find_boundaries(units, episode_end_sec(plain) or 0.0, target), human_boundaries(episode))
        return total

    folds, held_out, lines = [episodes[0::2], episodes[1::2]], Score(), []
    for train, test in (folds, folds[::-1]):
        best = max(grid, key=lambda weights: score(weights, train).f1)
        result = score(best, test)
        lines.append(f"tuned on {len(train)} episodes {best}: F1 {result.f1:.2f} on the other {len(test)}")
        held_out.found, held_out.human, held_out.matched = (held_out.found + result.found, held_out.human + result.human,
                                                           held_out.matched + result.matched)
    return lines + [f"held-out F1: {held_out.f1:.2f}"]


if __name__ == "__main__":
    import sys

    root = Path(__file__).resolve().parent.parent
    data = root / "tests" / "data"
    found = headed_episodes([data / "_podcast", data / "seeds"], data / "_people")
    print(f"{len(found)} episodes", file=sys.stderr)
    print("\n".join(cross_validated_f1(found) if sys.argv[1:] == ["crossval"] else chapter_rows(found)))

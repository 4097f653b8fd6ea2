"""clipper's own text as a reader would judge it, over the corpus episodes, in two halves.

Each figure is computed on the even-numbered and on the odd-numbered episodes separately (the
two halves of a two-fold cross-validation): a rule fitted to one half shows as a gap between them.
Headers, intros and the file's own keywords are hidden, so what is scored is what clipper makes.
Keywords are weighed against a background table of the other half (never the shipped one, which
was computed from all of these episodes).
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from chapters_bench import loadable_episodes

from clipper.api import build_show_notes
from clipper.chapters import chapters_from_headers, episode_end_sec
from clipper.clips import pick_highlight
from clipper.formats import post_text
from clipper.formats.show_notes import intro_paragraphs
from clipper.intro import made_intro
from clipper.keywords import Background, background_of
from clipper.model import Chapter, Episode, ShowNotes
from clipper.posts import clip_post
from clipper.segmentation import automatic_chapters
from clipper.summary import quotes_balanced, summarize
from clipper.templating import make_environment
from clipper.textrank import content_words, stem

# Words that point back at something said before, or join on to it: a sentence opening with one
# does not make sense alone. The benchmark's own list, independent of the rules in clipper.
DANGLING = frozenset("""it it's its this that these those they they're them their he she his her him
and but so or because also then which plus though although yet otherwise too either there's""".split())
PAIR_TITLE = re.compile(r"(?:[\w'/-]+ ){0,2}[\w'/-]+ and (?:[\w'/-]+ ){0,2}[\w'/-]+")
GENERIC_SHARE = 0.10
# Endings that make another form of a word (the benchmark's own list, more than clipper's rule knows).
WORD_ENDINGS = frozenset("s es ed ing er ers al ic ical ship ist ists ism ity ive ment ness ion ation ly".split())
_POSSESSIVE = re.compile(r"['’]s\b")


@dataclass(frozen=True)
class Made:
    """What clipper writes for one episode with its human text hidden."""

    episode: Episode
    notes: ShowNotes
    titles: tuple[str, ...]
    title_f1: float | None  # against the hidden headers, when there are any
    title_f1_described: float | None = None  # the same with the file's description and intro shown
    posts: tuple[str, ...] = ()  # the text posted for X beside a clip of each automatic chapter


def corpus_episodes(folders: list[Path], people: Path) -> list[Episode]:
    """The episodes with a timed transcript."""
    return [episode for episode in loadable_episodes(folders, people) if episode.lines and episode.has_times]


def made_text(episode: Episode, background: Background) -> Made:
    """Keywords and chapter titles are weighed against `background`, a table made without this episode."""
    plain = replace(episode, transcript=episode.lines, clips=(), intro="", description="", keywords=())
    automatic = automatic_chapters(plain, episode_end_sec(plain) or 0.0, background)
    human = chapters_from_headers(episode) if episode.headers else ()
    f1 = title_f1(automatic, human) if len(human) >= 3 else None
    described = replace(plain, description=episode.description, intro=episode.intro)
    f1_described = title_f1(automatic_chapters(described, episode_end_sec(plain) or 0.0, background), human) if f1 is not None else None
    notes = build_show_notes(plain)
    summary = summarize(plain, notes.chapters, background)
    notes = replace(notes, summary=summary, made_intro=made_intro(plain, notes.chapters, notes.chapter_source, summary))
    return Made(episode, notes, tuple(c.title for c in automatic), f1, f1_described, _posts(plain, automatic, background))


def _posts(episode: Episode, chapters: tuple[Chapter, ...], background: Background) -> tuple[str, ...]:
    """The X post of a highlight of each chapter but the first (an introduction is rarely clipped)."""
    environment = make_environment()
    end = episode_end_sec(episode) or 0.0
    spans = [pick_highlight(episode, chapter, index, end) for index, chapter in enumerate(chapters, 1) if index > 1]
    posts = [clip_post(episode, span, background) for span in spans]
    return tuple(post_text.render(episode, span, post, environment) for span, post in zip(spans, posts))


def _bare_hook(text: str) -> bool:
    """Whether the post says nothing besides its hook (blocks: hook, sentences, hashtags, link)."""
    return len(text.rstrip("\n").split("\n\n")) <= 3


def _repeats_itself(text: str) -> bool:
    """Whether a block of the post's hook and sentences is the same words as another, or part of it."""
    said = [" ".join(re.findall(r"\w+", block.casefold())) for block in text.rstrip("\n").split("\n\n")[:-2]]
    return any(a in b for i, a in enumerate(said) for j, b in enumerate(said) if i != j)


def title_f1(automatic: tuple[Chapter, ...], human: tuple[Chapter, ...]) -> float:
    """Mean token F1 (content-word stems) of each automatic title with the human header it overlaps most."""
    scores = []
    for chapter in automatic:
        partner = max(human, key=lambda h: min(h.end_sec, chapter.end_sec) - max(h.start_sec, chapter.start_sec))
        scores.append(_token_f1(_stems(chapter.title), _stems(partner.title)))
    return sum(scores) / len(scores) if scores else 0.0


def _stems(text: str) -> Counter:
    """Content-word stems, a possessive counted as its noun ("Master's thesis": master, thesis)."""
    return Counter(stem(word) for word in content_words(_POSSESSIVE.sub("", text)))


def _token_f1(found: Counter, wanted: Counter) -> float:
    shared = sum((found & wanted).values())
    if not shared:
        return 0.0
    precision, recall = shared / sum(found.values()), shared / sum(wanted.values())
    return 2 * precision * recall / (precision + recall)


def _share(hits: int, total: int) -> str:
    return f"{100 * hits / total:.0f} % ({hits}/{total})" if total else "–"


def figures(made: list[Made]) -> dict[str, str]:
    """The figures for one group of episodes."""
    takeaways = [s for m in made for t in m.notes.summary.takeaways for s in t.sentences]
    dangling = sum(_first_word(s) in DANGLING for s in takeaways)
    quotes = [(q, m) for m in made for q in m.notes.summary.quotes]
    bad_quotes = sum(not q.who.strip() or _repeats_takeaway(q.text, m) for q, m in quotes)
    keyword_lists = [{k.casefold() for k in m.notes.summary.keywords} for m in made]
    lists_with = Counter(k for keywords in keyword_lists for k in keywords)
    generic_at = max(1, GENERIC_SHARE * len(made))
    generic = sum(lists_with[k] > generic_at for keywords in keyword_lists for k in keywords)
    guested = [m for m in made if _guest_names(m.episode)]
    environment = make_environment()
    named = sum(any(name in " ".join(intro_paragraphs(m.notes, environment)) for name in _guest_names(m.episode)) for m in guested)
    titles = [t for m in made for t in m.titles]
    pairs = sum(bool(PAIR_TITLE.fullmatch(t)) and not t.endswith("?") for t in titles)
    twice = sum(_says_a_word_twice(t) for t in titles)
    reopened = sum(_reopens(m.titles) for m in made)
    f1s = [m.title_f1 for m in made if m.title_f1 is not None]
    described_f1s = [m.title_f1_described for m in made if m.title_f1_described is not None]
    posts = [post for m in made for post in m.posts]
    return {
        "takeaways opening with a dangling word": _share(dangling, len(takeaways)),
        "quotes without a speaker or repeating a takeaway": _share(bad_quotes, len(quotes)),
        f"keywords in more than {GENERIC_SHARE:.0%} of the episodes' lists": _share(generic, sum(map(len, keyword_lists))),
        "made intros naming a guest": _share(named, len(guested)),
        'automatic titles shaped "X and Y"': _share(pairs, len(titles)),
        "automatic titles saying a word twice (two forms of one)": _share(twice, len(titles)),
        "automatic titles opening on an earlier title's key phrase": _share(reopened, len(titles)),
        "title token F1 against hidden headers": _mean(f1s),
        "the same, the file's description and intro shown to titles": _mean(described_f1s),
        "posts (X) saying nothing besides their hook": _share(sum(_bare_hook(text) for text in posts), len(posts)),
        "posts repeating a sentence": _share(sum(_repeats_itself(text) for text in posts), len(posts)),
        "posts quoting a quotation cut in two": _share(sum(not quotes_balanced(text) for text in posts), len(posts)),
    }


def _says_a_word_twice(title: str) -> bool:
    """Whether two content words of a title are one word's forms: the same stem, or one stem and an
    English suffix ("mentor", "mentorship"; "llm", "llms"; not "data", "dataset")."""
    stems = [stem(word) for word in content_words(_POSSESSIVE.sub("", title))]
    return any(_one_word(a, b) for i, a in enumerate(stems) for b in stems[i + 1:])


def _one_word(one: str, other: str) -> bool:
    short, long = sorted((one, other), key=len)
    return short == long or (len(short) >= 3 and long.startswith(short) and long[len(short):] in WORD_ENDINGS)


def _reopens(titles: tuple[str, ...]) -> int:
    """How many titles open ("<key phrase>: …") on the key phrase of an earlier title of the episode."""
    heads = [" ".join(stem(w) for w in content_words(t.split(": ")[0])) for t in titles if ": " in t and not t.endswith("?")]
    return sum(head in heads[:i] for i, head in enumerate(heads))


def _mean(f1s: list[float]) -> str:
    return f"{sum(f1s) / len(f1s):.3f} ({len(f1s)} episodes)" if f1s else "–"


def _first_word(sentence: str) -> str:
    words = sentence.split()
    return re.sub(r"[^\w']", "", words[0]).lower() if words else ""


def _repeats_takeaway(quote: str, made: Made) -> bool:
    key = quote.casefold().strip(" .!")
    return any(key in s.casefold() or s.casefold().strip(" .!") in key for t in made.notes.summary.takeaways for s in t.sentences)


def _guest_names(episode: Episode) -> list[str]:
    """The episode's guests as its file lists them (people files found)."""
    return [g.name for g in episode.guests if g.is_known and g.name]


def text_rows(episodes: list[Episode]) -> list[str]:
    """Each half's keywords weighed against a background table of the other half only."""
    half_a, half_b = episodes[0::2], episodes[1::2]
    made_a = [made_text(episode, _background(half_b)) for episode in half_a]
    made_b = [made_text(episode, _background(half_a)) for episode in half_b]
    halves = [figures(made_a), figures(made_b), figures(made_a + made_b)]
    return [f"| {name} | {halves[0][name]} | {halves[1][name]} | {halves[2][name]} |" for name in halves[0]]


def _background(episodes: list[Episode]) -> Background:
    return background_of([[line.text for line in episode.lines] for episode in episodes])


def background_json(episodes: list[Episode]) -> str:
    """clipper/data/background.json: the keyword background table of these episodes."""
    table = _background(episodes)
    return json.dumps({"episodes": table.episodes, "counts": table.counts}, ensure_ascii=False, separators=(",", ":")) + "\n"


if __name__ == "__main__":
    import sys

    root = Path(__file__).resolve().parent.parent
    data = root / "tests" / "data"
    found = corpus_episodes([data / "_podcast", data / "seeds"], data / "_people")
    if sys.argv[1:] == ["background"]:
        (root / "clipper" / "data" / "background.json").write_text(background_json(found), encoding="utf-8")
    else:
        print("\n".join(text_rows(found)))

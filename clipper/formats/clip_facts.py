"""`NAME.json` beside a clip: its span, why clipper chose it and the text to post, for the producer and
the review page (never posted itself)."""
from __future__ import annotations

import json

from ..model import ClipSpan


def render(span: ClipSpan, media_name: str, post: str) -> str:
    facts = {
        "file": media_name,
        "title": span.title,
        "start_sec": round(span.start_sec, 3),
        "end_sec": round(span.end_sec, 3),
        "chapter": {"title": span.chapter.title, "start_sec": span.chapter.start_sec, "end_sec": span.chapter.end_sec},
        "reason": span.reason,
        "posts": {"all": post},  # one text within every platform's limit (X: 280 characters)
    }
    return json.dumps(facts, ensure_ascii=False, indent=2, allow_nan=False) + "\n"

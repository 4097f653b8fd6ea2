"""clipper: show notes, chapters and social clips from podcast episode files."""
import os

# One BLAS thread per process: TextRank's matrices are small, and with several worker
# processes a threaded BLAS made the batch slower, not faster (specs.md).
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

__version__ = "0.1.0"

from .api import (  # noqa: E402 - after the environment above
    ImportOptions, NotesOptions, ReviewOptions, build_show_notes, check_episodes, cut_clips, diagnose, enrich_episodes,
    import_transcript, list_clip_choices, load_episode, make_chapters, make_notes, make_review, render_notes,
)

__all__ = [
    "__version__", "ImportOptions", "NotesOptions", "ReviewOptions", "build_show_notes", "check_episodes", "cut_clips",
    "diagnose", "enrich_episodes", "import_transcript", "list_clip_choices", "load_episode", "make_chapters",
    "make_notes", "make_review", "render_notes",
]

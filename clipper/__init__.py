"""clipper: show notes, chapters and social clips from podcast episode files."""
import os

# One BLAS thread per process: TextRank's matrices are small, and with several worker
# processes a threaded BLAS made the batch slower, not faster (specs.md).
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

__version__ = "0.1.0"

from .api import check_episodes, enrich_episodes, load_episode, make_chapters, make_notes, make_review  # noqa: E402

__all__ = ["__version__", "check_episodes", "enrich_episodes", "load_episode", "make_chapters", "make_notes", "make_review"]

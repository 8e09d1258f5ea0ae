"""Where the real calendar corpus lives: ``shared/corpus`` beside the checkout."""

from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
CORPUS = REPOSITORY.parent / "shared" / "corpus"


def corpus_files(kind: str) -> list[Path]:
    """Return the corpus files of one kind (``"ics"`` or ``"google"``), sorted by name."""
    return sorted(path for path in (CORPUS / kind).iterdir() if path.is_file())

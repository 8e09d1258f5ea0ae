"""Where the real calendar corpus lives: ``shared/corpus`` beside the checkout."""

from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
CORPUS = REPOSITORY.parent / "shared" / "corpus"

"""Entry point of ``python -m benchmarks``."""

from ._cli import main

raise SystemExit(main())

"""Build real, importable distributions with entry points in a temporary folder.

The registry's unit tests use these instead of patching importlib.metadata: the
distribution metadata is genuine, only its location is a temporary folder on sys.path.
"""

from __future__ import annotations

import textwrap
from pathlib import Path


def make_distribution(
    root: Path,
    name: str,
    version: str,
    entry_points: dict[str, str],
    modules: dict[str, str],
) -> None:
    """Write modules and a ``.dist-info`` declaring ``entry_points`` under ``root``."""
    for module, source in modules.items():
        path = root / (module.replace(".", "/") + ".py")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source))
    info = root / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    lines = "\n".join(f"{key} = {value}" for key, value in entry_points.items())
    (info / "entry_points.txt").write_text(f"[peanut_async.plugins]\n{lines}\n")

"""Copies of a migrated template database, so a test does not pay for migrations."""

from __future__ import annotations

import shutil
from pathlib import Path


def copy_template(template: Path, target: Path) -> Path:
    """Copy the closed template database to ``target`` (mode 0600) and return ``target``."""
    shutil.copyfile(template, target)
    target.chmod(0o600)
    return target

"""Results of a benchmark run: tables for the terminal, targets, checks and the JSON form."""

from __future__ import annotations

import json
import os
import platform
import sqlite3
import sys
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

import attrs


@attrs.frozen
class Target:
    """A measured value and the goal it is held to."""

    label: str
    value: float
    goal: float
    unit: str
    higher_is_better: bool

    @property
    def met(self) -> bool:
        """Tell whether the value reaches the goal."""
        if self.higher_is_better:
            return self.value >= self.goal
        return self.value <= self.goal

    def describe(self) -> str:
        """Return the comparison in words, with the shortfall when the goal is missed."""
        sign = ">=" if self.higher_is_better else "<="
        comparison = f"{_number(self.value)} {self.unit} (goal {sign} {_number(self.goal)})"
        if self.met:
            return f"met: {comparison}"
        if self.higher_is_better:
            return f"MISSED by {1 - self.value / self.goal:.0%}: {comparison}"
        return f"MISSED by {self.value / self.goal - 1:.0%}: {comparison}"

    def as_json(self) -> dict[str, Any]:
        """Return the target as a JSON object."""
        return {
            "label": self.label,
            "value": self.value,
            "goal": self.goal,
            "unit": self.unit,
            "higher_is_better": self.higher_is_better,
            "met": self.met,
        }


@attrs.frozen
class Check:
    """A correctness condition of a run; a failed check fails the whole run."""

    label: str
    passed: bool
    detail: str = ""

    def as_json(self) -> dict[str, Any]:
        """Return the check as a JSON object."""
        return {"label": self.label, "passed": self.passed, "detail": self.detail}


@attrs.define
class Section:
    """One benchmark's results: a table, its targets, its checks and its raw data."""

    name: str
    title: str
    header: list[str]
    rows: list[list[str]] = attrs.Factory(list)
    targets: list[Target] = attrs.Factory(list)
    checks: list[Check] = attrs.Factory(list)
    notes: list[str] = attrs.Factory(list)
    data: dict[str, Any] = attrs.Factory(dict)

    @property
    def passed(self) -> bool:
        """Tell whether every check passed."""
        return all(check.passed for check in self.checks)

    def as_json(self) -> dict[str, Any]:
        """Return the section as a JSON object."""
        return {
            "title": self.title,
            "table": {"header": self.header, "rows": self.rows},
            "targets": [target.as_json() for target in self.targets],
            "checks": [check.as_json() for check in self.checks],
            "notes": self.notes,
            "data": self.data,
        }


def render(section: Section) -> str:
    """Format a section as a plain-text table followed by its targets, checks and notes."""
    lines = [f"== {section.title}", *_table(section.header, section.rows)]
    lines.extend(f"  target {target.label}: {target.describe()}" for target in section.targets)
    for check in section.checks:
        status = "ok" if check.passed else "FAILED"
        detail = f" ({check.detail})" if check.detail else ""
        lines.append(f"  check {check.label}: {status}{detail}")
    lines.extend(f"  note: {note}" for note in section.notes)
    return "\n".join(lines)


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [len(cell) for cell in header]
    for row in rows:
        widths = [max(width, len(cell)) for width, cell in zip(widths, row, strict=True)]

    def line(cells: list[str]) -> str:
        aligned = [
            cell.rjust(width) if _is_numeric(cell) else cell.ljust(width)
            for cell, width in zip(cells, widths, strict=True)
        ]
        return "  " + "  ".join(aligned).rstrip()

    ruler = "  " + "  ".join("-" * width for width in widths)
    return [line(header), ruler, *(line(row) for row in rows)]


def _is_numeric(cell: str) -> bool:
    try:
        float(cell.replace(",", "").rstrip("x%"))
    except ValueError:
        return False
    return True


def _number(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def describe_machine() -> dict[str, Any]:
    """Return the facts that make numbers comparable: cores, Python, SQLite, date."""
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": os.cpu_count(),
        "cpu": _cpu_model(),
        "python": sys.version.split()[0],
        "sqlite": sqlite3.sqlite_version,
        "aiosqlite": version("aiosqlite"),
        "peanut_async": version("peanut-async"),
        "platform": platform.platform(),
        "load_average_at_start": load_average(),
    }


def load_average() -> list[float]:
    """Return the 1, 5 and 15 minute load averages: other work that may skew timings."""
    try:
        return [round(value, 2) for value in os.getloadavg()]
    except OSError:
        return []


def _cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8")
    except OSError:
        return platform.processor() or "unknown"
    for line in text.splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown"


def write_json(path: Path, machine: dict[str, Any], mode: str, sections: list[Section]) -> None:
    """Write the whole run as one JSON document."""
    document = {
        "machine": machine,
        "mode": mode,
        "passed": all(section.passed for section in sections),
        "benchmarks": {section.name: section.as_json() for section in sections},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")

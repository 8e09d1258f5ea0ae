"""The results of a run as Markdown tables, for docs/benchmarks.md."""

from __future__ import annotations

from typing import Any

from ._report import Section


def render_markdown(machine: dict[str, Any], mode: str, sections: list[Section]) -> str:
    """Return the machine, then each benchmark's table, targets and checks, as Markdown."""
    lines = [
        f"Mode: {mode}. Machine: {machine['cores']} cores ({machine['cpu']}), "
        f"Python {machine['python']}, SQLite {machine['sqlite']}, aiosqlite "
        f"{machine['aiosqlite']}, {machine['platform']}. Date: {machine['date']}. Load "
        f"average (1, 5, 15 min) at the start {machine['load_average_at_start']}, at the end "
        f"{machine.get('load_average_at_end', [])}.",
        "",
    ]
    for section in sections:
        lines.extend(_section(section))
    return "\n".join(lines)


def _section(section: Section) -> list[str]:
    lines = [f"### {section.title}", "", _row(section.header), _row(["---"] * len(section.header))]
    lines.extend(_row(row) for row in section.rows)
    lines.append("")
    lines.extend(f"- target {target.label}: {target.describe()}" for target in section.targets)
    for check in section.checks:
        status = "passed" if check.passed else "FAILED"
        lines.append(f"- check {check.label}: {status}")
    lines.append("")
    return lines


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"

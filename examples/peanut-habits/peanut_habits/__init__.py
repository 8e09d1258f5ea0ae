"""peanut-habits: an example peanut-async plugin tracking a person's daily habits.

It shows the parts of a plugin: its own migration (``migrations/``), the tables and
columns it declares (its own ``habits`` and ``habit_checkins`` plus the core
``entities`` table it reads), and an API object built for each open database.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from importlib.resources import files

import attrs

import peanut_async


@attrs.frozen
class Habit:
    """A habit with its current streak of consecutive days."""

    id: str
    name: str
    person: str | None
    streak: int
    last_done_on: date | None


class HabitsAPI:
    """Habit tracking on one open :class:`peanut_async.Database`."""

    def __init__(self, db: peanut_async.Database) -> None:
        self._db = db

    async def add_habit(self, name: str, *, entity_id: str | None = None) -> str:
        """Create a habit, optionally kept by the person ``entity_id``; return its id."""
        if not name.strip():
            raise peanut_async.ValidationError("name", name, "a non-empty habit name")
        habit_id = str(uuid.uuid4())
        await self._db.execute(
            "INSERT INTO habits (id, name, entity_id) VALUES (?, ?, ?)",
            (habit_id, name.strip(), entity_id),
        )
        return habit_id

    async def check_in(self, habit_id: str, day: date) -> int:
        """Record that the habit was done on ``day`` and return the new streak."""
        async with self._db.transaction():
            row = await self._db.fetch_one(
                "SELECT streak, last_done_on FROM habits WHERE id = ?", (habit_id,)
            )
            if row is None:
                raise peanut_async.NotFoundError("habit", habit_id)
            streak = _next_streak(row["streak"], row["last_done_on"], day)
            await self._db.execute(
                "INSERT OR IGNORE INTO habit_checkins (habit_id, done_on) VALUES (?, ?)",
                (habit_id, day.isoformat()),
            )
            await self._db.execute(
                "UPDATE habits SET streak = ?, last_done_on = max(coalesce(last_done_on, ''), ?)"
                " WHERE id = ?",
                (streak, day.isoformat(), habit_id),
            )
        return streak

    async def list_habits(self) -> list[Habit]:
        """List every habit with the canonical name of the person who keeps it."""
        rows = await self._db.fetch_all(
            "SELECT h.id, h.name, e.canonical_name AS person, h.streak, h.last_done_on"
            " FROM habits AS h LEFT JOIN entities AS e ON e.id = h.entity_id"
            " ORDER BY h.name"
        )
        return [
            Habit(
                id=row["id"],
                name=row["name"],
                person=row["person"],
                streak=row["streak"],
                last_done_on=date.fromisoformat(row["last_done_on"])
                if row["last_done_on"]
                else None,
            )
            for row in rows
        ]


def _next_streak(streak: int, last_done_on: str | None, day: date) -> int:
    if last_done_on is None:
        return 1
    last = date.fromisoformat(last_done_on)
    if day <= last:
        return streak
    return streak + 1 if day - last == timedelta(days=1) else 1


PLUGIN = peanut_async.Plugin(
    name="habits",
    tables={
        "habits": ("id", "name", "entity_id", "streak", "last_done_on", "created_at"),
        "habit_checkins": ("habit_id", "done_on"),
        "entities": ("id", "canonical_name"),
    },
    api_factory=HabitsAPI,
    migrations=files("peanut_habits") / "migrations",
    requires=">=0.1,<1",
)

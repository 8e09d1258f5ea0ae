"""A plugin's declared names never reach SQL unless each is a plain identifier."""

from __future__ import annotations

import asyncio
import re
import sqlite3
import uuid
from pathlib import Path

import pytest
from _fake_dist import make_distribution
from _hypothesis_settings import RELIABILITY
from hypothesis import given, settings
from hypothesis import strategies as st

import peanut_async
from peanut_async import Plugin, PluginDefinitionError, PluginLoadError

EXAMPLES = 300

HOSTILE_NAMES = [
    "x; DROP TABLE entities",
    "entities; --",
    "entities\n",
    "entities\r\n",
    "\nentities",
    "entities ",
    " entities",
    "a b",
    "",
    "1abc",
    "sqlite_master",
    "SQLITE_temp",
    '"entities"',
    "[entities]",
    "`entities`",
    "x'",
    "x%",
    "x_%",
    "x\x00y",
    "entités",
    "\uff45\uff4e\uff54\uff49\uff54\uff49\uff45\uff53",  # "entities" in fullwidth letters
    "x-y",
    "x.y",
    "x/*",
]

# The rule the declarations must follow, stated independently of the library's code.
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _is_identifier(name: str) -> bool:
    return _IDENTIFIER.fullmatch(name) is not None and not name.lower().startswith("sqlite_")


class _API:
    def __init__(self, db: peanut_async.Database) -> None:
        self.db = db


def _declare(where: str, name: str) -> Plugin:
    if where == "table":
        return Plugin(name="hostile", tables={name: ("id",)}, api_factory=_API)
    if where == "column":
        return Plugin(name="hostile", tables={"entities": ("id", name)}, api_factory=_API)
    if where == "plugin":
        return Plugin(name=name, tables={"entities": ("id",)}, api_factory=_API)
    return Plugin(name="hostile", tables={}, api_factory=_API, depends_on=(name,))


PLACES = ["table", "column", "plugin", "dependency"]


def _open_and_close(path: Path, plugins: list[str]) -> None:
    async def open_and_close() -> None:
        async with peanut_async.connect(path, plugins=plugins):
            pass

    asyncio.run(open_and_close())


@pytest.mark.parametrize("where", PLACES)
@pytest.mark.parametrize("name", HOSTILE_NAMES, ids=[repr(name) for name in HOSTILE_NAMES])
def test_hostile_name_rejected(where: str, name: str) -> None:
    with pytest.raises(PluginDefinitionError) as raised:
        _declare(where, name)

    assert repr(name) in str(raised.value)


_IDENTIFIERS = st.from_regex(_IDENTIFIER, fullmatch=True).filter(lambda name: len(name) < 30)
_METACHARACTERS = st.sampled_from(["\n", "\r", "\t", " ", ";", "'", '"', "%", "-", "\x00", "é"])
# Identifiers with a metacharacter before, inside or after them, and arbitrary text.
_NAMES = st.one_of(
    st.text(max_size=20),
    st.tuples(st.text(max_size=3), _IDENTIFIERS, _METACHARACTERS, st.text(max_size=3)).map(
        lambda parts: parts[0] + parts[1] + parts[2] + parts[3]
    ),
    st.tuples(_IDENTIFIERS, _METACHARACTERS, _IDENTIFIERS).map("".join),
    _IDENTIFIERS,
)


@settings(RELIABILITY, max_examples=EXAMPLES)
@given(where=st.sampled_from(PLACES), name=_NAMES)
def test_any_non_identifier_rejected(where: str, name: str) -> None:
    if _is_identifier(name):
        _declare(where, name)
    else:
        with pytest.raises(PluginDefinitionError):
            _declare(where, name)


def test_hostile_entry_point_rejected_before_sql(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An installed plugin with a hostile declaration fails to load, and connect() stops
    # before it opens the database file at all.
    site = tmp_path / "site"
    monkeypatch.syspath_prepend(str(site))
    module = f"hostile_{uuid.uuid4().hex[:8]}"
    make_distribution(
        site,
        "peanut-hostile",
        "1.0",
        {"hostile": f"{module}:PLUGIN"},
        {
            module: (
                "import peanut_async\n"
                "PLUGIN = peanut_async.Plugin(name='hostile', "
                "tables={'x; DROP TABLE entities': ('id',)}, api_factory=lambda db: db)\n"
            )
        },
    )
    db = tmp_path / "victim.db"

    with pytest.raises(PluginLoadError) as raised:
        _open_and_close(db, ["hostile"])

    assert isinstance(raised.value.__cause__, PluginDefinitionError)
    assert not db.exists()


def test_rejected_declaration_leaves_entities_table(tmp_path: Path) -> None:
    db = tmp_path / "kept.db"
    _open_and_close(db, [])

    with pytest.raises(PluginDefinitionError):
        Plugin(name="hostile", tables={"x; DROP TABLE entities": ("id",)}, api_factory=_API)

    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM entities").fetchone() == (0,)

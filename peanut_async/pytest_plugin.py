"""pytest fixtures for applications and plugins built on peanut-async.

Installed as a ``pytest11`` entry point, so the fixtures are available in any test
suite once peanut-async is installed (pytest-asyncio is needed for async tests):

- ``peanut_db``: a freshly migrated :class:`~peanut_async.Database` in ``tmp_path``,
  closed after the test.
- ``peanut_connect``: a factory ``await peanut_connect(**connect_kwargs)`` opening more
  databases (same ``tmp_path`` file by default), all closed after the test.
- marker ``@pytest.mark.peanut_plugins(plugin, ...)``: registers :class:`Plugin`
  objects for one test, without installing anything. A registered plugin replaces an
  installed plugin of the same name.
- ``peanut_plugin_names``: override this fixture to choose which installed plugins
  load (default ``None``: all of them).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from ._connect import connect
from ._database import Database
from ._plugin import Plugin
from ._registry import installed_plugin_names

if TYPE_CHECKING:
    from pytest_asyncio import fixture as _async_fixture
else:
    try:
        from pytest_asyncio import fixture as _async_fixture
    except ImportError:  # pragma: no cover - async fixtures need pytest-asyncio
        _async_fixture = pytest.fixture

Connector = Callable[..., Awaitable[Database]]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "peanut_plugins(*plugins): register peanut_async.Plugin objects for one test"
    )


@pytest.fixture
def peanut_db_path(tmp_path: Path) -> Path:
    """The database file the ``peanut_db`` fixture opens."""
    return tmp_path / "peanut.db"


@pytest.fixture
def peanut_plugin_names() -> list[str] | None:
    """Names of installed plugins to load; None loads every installed plugin."""
    return None


@pytest.fixture
def peanut_registered_plugins(request: pytest.FixtureRequest) -> list[Plugin]:
    """The Plugin objects named by ``@pytest.mark.peanut_plugins`` on the test."""
    plugins: list[Plugin] = []
    for marker in request.node.iter_markers("peanut_plugins"):
        plugins.extend(marker.args)
    return plugins


@_async_fixture
async def peanut_connect(
    peanut_db_path: Path,
    peanut_plugin_names: list[str] | None,
    peanut_registered_plugins: list[Plugin],
) -> AsyncIterator[Connector]:
    """A factory opening databases with the test's plugins; every one is closed after."""
    opened: list[Database] = []

    async def open_database(path: Path | str | None = None, **kwargs: Any) -> Database:
        kwargs.setdefault("register", peanut_registered_plugins)
        kwargs.setdefault("plugins", _names_beside(peanut_plugin_names, kwargs["register"]))
        database = await connect(peanut_db_path if path is None else path, **kwargs)
        opened.append(database)
        return database

    yield open_database
    for database in reversed(opened):
        await database.aclose()


def _names_beside(names: list[str] | None, registered: list[Plugin]) -> list[str] | None:
    """List the installed plugins to load next to ``registered`` ones.

    A plugin under test is usually also installed (editable) in its own test
    environment. The registered object then replaces the installed one, so the two do
    not conflict.
    """
    if names is not None or not registered:
        return names
    replaced = {plugin.name for plugin in registered}
    return [name for name in installed_plugin_names() if name not in replaced]


@_async_fixture
async def peanut_db(peanut_connect: Connector) -> Database:
    """A freshly migrated database in ``tmp_path`` with the test's plugins loaded."""
    return await peanut_connect()

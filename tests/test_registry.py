"""Plugin discovery, loading, ordering and the schema check."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from _fake_dist import make_distribution

import peanut_async
from peanut_async import (
    Plugin,
    PluginConflictError,
    PluginDefinitionError,
    PluginDependencyError,
    PluginError,
    PluginLoadError,
    PluginNotLoadedError,
    SchemaCheckError,
)
from peanut_async._registry import BLOCK_ENV, DISABLE_AUTOLOAD_ENV, resolve_plugins
from peanut_async.plugins.values import ValuesAPI


class _API:
    def __init__(self, db: peanut_async.Database) -> None:
        self.db = db


def _plugin(name: str, **kwargs: object) -> Plugin:
    kwargs.setdefault("tables", {"entities": ("id",)})
    return Plugin(name=name, api_factory=_API, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder on sys.path where tests install fake distributions."""
    root = tmp_path / "site"
    root.mkdir()
    monkeypatch.syspath_prepend(str(root))
    return root


def _unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


def _install_plugin(site: Path, dist: str, name: str, body: str) -> str:
    module = _unique("plugmod")
    make_distribution(site, dist, "1.2.3", {name: f"{module}:PLUGIN"}, {module: body})
    return module


GOOD_BODY = """
import peanut_async
PLUGIN = peanut_async.Plugin(
    name={name!r}, tables={{"entities": ("id",)}}, api_factory=lambda db: "api"
)
"""


# Declarations ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "tables",
    [
        {"x; DROP TABLE entities": ("id",)},
        {"entities": ("id", "name; --")},
        {"1table": ("id",)},
        {"sqlite_master": ("name",)},
        {"entities": ("",)},
    ],
    ids=["table-injection", "column-injection", "leading-digit", "sqlite-internal", "empty-column"],
)
def test_plugin_rejects_non_identifier_names(tables: dict[str, tuple[str, ...]]) -> None:
    with pytest.raises(PluginDefinitionError) as raised:
        Plugin(name="bad", tables=tables, api_factory=_API)
    assert raised.value.plugin == "bad"


def test_plugin_rejects_columns_given_as_string() -> None:
    with pytest.raises(PluginDefinitionError, match="sequence of names"):
        Plugin(name="bad", tables={"entities": "id"}, api_factory=_API)  # type: ignore[dict-item]


def test_plugin_rejects_reserved_core_name() -> None:
    with pytest.raises(PluginDefinitionError, match="reserved"):
        _plugin("core")


def test_plugin_rejects_invalid_name() -> None:
    with pytest.raises(PluginDefinitionError, match="plugin name"):
        _plugin("my-plugin")


def test_plugin_tables_are_read_only() -> None:
    plugin = _plugin("frozen", tables={"entities": ["id"]})
    assert plugin.tables["entities"] == ("id",)
    with pytest.raises(TypeError):
        plugin.tables["entities"] = ("x",)  # type: ignore[index]


# Discovery -------------------------------------------------------------------------


def test_builtin_plugins_load_through_entry_points() -> None:
    loaded = {p.name: p for p in resolve_plugins(["calendar", "decisions", "values"])}
    assert set(loaded) == {"calendar", "decisions", "values"}
    for plugin in loaded.values():
        assert plugin.distribution == "peanut-async"
        assert plugin.version == peanut_async.__version__
        assert plugin.entry_point is not None


def test_empty_selection_loads_nothing() -> None:
    assert resolve_plugins([]) == ()


def test_autoload_disabled_by_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DISABLE_AUTOLOAD_ENV, "1")
    assert resolve_plugins() == ()
    assert [p.name for p in resolve_plugins(["values"])] == ["values"]


def test_block_environment_skips_named_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(BLOCK_ENV, "calendar, values")
    names = {p.name for p in resolve_plugins()}
    assert "calendar" not in names
    assert "values" not in names
    assert "decisions" in names


def test_requesting_blocked_plugin_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(BLOCK_ENV, "values")
    with pytest.raises(PluginError) as raised:
        resolve_plugins(["values"])
    assert raised.value.plugin == "values"


def test_requesting_unknown_plugin_raises() -> None:
    with pytest.raises(PluginError, match="not installed") as raised:
        resolve_plugins(["no_such_plugin"])
    assert raised.value.plugin == "no_such_plugin"


def test_registered_plugin_needs_no_installation() -> None:
    plugin = _plugin("direct")
    loaded = resolve_plugins([], [plugin])
    assert [p.name for p in loaded] == ["direct"]
    assert loaded[0].entry_point is None
    assert loaded[0].origin == "registered directly"


def test_fake_distribution_plugin_is_discovered(site: Path) -> None:
    name = _unique("ext")
    _install_plugin(site, "peanut-ext", name, GOOD_BODY.format(name=name))
    loaded = {p.name: p for p in resolve_plugins()}
    assert loaded[name].distribution == "peanut-ext"
    assert loaded[name].version == "1.2.3"


# Load failures -----------------------------------------------------------------------


def test_import_failure_names_entry_point_and_distribution(site: Path) -> None:
    name = _unique("broken")
    module = _install_plugin(site, "peanut-broken", name, "raise RuntimeError('boom at import')\n")
    with pytest.raises(PluginLoadError) as raised:
        resolve_plugins([name])
    error = raised.value
    assert error.entry_point == f"{name} = {module}:PLUGIN"
    assert error.distribution == "peanut-broken"
    assert error.version == "1.2.3"
    assert error.plugin == name
    assert isinstance(error.__cause__, RuntimeError)
    assert "boom at import" in str(error)
    assert "peanut-broken 1.2.3" in str(error)


def test_import_failure_skipped_with_warning(site: Path, caplog: pytest.LogCaptureFixture) -> None:
    name = _unique("broken")
    _install_plugin(site, "peanut-broken", name, "raise RuntimeError('boom')\n")
    loaded = resolve_plugins(on_error="warn")
    assert name not in {p.name for p in loaded}
    assert "calendar" in {p.name for p in loaded}
    warnings = [r for r in caplog.records if r.levelname == "WARNING" and name in r.getMessage()]
    assert len(warnings) == 1


def test_entry_point_not_a_plugin_raises(site: Path) -> None:
    name = _unique("notplugin")
    _install_plugin(site, "peanut-odd", name, "PLUGIN = object()\n")
    with pytest.raises(PluginLoadError, match=r"does not point to a peanut_async\.Plugin"):
        resolve_plugins([name])


def test_unsupported_core_version_raises(site: Path) -> None:
    name = _unique("future")
    body = GOOD_BODY.format(name=name).replace(
        'api_factory=lambda db: "api"', 'api_factory=lambda db: "api", requires=">=99"'
    )
    _install_plugin(site, "peanut-future", name, body)
    with pytest.raises(PluginLoadError, match="supports peanut-async >=99") as raised:
        resolve_plugins([name])
    assert raised.value.distribution == "peanut-future"


def test_two_plugins_with_one_name_conflict(site: Path) -> None:
    name = _unique("twin")
    _install_plugin(site, "peanut-twin", name, GOOD_BODY.format(name=name))
    with pytest.raises(PluginConflictError) as raised:
        resolve_plugins([name], [_plugin(name)])
    error = raised.value
    assert error.plugin == name
    assert error.origins[0] == "registered directly"
    assert error.origins[1].startswith(f"entry point '{name} = ")
    assert error.origins[1].endswith("in peanut-twin 1.2.3")


# Dependencies ---------------------------------------------------------------------------


def test_dependencies_order_plugins() -> None:
    first = _plugin("zeta")
    second = _plugin("alpha", depends_on=("zeta",))
    loaded = resolve_plugins([], [second, first])
    assert [p.name for p in loaded] == ["zeta", "alpha"]


def test_missing_dependency_names_both_ends() -> None:
    with pytest.raises(PluginDependencyError) as raised:
        resolve_plugins([], [_plugin("needy", depends_on=("absent",))])
    assert raised.value.plugin == "needy"
    assert raised.value.dependency == "absent"


def test_dependency_cycle_names_both_ends() -> None:
    one = _plugin("one", depends_on=("two",))
    two = _plugin("two", depends_on=("one",))
    with pytest.raises(PluginDependencyError, match="cycle: one -> two -> one") as raised:
        resolve_plugins([], [one, two])
    assert {raised.value.plugin, raised.value.dependency} == {"one", "two"}


# Schema check and access -------------------------------------------------------------------


async def test_schema_check_lists_every_missing_item(tmp_path: Path) -> None:
    wrong = Plugin(
        name="wrong",
        tables={"entities": ("id", "nickname", "shoe_size"), "ghosts": ("id",)},
        api_factory=_API,
    )
    with pytest.raises(SchemaCheckError) as raised:
        await peanut_async.connect(tmp_path / "p.db", plugins=(), register=[wrong])
    missing = [(m.plugin, m.table, m.column) for m in raised.value.missing]
    assert missing == [
        ("wrong", "entities", "nickname"),
        ("wrong", "entities", "shoe_size"),
        ("wrong", "ghosts", None),
    ]
    assert "needs column entities.nickname, which is missing" in str(raised.value)
    assert "needs table ghosts, which is missing" in str(raised.value)


async def test_schema_check_accepts_views_and_virtual_tables(tmp_path: Path) -> None:
    reader = Plugin(
        name="reader",
        tables={
            "schema_version": ("version", "applied_at"),
            "messages_fts": ("subject", "body_text"),
        },
        api_factory=_API,
    )
    async with peanut_async.connect(tmp_path / "p.db", plugins=(), register=[reader]) as db:
        assert db.has_plugin("reader")


async def test_builtin_declarations_match_schema(tmp_path: Path) -> None:
    async with peanut_async.connect(
        tmp_path / "p.db", plugins=["calendar", "decisions", "values"]
    ) as db:
        assert [p.name for p in db.plugins] == ["calendar", "decisions", "values"]


async def test_plugin_migrations_run_after_core_in_dependency_order(tmp_path: Path) -> None:
    base_dir = tmp_path / "base"
    base_dir.mkdir()
    (base_dir / "001_notes.sql").write_text(
        "CREATE TABLE notes (id TEXT PRIMARY KEY, entity_id TEXT REFERENCES entities(id));"
    )
    top_dir = tmp_path / "top"
    top_dir.mkdir()
    (top_dir / "001_tags.sql").write_text(
        "CREATE TABLE tags (note_id TEXT REFERENCES notes(id), tag TEXT);"
    )
    base = Plugin(name="notes", tables={"notes": ("id",)}, api_factory=_API, migrations=base_dir)
    top = Plugin(
        name="tags",
        tables={"tags": ("tag",)},
        api_factory=_API,
        migrations=top_dir,
        depends_on=("notes",),
    )
    async with peanut_async.connect(tmp_path / "p.db", plugins=(), register=[top, base]) as db:
        rows = await db.fetch_all(
            "SELECT source, version FROM peanut_migrations WHERE source != 'core' ORDER BY rowid"
        )
    assert [(r["source"], r["version"]) for r in rows] == [("notes", 1), ("tags", 1)]


async def test_unknown_plugin_access_lists_loaded(tmp_path: Path) -> None:
    async with peanut_async.connect(tmp_path / "p.db", plugins=["values"]) as db:
        with pytest.raises(PluginNotLoadedError) as raised:
            db.plugin("calendar")
    assert raised.value.plugin == "calendar"
    assert raised.value.loaded == ("values",)


async def test_typed_plugin_access_checks_type(tmp_path: Path) -> None:
    async with peanut_async.connect(tmp_path / "p.db", plugins=["values"]) as db:
        assert isinstance(db.plugin("values", ValuesAPI), ValuesAPI)
        with pytest.raises(TypeError):
            db.plugin("values", int)


@pytest.mark.peanut_plugins(_plugin("marked"))
async def test_marker_registers_plugin(peanut_db: peanut_async.Database) -> None:
    assert isinstance(peanut_db.plugin("marked"), _API)


@pytest.mark.parametrize("value", ["", "0", "false", "No", "off"])
def test_autoload_stays_on_for_false_values(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv(DISABLE_AUTOLOAD_ENV, value)
    assert "values" in {p.name for p in resolve_plugins()}

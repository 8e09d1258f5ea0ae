"""SQL migrations: sources of ``NNN_description.sql`` files and the runner that applies them."""

from ._runner import (
    AppliedMigration,
    MigrationState,
    apply_migrations,
    baseline,
    migration_status,
    plan_migrations,
)
from ._source import MigrationFile, MigrationSource
from ._split import split_statements

__all__ = [
    "AppliedMigration",
    "MigrationFile",
    "MigrationSource",
    "MigrationState",
    "apply_migrations",
    "baseline",
    "migration_status",
    "plan_migrations",
    "split_statements",
]

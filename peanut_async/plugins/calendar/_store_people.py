"""Find or create one person entity per email address, in bulk.

Runs in the connection's worker thread inside the caller's write transaction
(``BEGIN IMMEDIATE``), so no other connection can add an address between the lookup
and the insert. The unique index on email attributes is the last line of defence: if
an insert still collides, the addresses are read again and only the missing ones are
created.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable, Mapping, Sequence

from ._store_rows import new_ids

log = logging.getLogger(__name__)

# Bound parameters per IN list: 900 is below the 999 that SQLite builds older than 3.32
# allow.
LOOKUP_CHUNK = 900
_CREATE_ATTEMPTS = 3

_INSERT_ENTITY = "INSERT INTO entities (id, canonical_name, entity_type) VALUES (?, ?, 'person')"
_INSERT_EMAIL = (
    "INSERT INTO entity_attributes (id, entity_id, attribute_type, attribute_value) "
    "VALUES (?, ?, 'email', ?)"
)
_INSERT_ALIAS = (
    "INSERT INTO entity_attributes (id, entity_id, attribute_type, attribute_value) "
    "VALUES (?, ?, 'alias', ?) "
    "ON CONFLICT (entity_id, attribute_type, attribute_value) DO NOTHING"
)
# A person created from a bare address is named after its local part. Once a display
# name is known, it replaces that placeholder. Any other name is left as it is.
_RENAME_PLACEHOLDER = (
    "UPDATE entities SET canonical_name = ?, updated_at = CURRENT_TIMESTAMP "
    "WHERE id = ? AND canonical_name = ?"
)


def resolve_people(conn: sqlite3.Connection, names: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """Return the entity id of every address in ``names``, creating missing people.

    ``names`` maps each normalized address to the display names seen with it, first
    seen first. A new person is named after the first display name, or after the
    address's local part when there is none. Every display name becomes an ``alias``
    attribute of the person.
    """
    found = lookup_emails(conn, names)
    existing = dict(found)
    missing = [email for email in names if email not in found]
    if missing:
        found.update(create_people(conn, missing, names, existing))
    if existing:
        _add_names(conn, existing, names)
    return found


def lookup_emails(conn: sqlite3.Connection, emails: Iterable[str]) -> dict[str, str]:
    """Return {address: entity id} for the addresses that belong to an entity."""
    emails = list(emails)
    found: dict[str, str] = {}
    for offset in range(0, len(emails), LOOKUP_CHUNK):
        chunk = emails[offset : offset + LOOKUP_CHUNK]
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(
            "SELECT attribute_value, entity_id FROM entity_attributes "
            f"WHERE attribute_type = 'email' AND attribute_value IN ({marks})",
            chunk,
        )
        found.update(rows)
    return found


def create_people(
    conn: sqlite3.Connection,
    missing: Sequence[str],
    names: Mapping[str, Sequence[str]],
    existing: dict[str, str],
) -> dict[str, str]:
    """Create a person for each address in ``missing`` and return {address: entity id}.

    An address that another writer stored meanwhile makes the insert fail on the unique
    email index. The inserts are then undone and the addresses read again. Those found
    are added to ``existing``, so they still get their aliases, and the rest are created.
    """
    created: dict[str, str] = {}
    for attempt in range(1, _CREATE_ATTEMPTS + 1):
        conn.execute("SAVEPOINT calendar_people")
        try:
            inserted = _insert_people(conn, missing, names)
        except sqlite3.IntegrityError:
            conn.execute("ROLLBACK TO calendar_people")
            conn.execute("RELEASE calendar_people")
            stored = lookup_emails(conn, missing)
            if not stored or attempt == _CREATE_ATTEMPTS:
                raise
            log.warning(
                "%d of %d new addresses were already stored, so the stored people are used "
                "(attempt %d)",
                len(stored),
                len(missing),
                attempt,
            )
            existing.update(stored)
            created.update(stored)
            missing = [email for email in missing if email not in stored]
            continue
        conn.execute("RELEASE calendar_people")
        created.update(inserted)
        break
    return created


def _insert_people(
    conn: sqlite3.Connection, missing: Sequence[str], names: Mapping[str, Sequence[str]]
) -> dict[str, str]:
    ids = new_ids(len(missing) * 2)
    entity_ids = dict(zip(missing, ids[: len(missing)], strict=True))
    conn.executemany(
        _INSERT_ENTITY,
        [(entity_ids[email], _person_name(email, names[email])) for email in missing],
    )
    conn.executemany(
        _INSERT_EMAIL,
        [
            (row_id, entity_ids[email], email)
            for row_id, email in zip(ids[len(missing) :], missing, strict=True)
        ],
    )
    aliases = [(entity_ids[email], name) for email in missing for name in names[email]]
    if aliases:
        alias_ids = new_ids(len(aliases))
        conn.executemany(_INSERT_ALIAS, [(alias_ids[i], *row) for i, row in enumerate(aliases)])
    return entity_ids


def _add_names(
    conn: sqlite3.Connection, existing: Mapping[str, str], names: Mapping[str, Sequence[str]]
) -> None:
    aliases = [(existing[email], name) for email in existing for name in names[email]]
    if not aliases:
        return
    alias_ids = new_ids(len(aliases))
    conn.executemany(_INSERT_ALIAS, [(alias_ids[i], *row) for i, row in enumerate(aliases)])
    conn.executemany(
        _RENAME_PLACEHOLDER,
        [
            (names[email][0], entity_id, placeholder_name(email))
            for email, entity_id in existing.items()
            if names[email] and names[email][0] != placeholder_name(email)
        ],
    )


def _person_name(email: str, names: Sequence[str]) -> str:
    return names[0] if names else placeholder_name(email)


def placeholder_name(email: str) -> str:
    """Return the name given to a person known only by address: its local part."""
    local, _at, _domain = email.partition("@")
    return local or email

"""Split a SQL script into statements the way SQLite itself reads them."""

from __future__ import annotations

import sqlite3


def split_statements(script: str) -> list[str]:
    """Split ``script`` into complete statements.

    A ``;`` ends a statement only where SQLite agrees the text so far is complete, so a
    ``;`` inside a trigger body, a string literal, a quoted identifier or a comment does
    not split. Comments before a statement stay attached to it (SQLite skips them), and
    a trailing fragment holding only comments or whitespace is dropped.
    """
    statements: list[str] = []
    pending = ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if _has_code(pending):
                statements.append(pending.strip())
            pending = ""
    if _has_code(pending.removesuffix(";")):
        # An unterminated last statement is still a statement: SQLite runs it.
        statements.append(pending.removesuffix(";").strip())
    return statements


def _has_code(text: str) -> bool:
    """Tell whether ``text`` contains anything but whitespace, comments and ``;``."""
    index = 0
    length = len(text)
    while index < length:
        char = text[index]
        if char.isspace() or char == ";":
            index += 1
        elif text.startswith("--", index):
            newline = text.find("\n", index)
            index = length if newline == -1 else newline + 1
        elif text.startswith("/*", index):
            end = text.find("*/", index + 2)
            index = length if end == -1 else end + 2
        else:
            return True
    return False

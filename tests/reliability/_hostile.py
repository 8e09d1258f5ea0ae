"""Hypothesis strategies for hostile calendar content: SQL and LIKE metacharacters,
NUL characters, control characters, long values and odd Unicode."""

from __future__ import annotations

from hypothesis import strategies as st

SQL_SNIPPETS = [
    "'",
    "''",
    ";",
    "%",
    "_",
    "%_%",
    "\\",
    '"',
    "--",
    "/*",
    "'; DROP TABLE entities; --",
    "Robert'); DROP TABLE commitments;--",
    "x' OR '1'='1",
    "\x00",
    "a\x00b",
]

_ALPHABET = st.sampled_from(list("';%_\"\\-/*;\x00\n\r\taZ9 .@é漢💥\u200b\u202e"))

TEXT = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=_ALPHABET, max_size=40),
    st.sampled_from(SQL_SNIPPETS),
    st.lists(st.sampled_from(SQL_SNIPPETS), min_size=2, max_size=5).map("".join),
)
NON_EMPTY_TEXT = TEXT.filter(bool)

# Characters an unquoted address may hold (RFC 5322 atext and dots), LIKE and SQL
# metacharacters among them.
_LOCAL = st.text(
    alphabet=st.sampled_from(list("abcXYZ019'%_.+-=!#$&*/?^`{|}~")), min_size=1, max_size=16
)
_DOMAIN = st.sampled_from(["example.org", "ex%ample.org", "ex_ample.org", "o'hare.example"])
EMAILS = st.builds(lambda local, domain: f"{local}@{domain}", _LOCAL, _DOMAIN)


def _printable(text: str) -> str:
    # An .ics file is text: RFC 5545 TEXT values hold no control characters except
    # HTAB, and a line break is written as the escape "\\n".
    return "".join(c for c in text if c in "\t\n" or not (ord(c) < 32 or ord(c) == 127))


def _no_edge_space(text: str) -> str:
    # The parsers strip whitespace around ids and display names.
    return text.strip()


ICS_TEXT = TEXT.map(_printable)
ICS_NON_EMPTY_TEXT = ICS_TEXT.map(_no_edge_space).filter(bool)
ID_TEXT = NON_EMPTY_TEXT.map(_no_edge_space).filter(bool)

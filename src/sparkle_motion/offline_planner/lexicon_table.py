"""Compact word tables for the non-English lexicons: 'word:english:gender' and
'form:english' entries, whitespace-separated."""

from __future__ import annotations


def nouns(table: str) -> dict[str, tuple[str, str]]:
    """'niña:girl:f ...' -> {'niña': ('girl', 'f')}; a later duplicate does not override."""
    found: dict[str, tuple[str, str]] = {}
    for entry in table.split():
        word, english, gender = entry.split(":")
        found.setdefault(word, (english, gender))
    return found


def verbs(table: str) -> dict[str, str]:
    """'discuten:argue ...' -> {'discuten': 'argue'}; '_v' marks a form that is also a noun."""
    found: dict[str, str] = {}
    for entry in table.split():
        word, english = entry.split(":")
        found.setdefault(word.removesuffix("_v"), english)
    return found


def words(table: str) -> list[str]:
    """'a b c' -> ['a', 'b', 'c']: long word lists stay readable as text."""
    return table.split()

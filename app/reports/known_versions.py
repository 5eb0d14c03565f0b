"""Version texts and paragraph numbers this process has read, for the prepare steps.

A proposal's wording is diffed against its base before the write transaction, with no lock
held (`app/amendments/prepare.py`). Reading the base for that was a transaction of its own,
with three statements, on every proposal; most proposals name a base this process has read
already.

Invariant: a version never changes once written, so a text kept under (section, number) is
that version's text. The transaction compares the prepared base's sha256 and paragraph
number with what it reads under the lock (`rebase.wording_of`), so an entry that is wrong
(a section's first paragraph moved since, or an id reused after a restore) costs the
analysis being made again there, never a wrong answer; the transaction then notes the base
and first paragraph it read, so the entry is right again. One store per database (its
connection pool) and process, at most `KEPT_CHARACTERS` of text, least recently used first
out.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from sqlalchemy import Connection, Engine

from app.per_database import PerDatabase

KEPT_CHARACTERS = 8_000_000
KEPT_SECTIONS = 100_000


class KnownVersions:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._texts: OrderedDict[tuple[int, int], tuple[str, str]] = OrderedDict()
        self._kept = 0
        self._first_paragraphs: OrderedDict[int, int] = OrderedDict()

    def known(self, section_id: int, number: int) -> tuple[str, str, int] | None:
        """(text, sha256, first paragraph) of the version, if this process has them."""
        with self._lock:
            found = self._texts.get((section_id, number))
            first = self._first_paragraphs.get(section_id)
            if found is None or first is None:
                return None
            self._texts.move_to_end((section_id, number))
            return found[0], found[1], first

    def learn(
        self, section_id: int, number: int, text: str, sha256: str, first_paragraph: int
    ) -> None:
        with self._lock:
            self._note_first_paragraph(section_id, first_paragraph)
            key = (section_id, number)
            kept = self._texts.pop(key, None)
            if kept is not None:
                self._kept -= len(kept[0])
            if len(text) > KEPT_CHARACTERS // 8:
                return  # a very long text is read again rather than crowd out the rest
            self._texts[key] = (text, sha256)
            self._kept += len(text)
            while self._kept > KEPT_CHARACTERS:
                _key, (dropped, _sha256) = self._texts.popitem(last=False)
                self._kept -= len(dropped)

    def _note_first_paragraph(self, section_id: int, first_paragraph: int) -> None:
        self._first_paragraphs[section_id] = first_paragraph
        self._first_paragraphs.move_to_end(section_id)
        if len(self._first_paragraphs) > KEPT_SECTIONS:
            self._first_paragraphs.popitem(last=False)


_stores: PerDatabase[KnownVersions] = PerDatabase(KnownVersions)


def switch(bind: Engine | Connection, on: bool) -> None:
    """Setting `known_versions` for the database `bind` reaches (create_app): off, every
    prepare step reads its base."""
    _stores.switch(bind, on)


def of(bind: Engine | Connection) -> KnownVersions:
    """The store of the database `bind` reaches (a test's fresh database, even at the same
    URL, starts empty). Switched off: an empty store each time, which knows nothing and
    keeps nothing."""
    store = _stores.of(bind)
    return KnownVersions() if store is None else store

"""Carrying an amendment onto the head of its section, and the wording it records.

The text work that can take time (diffing a new wording against its base) happens in
`wording_of`, whose result a request prepares before it takes the write lock
(`app/amendments/prepare.py`). Under the lock only arithmetic on recorded edits remains:
`rebase` carries the amendment's edits through the edits of every version since its base.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.amendments.models import Amendment
from app.errors import DuplicateChange, MergeConflict, present
from app.reports import service as reports
from app.reports.models import Section, Version
from app.text import edits as text_edits
from app.text import offload
from app.text.analysis import Analysis, analyse, patch_text
from app.text.edits import Edit
from app.text.rebase import Clash, Conflict, carry


@dataclass(frozen=True)
class Prepared:
    """A wording analysed before the transaction, valid for exactly this base and text."""

    base_sha256: str
    text: str
    first_paragraph: int
    analysis: Analysis
    # Live drafting: the wording it revises, and the screen's ops from it to `text`.
    previous: str | None = None
    screen_ops: list[list[object]] | None = None


def wording_of(
    base: Version,
    text: str,
    *,
    first_paragraph: int,
    timeout: float,
    prepared: Prepared | None = None,
) -> Analysis:
    """The prepared analysis when it was made from this base, text and paragraph numbering,
    else made now (a long text in the worker process, off this process's GIL)."""
    if (
        prepared is not None
        and prepared.base_sha256 == base.sha256
        and prepared.text == text
        and prepared.first_paragraph == first_paragraph
    ):
        return prepared.analysis
    size = len(base.text) + len(text)
    return offload.run(
        analyse, base.text, text, size=size, first_paragraph=first_paragraph, timeout=timeout
    )


# A patch longer than this is not stored: it repeats the proposed text (URL-encoded), and
# writing it made a 1 MB proposal hold SQLite's one write lock longer. An empty `patch`
# column means "derived from the base and the recorded edits when read" (`patch_of`); a real
# patch is never empty, since an amendment changes something.
STORED_PATCH_CHARS = 50_000
# The patch of a wording recorded in this process but not stored: the write's own answer
# uses it rather than derive it again inside the transaction.
_unstored_patches: WeakKeyDictionary[Amendment, str] = WeakKeyDictionary()


def record_wording(amendment: Amendment, text: str, analysis: Analysis) -> None:
    amendment.proposed_text = text
    amendment.edits = text_edits.to_json(analysis.edits)
    if len(analysis.patch) <= STORED_PATCH_CHARS:
        amendment.patch = analysis.patch
        _unstored_patches.pop(amendment, None)
    else:
        amendment.patch = ""
        _unstored_patches[amendment] = analysis.patch
    amendment.instruction = analysis.instruction
    amendment.suggested_kind = type(amendment.suggested_kind)(analysis.suggested_kind)


def patch_of(session: Session, amendment: Amendment) -> str:
    """The amendment's patch: stored, or made from its base and its recorded edits."""
    if amendment.patch:
        return amendment.patch
    remembered = _unstored_patches.get(amendment)
    if remembered is not None:
        return remembered
    section = present(
        session.get(Section, amendment.section_id), f"No section {amendment.section_id}."
    )
    base = reports.get_version(session, section=section, number=amendment.base_version)
    return patch_text(base.text, text_edits.from_json(amendment.edits))


def chain(
    session: Session, *, section_id: int, after: int, upto: int
) -> list[tuple[int, list[Edit]]]:
    """Each version's edits from `after` + 1 to `upto`, oldest first."""
    if upto <= after:
        return []
    rows = session.execute(
        select(Version.number, Version.edits)
        .where(
            Version.section_id == section_id,
            Version.number > after,
            Version.number <= upto,
        )
        .order_by(Version.number)
    ).all()
    return [(number, text_edits.from_json(edits or [])) for number, edits in rows]


@dataclass(frozen=True)
class Rebased:
    base_version: int
    head_version: int
    edits: list[Edit] | None  # in head coordinates; None on conflict
    clashes: list[Clash]

    @property
    def applies(self) -> bool:
        return self.edits is not None


def rebase(session: Session, amendment: Amendment, *, section: Section) -> Rebased:
    """Carry the amendment's recorded edits onto the section's head: no text is read."""
    return rebase_many(session, [amendment], section=section)[amendment.id]


def rebase_many(
    session: Session, amendments: Sequence[Amendment], *, section: Section
) -> dict[int, Rebased]:
    """`rebase` for several amendments of one section, reading the version chain once."""
    if not amendments:
        return {}
    oldest = min(a.base_version for a in amendments)
    steps = chain(session, section_id=section.id, after=oldest, upto=section.head_version)
    texts: dict[int, str] = {}

    def text_before(number: int) -> str:
        # Read only where two edits touch, to tell words edited side by side from a clash.
        if number - 1 not in texts:
            texts[number - 1] = reports.get_version(
                session, section=section, number=number - 1
            ).text
        return texts[number - 1]

    out: dict[int, Rebased] = {}
    for amendment in amendments:
        own = text_edits.from_json(amendment.edits)
        mine = [step for step in steps if step[0] > amendment.base_version]
        try:
            carried = carry(own, mine, text_before)
        except Conflict as conflict:
            out[amendment.id] = Rebased(
                amendment.base_version, section.head_version, None, conflict.clashes
            )
            continue
        out[amendment.id] = Rebased(amendment.base_version, section.head_version, carried, [])
    return out


def edit_view(edit: Edit, text: str, version: int | None = None) -> dict[str, object]:
    edit = edit.trimmed(text)
    return {
        "start": edit.start,
        "end": edit.end,
        "base_text": text[edit.start : edit.end],
        "replacement": edit.replacement,
        "version": version,
    }


def conflict_views(
    session: Session, *, section: Section, base: Version, clashes: Sequence[Clash]
) -> list[dict[str, object]]:
    """Both sides of each clash, each with the text it replaced (read only on refusal)."""
    texts = {base.number: base.text}
    out: list[dict[str, object]] = []
    for clash in clashes:
        before = clash.version - 1
        if before not in texts:
            texts[before] = reports.get_version(session, section=section, number=before).text
        out.append(
            {
                "proposal": edit_view(clash.proposal, base.text),
                "head": edit_view(clash.head, texts[before], clash.version),
            }
        )
    return out


def conflict_error(
    session: Session, amendment_id: int | None, rebased: Rebased, *, section: Section
) -> MergeConflict:
    base = reports.get_version(session, section=section, number=rebased.base_version)
    head = reports.get_version(session, section=section, number=rebased.head_version)
    duplicate = all(clash.duplicate for clash in rebased.clashes)
    error = DuplicateChange if duplicate else MergeConflict
    detail = (
        "The section already holds this exact change (made since the base version by "
        "another amendment or edit); nothing is left to adopt."
        if duplicate
        else "The section changed since the base version and this amendment now overlaps "
        "those changes. Propose it again against the head version."
    )
    return error(
        detail,
        amendment_id=amendment_id,
        base_version=rebased.base_version,
        head_version=rebased.head_version,
        conflicts=conflict_views(session, section=section, base=base, clashes=rebased.clashes),
        base_text=base.text,
        head_text=head.text,
    )

"""A structural amendment's parts (`app/text/structure_parts.py`) read from the database:
against today's texts, carried through `check` (the floor's preview; None when it no longer
applies), or against its base (what was proposed, whatever happened since)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.amendments.models import AmendmentStructure
from app.amendments.structure_check import check
from app.errors import AppError
from app.reports.section_texts import SectionTexts
from app.text.structure_parts import Part, parts


def structure_parts(
    session: Session, structure: AmendmentStructure, *, current: bool
) -> list[Part] | None:
    """The parts, or None when `current` and it no longer applies to today's texts."""
    carried = None
    if current:
        try:
            carried = check(session, structure).carried
        except AppError:
            return None
    base = {t["section_id"]: t["version"] for t in structure.touched}
    texts = SectionTexts(session, base=base, carried=carried)
    return parts(structure.operation.value, structure.operands, structure.touched, texts)

"""Section texts for a pure rendering of a change that spans sections
(`app/text/structure_parts.py`): each section at a version named in `base` (else its head),
or at its head with the change's edits already carried there (`carried`)."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.orm import Session

from app.reports.models import Section
from app.reports.service import get_version
from app.text.edits import Edit


class SectionTexts:
    def __init__(
        self,
        session: Session,
        *,
        base: Mapping[int, int],
        carried: Mapping[int, list[Edit]] | None = None,
    ) -> None:
        self.session = session
        self.base = base
        self.carried = carried
        self.at_base = carried is None

    def section(self, section_id: int) -> Section:
        section = self.session.get(Section, section_id)
        if section is None:
            raise LookupError(section_id)
        return section

    def text(self, section_id: int) -> str:
        section = self.section(section_id)
        number = section.head_version
        if self.at_base:
            number = self.base.get(section_id, number)
        return get_version(self.session, section=section, number=number).text

    def title(self, section_id: int) -> tuple[str, str, int | None]:
        section = self.section(section_id)
        return section.label, section.heading, section.parent_id

    def edits(self, section_id: int, recorded: list[Edit]) -> list[Edit]:
        return recorded if self.carried is None else self.carried[section_id]

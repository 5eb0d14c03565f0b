"""Payloads of the structural amendments' events (issue 32). The other events of such an
amendment (floor, rounds, closing) are those of any amendment; `section_id` names the first
section it touches."""

from __future__ import annotations

from pydantic import Field

from app.events.payload import Payload


class StructureProposedPayload(Payload):
    amendment_id: int
    section_id: int = Field(description="The first section it touches")
    operation: str = Field(
        description="insert, delete, move, split, merge, rename, span or move_paragraphs"
    )
    section_ids: list[int] = Field(description="Every section it names")
    outline_revision: int = Field(description="The outline revision it was proposed on")
    kind: str
    instruction: str | None = Field(description="Null when long: read the amendment")
    instruction_chars: int | None = Field(default=None, description="Its length, when left out")


class StructureVersion(Payload):
    section_id: int
    version: int
    sha256: str


class StructureAdoptedPayload(Payload):
    amendment_id: int
    section_id: int
    operation: str
    versions: list[StructureVersion] = Field(description="The versions it made, in order")
    added: list[int] = Field(description="Sections it added")
    removed: list[int] = Field(description="Sections it removed (with their subtrees)")
    moved: list[int] = Field(description="Sections it moved (with their subtrees)")
    renamed: list[int] = Field(description="Sections whose kind, label or heading changed")


STRUCTURE_PAYLOADS: dict[str, type[Payload]] = {
    "amendment.structure_proposed": StructureProposedPayload,
    "amendment.structure_adopted": StructureAdoptedPayload,
}

"""Who reads what, and who sees names: the one place that decides it (DESIGN.md,
"Public record").

A report is read by the members of its group and the site admin, and by anyone when it is
public (`ensure_readable`); another group's private report does not exist for the caller
(404).

Members of a report's group (chair, members, secretariat) and the site admin see who did
what; observers, the public, and a member of another group reading a public report see the
Chatham House view, where every person is "a participant". Every router, the event stream,
the screen, exports and the read cache ask `is_attributed` (or the `Grant` made from the
same rule); none decides it again.

Parts of a staged report (issue 20, a report with drafting groups or stages) are read by
stage (`hidden_sections`): work in progress of a drafting group (in the group, agreed in the
group) by that group, the chair, the secretariat and the admin only; parts posted to the
group by the whole group; parts posted publicly or approved by the public too, when the
report is public. A part the caller may not read does not exist for it: 404 on the section,
its versions and amendments, and no entry in the outline, exports or comparisons (its
paragraph numbers stay those of the whole report, so numbers never shift between readers).
"""

from __future__ import annotations

import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

from app.drafting_groups.models import (
    PUBLIC_STAGES,
    WIP_STAGES,
    DraftingMember,
    SectionStage,
    Stage,
)
from app.errors import NotFound, Unauthorized
from app.groups.models import Participant, Role, Stakeholder
from app.reports.models import Report, Section

if TYPE_CHECKING:
    from app.auth import Principal

ATTRIBUTED_ROLES = frozenset({Role.chair, Role.member, Role.secretariat})

Read = TypeVar("Read", bound=BaseModel)
PublicViews = Mapping[type[BaseModel], type[BaseModel]]


def _attributed_role(principal: Principal) -> bool:
    return principal.is_admin or principal.role in ATTRIBUTED_ROLES


def is_attributed(principal: Principal | None) -> bool:
    """Whether `principal` sees names in what it reads in this request. A caller that has
    read another group's public report in this request (`note_public_read`) sees the public
    view, whatever its role at home."""
    return principal is not None and not principal.public_reads and _attributed_role(principal)


def note_public_read(principal: Principal | None, report_id: int) -> None:
    """`principal` reads `report_id` only because the report is public: from now on in this
    request it sees the public view (so no answer mixes in names from its own group)."""
    if principal is not None:
        principal.public_reads.add(report_id)


@dataclass(frozen=True)
class Grant:
    """What a token may read, without its database rows (for the read cache)."""

    is_admin: bool
    group_id: int | None
    attributed_role: bool

    def sees_attributed(self, group_id: int) -> bool:
        """The rule of `is_attributed`, for a report of `group_id` read by a member."""
        return (self.is_admin or self.group_id == group_id) and self.attributed_role


def grant_of(principal: Principal) -> Grant:
    """What `principal` may read, for the read cache (its own group, or any as the admin)."""
    return Grant(
        is_admin=principal.is_admin,
        group_id=principal.group_id,
        attributed_role=_attributed_role(principal),
    )


def grant_for(*, is_admin: bool, group_id: int | None, role: Role | None) -> Grant:
    """The same grant from a token's row (the read cache's one-statement check on PostgreSQL),
    by the same rule as `_attributed_role`."""
    return Grant(
        is_admin=is_admin,
        group_id=None if is_admin else group_id,
        attributed_role=is_admin or role in ATTRIBUTED_ROLES,
    )


def may_read(grant: Grant | None, *, group_id: int, is_public: bool) -> bool:
    """`ensure_readable` for a grant: members of the group and the admin, or anyone when the
    report is public."""
    return is_public or (grant is not None and (grant.is_admin or grant.group_id == group_id))


def sees_attributed(grant: Grant | None, group_id: int) -> bool:
    """`is_attributed` for a grant reading a report of `group_id` (a non-member reads a public
    report as the public does)."""
    return grant is not None and grant.sees_attributed(group_id)


def ensure_readable(report: Report, principal: Principal | None) -> None:
    """Members of the group read everything; anyone reads a public report (unattributed)."""
    if principal is not None and (principal.is_admin or principal.group_id == report.group_id):
        return
    if report.is_public:
        note_public_read(principal, report.id)
        return
    if principal is None:
        raise Unauthorized(
            "Send a token as 'Authorization: Bearer <token>'.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    raise NotFound(f"No report {report.id}.")


def readable_by(report: Report, principal: Principal | None) -> bool:
    """`ensure_readable` as a question (for naming a report in another's note)."""
    if report.is_public:
        return True
    return principal is not None and (principal.is_admin or principal.group_id == report.group_id)


def get_report(session: Session, *, report_id: int, principal: Principal | None) -> Report:
    report = session.get(Report, report_id)
    if report is None:
        raise NotFound(f"No report {report_id}.")
    ensure_readable(report, principal)
    return report


# --- the public view, by schema ---------------------------------------------------------
# The attributed answer is built whole; the public one is that answer with every field its
# public schema does not declare hidden. So a field added to a read model is private until
# a public schema names it (the template's `UserPublic` next to `User`).


def redacted(read: Read, public: PublicViews) -> Read:
    """`read` as the public sees it. `public` maps each read model to its public schema;
    nested models (and lists of them) are redacted by their own entry, which must exist."""
    schema = public.get(type(read))
    if schema is None:
        raise TypeError(f"{type(read).__name__} has no public schema: declare one.")
    values: dict[str, Any] = {}
    for name, field in type(read).model_fields.items():
        value = getattr(read, name)
        if name not in schema.model_fields:
            value = hidden_value(type(read), name, field)
        elif isinstance(value, BaseModel):
            value = redacted(value, public)
        elif isinstance(value, list):
            value = [redacted(v, public) if isinstance(v, BaseModel) else v for v in value]
        values[name] = value
    return type(read).model_construct(_fields_set=read.model_fields_set, **values)


def public_fields(data: dict[str, Any], public: type[BaseModel]) -> dict[str, Any]:
    """The same rule for an answer kept as a plain dict (the event stream's hot path)."""
    return {k: (v if k in public.model_fields else None) for k, v in data.items()}


def hidden_value(model: type[BaseModel], name: str, field: FieldInfo) -> Any:
    """What a private field shows the public: null, or an empty list."""
    annotation = field.annotation
    if get_origin(annotation) in (Union, types.UnionType) and type(None) in get_args(annotation):
        return None
    if get_origin(annotation) is list:
        return []
    raise TypeError(
        f"{model.__name__}.{name} is private but cannot be hidden: declare it in the public "
        "schema, or make it optional."
    )


def reads_unpublished(report: Report, principal: Principal | None) -> bool:
    """Whether `principal` reads the group's deliberation as it stands (threads the chair
    has not published): the group's own participants, observers included, and the site
    admin. Anyone else reading a public report sees only what the chair published."""
    return principal is not None and (principal.is_admin or principal.group_id == report.group_id)


# --- parts of a staged report (issue 20) -------------------------------------------------

SEES_ALL_PARTS = frozenset({Role.chair, Role.secretariat})


def stages_of(session: Session, report_id: int) -> dict[int, SectionStage]:
    """The stage rows of a report's sections; empty for a report that is not staged."""
    rows = session.scalars(_stages_query(), {"report_id": report_id})
    return {row.section_id: row for row in rows}


@cache
def _stages_query() -> Select[SectionStage]:
    # Built once: every write to a section reads it, and building it costs as much as running it.
    return select(SectionStage).where(SectionStage.report_id == bindparam("report_id"))


def drafting_groups_of(session: Session, participant_id: int | None) -> set[int]:
    if participant_id is None:
        return set()
    found = session.scalars(
        select(DraftingMember.drafting_group_id).where(
            DraftingMember.participant_id == participant_id
        )
    )
    return set(found)


def hidden_sections(
    session: Session,
    report: Report,
    principal: Principal | None,
    *,
    stages: Mapping[int, SectionStage] | None = None,
) -> set[int]:
    """Ids of the sections of `report` that `principal` may not read (see the module's
    docstring); the caller has passed `ensure_readable` already. `stages`: the report's
    stage rows, when the caller has read them (`stages_of`)."""
    if stages is None:
        stages = stages_of(session, report.id)
    if not stages:
        return set()
    mine: set[int] | None = None

    def drafting_groups() -> set[int]:
        nonlocal mine
        if mine is None:
            mine = drafting_groups_of(session, principal.participant_id if principal else None)
        return mine

    if _reads_as_member(principal, report.group_id):
        candidates = list(stages)  # an unstaged part of a staged report is the group's
    else:
        candidates = list(session.scalars(select(Section.id).where(Section.report_id == report.id)))
    return {
        section_id
        for section_id in candidates
        if part_hidden(
            principal,
            group_id=report.group_id,
            stage=stages[section_id].stage if section_id in stages else None,
            drafting_group_id=stages[section_id].drafting_group_id
            if section_id in stages
            else None,
            drafting_groups=drafting_groups,
        )
    }


def _reads_as_member(principal: Principal | None, group_id: int) -> bool:
    return principal is not None and (principal.is_admin or principal.group_id == group_id)


def part_hidden(
    principal: Principal | None,
    *,
    group_id: int,
    stage: Stage | None,
    drafting_group_id: int | None,
    drafting_groups: Callable[[], set[int]],
) -> bool:
    """Whether one part of a staged report is hidden from `principal` (the module's
    docstring): a drafting group's work in progress from the group's other members, and
    every part not yet public from everyone outside the group. `stage` None: a part with no
    stage row. `drafting_groups()` reads the caller's drafting groups, only when needed."""
    if principal is not None and (principal.is_admin or principal.group_id == group_id):
        if principal.is_admin or principal.role in SEES_ALL_PARTS:
            return False
        return stage in WIP_STAGES and drafting_group_id not in drafting_groups()
    return stage is None or stage not in PUBLIC_STAGES


def stage_hides(
    session: Session,
    principal: Principal,
    group_id: int,
    stage: Stage | None,
    drafting_group_id: int | None,
) -> bool:
    """`part_hidden` for one stage row of a part in `group_id`, the caller's drafting groups
    read from `session` only when the rule needs them (a write's checks: the lock or the
    prepare step's entitlement)."""
    return part_hidden(
        principal,
        group_id=group_id,
        stage=stage,
        drafting_group_id=drafting_group_id,
        drafting_groups=lambda: drafting_groups_of(session, principal.participant_id),
    )


def ensure_section_readable(
    session: Session, report: Report, section_id: int, principal: Principal | None
) -> None:
    """404 for a part of a staged report the caller may not read (as for another group's
    report: it does not exist for the caller)."""
    ensure_readable(report, principal)
    if section_id in hidden_sections(session, report, principal):
        raise NotFound(f"No section {section_id}.")


# --- sessions of a meeting (issue 30) ----------------------------------------------------
# Who is in the room, who may ask for the floor and what the public sees follow the session's
# kind (the WGIG's practice, context 002): open consultations are public and any registered
# stakeholder may speak; plenary sessions are public under Chatham House, members speak and
# observers attend without the right to speak; closed sessions admit members and observers of
# intergovernmental organisations (who speak), and nothing of them is public but what the
# chair publishes (the summary).

SESSION_MEMBERS = frozenset({Role.chair, Role.member, Role.secretariat})


def sits_in(kind: str, participant: Participant) -> bool:
    """Whether `participant` (of the report's group) is admitted to a session of `kind`."""
    if not participant.active:
        return False
    if participant.role in SESSION_MEMBERS:
        return True
    if kind == "closed":
        return participant.stakeholder == Stakeholder.intergovernmental
    return True


def may_ask_for_the_floor(kind: str, participant: Participant) -> bool:
    """Whether `participant` may put its name on a session's list of speakers."""
    if not sits_in(kind, participant):
        return False
    if kind == "plenary":
        return participant.role in SESSION_MEMBERS
    return True


def reads_session(report: Report, kind: str, principal: Principal | None) -> bool:
    """Whether `principal` reads the inside of a session (agenda, speakers, captions, the
    projection): those admitted and the site admin; anyone else only when the session is
    public (not closed). The caller has passed `ensure_readable`."""
    if principal is not None and principal.is_admin:
        return True
    participant = None if principal is None else principal.participant
    if participant is not None and participant.group_id == report.group_id:
        return sits_in(kind, participant)
    return kind != "closed"


def ensure_session_readable(report: Report, kind: str, principal: Principal | None) -> None:
    """A closed session's inside does not exist for those not admitted (404)."""
    ensure_readable(report, principal)
    if not reads_session(report, kind, principal):
        raise NotFound("This is a closed session: only what the chair publishes is public.")


def speaker_label(*, attributed: bool, name: str, stakeholder: str, public_speakers: str) -> str:
    """How a speaker is named: by name to members; to observers and the public "a
    participant", or the speaker's stakeholder category when the session's rule says so."""
    if attributed:
        return name
    if public_speakers == "stakeholder":
        return stakeholder.replace("_", " ")
    return "a participant"

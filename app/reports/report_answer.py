"""One answer of `GET /v1/reports/{id}` per report, view and committed state, kept in the
store of a report's hot reads (app/kept_answers.py: the promise, and how the committed state
is named). Every member's page reads it after every event of a live room.

- **The view**: `report_read` reads of the caller only the parts of a staged report hidden
  from it (`visibility.hidden_sections`, computed for each request from its own rows: role,
  group, drafting groups). The answer names nobody (the report's fields, its outline, each
  part's stage), so members, observers and the public with the same hidden parts read the
  same bytes.
- **The committed state**: the report row (its fields, revision and last update), its
  outline revision (a trigger moves it on every change of a section) and its event head
  (a change of a section's text, of a part's stage or of the report records an event).

The ETag is today's (`report_etag`: the report's revision and its last event, the same for
every reader), read in the snapshot the answer was built from.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.orm import Session

from app import visibility
from app.auth import Principal
from app.drafting_groups.models import SectionStage
from app.kept_answers import KeptAnswer, KeptAnswers
from app.kept_reads import Read, kept_or_built
from app.reports import service, views
from app.reports.models import Report


def report_answer(
    session: Session,
    read: Read,
    principal: Principal | None,
    answers: KeptAnswers | None,
    generation: int,
) -> KeptAnswer:
    """The report as `principal` reads it (kept, or built and kept). `read`: the report row
    (with whether it is staged); `generation`: noted before the session's first read."""
    report = read.report
    rows = visibility.stages_of(session, report.id) if read.staged else {}
    hidden = frozenset(visibility.hidden_sections(session, report, principal, stages=rows))
    return kept_or_built(
        answers,
        generation,
        session,
        report,
        ("report", report.id, hidden),
        lambda: build(session, report, hidden, rows),
    )


def build(
    session: Session, report: Report, hidden: frozenset[int], rows: Mapping[int, SectionStage]
) -> KeptAnswer:
    read = views.report_read(session, report, hidden, rows)
    return KeptAnswer(
        body=read.model_dump_json().encode(), etag=service.report_etag(session, report)
    )

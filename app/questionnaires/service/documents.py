"""The summary as a document: exported in the report formats (Markdown, HTML, Word, PDF),
and imported into a report as a section (with one subsection per question) or as a new
report. An import becomes part of a report anyone may come to read, so it always takes the
public view of the summary (no member named, public respondents only where they chose)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from sqlalchemy.orm import Session

from app.auth import Principal
from app.errors import Unprocessable
from app.events.service import record_event
from app.groups.models import Group
from app.outputs import service as outputs
from app.questionnaires import render
from app.questionnaires.models import Questionnaire
from app.questionnaires.schemas import Summary, SummaryImport, SummaryImported
from app.questionnaires.service.questionnaires import ensure_staff, get_questionnaire
from app.questionnaires.service.summary import summarise
from app.reports import service as reports
from app.reports.models import SectionKind
from app.text import markdown
from app.text.render import DocumentInfo, to_html

ExportFormat = Literal["markdown", "html", "docx", "pdf"]
STATUS = "summary"


def export_summary(
    session: Session,
    questionnaire: Questionnaire,
    summary: Summary,
    format: ExportFormat,
    now: datetime,
) -> bytes:
    source = render.to_markdown(summary)
    if format == "markdown":
        return source.encode()
    info = DocumentInfo(
        title=f"Summary of replies: {summary.title}",
        symbol="",
        status=STATUS,
        disclaimer=None,
        caption=render.generated_at(summary, now),
    )
    sections = render.placed_sections(source)
    if format == "html":
        return to_html(info, sections).encode()
    group = session.get(Group, questionnaire.group_id)
    snapshot = outputs.ReportSnapshot(
        report_id=questionnaire.report_id or 0,
        group_name=group.name if group else "",
        info=info,
        sections=sections,
        stage=STATUS,
        version=f"questionnaire-{questionnaire.id}",
        date=now,
        created=questionnaire.created_at,
    )
    if format == "docx":
        return outputs.report_to_docx(snapshot)
    return outputs.report_to_pdf(snapshot)


def _add_tree(
    session: Session,
    *,
    report_id: int,
    principal: Principal,
    parsed: list[markdown.ParsedSection],
    parent_id: int | None,
    position: int | None,
    depth: int,
) -> list[int]:
    kinds = (SectionKind.section, SectionKind.subsection)
    made: list[int] = []
    for index, part in enumerate(parsed):
        section = reports.add_section(
            session,
            report_id=report_id,
            principal=principal,
            kind=SectionKind.chapter if parent_id is None else kinds[min(depth, 1)],
            label=part.label[:50],
            heading=part.heading[:500],
            parent_id=parent_id,
            position=None if position is None else position + index,
            text=part.text,
        )
        made.append(section.id)
        made += _add_tree(
            session,
            report_id=report_id,
            principal=principal,
            parsed=part.children,
            parent_id=section.id,
            position=None,
            depth=depth + 1,
        )
    return made


def import_summary(
    session: Session,
    *,
    questionnaire_id: int,
    principal: Principal,
    body: SummaryImport,
    now: datetime,
) -> SummaryImported:
    questionnaire = get_questionnaire(
        session, questionnaire_id=questionnaire_id, principal=principal
    )
    ensure_staff(questionnaire, principal)
    source = render.to_markdown(summarise(session, questionnaire, named=False, now=now))
    if body.into == "report":
        report = reports.import_report(
            session,
            group_id=questionnaire.group_id,
            principal=principal,
            source=source,
            title=None,
            symbol=None,
            disclaimer=None,
        )
        report_id, section_id = report.id, None
    else:
        target = body.report_id or questionnaire.report_id
        if target is None:
            raise Unprocessable("Name the report to import into (`report_id`).", field="report_id")
        made = _add_tree(
            session,
            report_id=target,
            principal=principal,
            parsed=markdown.parse(source).sections,
            parent_id=body.parent_id,
            position=body.position,
            depth=0,
        )
        report_id, section_id = target, made[0]
    record_event(
        session,
        report_id=report_id,
        type="questionnaire.summary_imported",
        actor_id=principal.participant_id,
        payload={"questionnaire_id": questionnaire.id, "section_id": section_id},
    )
    return SummaryImported(report_id=report_id, section_id=section_id)

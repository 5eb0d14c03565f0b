"""February 2005: the second meeting (Geneva, 14-18 February): a plenary session open to
observers, open consultations on 15-16 February, closed sessions at the ILO on the working
definition and the Preliminary Report, presented to PrepCom-2 on 24 February; the comments
on the working papers disposed of."""

from __future__ import annotations

from datetime import date

from app.demo_year import texts_2005 as texts
from app.demo_year.stage import Scene, Year, YearBroken

SPEAKERS = ("Observer 1", "Observer 5", "Observer 6", "Member 04", "Observer 7", "Member 10")
CAPTIONS = (
    "The Chair opened the consultations on the draft working papers.",
    "A speaker from civil society asked that the papers say more about human rights.",
    "A speaker from the private sector welcomed the inventory and the template.",
    "A speaker from an intergovernmental organization described its capacity-building work.",
)


def preliminary_draft(year: Year) -> None:
    report = year.sec.import_report(
        year.ids["group"],
        texts.PRELIMINARY,
        title="Preliminary Report of the Working Group on Internet Governance",
        symbol="WSIS-II/PC-2/DOC/5",
    )
    year.ids["report:preliminary"] = report.id


def plenary_session(year: Year) -> None:
    """14 February: the only plenary session of the year, observers present, silent."""
    meeting = year.chair.open_meeting(
        year.ids["report:papers"],
        title="Second meeting: plenary and open consultations",
        venue="Palais des Nations, Geneva",
        starts_on=date(2005, 2, 14),
        ends_on=date(2005, 2, 16),
    )
    year.ids["meeting:second"] = meeting.id
    session = year.chair.list_sessions(meeting.id)[0]
    for person in year.people.values():
        if person.role != "secretariat":
            year.as_(person.handle).check_in(session.id)
    year.chair.add_agenda_item(session.id, "text", "Adoption of the agenda; working methods")
    year.chair.take_up_item(session.id)
    year.sec.write_summary(
        session.id,
        "The Chair introduced the programme of the meeting. Members reviewed the draft "
        "working papers; observers followed the session without the right to speak.",
    )
    year.chair.end_session(session.id)


def open_consultations(year: Year) -> None:
    """15-16 February: any registered stakeholder may speak; captions for the public."""
    meeting = year.ids["meeting:second"]
    year.chair.name_captioner(meeting, year.pid("The Secretariat"))
    for day, title in enumerate(("Open consultations, day 1", "Open consultations, day 2")):
        if day:
            year.clock.advance(hours=24)
        session = year.chair.schedule_session(meeting, "open_consultation", title=title, start=True)
        year.ids[f"session:consultation.{day + 1}"] = session.id
        year.chair.add_agenda_item(
            session.id,
            "consultation",
            "Comments on the draft working papers",
            target_id=year.ids["consultation:papers"],
        )
        year.chair.take_up_item(session.id)
        for handle in SPEAKERS[day * 3 : day * 3 + 3]:
            year.as_(handle).ask_for_floor(session.id)
        for line in CAPTIONS[day * 2 : day * 2 + 2]:
            year.chair.give_floor(session.id)
            year.sec.caption(session.id, line)
            year.clock.advance(minutes=6)
            year.chair.end_speech(session.id)
        year.sec.write_summary(
            session.id,
            "Stakeholders commented on the draft working papers: on interconnection costs, "
            "the administration of the domain name system, spam, and capacity building.",
        )
        year.chair.end_session(session.id)
    year.chair.close_meeting(meeting)


def closed_sessions(year: Year) -> None:
    """17-18 February, ILO: the working definition and the Preliminary Report."""
    report_id = year.ids["report:preliminary"]
    meeting = year.chair.open_meeting(
        report_id,
        title="Second meeting: closed sessions",
        venue="International Labour Organization, Geneva",
        starts_on=date(2005, 2, 17),
        ends_on=date(2005, 2, 18),
        first_session="closed",
    )
    year.ids["meeting:second.closed"] = meeting.id
    session = year.chair.list_sessions(meeting.id)[0]
    year.ids["session:second.closed"] = session.id
    report = year.chair.get_report(report_id)
    for n, (heading, old, new) in enumerate(texts.PRELIMINARY_FLOOR):
        entry = next(e for e in report.outline if e.heading == heading)
        proposer = year.as_(year.member(8 + 9 * n).handle)
        section = proposer.get_section(entry.id)
        if section.head is None:
            raise YearBroken(f"section {section.id} has no text")
        amendment = proposer.propose(
            entry.id,
            base_version=section.head_version,
            kind="substantive",
            text=section.head.text.replace(old, new),
            rationale="As discussed in the closed session.",
        )
        year.chair.put_on_floor(amendment.id)
        year.chair.adopt(amendment.id)
        year.clock.advance(hours=3)
    year.at("2005-02-18 17:30")
    year.sec.write_summary(
        session.id,
        "The group made progress on a working definition, agreeing on the meaning of "
        "governance as distinct from government, sorted the issues into four clusters, and "
        "agreed its Preliminary Report to the Preparatory Committee.",
    )
    year.chair.publish_summary(session.id)
    year.chair.close_meeting(meeting.id)
    year.sec.create_milestone(report_id, "As agreed by the group, 18 February 2005")


def dispositions(year: Year) -> None:
    """The Secretariat disposes of every comment on the working papers."""
    answers = (
        ("accepted", "Taken into account in the assessment papers."),
        ("noted", "Noted for the group's further work."),
        ("partly_accepted", "Partly reflected in the clusters of the Preliminary Report."),
    )
    comments = list(year.sec.all_comments(year.ids["consultation:papers"]))
    for n, comment in enumerate(comments):
        disposition, response = answers[n % len(answers)]
        year.sec.dispose(comment.id, disposition, response)


def presented(year: Year) -> None:
    """24 February: the Preliminary Report presented to PrepCom-2."""
    report_id = year.ids["report:preliminary"]
    milestone = year.sec.create_milestone(report_id, "Presented to PrepCom-2, 24 February 2005")
    year.ids["milestone:preliminary"] = milestone.id
    year.chair.set_public(report_id)


SCENES = [
    Scene("2005-02-10 10:00", "The Preliminary Report drafted", preliminary_draft),
    Scene("2005-02-14 10:00", "Second meeting: the plenary session", plenary_session),
    Scene("2005-02-15 10:00", "Open consultations (15-16 February)", open_consultations),
    Scene("2005-02-17 10:00", "Closed sessions at the ILO", closed_sessions),
    Scene("2005-02-21 10:00", "Comments on the working papers disposed of", dispositions),
    Scene("2005-02-24 15:00", "Preliminary Report presented to PrepCom-2", presented),
]

"""November 2004: the group is set up, the pre-meeting questionnaire, the first meeting
(Geneva, 23-25 November) with its inventory of issues, and the inventory posted."""

from __future__ import annotations

from datetime import date, timedelta

from app.demo_year import texts_2004 as texts
from app.demo_year.people import roster
from app.demo_year.stage import Scene, Year, YearBroken, moment


def set_up(year: Year) -> None:
    """The Secretary-General announces the group (11 November); each participant redeems
    its own invitation, its signing key made on its own device."""
    admin = year.as_("admin")
    group = admin.create_group(texts.GROUP_NAME, texts.GROUP_NOTE)
    year.ids["group"] = group.id
    for person in roster():
        created = admin.add_participant(
            group.id,
            name=person.name,
            role=person.role,
            stakeholder=person.stakeholder,
            region=person.region,
        )
        person.id = created.id
        person.token = year.public.redeem(created.invitation.code, label="demo").token
        year.people[person.handle] = person


def pre_meeting_questionnaire(year: Year) -> None:
    body = {**texts.PRE_MEETING, "deadline": moment("2004-11-20 23:59").isoformat()}
    made = year.sec.create_questionnaire(year.ids["group"], body)
    year.ids["questionnaire:pre_meeting"] = made.id


def pre_meeting_replies(year: Year) -> None:
    questionnaire = year.sec.get_questionnaire(year.ids["questionnaire:pre_meeting"])
    text, layers, urgency = (q.id for q in questionnaire.questions)
    for n, person in enumerate(year.members()[:30]):
        year.clock.advance(minutes=47)
        answers = {
            str(text): texts.PRE_MEETING_ISSUES[n % len(texts.PRE_MEETING_ISSUES)],
            str(layers): [["Infrastructure", "Transport"], ["Applications", "Content"]][n % 2],
            str(urgency): 3 + n % 3,
        }
        year.as_(person.handle).answer_questionnaire(questionnaire.id, answers, submit=True)


def compile_replies(year: Year) -> None:
    qid = year.ids["questionnaire:pre_meeting"]
    year.sec.share_replies(qid)
    year.sec.set_narrative(
        qid,
        "Thirty members replied. Between them they named twenty-four different issues, "
        "which the Secretariat has taken, with the issues identified in a paper for the "
        "United Nations ICT Task Force, as the starting point of the inventory.",
    )


def first_meeting(year: Year) -> None:
    """23 November, Palais des Nations: the inventory on the table, in a closed session."""
    report = year.sec.import_report(
        year.ids["group"],
        texts.inventory_markdown(),
        title="Inventory of Public Policy Issues and Priorities",
        symbol="WGIG/2004/INV",
    )
    year.ids["report:inventory"] = report.id
    meeting = year.chair.open_meeting(
        report.id,
        title="First meeting",
        venue="Palais des Nations, Geneva",
        starts_on=date(2004, 11, 23),
        ends_on=date(2004, 11, 25),
        first_session="closed",
    )
    year.ids["meeting:first"] = meeting.id
    session = year.chair.list_sessions(meeting.id)[0]
    year.ids["session:first"] = session.id
    for person in year.voters():
        year.sec.check_in(session.id, person.id)
    agenda = [
        ("text", "Organization of work and ground rules for interaction with stakeholders"),
        ("report_part", "Inventory of public policy issues"),
        ("amendment_list", "Proposals from the floor"),
    ]
    for kind, title in agenda:
        target = report.outline[1].id if kind == "report_part" else None
        year.chair.add_agenda_item(session.id, kind, title, target_id=target)
    year.chair.take_up_item(session.id)


def inventory_from_the_floor(year: Year) -> None:
    """24 November: two items proposed from the floor and adopted; the inventory has 46."""
    session = year.ids["session:first"]
    year.chair.take_up_item(session)
    year.chair.take_up_item(session)
    report = year.chair.get_report(year.ids["report:inventory"])
    for n, (category, item) in enumerate(texts.FLOOR_ITEMS):
        entry = next(e for e in report.outline if f"{e.label}. {e.heading}" == category)
        proposer = year.as_(year.member(3 + 5 * n).handle)
        head = proposer.get_section(entry.id)
        if head.head is None:
            raise YearBroken(f"section {head.id} has no text")
        amendment = proposer.propose(
            entry.id,
            base_version=head.head_version,
            kind="substantive",
            text=head.head.text.rstrip("\n") + f"\n\n{item}\n",
            rationale="An issue the inventory should not leave out.",
        )
        year.chair.put_on_floor(amendment.id)
        year.chair.project(session, "floor")
        year.chair.adopt(amendment.id)
        year.clock.advance(minutes=25)


def close_first_meeting(year: Year) -> None:
    session = year.ids["session:first"]
    year.sec.write_summary(
        session,
        "The group organized its work. It agreed to approach the working definition from the "
        "bottom up, by first identifying every public policy issue relevant to Internet "
        "governance; to hold structured consultations with stakeholders at each meeting in "
        "Geneva; to post its products on its web site for comment between meetings; and to "
        "report on its working sessions under the Chatham House rule. Besides open "
        "consultations it will hold plenary sessions, open to observers from all stakeholder "
        "groups without the right to speak, and closed sessions, restricted to members and "
        "observers from intergovernmental organizations. It agreed an inventory of "
        "forty-six items in five categories, a template to describe each issue, and a draft "
        "outline of its Final Report.",
    )
    year.chair.publish_summary(session)
    year.chair.close_meeting(year.ids["meeting:first"])
    outline = year.sec.import_report(
        year.ids["group"],
        texts.OUTLINE,
        title="Final Report of the Working Group on Internet Governance: draft outline",
        symbol="WGIG/2004/OUTLINE",
    )
    year.ids["report:outline"] = outline.id


def post_inventory(year: Year) -> None:
    """Mid-December: the inventory goes on the web site."""
    report = year.ids["report:inventory"]
    milestone = year.sec.create_milestone(report, "Posted on the WGIG web site")
    year.ids["milestone:inventory"] = milestone.id
    year.chair.set_public(report)
    year.chair.set_public(year.ids["report:outline"])
    year.clock.advance(timedelta(minutes=5))


SCENES = [
    Scene("2004-11-11 12:00", "The group is established; members join", set_up),
    Scene(
        "2004-11-12 10:00", "The Secretariat's pre-meeting questionnaire", pre_meeting_questionnaire
    ),
    Scene("2004-11-15 09:00", "Members reply to the questionnaire", pre_meeting_replies),
    Scene("2004-11-22 09:00", "The replies compiled", compile_replies),
    Scene("2004-11-23 10:00", "First meeting opens (closed session)", first_meeting),
    Scene("2004-11-24 10:00", "The inventory completed from the floor", inventory_from_the_floor),
    Scene("2004-11-25 17:00", "First meeting closes; the draft outline", close_first_meeting),
    Scene("2004-12-15 10:00", "Inventory posted on the web site", post_inventory),
]

"""March - May 2005: five pairs of co-leads draft the cluster assessment papers; the chapeau
paper posted on 3 April and the clusters in parts from 5 April, comments until 15 May; the
third meeting (18-20 April) revises the outline of the Final Report; the process-functions
questionnaire, internal and public, with its replies and summary."""

from __future__ import annotations

from datetime import date
from typing import Any

from app.demo_year import texts_2005 as texts
from app.demo_year import texts_papers
from app.demo_year.stage import Scene, Year, moment

CLUSTERS = ("1.a", "1.b", "2", "3", "4")
# Posted one part at a time (cluster 4 stays with its group: its material goes elsewhere).
POSTINGS = (
    ("2005-04-05 10:00", "3"),
    ("2005-04-08 10:00", "2"),
    ("2005-04-12 10:00", "1.b"),
    ("2005-04-15 10:00", "1.a"),
)


def _parts(year: Year) -> dict[str, int]:
    report = year.sec.get_report(year.ids["report:assessment"])
    return {
        e.heading.split(":")[0].removeprefix("Cluster "): e.id
        for e in report.outline
        if e.depth == 0
    }


def co_leads(year: Year) -> None:
    """Early March: the papers' report and five pairs of co-leads, across constituencies."""
    report = year.sec.import_report(
        year.ids["group"],
        texts.ASSESSMENT,
        title="Assessment Papers on Internet Governance (April 2005)",
        symbol="WGIG/2005/AP",
    )
    year.ids["report:assessment"] = report.id
    parts = _parts(year)
    members = year.members()
    for n, cluster in enumerate(CLUSTERS):
        # a pair from different stakeholder groups and regions, and three more members
        pair = [members[n], members[n + 20]]
        team = [*pair, *(members[(n * 4 + k + 6) % len(members)] for k in range(3))]
        made = year.chair.create_drafting_group(
            year.ids["group"],
            name=f"Cluster {cluster}",
            member_ids=list(dict.fromkeys(p.id for p in team)),
            co_lead_ids=[p.id for p in pair],
        )
        year.ids[f"drafting_group:cluster.{cluster}"] = made.id
        year.chair.assign_section(made.id, parts[cluster])


def draft_clusters(year: Year) -> None:
    """Mid-March: the co-leads draft; the parts are agreed and reviewed by the group."""
    parts = _parts(year)
    members = year.members()
    for n, cluster in enumerate(CLUSTERS):
        lead = year.as_(members[n].handle)
        year.clock.advance(hours=20)
        text = texts.cluster_text(texts.CLUSTER_FINDINGS[cluster])
        lead.write_version(parts[cluster], base_version=1, text=text)
        year.as_(members[n + 20].handle).change_stage(parts[cluster], "agreed_in_drafting_group")
        year.chair.change_stage(parts[cluster], "posted_to_group")


def _post(year: Year, label: str, key: str) -> None:
    report_id = year.ids["report:assessment"]
    part = _parts(year)[label]
    year.chair.change_stage(part, "posted_publicly")
    milestone = year.sec.create_milestone(report_id, f"Posted: {key}")
    consultation = year.sec.open_consultation(
        report_id,
        title=f"Comments on {key}",
        closes_at=moment("2005-05-15 23:59"),
        audiences=["observers", "public"],
        milestone_id=milestone.id,
        section_ids=[part],
        disclaimer=texts_papers.DISCLAIMER,
    )
    year.ids[f"consultation:{label}"] = consultation.id


def chapeau_posted(year: Year) -> None:
    report_id = year.ids["report:assessment"]
    year.chair.update_report(report_id, disclaimer=texts_papers.DISCLAIMER)
    year.chair.set_public(report_id)
    _post(year, "Chapeau", "the chapeau paper")


def poster(label: str) -> Scene:
    when = next(w for w, c in POSTINGS if c == label)
    return Scene(
        when,
        f"Cluster {label} assessment posted",
        lambda year: _post(year, label, f"the cluster {label} assessment"),
    )


def third_meeting(year: Year) -> None:
    """18-20 April: the outline of the Final Report aligned with the terms of reference."""
    outline_id = year.ids["report:outline"]
    meeting = year.chair.open_meeting(
        outline_id,
        title="Third meeting",
        venue="Palais des Nations, Geneva",
        starts_on=date(2005, 4, 18),
        ends_on=date(2005, 4, 20),
        first_session="closed",
    )
    year.ids["meeting:third"] = meeting.id
    session = year.chair.list_sessions(meeting.id)[0]
    year.chair.change_stage(_parts(year)["4"], "left_out")
    outline = year.chair.get_report(outline_id)
    chapters = {e.heading: e for e in outline.outline}
    insert: dict[str, Any] = {
        "operation": "insert",
        "parent_id": None,
        "after_id": chapters["Introduction"].id,
        "section_kind": "chapter",
        "label": "",
        "heading": "Principles",
        "text": "The general principles that guided the development of the Internet, and the "
        "principles of the Summit that guided the group.\n",
    }
    rename: dict[str, Any] = {
        "operation": "rename",
        "section_id": chapters["Proposals for action"].id,
        "label": "IV",
        "heading": "Proposals for action, as appropriate",
    }
    proposals = ((year.member(2).handle, insert), (year.member(11).handle, rename))
    for handle, operands in proposals:
        amendment = year.as_(handle).propose_structure(
            outline_id,
            kind="substantive",
            rationale="Align with the terms of reference.",
            **operands,
        )
        year.chair.put_on_floor(amendment.id)
        year.chair.adopt(amendment.id)
    year.sec.write_summary(
        session.id,
        "The group revised the outline of its Final Report, asked the Secretariat to draft "
        "an introduction with the principles that guided the group, agreed that the "
        "definition should be descriptive, and discussed the process functions.",
    )
    year.chair.publish_summary(session.id)
    year.chair.close_meeting(meeting.id)


def process_functions(year: Year) -> None:
    """After the meeting: the questionnaire, internal and public versions (9 May)."""
    body = {
        **texts.PROCESS_FUNCTIONS,
        "report_id": year.ids["report:outline"],
        "deadline": moment("2005-05-31 23:59").isoformat(),
    }
    made = year.sec.create_questionnaire(year.ids["group"], body)
    year.ids["questionnaire:process"] = made.id


def internal_replies(year: Year) -> None:
    qid = year.ids["questionnaire:process"]
    questions = year.sec.get_questionnaire(qid).questions
    order, forum, oversight = (str(q.id) for q in questions)
    options = questions[0].options
    for n, person in enumerate(year.members()[::3] + year.members()[1::3][:11]):
        year.clock.advance(hours=7)
        answers = {
            order: options[n % 4 :] + options[: n % 4],
            forum: ["Yes", "Yes", "Not sure"][n % 3],
            oversight: texts.OVERSIGHT_VIEWS[n % 4],
        }
        year.as_(person.handle).answer_questionnaire(qid, answers, submit=True)


def public_replies(year: Year) -> None:
    """From 9 May: four governments and seven observers reply through public links."""
    qid = year.ids["questionnaire:process"]
    questions = year.sec.get_questionnaire(qid).questions
    order, forum, oversight = (str(q.id) for q in questions)
    options = questions[0].options
    respondents = [
        (f"Government of {p} (fictional)", "government") for p in texts_papers.PLACES[:4]
    ]
    respondents += [(f"WSIS observer {n} (fictional)", "civil_society") for n in range(1, 8)]
    for n, (organisation, category) in enumerate(respondents):
        link = year.sec.issue_link(qid, organisation=organisation, category=category)
        year.clock.advance(hours=9)
        reply = year.public.public_reply(
            link.code,
            {
                "name": f"Respondent for {organisation}",
                "organisation": organisation,
                "answers": {
                    order: options[::-1] if n % 2 else options,
                    forum: "Yes",
                    oversight: texts.OVERSIGHT_VIEWS[(n + 1) % 4],
                },
                "submit": True,
            },
        )
        year.sec.moderate_reply(reply.id, "publish")


def assessment_comments(year: Year) -> None:
    """Until 15 May: four governments, twenty-three WSIS observers, seven other parties."""
    bodies = texts_papers.COMMENTS
    labels = ("Chapeau", "1.a", "1.b", "2", "3")
    commenters = [(f"Government of {p} (fictional)", "government") for p in texts_papers.PLACES[:4]]
    commenters += [(f"WSIS observer {n} (fictional)", "intergovernmental") for n in range(1, 24)]
    commenters += [(f"Organisation {n} (fictional)", "private_sector") for n in range(36, 43)]
    for n, (organisation, category) in enumerate(commenters):
        year.clock.advance(hours=2)
        year.public.public_comment(
            year.ids[f"consultation:{labels[n % len(labels)]}"],
            bodies[n % len(bodies)],
            name=f"For {organisation}",
            category=category,
            organisation=organisation,
        )


def summary(year: Year) -> None:
    """1 June: closed; the replies shared with members, the Secretariat's summary."""
    qid = year.ids["questionnaire:process"]
    year.sec.share_replies(qid)
    year.sec.set_narrative(
        qid,
        "A majority of members, representing all points of view, replied to the internal "
        "version; four governments and seven observers replied to the public version. "
        "There is broad support for a forum function; views on oversight differ.",
    )


SCENES = [
    Scene("2005-03-01 10:00", "Five pairs of co-leads for the cluster papers", co_leads),
    Scene("2005-03-14 09:00", "The cluster papers drafted and agreed", draft_clusters),
    Scene("2005-04-03 10:00", "The chapeau paper posted", chapeau_posted),
    *(poster(label) for _when, label in POSTINGS),
    Scene("2005-04-18 10:00", "Third meeting: the outline revised", third_meeting),
    Scene("2005-04-21 09:00", "Comments on the assessment papers", assessment_comments),
    Scene("2005-04-25 10:00", "The process-functions questionnaire", process_functions),
    Scene("2005-04-26 09:00", "Members reply to the questionnaire", internal_replies),
    Scene("2005-05-09 10:00", "Public version: replies from stakeholders", public_replies),
    Scene("2005-06-01 10:00", "The questionnaire's summary", summary),
]

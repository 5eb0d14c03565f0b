"""December 2004 - February 2005: drafting groups on the issues write the draft working
papers, which are posted publicly with the disclaimer for comment (seven governments, eight
observers and thirty-five other parties), and disposed of by the Secretariat."""

from __future__ import annotations

from app.demo_year import texts_papers as texts
from app.demo_year.stage import Scene, Year, YearBroken, moment


def drafting_groups(year: Year) -> None:
    """16 December: the papers' report, one drafting group per theme, each paper assigned."""
    report = year.sec.import_report(
        year.ids["group"],
        texts.papers_markdown(),
        title="Draft Working Papers on Internet Governance Issues",
        symbol="WGIG/2005/WP",
    )
    year.ids["report:papers"] = report.id
    chapters = [e for e in report.outline if e.depth == 0][1:]  # after the introduction
    members = year.members()
    n = 0
    for g, (name, papers) in enumerate(texts.GROUPS):
        team = [members[(g * 6 + k) % len(members)] for k in range(5)]
        made = year.chair.create_drafting_group(
            year.ids["group"],
            name=f"Drafting team: {name}",
            member_ids=[p.id for p in team],
            co_lead_ids=[team[0].id, team[1].id],
        )
        year.ids[f"drafting_group:papers.{g}"] = made.id
        for _paper in papers:
            year.chair.assign_section(made.id, chapters[n].id)
            n += 1


def draft_papers(year: Year) -> None:
    """January: the co-leads write each paper; a team member's change accepted in the team."""
    report = year.sec.get_report(year.ids["report:papers"])
    chapters = [e for e in report.outline if e.depth == 0][1:]
    members = year.members()
    n = 0
    for g, (_name, papers) in enumerate(texts.GROUPS):
        lead = year.as_(members[(g * 6) % len(members)].handle)
        for _issue, what, who, finding in papers:
            year.clock.advance(hours=9)
            lead.write_version(
                chapters[n].id, base_version=1, text=texts.paper_text(what, who, finding)
            )
            n += 1
    teammate = year.as_(members[1].handle)
    first = chapters[0].id
    head = teammate.get_section(first)
    if head.head is None:
        raise YearBroken(f"section {head.id} has no text")
    change = teammate.propose(
        first,
        base_version=head.head_version,
        kind="substantive",
        text=head.head.text.replace("in one region,", "in one region, all of them volunteers,"),
        rationale="Say who the operators are.",
    )
    year.as_(members[0].handle).decide_in_group(change.id, accept=True)


def agree_papers(year: Year) -> None:
    """Late January: each team agrees its papers; the group reviews them."""
    report = year.sec.get_report(year.ids["report:papers"])
    chapters = [e for e in report.outline if e.depth == 0][1:]
    members = year.members()
    n = 0
    for g, (_name, papers) in enumerate(texts.GROUPS):
        lead = year.as_(members[(g * 6) % len(members)].handle)
        for _paper in papers:
            lead.change_stage(chapters[n].id, "agreed_in_drafting_group")
            year.chair.change_stage(chapters[n].id, "posted_to_group")
            n += 1


def post_papers(year: Year) -> None:
    """1-4 February: posted on the web site with the disclaimer, open for comment."""
    report_id = year.ids["report:papers"]
    report = year.sec.get_report(report_id)
    for entry in [e for e in report.outline if e.depth == 0][1:]:
        year.clock.advance(minutes=10)
        year.chair.change_stage(entry.id, "posted_publicly")
    year.chair.update_report(report_id, disclaimer=texts.DISCLAIMER)
    year.chair.set_public(report_id)
    milestone = year.sec.create_milestone(report_id, "Draft working papers, February 2005")
    consultation = year.sec.open_consultation(
        report_id,
        title="Comments on the draft working papers",
        closes_at=moment("2005-02-13 23:59"),
        audiences=["observers", "public"],
        milestone_id=milestone.id,
        disclaimer=texts.DISCLAIMER,
    )
    year.ids["milestone:papers"] = milestone.id
    year.ids["consultation:papers"] = consultation.id


def comments(year: Year) -> None:
    """2-13 February: seven governments, eight observers, thirty-five other parties."""
    cid = year.ids["consultation:papers"]
    report = year.public.get_report(year.ids["report:papers"])
    papers = [e.id for e in report.outline if e.depth == 0][1:]
    bodies = texts.COMMENTS
    for n, place in enumerate(texts.PLACES):
        year.clock.advance(hours=3)
        year.public.public_comment(
            cid,
            bodies[n % len(bodies)],
            name=f"Delegation of {place}",
            category="government",
            organisation=f"Government of {place} (fictional)",
            publish_name=True,
            section_id=papers[(n * 3) % len(papers)],
        )
    for n in range(1, 9):
        year.clock.advance(hours=2)
        year.as_(f"Observer {n}").comment(
            cid, bodies[(n + 3) % len(bodies)], section_id=papers[(n * 5) % len(papers)]
        )
    for n in range(35):
        year.clock.advance(hours=1)
        year.public.public_comment(
            cid,
            bodies[(n + 7) % len(bodies)],
            name=f"Respondent {n + 1} (fictional)",
            category=texts.OTHER_CATEGORIES[n % 3],
            organisation=f"Organisation {n + 1} (fictional)",
            section_id=papers[(n * 7) % len(papers)],
        )


SCENES = [
    Scene("2004-12-16 10:00", "Drafting teams formed on the issues", drafting_groups),
    Scene("2005-01-10 09:00", "The draft working papers written", draft_papers),
    Scene("2005-01-28 10:00", "Papers agreed and reviewed by the group", agree_papers),
    Scene("2005-02-01 09:00", "Draft working papers posted for comment", post_papers),
    Scene("2005-02-02 09:00", "Comments on the draft working papers", comments),
]

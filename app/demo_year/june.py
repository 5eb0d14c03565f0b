"""14-18 June 2005: open consultations at the ITU, then the Château de Bossey: the
Secretariat's document becomes the Background Report, drafting groups write the Final
Report's chapters, the four oversight models are kept side by side, the plenary reviews the
text live through the night and puts the Final Report to bed at about 01:30 on 18 June."""

from __future__ import annotations

from datetime import date

from app.client import PlenaryClient
from app.demo_year import texts_june as texts
from app.demo_year.stage import Scene, Year, YearBroken


def _entries(year: Year, report_key: str) -> dict[str, int]:
    """The report's parts by label ("II", "A", "Annex") and by heading."""
    report = year.sec.get_report(year.ids[report_key])
    found: dict[str, int] = {}
    for entry in report.outline:
        found.setdefault(entry.label or entry.heading, entry.id)
        found.setdefault(entry.heading, entry.id)
    return found


def _change(client: PlenaryClient, section_id: int, old: str, new: str) -> tuple[int, str]:
    section = client.get_section(section_id)
    if section.head is None or old not in section.head.text:
        raise YearBroken(f"section {section_id}: {old!r} is not in the text")
    return section.head_version, section.head.text.replace(old, new, 1)


def secretariat_document(year: Year) -> None:
    """6 June: the Secretariat's document, with the questionnaire's summary as its annex."""
    report = year.sec.import_report(
        year.ids["group"],
        texts.SECRETARIAT,
        title="Draft report: the Secretariat's document (June 2005)",
        symbol="WGIG/2005/SEC",
    )
    year.ids["report:secretariat"] = report.id
    year.sec.import_questionnaire_summary(
        year.ids["questionnaire:process"], into="section", report_id=report.id
    )


def consultations_at_the_itu(year: Year) -> None:
    meeting = year.chair.open_meeting(
        year.ids["report:secretariat"],
        title="Fourth meeting: open consultations and opening session",
        venue="ITU headquarters, Geneva; Château de Bossey",
        starts_on=date(2005, 6, 14),
        ends_on=date(2005, 6, 14),
        first_session="open_consultation",
    )
    year.ids["meeting:fourth.open"] = meeting.id
    session = year.chair.list_sessions(meeting.id)[0]
    year.chair.name_captioner(meeting.id, year.pid("The Secretariat"))
    for handle in ("Observer 2", "Observer 8", "Member 30"):
        year.as_(handle).ask_for_floor(session.id)
        year.chair.give_floor(session.id)
        year.sec.caption(session.id, "A speaker commented on the Secretariat's document.")
        year.clock.advance(minutes=8)
        year.chair.end_speech(session.id)
    year.chair.end_session(session.id)


def opening_session(year: Year) -> None:
    """Evening, Bossey: a short Final Report; the Secretariat's document as the Background
    Report; the introduction and the definition approved by the whole group."""
    meeting = year.ids["meeting:fourth.open"]
    session = year.chair.schedule_session(
        meeting, "closed", title="Opening session, Bossey", start=True
    )
    parts = _entries(year, "report:secretariat")
    for key in ("Introduction", "I"):
        year.chair.change_stage(parts[key], "approved")
    year.sec.write_summary(
        session.id,
        "The group decided to write a short Final Report for high-level policy-makers and to "
        "present the Secretariat's document as a Background Report. It approved the "
        "introduction and the chapter on the working definition, and set up working groups.",
    )
    year.chair.publish_summary(session.id)
    year.chair.close_meeting(meeting)
    source = year.ids["report:secretariat"]
    every = [e.id for e in year.sec.get_report(source).outline]
    background = year.sec.derive_report(
        source, title="Background Report", symbol="WGIG/2005/BR", section_ids=every
    )
    year.ids["report:background"] = background.id
    final = year.sec.derive_report(
        source,
        title="Report of the Working Group on Internet Governance",
        symbol="WGIG/2005/FINAL",
        section_ids=[parts["Introduction"], parts["I"]],
    )
    year.ids["report:final"] = final.id


def working_groups(year: Year) -> None:
    """15 June: the Final Report's chapters, each with its working group."""
    final = year.ids["report:final"]
    parts = _entries(year, "report:final")
    for key, text in (("Introduction", texts.FINAL_INTRODUCTION), ("I", texts.FINAL_DEFINITION)):
        year.sec.write_version(parts[key], base_version=1, text=text)
    chapters = {
        key: year.sec.add_section(final, kind="chapter", label=key, heading=heading)
        for key, (heading, _group, _text) in texts.CHAPTERS.items()
    }
    proposals = year.sec.add_section(
        final, kind="chapter", label="IV", heading="Proposals for action", text=texts.IV_INTRO
    )
    sections = {
        key: year.sec.add_section(
            final, kind="section", label=key, heading=heading, parent_id=proposals.id
        )
        for key, (heading, _group, _text) in texts.SECTIONS.items()
    }
    names = [p.name for p in year.members()]
    year.sec.add_section(
        final, kind="annex", label="Annex", heading="Members of the group", text=texts.annex(names)
    )
    meeting = year.chair.open_meeting(
        final,
        title="Fourth meeting, Château de Bossey",
        venue="Château de Bossey",
        starts_on=date(2005, 6, 15),
        ends_on=date(2005, 6, 17),
        first_session="closed",
    )
    year.ids["meeting:fourth"] = meeting.id
    members = year.members()
    every = {**texts.CHAPTERS, **texts.SECTIONS}
    placed = {**chapters, **sections}
    for n, (key, (_heading, group, _text)) in enumerate(every.items()):
        team = [members[(n * 7 + k) % len(members)] for k in range(8)]
        made = year.chair.create_drafting_group(
            year.ids["group"],
            name=f"Bossey: {group}",
            member_ids=[p.id for p in team],
            co_lead_ids=[team[0].id, team[1].id],
        )
        year.ids[f"drafting_group:final.{key}"] = made.id
        year.chair.assign_section(made.id, placed[key].id)


def drafting(year: Year) -> None:
    """15-16 June: the working groups draft; the Secretariat keeps the drafts together."""
    parts = _entries(year, "report:final")
    members = year.members()
    every = {**texts.CHAPTERS, **texts.SECTIONS}
    for n, (key, (_heading, _group, text)) in enumerate(every.items()):
        lead = year.as_(members[(n * 7) % len(members)].handle)
        year.clock.advance(hours=3)
        lead.write_version(parts[key], base_version=1, text=text)
        year.as_(members[(n * 7 + 1) % len(members)].handle).change_stage(
            parts[key], "agreed_in_drafting_group"
        )
        year.chair.change_stage(parts[key], "posted_to_group")


def four_models(year: Year) -> None:
    """16 June: four ad hoc groups, one model each: alternatives to one sentence."""
    part = _entries(year, "report:final")["B"]
    first: int | None = None
    for n, model in enumerate(texts.MODELS):
        proposer = year.as_(year.member(20 + n).handle)
        base, text = _change(proposer, part, texts.MODELS_ANCHOR, model)
        made = proposer.propose(
            part,
            base_version=base,
            kind="substantive",
            text=text,
            rationale=f"Ad hoc group {n + 1}.",
            alternative_to=first,
        )
        first = first or made.id
        year.ids[f"amendment:model.{n + 1}"] = made.id


def final_plenary(year: Year) -> None:
    """17 June, afternoon: the group re-assembles in plenary to review the text."""
    meeting = year.ids["meeting:fourth"]
    for listed in year.chair.list_sessions(meeting):
        if listed.status == "in_progress":
            year.chair.end_session(listed.id)
    session = year.chair.schedule_session(
        meeting, "closed", title="Plenary: the Final Report", start=True
    )
    year.ids["session:final"] = session.id
    for person in year.voters():
        year.sec.check_in(session.id, person.id)
    year.chair.add_agenda_item(session.id, "amendment_list", "Amendments from the floor")
    year.chair.take_up_item(session.id)
    part = _entries(year, "report:final")["B"]
    models = [year.ids[f"amendment:model.{n}"] for n in range(1, 5)]
    point = year.chair.adopt_as_brackets(part, models)
    year.chair.keep_open_point(point.id, note=texts.KEPT_NOTE)


def through_the_night(year: Year) -> None:
    """Text polished on the projector, one amendment after another."""
    session = year.ids["session:final"]
    parts = _entries(year, "report:final")
    for key, old, new, member in texts.FLOOR:
        proposer = year.as_(year.member(member).handle)
        base, text = _change(proposer, parts[key], old, new)
        made = proposer.propose(parts[key], base_version=base, kind="substantive", text=text)
        year.chair.put_on_floor(made.id)
        year.chair.project(session, "floor")
        year.clock.advance(minutes=35)
        year.chair.adopt(made.id)
    key, old, new, member = texts.NIGHT
    proposer = year.as_(year.member(member).handle)
    base, text = _change(proposer, parts[key], old, new)
    made = proposer.propose(
        parts[key],
        base_version=base,
        kind="substantive",
        text=text,
        rationale="Say where the resources come from.",
    )
    year.ids["amendment:night"] = made.id
    year.chair.put_on_floor(made.id)
    year.chair.project(session, "floor")


def live_redraft(year: Year) -> None:
    """22:50: the Secretariat reshapes the wording on the wall as members speak."""
    amendment = year.ids["amendment:night"]
    current = year.sec.get_amendment(amendment).proposed_text
    year.sec.revise_draft(amendment, text=current.replace(texts.NIGHT[2], texts.NIGHT_REDRAFT))


def last_amendment(year: Year) -> None:
    """The chair adopts the revision on the wall (read fresh: the draft moved)."""
    year.chair.get_amendment(year.ids["amendment:night"])
    year.chair.adopt(year.ids["amendment:night"])


def approvals(year: Year) -> None:
    """Past midnight: every part approved by the plenary."""
    report = year.chair.get_report(year.ids["report:final"])
    for entry in report.outline:
        if entry.depth == 0:
            year.chair.change_stage(entry.id, "approved")


def put_to_bed(year: Year) -> None:
    """About 01:30, Saturday 18 June: adopted; editorial changes for about a week."""
    year.chair.adopt_report(year.ids["report:final"], window_days=10)


SCENES = [
    Scene("2005-06-06 10:00", "The Secretariat's document", secretariat_document),
    Scene(
        "2005-06-14 10:00",
        "Fourth meeting: open consultations at the ITU",
        consultations_at_the_itu,
    ),
    Scene("2005-06-14 20:00", "Bossey: the opening session", opening_session),
    Scene("2005-06-15 09:00", "Bossey: working groups on the chapters", working_groups),
    Scene("2005-06-15 10:00", "Bossey: the chapters drafted", drafting),
    Scene("2005-06-16 16:00", "Bossey: four models of oversight", four_models),
    Scene("2005-06-17 16:00", "The plenary re-assembles: models kept side by side", final_plenary),
    Scene("2005-06-17 19:00", "Through the night: amendments on the projector", through_the_night),
    Scene("2005-06-17 22:50", "A wording redrafted live", live_redraft),
    Scene("2005-06-17 23:20", "The last amendment adopted", last_amendment),
    Scene("2005-06-18 01:10", "Every part approved", approvals),
    Scene("2005-06-18 01:30", "The Final Report put to bed", put_to_bed),
]

"""The editorial week and after (18 June - 5 July 2005): editorial fixes, one accepted by
every voter and one waited out; one change of substance that draws an objection, resolved by
a revised wording that every voting member consents to; transmission on 5 July 2005 and the
certificate."""

from __future__ import annotations

from app.demo_year import texts_june as texts
from app.demo_year.stage import Scene, Year, YearBroken


def _part(year: Year, key: str) -> int:
    report = year.sec.get_report(year.ids["report:final"])
    return next(e.id for e in report.outline if e.label == key)


def _propose(year: Year, handle: str, key: str, old: str, new: str, kind: str) -> int:
    client = year.as_(handle)
    section = client.get_section(_part(year, key))
    if section.head is None or old not in section.head.text:
        raise YearBroken(f"{key}: {old!r} is not in the text")
    made = client.propose(
        section.id,
        base_version=section.head_version,
        kind=kind,
        text=section.head.text.replace(old, new, 1),
        rationale="Read in hard copy." if kind == "editorial" else "A point of substance.",
    )
    return made.id


def editorial_fixes(year: Year) -> None:
    """20 June: a misspelling, which every voting member accepts at once; a comma, left to
    its notice."""
    typo = _propose(year, "The Secretariat", "III", *texts.TYPO, kind="editorial")
    year.ids["amendment:typo"] = typo
    for person in year.voters():
        year.clock.advance(minutes=9)
        year.as_(person.handle).consent(typo)
    comma = _propose(year, "Member 16", "A", *texts.PUNCTUATION, kind="editorial")
    year.ids["amendment:comma"] = comma


def notice_over(year: Year) -> None:
    """The comma's notice ended with nobody calling it substance: it applied."""
    if year.chair.get_amendment(year.ids["amendment:comma"]).status != "adopted":
        raise YearBroken("the comma's notice ran out without adopting it")


def substance(year: Year) -> None:
    """23 June: a change of substance opens a consent round; one member objects."""
    key, old, new = texts.SUBSTANCE
    amendment = _propose(year, "Member 15", key, old, new, kind="substantive")
    year.ids["amendment:substance"] = amendment
    for person in year.members()[:10]:
        if person.handle not in ("Member 15", "Member 22"):
            year.as_(person.handle).consent(amendment)
    year.as_("Member 22").object(amendment, texts.SUBSTANCE_OBJECTION)


def resolved(year: Year) -> None:
    """24 June: the proposer revises the wording; the objector and every voter consent."""
    old, new = texts.SUBSTANCE_RESOLVED
    proposer = year.as_("Member 15")
    current = proposer.get_amendment(year.ids["amendment:substance"])
    section = proposer.get_section(current.section_id)
    if section.head is None:
        raise YearBroken(f"section {section.id} has no text")
    revised = proposer.revise(current.id, text=section.head.text.replace(old, new, 1))
    year.ids["amendment:resolved"] = revised.id
    for n, person in enumerate(year.voters()):
        year.clock.advance(minutes=13)
        voter = year.as_(person.handle)
        if n % 9 == 4:
            voter.stand_aside(revised.id, "I can live with it.")
        else:
            voter.consent(revised.id)


def transmitted(year: Year) -> None:
    """5 July 2005: transmitted to the Secretary-General; the certificate sealed."""
    final = year.ids["report:final"]
    year.chair.set_public(final)  # published with the Background Report
    year.chair.set_public(year.ids["report:background"])
    year.chair.transmit_report(final)
    if year.chair.certificate_exports(final) is None:
        year.chair.seal_certificate(final)


SCENES = [
    Scene("2005-06-20 10:00", "Editorial week: fixes read in hard copy", editorial_fixes),
    Scene("2005-06-23 09:00", "A notice waited out", notice_over),
    Scene("2005-06-23 10:00", "A change of substance draws an objection", substance),
    Scene("2005-06-24 10:00", "The objection resolved; unanimous consent", resolved),
    Scene("2005-07-05 11:00", "Transmitted to the Secretary-General; the certificate", transmitted),
]

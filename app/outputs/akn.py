"""Akoma Ntoso 3.0 (OASIS LegalDocML): a report as a `doc`, its amendments as an
`amendmentList` of `amendment` documents.

The report's outline becomes nested `hcontainer`s (name: chapter, section, subsection, box,
annex) and its numbered paragraphs `paragraph`s; annexes at the top of the outline become
`attachments`. eIds are stable across versions: `sec_<section id>` and
`sec_<section id>__para_<n>` (n: the paragraph's place within its section), so a paragraph
keeps its eId when other sections change. The manifestation date is the expression date, so
the same snapshot always gives the same bytes."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import datetime

from app.outputs.snapshot import (
    AmendmentListSnapshot,
    ReportSnapshot,
    paragraphs,
    section_eid,
    xml_safe,
)
from app.text.outline import Placed
from app.text.render import Notes

NAMESPACE = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
COUNTRY = "un"  # FRBRcountry: the United Nations system, as in UN documents in Akoma Ntoso
LANGUAGE = "eng"
_SLUG = re.compile(r"[^a-z0-9]+")


def _slug(text: str) -> str:
    return _SLUG.sub("-", text.lower()).strip("-")[:60] or "report"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = xml_safe(text)
    return element


def _inline(parent: ET.Element, text: str) -> None:
    """Text with its line breaks as <br/> (Markdown's hard breaks inside a paragraph)."""
    lines = xml_safe(text).split("\n")
    parent.text = lines[0]
    for line in lines[1:]:
        br = ET.SubElement(parent, "br")
        br.tail = line


def _p(parent: ET.Element, text: str, **attrs: str) -> ET.Element:
    p = _sub(parent, "p", **attrs)
    _inline(p, text)
    return p


def _day(moment: datetime) -> str:
    return moment.date().isoformat()


def _identification(
    meta: ET.Element,
    *,
    work: str,
    version: str,
    date: datetime,
    created: datetime,
    component: str = "main",
) -> None:
    """FRBR work (dated by its creation), expression (with the version and the date the text
    stood) and manifestation (dated as its expression, so a snapshot gives the same bytes)."""
    day = _day(date)
    expression = f"{work}/{LANGUAGE}@{day}"
    ident = _sub(meta, "identification", source="#plenary")
    frbr_work = _sub(ident, "FRBRWork")
    _sub(frbr_work, "FRBRthis", value=f"{work}/!{component}")
    _sub(frbr_work, "FRBRuri", value=work)
    _sub(frbr_work, "FRBRdate", date=_day(created), name="creation")
    _sub(frbr_work, "FRBRauthor", href="#group")
    _sub(frbr_work, "FRBRcountry", value=COUNTRY)
    frbr_expression = _sub(ident, "FRBRExpression")
    _sub(frbr_expression, "FRBRthis", value=f"{expression}/!{component}")
    _sub(frbr_expression, "FRBRuri", value=expression)
    _sub(frbr_expression, "FRBRdate", date=day, name=version)
    _sub(frbr_expression, "FRBRauthor", href="#group")
    _sub(frbr_expression, "FRBRversionNumber", value=version)
    _sub(frbr_expression, "FRBRlanguage", language=LANGUAGE)
    manifestation = _sub(ident, "FRBRManifestation")
    _sub(manifestation, "FRBRthis", value=f"{expression}/!{component}.xml")
    _sub(manifestation, "FRBRuri", value=f"{expression}.akn")
    _sub(manifestation, "FRBRdate", date=day, name="generation")
    _sub(manifestation, "FRBRauthor", href="#plenary")


def _meta(
    parent: ET.Element,
    snapshot: ReportSnapshot,
    *,
    work: str,
    component: str = "main",
    with_references: bool = True,
    created: datetime | None = None,
) -> None:
    meta = _sub(parent, "meta")
    _identification(
        meta,
        work=work,
        version=snapshot.version,
        date=snapshot.date,
        created=created or snapshot.created,
        component=component,
    )
    if with_references:
        references = _sub(meta, "references", source="#plenary")
        _sub(
            references,
            "TLCOrganization",
            eId="group",
            href=f"/ontology/organization/{_slug(snapshot.group_name)}",
            showAs=xml_safe(snapshot.group_name) or "group",
        )
        _sub(
            references,
            "TLCOrganization",
            eId="plenary",
            href="/ontology/organization/plenary",
            showAs="plenary",
        )


def report_work(snapshot: ReportSnapshot) -> str:
    return f"/akn/{COUNTRY}/doc/report/{_day(snapshot.created)}/{snapshot.report_id}"


def _preface(parent: ET.Element, snapshot: ReportSnapshot, title: str) -> None:
    info = snapshot.info
    preface = _sub(parent, "preface")
    _sub(_sub(preface, "p", **{"class": "title"}), "docTitle", title)
    if info.symbol:
        _sub(_sub(preface, "p", **{"class": "symbol"}), "docNumber", info.symbol)
    _sub(_sub(preface, "p", **{"class": "stage"}), "docStatus", snapshot.stage)
    if info.caption:
        _p(preface, info.caption, **{"class": "caption"})
    if info.disclaimer:
        _p(preface, info.disclaimer, **{"class": "disclaimer"})


def _container(parent: ET.Element, placed: Placed, notes: Notes) -> ET.Element:
    node = placed.node
    element = _sub(parent, "hcontainer", eId=section_eid(node.id), name=node.kind)
    if node.label:
        _sub(element, "num", node.label)
    if node.heading:
        _sub(element, "heading", node.heading)
    for paragraph in paragraphs(placed):
        if paragraph.number is None:
            _sub(element, "crossHeading", paragraph.text, eId=paragraph.eid)
            continue
        para = _sub(element, "paragraph", eId=paragraph.eid)
        _sub(para, "num", f"{paragraph.number}.")
        text = _p(_sub(para, "content"), paragraph.text)
        for mark in notes.marks(paragraph.number):
            # A reservation: a footnote of the paragraph, printed at the bottom of the page.
            note = _sub(
                text,
                "authorialNote",
                eId=f"{paragraph.eid}__authorialNote_{mark}",
                marker=str(mark),
                placement="bottom",
                **{"class": "reservation"},
            )
            _p(note, notes.listed[mark - 1][1])
    return element


def _body(
    parent: ET.Element,
    sections: Sequence[Placed],
    notes: Notes,
    *,
    detach_annexes: bool = True,
) -> list[Placed]:
    """Nest the outline under `parent`; returns the top-level annexes, which go to attachments."""
    annexes: list[Placed] = []
    stack: list[tuple[int, ET.Element]] = [(-1, parent)]
    in_annex = False
    for placed in sections:
        if placed.depth == 0:
            in_annex = detach_annexes and placed.node.kind == "annex"
            if in_annex:
                annexes.append(placed)
                continue
        if in_annex:
            continue
        while stack[-1][0] >= placed.depth:
            stack.pop()
        stack.append((placed.depth, _container(stack[-1][1], placed, notes)))
    return annexes


def report_to_akn(snapshot: ReportSnapshot) -> bytes:
    root = ET.Element("akomaNtoso", xmlns=NAMESPACE)
    doc = _sub(root, "doc", name="report")
    work = report_work(snapshot)
    _meta(doc, snapshot, work=work)
    _preface(doc, snapshot, snapshot.info.title)
    body = _sub(doc, "mainBody")
    notes = Notes(snapshot.info.footnotes)
    annexes = _body(body, snapshot.sections, notes)
    if len(body) == 0:  # the schema wants some content: a report with no sections yet
        _sub(body, "p", **{"class": "empty"})
    if annexes:
        attachments = _sub(doc, "attachments")
        for index, members in enumerate(_annex_trees(snapshot.sections, annexes), start=1):
            attachment = _sub(attachments, "attachment", eId=f"att_{index}")
            annex_doc = _sub(attachment, "doc", name="annex")
            _meta(
                annex_doc,
                snapshot,
                work=work,
                component=f"annex_{members[0].node.id}",
                with_references=False,
            )
            _body(_sub(annex_doc, "mainBody"), members, notes, detach_annexes=False)
    return _serialise(root)


def _annex_trees(sections: Sequence[Placed], annexes: Sequence[Placed]) -> list[list[Placed]]:
    """Each top-level annex with the sections under it, in outline order."""
    starts = {placed.node.id for placed in annexes}
    trees: list[list[Placed]] = []
    current: list[Placed] | None = None
    for placed in sections:
        if placed.depth == 0:
            current = [placed] if placed.node.id in starts else None
            if current is not None:
                trees.append(current)
        elif current is not None:
            current.append(placed)
    return trees


def _serialise(root: ET.Element) -> bytes:
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data


# --- amendment list ------------------------------------------------------------------------


def _component_eid(amendment_id: int) -> str:
    return f"cmp_{amendment_id}"


# Moved text is marked as moved (Akoma Ntoso has no inline move: a classed span), a
# structural amendment's section titles as such.
_MARKED = {"move_from": "movedFrom", "move_to": "movedTo", "title": "section"}


def amendments_to_akn(snapshot: AmendmentListSnapshot) -> bytes:
    report = snapshot.report
    root = ET.Element("akomaNtoso", xmlns=NAMESPACE)
    listing = _sub(root, "amendmentList", name="amendmentList")
    work = f"/akn/{COUNTRY}/amendmentList/{_day(report.created)}/report-{report.report_id}"
    _meta(listing, report, work=work)
    _preface(listing, report, f"Amendments to {report.info.title}")
    body = _sub(listing, "collectionBody")
    if not snapshot.amendments:
        # A collection holds at least one component: an empty list says so in words.
        empty = _sub(body, "component", eId="cmp_none")
        _p(_sub(empty, "interstitial", eId="cmp_none__interstitial"), "No amendments.")
    for entry in snapshot.amendments:
        attrs = {"eId": _component_eid(entry.id)}
        if entry.alternative_to is not None:
            attrs["alternativeTo"] = _component_eid(entry.alternative_to)
        component = _sub(body, "component", **attrs)
        amendment = _sub(component, "amendment", name="amendment")
        _meta(
            amendment,
            report,
            work=f"/akn/{COUNTRY}/amendment/{_day(entry.proposed_at)}/{entry.id}",
            with_references=False,
            created=entry.proposed_at,
        )
        preface = _sub(amendment, "preface")
        proposer = _sub(preface, "p", **{"class": "proposer"})
        proposer.text = "Proposed by "
        _sub(proposer, "docProponent", entry.proposer)
        status = _sub(preface, "p", **{"class": "status"})
        _sub(status, "docStatus", f"{entry.kind}, {entry.status}")
        amendment_body = _sub(amendment, "amendmentBody")
        heading = _sub(amendment_body, "amendmentHeading")
        _p(heading, f"Amendment {entry.id} ({entry.section_label})")
        content = _sub(amendment_body, "amendmentContent")
        _p(content, entry.instruction, **{"class": "instruction"})
        if entry.operation is not None:
            _p(content, entry.operation, **{"class": "operation"})
        change = _sub(content, "p", **{"class": "change"})
        last: ET.Element | None = None
        for op in entry.change:
            if op.op == "equal":
                text = xml_safe(op.text)
                if last is None:
                    change.text = (change.text or "") + text
                else:
                    last.tail = (last.tail or "") + text
            elif op.op in _MARKED:
                last = _sub(change, "span", op.text, **{"class": _MARKED[op.op]})
            else:
                last = _sub(change, "ins" if op.op == "insert" else "del", op.text)
        if entry.rationale:
            _p(_sub(amendment_body, "amendmentJustification"), entry.rationale)
    return _serialise(root)

"""PDF for the hard-copy read, typeset by Typst (the `typst` package bundles the compiler and
its fonts: it installs with pip alone, no system libraries, and typesets a long report while
the reader waits for the download).

The report goes to Typst as JSON data (`sys.inputs`), never spliced into Typst markup, so no
text of a report can run as Typst code. The template prints numbered paragraphs, the outline
as headings, boxes framed, the disclaimer while drafting, a header with title, stage and date,
a footer with "Page n of N", and on request line numbers restarting on each page (for "page
12, line 30" references)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import typst

from app.outputs.snapshot import ReportSnapshot, paragraphs, xml_safe
from app.text.markdown import join_heading

_TEMPLATE = r"""
#let data = json(bytes(sys.inputs.data))
#set document(title: data.title)
#set text(font: "Libertinus Serif", size: 11pt, lang: "en", hyphenate: false)
#set par(justify: true)
#set page(
  paper: "a4",
  margin: (x: 2.5cm, y: 2.5cm),
  header: [
    #set text(size: 9pt)
    #data.title #h(1fr) #data.stage, #data.date
  ],
  footer: context [
    #set text(size: 9pt)
    #h(1fr) Page #counter(page).display() of #counter(page).final().first() #h(1fr)
  ],
)
#set par.line(numbering: if data.line_numbers { "1" } else { none }, numbering-scope: "page")
#show heading: set text(font: "Libertinus Serif")
#align(center)[
  #text(size: 16pt, weight: "bold")[#data.title]
  #if data.symbol != "" [ \ #data.symbol ]
  \ #text(size: 10pt)[#data.stage, #data.date]
  #if data.caption != "" [ \ #text(size: 10pt)[(#data.caption)] ]
]
#if data.disclaimer != "" {
  block(stroke: 0.5pt, inset: 8pt, width: 100%)[#emph(data.disclaimer)]
}
#let para(p) = {
  if p.n == none {
    strong(p.t)
  } else {
    par(hanging-indent: 2.5em)[#box(width: 2.5em)[#p.n.]#p.t#for f in p.f { footnote(f) }]
  }
}
#for s in data.sections {
  if s.h != "" {
    heading(level: s.level, outlined: true, s.h)
  }
  for n in s.notes {
    block(text(size: 0.85em, style: "italic", n))
  }
  if s.box {
    block(stroke: 0.5pt, inset: 8pt, width: 100%, fill: luma(245))[
      #for p in s.p { para(p) }
    ]
  } else {
    for p in s.p { para(p) }
  }
}
"""


def _sections(snapshot: ReportSnapshot) -> Iterator[dict[str, Any]]:
    notes = snapshot.info.footnotes
    for placed in snapshot.sections:
        node = placed.node
        yield {
            "h": xml_safe(join_heading(node.label, node.heading)),
            "level": min(placed.depth + 1, 4),
            "notes": [xml_safe(note) for note in node.notes],
            "box": node.kind == "box",
            "p": [
                {
                    "n": p.number,
                    "t": xml_safe(p.text),
                    # Reservations, as the page's footnotes.
                    "f": [xml_safe(f) for f in notes.get(p.number, ())] if p.number else [],
                }
                for p in paragraphs(placed)
            ],
        }


def report_to_pdf(snapshot: ReportSnapshot, *, line_numbers: bool = False) -> bytes:
    info = snapshot.info
    data = {
        "title": xml_safe(info.title),
        "symbol": xml_safe(info.symbol),
        "stage": snapshot.stage,
        "date": snapshot.date.date().isoformat(),
        "caption": xml_safe(info.caption or ""),
        "disclaimer": xml_safe(info.disclaimer or ""),
        "line_numbers": line_numbers,
        "sections": list(_sections(snapshot)),
    }
    pdf = typst.compile(
        _TEMPLATE.encode("utf-8"),
        sys_inputs={"data": json.dumps(data, ensure_ascii=False)},
        ignore_system_fonts=True,
        # The PDF's own creation date is the date the text stood: same snapshot, same bytes.
        timestamp=int(snapshot.date.timestamp()),
    )
    return pdf

"""The compiled comments as Markdown, HTML and CSV. Pure: no database.

Nothing a commenter wrote is trusted: HTML escapes every field; Markdown escapes the
characters that would open HTML or Markdown markup; CSV quotes every cell and defuses
cells a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from html import escape

from app.consultations.schemas import CommentPublic, Compilation

COLUMNS = [
    "comment",
    "reply_to",
    "section_id",
    "paragraph",
    "quote",
    "outdated",
    "commenter",
    "organisation",
    "category",
    "text",
    "suggestion",
    "disposition",
    "response",
    "amendment",
    "amendment_status",
    "resulting_version",
]
# Inline only (every field follows "- Label: " on one line), so these are all that can open
# emphasis, links, code, raw HTML or an entity.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]!|<>&~])")


def _row(view: CommentPublic) -> list[str]:
    outcome = view.outcome
    return [
        str(view.id),
        "" if view.parent_id is None else str(view.parent_id),
        "" if view.anchor.section_id is None else str(view.anchor.section_id),
        "" if view.anchor.paragraph is None else str(view.anchor.paragraph),
        view.anchor.quote,
        "yes" if view.current is not None and view.current.outdated else "",
        view.commenter,
        view.organisation,
        "" if view.category is None else view.category.value,
        view.body,
        view.suggestion or "",
        "" if view.disposition is None else view.disposition.value,
        view.response,
        "" if outcome is None else str(outcome.amendment_id),
        "" if outcome is None else outcome.status.value,
        ""
        if outcome is None or outcome.resulting_version is None
        else str(outcome.resulting_version),
    ]


def _cell(value: str) -> str:
    # A cell starting with = + - @ (or a tab/CR) runs as a formula in spreadsheets.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def to_csv(views: Sequence[CommentPublic]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for view in views:
        writer.writerow([_cell(v) for v in _row(view)])
    return out.getvalue()


def _md(text: str) -> str:
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return escaped.replace("\n", " ")


def _where(view: CommentPublic) -> str:
    if view.anchor.section_id is None:
        return "General"
    if view.anchor.paragraph is None:
        return f"Section {view.anchor.section_id}"
    return f"Paragraph {view.anchor.paragraph}"


def to_markdown(summary: Compilation, disclaimer: str, views: Sequence[CommentPublic]) -> str:
    lines = [
        f"# Comments: {_md(summary.title)}",
        "",
        f"_{_md(disclaimer)}_",
        "",
        summary.sentence,
        "",
    ]
    for view in views:
        if view.parent_id is not None:
            continue
        lines.append(f"## Comment {view.id} ({_where(view)})")
        lines.append("")
        who = view.commenter if not view.organisation else f"{view.commenter}, {view.organisation}"
        lines.append(f"- From: {_md(who)}")
        if view.anchor.quote:
            outdated = " (outdated: the passage was rewritten)" if _outdated(view) else ""
            lines.append(f"- On: \u201c{_md(view.anchor.quote)}\u201d{outdated}")
        lines.append(f"- Comment: {_md(view.body)}")
        if view.suggestion:
            lines.append(f"- Suggested wording: {_md(view.suggestion)}")
        disposition = view.disposition.value.replace("_", " ") if view.disposition else "pending"
        lines.append(f"- Disposition: {disposition}")
        if view.response:
            lines.append(f"- Response: {_md(view.response)}")
        if view.outcome is not None:
            lines.append(f"- Amendment {view.outcome.amendment_id}: {view.outcome.status.value}")
        for reply in views:
            if reply.parent_id == view.id:
                lines.append(f"  - Reply from {_md(reply.commenter)}: {_md(reply.body)}")
        lines.append("")
    return "\n".join(lines)


def _outdated(view: CommentPublic) -> bool:
    return view.current is not None and view.current.outdated


def to_html(summary: Compilation, disclaimer: str, views: Sequence[CommentPublic]) -> str:
    head = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Comments: {escape(summary.title)}</title></head><body>",
        f"<h1>Comments: {escape(summary.title)}</h1>",
        f'<p class="disclaimer"><em>{escape(disclaimer)}</em></p>',
        f"<p>{escape(summary.sentence)}</p>",
        "<table><thead><tr>",
        *(f"<th>{escape(c)}</th>" for c in COLUMNS),
        "</tr></thead><tbody>",
    ]
    rows = [
        "<tr>" + "".join(f"<td>{escape(v)}</td>" for v in _row(view)) + "</tr>" for view in views
    ]
    return "\n".join([*head, *rows, "</tbody></table></body></html>", ""])

"""A report imported from Word: headings become the outline, and a report exported to Word
and imported again keeps its outline and its text."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import docx
import pytest
from fastapi.testclient import TestClient

from app.client import DOCX_MEDIA, PlenaryClient
from tests.factories import Room, make_room, ok
from tests.outputs.helpers import docx_outline, expected, export
from tests.outputs.test_report_outputs import REPORTS, _import


def _import_docx(
    client: TestClient, room: Room, data: bytes, query: str = "", expect: int = 201
) -> Any:
    response = client.post(
        f"/v1/groups/{room.group_id}/reports/import/docx{query}",
        content=data,
        headers={**room.secretariat.headers, "Content-Type": DOCX_MEDIA},
    )
    assert response.status_code == expect, response.text
    return response.json()


def _shape(report: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (e["kind"], e["label"], e["heading"], e["depth"], e["paragraph_count"])
        for e in report["outline"]
    ]


@pytest.mark.parametrize("name", list(REPORTS))
def test_docx_round_trip_keeps_the_outline_and_the_text(client: TestClient, name: str) -> None:
    room = make_room(client, members=1)
    original = _import(client, room, REPORTS[name], symbol="WGIG/2005/1")
    data = export(client, room, original["id"], "docx")
    again = _import_docx(client, room, data)
    assert (again["title"], again["symbol"], again["disclaimer"]) == (
        original["title"],
        original["symbol"],
        original["disclaimer"],
    )
    assert _shape(again) == _shape(original)
    assert expected(client, room, again).paragraphs == expected(client, room, original).paragraphs
    # And the text itself, in-text headings included, as the plain-text export shows it.
    assert export(client, room, again["id"], "text") == export(client, room, original["id"], "text")


def _word(*paragraphs: tuple[str, str]) -> bytes:
    document = docx.Document()
    for style, text in paragraphs:
        document.add_paragraph(text, style=style)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_word_file_written_by_a_drafting_group_imports(client: TestClient) -> None:
    room = make_room(client, members=1)
    data = _word(
        ("Title", "Report of the Working Group"),
        ("Heading 1", "I. Introduction"),
        ("Normal", "The group met four times."),
        ("Normal", "1. It heard all stakeholders."),
        ("Heading 2", "Box 1: Definitions"),
        ("Normal", "Internet governance is ..."),
        ("Heading 1", "Annex 1: Members"),
        ("Heading 4", "Government"),
        ("Normal", "Forty members."),
    )
    report = _import_docx(client, room, data, "?symbol=WG/2")
    assert (report["title"], report["symbol"]) == ("Report of the Working Group", "WG/2")
    assert [(e["kind"], e["label"], e["heading"]) for e in report["outline"]] == [
        ("chapter", "I", "Introduction"),
        ("box", "Box 1", "Definitions"),
        ("annex", "Annex 1", "Members"),
    ]
    text = export(client, room, report["id"], "text").decode()
    # A number typed by hand stays text: only our own export's numbers are dropped.
    assert "2. 1. It heard all stakeholders." in text
    assert "4. Forty members." in text and "\n\nGovernment\n\n" in text


def test_bad_word_files_are_refused_and_nothing_is_written(client: TestClient) -> None:
    room = make_room(client, members=1)
    problem = _import_docx(client, room, b"not a zip at all", expect=422)
    assert problem["type"].endswith("unprocessable")
    not_word = io.BytesIO()
    with zipfile.ZipFile(not_word, "w") as package:
        package.writestr("hello.txt", "hi")
    _import_docx(client, room, not_word.getvalue(), expect=422)
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as package:
        package.writestr("word/document.xml", b"\0" * (65 * 1024 * 1024))
    assert len(bomb.getvalue()) < 1024 * 1024
    _import_docx(client, room, bomb.getvalue(), expect=413)
    _import_docx(client, room, _word(("Normal", "x")), "?title=", expect=422)
    observer = room.observers[0].headers
    response = client.post(
        f"/v1/groups/{room.group_id}/reports/import/docx",
        content=_word(("Normal", "x")),
        headers={**observer, "Content-Type": DOCX_MEDIA},
    )
    assert response.status_code == 403
    assert (
        ok(client.get(f"/v1/groups/{room.group_id}/reports", headers=room.chair.headers))["items"]
        == []
    )


def test_the_client_exports_files_and_imports_word(client: TestClient) -> None:
    room = make_room(client, members=1)
    original = _import(client, room, REPORTS["wgig history"])
    with PlenaryClient(
        "http://testserver", room.secretariat.token, transport=client._transport
    ) as scripted:
        data = scripted.export_file(original["id"], format="docx")
        assert docx_outline(data) == docx_outline(export(client, room, original["id"], "docx"))
        assert scripted.export_file(original["id"], format="pdf", line_numbers=True).startswith(
            b"%PDF"
        )
        assert scripted.export_amendments(original["id"], format="akn").startswith(b"<?xml")
        again = scripted.import_docx(room.group_id, data, title="Copy")
    assert again.title == "Copy"
    assert [(e.label, e.heading) for e in again.outline] == [
        (e["label"], e["heading"]) for e in original["outline"]
    ]


def test_a_retry_with_another_title_is_refused_not_replayed(client: TestClient) -> None:
    room = make_room(client, members=1)
    data = _word(("Heading 1", "I. One"), ("Normal", "Text."))
    headers = {**room.secretariat.headers, "Content-Type": DOCX_MEDIA, "Idempotency-Key": "w-1"}
    path = f"/v1/groups/{room.group_id}/reports/import/docx"
    first = client.post(f"{path}?title=First", content=data, headers=headers)
    assert first.status_code == 201 and first.json()["title"] == "First"
    again = client.post(f"{path}?title=First", content=data, headers=headers)
    assert again.status_code == 201 and again.json()["id"] == first.json()["id"]
    other = client.post(f"{path}?title=Second", content=data, headers=headers)
    assert other.status_code == 422, other.text
    reports = ok(client.get(f"/v1/groups/{room.group_id}/reports", headers=room.chair.headers))[
        "items"
    ]
    assert [r["title"] for r in reports] == ["First"]


def test_a_word_file_is_read_only_for_who_may_import_and_within_its_time(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Who first, then what: an observer's file is never read (403), and a file that takes
    too long to read is stopped (413), in the worker process, before any transaction."""
    from app.outputs import router as outputs_router
    from app.text import offload

    room = make_room(client, members=1)
    read: list[int] = []
    bounded = offload.run_bounded

    async def counted(*args: Any, **kwargs: Any) -> Any:
        read.append(1)
        return await bounded(*args, **kwargs)

    monkeypatch.setattr(offload, "run_bounded", counted)
    path = f"/v1/groups/{room.group_id}/reports/import/docx"
    for who in (room.observers[0], room.members[0]):
        refused = client.post(
            path,
            content=_word(("Normal", "x")),
            headers={**who.headers, "Content-Type": DOCX_MEDIA},
        )
        assert refused.status_code == 403, refused.text
    assert read == []
    monkeypatch.setattr(outputs_router, "DOCX_READ_SECONDS", 0.001)  # less than a process start
    _import_docx(client, room, _word(("Normal", "x")), expect=413)
    assert read == [1]
    monkeypatch.setattr(outputs_router, "DOCX_READ_SECONDS", 60.0)
    _import_docx(client, room, _word(("Heading 1", "I. One"), ("Normal", "Text.")))  # a new worker


def test_a_bounded_task_past_its_time_stops_its_worker() -> None:
    import asyncio
    import time

    from app.text import offload

    with pytest.raises(offload.TookTooLong):
        asyncio.run(offload.run_bounded(time.sleep, 60, seconds=0.5))
    assert asyncio.run(offload.run_bounded(sum, [1, 2, 3], seconds=60)) == 6


def _word_with(build: Any) -> bytes:
    document = docx.Document()
    build(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _section_text(client: TestClient, room: Room, report: dict[str, Any], index: int) -> str:
    sid = report["outline"][index]["id"]
    return str(ok(client.get(f"/v1/sections/{sid}", headers=room.chair.headers))["head"]["text"])


def test_word_tables_and_lists_are_kept_as_markdown(client: TestClient) -> None:
    """A table becomes a pipe table, bullets `- ` and numbers `1. `, nested by level; a
    list is one block, as Markdown writes it."""

    def build(document: Any) -> None:
        document.add_paragraph("I. Introduction", style="Heading 1")
        document.add_paragraph("The group agreed on these points:")
        document.add_paragraph("Openness", style="List Bullet")
        document.add_paragraph("Of meetings", style="List Bullet 2")
        document.add_paragraph("Of documents", style="List Bullet 2")
        document.add_paragraph("Inclusiveness", style="List Bullet")
        document.add_paragraph("And these steps:")
        document.add_paragraph("Consult", style="List Number")
        document.add_paragraph("Decide", style="List Number")
        table = document.add_table(rows=3, cols=2)
        for r, row in enumerate([("Member", "Seats"), ("Governments | states", "40"), ("", "2")]):
            for c, value in enumerate(row):
                table.cell(r, c).text = value
        document.add_paragraph("After the table.")

    report = _import_docx(client, room := make_room(client, members=1), _word_with(build))
    assert _section_text(client, room, report, 0) == (
        "The group agreed on these points:\n\n"
        "- Openness\n  - Of meetings\n  - Of documents\n- Inclusiveness\n\n"
        "And these steps:\n\n"
        "1. Consult\n2. Decide\n\n"
        "| Member | Seats |\n| --- | --- |\n| Governments \\| states | 40 |\n|  | 2 |\n\n"
        "After the table.\n"
    )


def test_a_word_table_with_merged_cells_is_refused_naming_it(client: TestClient) -> None:
    def build(document: Any) -> None:
        document.add_paragraph("I. Introduction", style="Heading 1")
        document.add_table(rows=1, cols=1).cell(0, 0).text = "A simple table"
        table = document.add_table(rows=2, cols=2)
        table.cell(0, 0).text = "Budget lines"
        table.cell(0, 0).merge(table.cell(0, 1))

    room = make_room(client, members=1)
    problem = _import_docx(client, room, _word_with(build), expect=422)
    assert problem["type"].endswith("unprocessable")
    assert 'Table 2 ("Budget lines")' in problem["detail"] and "merged cells" in problem["detail"]
    reports = ok(client.get(f"/v1/groups/{room.group_id}/reports", headers=room.chair.headers))
    assert reports["items"] == []

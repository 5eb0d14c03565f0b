"""Large exports stream out as they render: never held whole twice while sent."""

from __future__ import annotations

import tracemalloc

from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.reports import views
from app.reports.models import Report
from tests.factories import make_room, ok

PARAGRAPH = "The Working Group discussed the matter at length and agreed on the text. " * 20


def big_report(client: TestClient) -> tuple[int, dict[str, str], int]:
    room = make_room(client)
    markdown = "\n\n".join(
        f"# Chapter {n}\n\n" + "\n\n".join(f"{PARAGRAPH}{n}.{k}" for k in range(8))
        for n in range(100)
    )
    report = ok(
        client.post(
            f"/v1/groups/{room.group_id}/reports/import",
            json={"markdown": markdown, "title": "Big"},
            headers=room.secretariat.headers,
        ),
        201,
    )
    return int(report["id"]), room.members[0].headers, len(markdown)


def test_text_exports_stream_in_chunks_and_equal_the_whole(
    client: TestClient, app: FastAPI
) -> None:
    rid, headers, size = big_report(client)
    assert size > 1_000_000
    for format in ("markdown", "html", "text"):
        with client.stream(
            "GET", f"/v1/reports/{rid}/export?format={format}", headers=headers
        ) as r:
            assert r.status_code == 200
            assert "content-length" not in r.headers  # sent as it renders
            chunks = list(r.iter_raw())
        with app.state.database.session(write=False) as session:
            report = session.get(Report, rid)
            assert report is not None
            whole = views.export(session, report, format=format, milestone_id=None, at=None)
        assert b"".join(chunks) == str(whole).encode("utf-8"), format


def test_streaming_holds_a_chunk_not_the_report(client: TestClient, app: FastAPI) -> None:
    rid, _headers, size = big_report(client)
    with app.state.database.session(write=False) as session:
        report = session.get(Report, rid)
        assert report is not None
        pieces = views.export_pieces(session, report, format="markdown", milestone_id=None, at=None)
        tracemalloc.start()
        try:
            sent = sum(len(chunk) for chunk in views.encoded_chunks(pieces))
            _current, streaming_peak = tracemalloc.get_traced_memory()
            tracemalloc.reset_peak()
            whole = views.export(session, report, format="markdown", milestone_id=None, at=None)
            _current, whole_peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert sent == len(str(whole).encode("utf-8")) > size
    assert streaming_peak < size / 2, (streaming_peak, whole_peak)  # a 64 KB chunk and its pieces
    assert whole_peak > 2 * streaming_peak  # what streaming avoids: the whole text at once

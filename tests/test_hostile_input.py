"""Hostile text never reaches the database: a clear 422, nothing written, never a 500."""

from __future__ import annotations

import json

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

from tests.amendments.helpers import TEXT, report_with_section
from tests.factories import make_room


@pytest.mark.parametrize("bad", ["nul \u0000 byte", "lone \ud800 surrogate", "\udfff"])
def test_nul_and_lone_surrogates_are_refused_everywhere(
    client: TestClient, app: FastAPI, bad: str
) -> None:
    room = make_room(client)
    _rid, sid = report_with_section(client, room)
    with app.state.database.engine.connect() as connection:
        before = connection.execute(
            text(
                "SELECT (SELECT count(*) FROM section_version) + (SELECT count(*) FROM amendment) + (SELECT count(*) FROM report)"
            )
        ).scalar_one()
    attempts = [
        (
            "POST",
            f"/v1/sections/{sid}/versions",
            {"base_version": 1, "text": bad},
            room.secretariat,
        ),
        (
            "POST",
            f"/v1/sections/{sid}/amendments",
            {"base_version": 1, "text": bad, "kind": "editorial"},
            room.members[0],
        ),
        (
            "POST",
            f"/v1/sections/{sid}/amendments",
            {"base_version": 1, "text": TEXT + "!", "kind": "editorial", "rationale": bad},
            room.members[0],
        ),
        (
            "POST",
            f"/v1/groups/{room.group_id}/reports/import",
            {"markdown": f"# {bad}\n\nx"},
            room.secretariat,
        ),
        ("POST", f"/v1/groups/{room.group_id}/reports", {"title": bad}, room.secretariat),
        (
            "POST",
            f"/v1/groups/{room.group_id}/participants",
            {"name": bad, "role": "member"},
            room.chair,
        ),
        (
            "POST",
            f"/v1/groups/{room.group_id}/webhooks",
            {"url": "http://127.0.0.1:9/x", "event_types": [bad]},
            room.chair,
        ),
        # Found by schemathesis: a pattern-checked field met the surrogate before our check did.
        (
            "POST",
            f"/v1/groups/{room.group_id}/webhooks",
            {"url": f"http://{bad}", "event_types": []},
            room.chair,
        ),
    ]
    for method, url, body, who in attempts:
        raw = json.dumps(body)  # escapes \u0000 and \ud800 the way any JSON client sends them
        response = client.request(
            method, url, content=raw, headers={**who.headers, "content-type": "application/json"}
        )
        assert response.status_code == 422, (url, response.status_code, response.text)
        assert response.headers["content-type"] == "application/problem+json"
    with app.state.database.engine.connect() as connection:
        after = connection.execute(
            text(
                "SELECT (SELECT count(*) FROM section_version) + (SELECT count(*) FROM amendment) + (SELECT count(*) FROM report)"
            )
        ).scalar_one()
    assert after == before


def test_a_nul_in_any_text_query_parameter_is_a_422(client: TestClient, app: FastAPI) -> None:
    """Found by schemathesis on PostgreSQL: `?title=...%00...` on the Word import reached the
    database (500). Every text query parameter of the contract is walked, so a new one that
    forgets `StorableQuery` fails here."""
    room = make_room(client)
    rid, _sid = report_with_section(client, room)
    with app.state.database.engine.connect() as connection:
        reports_before = connection.execute(text("SELECT count(*) FROM report")).scalar_one()
    checked = []
    for path, item in app.openapi()["paths"].items():
        for method, operation in item.items():
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                texts = [schema, *schema.get("anyOf", [])]
                if parameter["in"] != "query" or not any(
                    s.get("type") == "string" and "enum" not in s and "format" not in s
                    for s in texts
                ):
                    continue
                url = path.replace("{group_id}", str(room.group_id)).replace(
                    "{report_id}", str(rid)
                )
                response = client.request(
                    method,
                    url,
                    params={parameter["name"]: "a\u0000b"},
                    content=b"PK not a docx",
                    headers=room.secretariat.headers,
                )
                assert response.status_code == 422, (url, parameter["name"], response.text)
                assert response.headers["content-type"] == "application/problem+json"
                assert "NUL" in response.text
                assert "pattern" in json.dumps(schema), (url, parameter["name"])
                checked.append((url, parameter["name"]))
    assert len(checked) >= 4, checked  # the Word import's title and symbol, the stream's two
    with app.state.database.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM report")).scalar_one() == (
            reports_before
        )


def test_bidi_and_zero_width_characters_are_kept_as_data_and_isolated_in_html(
    client: TestClient,
) -> None:
    room = make_room(client)
    rid, sid = report_with_section(
        client, room, text="Before \u202eevil override\u202c after \u200b zero width."
    )
    html = client.get(f"/v1/reports/{rid}/export?format=html", headers=room.members[0].headers).text
    assert "\u202eevil override\u202c" in html  # kept as data
    assert 'dir="auto"' in html and "unicode-bidi:isolate" in html  # isolated per paragraph
    head = client.get(f"/v1/sections/{sid}", headers=room.members[0].headers).json()["head"]["text"]
    assert "\u200b" in head


@pytest.mark.parametrize(
    "path",
    [
        "/v1/reports/{n}",
        "/v1/reports/{n}/events",
        "/v1/reports/{n}/export",
        "/v1/sections/{n}",
        "/v1/sections/{n}/versions/{n}",
        "/v1/amendments/{n}/preview",
        "/v1/amendments/{n}/revisions/{n}",
        "/v1/milestones/{n}",
        "/v1/participants/{n}",
    ],
)
@pytest.mark.parametrize("number", [2**31, 2**63, 10**30, 0, -1])
def test_ids_outside_the_database_range_are_a_422_not_a_500(
    client: TestClient, path: str, number: int
) -> None:
    room = make_room(client)
    response = client.get(path.format(n=number), headers=room.chair.headers)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"


def test_the_largest_id_is_simply_not_found(client: TestClient) -> None:
    room = make_room(client)
    response = client.get(f"/v1/sections/{2**31 - 1}", headers=room.chair.headers)
    assert response.status_code == 404
    query = client.get(f"/v1/reports/1/amendments?section_id={2**40}", headers=room.chair.headers)
    assert query.status_code == 422


def test_numbers_strings_and_booleans_are_not_silently_coerced(
    client: TestClient, app: FastAPI
) -> None:
    """A numeric string or a boolean is not an integer. 1.0 is one, as JSON Schema (and so the
    contract's `integer`) counts them: test_a_whole_float_is_an_integer below."""
    room = make_room(client)
    rid, sid = report_with_section(client, room)
    attempts = [
        (f"/v1/groups/{room.group_id}/reports", {"title": "x", "silence_procedure": 0}),
        (f"/v1/groups/{room.group_id}/reports", {"title": "x", "silence_procedure": "yes"}),
        (f"/v1/sections/{sid}/versions", {"base_version": "1", "text": "new"}),
        (f"/v1/sections/{sid}/versions", {"base_version": True, "text": "new"}),
        (f"/v1/reports/{rid}/sections", {"kind": "section", "heading": "x", "parent_id": "1"}),
        (
            f"/v1/sections/{sid}/amendments",
            {"base_version": 1, "text": "x", "kind": "editorial", "consent_deadline": 1e9},
        ),
    ]
    with app.state.database.engine.connect() as connection:
        before = connection.execute(
            text("SELECT (SELECT count(*) FROM section_version) + (SELECT count(*) FROM report)")
        ).scalar_one()
    for url, body in attempts:
        response = client.post(url, json=body, headers=room.secretariat.headers)
        assert response.status_code == 422, (url, body, response.text)
    with app.state.database.engine.connect() as connection:
        after = connection.execute(
            text("SELECT (SELECT count(*) FROM section_version) + (SELECT count(*) FROM report)")
        ).scalar_one()
    assert after == before
    # "-1.1e-306" found by schemathesis: exponent notation passed as a Unix time.
    for at in ("0.5", "1700000000", "-3", "1e9", "-1.1313997035240632e-306"):
        export = client.get(f"/v1/reports/{rid}/export?at={at}", headers=room.chair.headers)
        assert export.status_code == 422, (at, export.text)
    stamped = client.get(
        f"/v1/reports/{rid}/export?at=2020-01-01T00:00:00Z", headers=room.chair.headers
    )
    assert stamped.status_code == 200  # a time still to come is a 400 (tests/outputs)


@pytest.mark.parametrize("url", ["http://]", "http://[::1", "https://", "http:///path"])
def test_webhook_urls_that_do_not_parse_are_a_422(client: TestClient, url: str) -> None:
    room = make_room(client)
    response = client.post(
        f"/v1/groups/{room.group_id}/webhooks", json={"url": url}, headers=room.chair.headers
    )
    assert response.status_code == 422, response.text
    assert client.get(
        f"/v1/groups/{room.group_id}/webhooks", headers=room.chair.headers
    ).json() == {"items": [], "next": None}


def test_a_whole_float_is_an_integer(client: TestClient) -> None:
    """Found by schemathesis: the contract says `integer`, JSON Schema counts 1.0 as one, and
    the server refused it. 1.5 is still refused."""
    room = make_room(client)
    _rid, sid = report_with_section(client, room)
    half = client.post(
        f"/v1/sections/{sid}/versions",
        json={"base_version": 1.5, "text": "new"},
        headers=room.secretariat.headers,
    )
    assert half.status_code == 422, half.text
    whole = client.post(
        f"/v1/sections/{sid}/versions",
        json={"base_version": 1.0, "text": "new"},
        headers=room.secretariat.headers,
    )
    assert whole.status_code == 201, whole.text
    assert whole.json()["number"] == 2

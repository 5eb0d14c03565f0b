"""Import keeps the text byte for byte: a Markdown file imported and exported as `source`
comes back identical, and a change made in plenary comes back as exactly that change."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.amendments.helpers import accept_everywhere, adopt_report, head_text, propose
from tests.cli_runner import InProcessCli
from tests.factories import Room, make_room, ok
from tests.wgig import history_markdown

REPO = Path(__file__).resolve().parents[2]


def _import(client: TestClient, room: Room, source: str) -> dict:  # type: ignore[type-arg]
    return ok(  # type: ignore[no-any-return]
        client.post(
            f"/v1/groups/{room.group_id}/reports/import",
            json={"markdown": source},
            headers=room.secretariat.headers,
        ),
        201,
    )


def _source(client: TestClient, room: Room, rid: int) -> str:
    response = client.get(f"/v1/reports/{rid}/export?format=source", headers=room.chair.headers)
    assert response.status_code == 200
    return response.content.decode("utf-8")


SAMPLES = {
    "wgig history": history_markdown(),
    "readme": (REPO / "README.md").read_text(encoding="utf-8"),
    "security": (REPO / "SECURITY.md").read_text(encoding="utf-8"),
    "front matter, trailing spaces, no final newline": (
        '---\ntitle: "A report"\nsymbol: WG/1\n---\n\n\nPreamble line.  \n\n'
        "# I. Introduction ##\n\n1. First.\n\n\n\n## A. Scope\nText\twith a tab. \n"
        "### Box 1: Spam\n\n```\n# not a heading\n```\n\n# II. End"
    ),
    "windows line breaks": "# I. One\r\n\r\nText one.\r\n\r\n# II. Two\r\n\r\nText two.\r\n",
    "no headings at all": "\nJust text.\n\nAnd more.\n\n",
}


@pytest.mark.parametrize("name", list(SAMPLES))
def test_import_then_source_export_is_byte_for_byte(client: TestClient, name: str) -> None:
    room = make_room(client, members=1)
    source = SAMPLES[name]
    report = _import(client, room, source)
    assert _source(client, room, report["id"]) == source


def test_a_change_made_in_plenary_is_the_only_difference(client: TestClient) -> None:
    room = make_room(client, members=1)
    source = history_markdown()
    report = _import(client, room, source)
    section = next(e for e in report["outline"] if e["heading"] == "The Mandate")
    before = head_text(client, room, section["id"])
    adopt_report(client, room, report["id"])
    changed = before.replace("The first WGIG meeting", "The first meeting of the WGIG", 1)
    amendment = propose(client, room.members[0], section["id"], changed, kind="editorial")
    accept_everywhere(client, room, amendment["id"])
    assert _source(client, room, report["id"]) == source.replace(
        "The first WGIG meeting", "The first meeting of the WGIG", 1
    )


def test_a_blank_line_can_be_deleted_by_amendment(client: TestClient) -> None:
    """Sections keep their blank lines, so a change that only removes one is expressible."""
    room = make_room(client, members=1)
    source = "# I. One\n\nFirst.\n\n\nSecond.\n"
    report = _import(client, room, source)
    sid = report["outline"][0]["id"]
    adopt_report(client, room, report["id"])
    assert head_text(client, room, sid) == "First.\n\n\nSecond.\n"
    amendment = propose(client, room.members[0], sid, "First.\n\nSecond.\n", kind="editorial")
    assert amendment["suggested_kind"] == "editorial"
    assert "line breaks and spacing only" in amendment["instruction"]
    accept_everywhere(client, room, amendment["id"])
    assert _source(client, room, report["id"]) == "# I. One\n\nFirst.\n\nSecond.\n"


def test_a_document_starting_with_blank_lines_is_stored_as_it_came(client: TestClient) -> None:
    """Blank lines at the very start are the text's own (no heading precedes them): the
    stored text of a document without headings is the document, character for character,
    and the trailing blank lines stay too."""
    room = make_room(client, members=1)
    source = "\n\nThe first paragraph.\n\nThe second one.\n\n\n"
    report = _import(client, room, source)
    assert head_text(client, room, report["outline"][0]["id"]) == source
    assert _source(client, room, report["id"]) == source


def test_a_byte_order_mark_is_kept_and_no_part_of_the_first_heading(client: TestClient) -> None:
    room = make_room(client, members=1)
    source = "\ufeff# I. Introduction\n\nText.\n\n# II. End\n\nMore.\n"
    report = _import(client, room, source)
    assert [(e["label"], e["heading"]) for e in report["outline"]] == [
        ("I", "Introduction"),
        ("II", "End"),
    ]
    assert head_text(client, room, report["outline"][0]["id"]) == "Text.\n\n"
    assert _source(client, room, report["id"]).encode("utf-8") == source.encode("utf-8")


def test_a_file_imported_with_the_cli_keeps_its_line_breaks(
    client: TestClient, run_cli: InProcessCli, tmp_path: Path
) -> None:
    """`plenary import` sends the file's bytes as they are (text mode would turn CRLF into
    LF), so the source export is the file."""
    room = make_room(client, members=1)
    data = b"\xef\xbb\xbf\r\n# I. One\r\n\r\nText one.\r\n\r\n# II. Two\r\n\r\nText two.\r\n"
    path = tmp_path / "report.md"
    path.write_bytes(data)
    done = run_cli(
        room.secretariat.token, "import", str(path), "--group", str(room.group_id), "--json"
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert _source(client, room, report["id"]).encode("utf-8") == data


MIXED = (
    "# I. One\r\n\r\nFirst line,\nsecond line.\r\n\r\nAnother paragraph.\n\n"
    "# II. Two\n\nText two.\r\nStill two.\n"
)


def test_a_file_mixing_lf_and_crlf_comes_back_byte_for_byte(client: TestClient) -> None:
    room = make_room(client, members=1)
    report = _import(client, room, MIXED)
    assert _source(client, room, report["id"]).encode("utf-8") == MIXED.encode("utf-8")
    # The text engine reads LF only.
    assert "\r" not in head_text(client, room, report["outline"][0]["id"])


def test_a_change_to_a_mixed_file_keeps_every_other_line_break(client: TestClient) -> None:
    """A reworded line keeps its break, a new line takes the file's usual kind (here LF,
    which most lines use)."""
    room = make_room(client, members=1)
    report = _import(client, room, MIXED)
    sid = report["outline"][0]["id"]
    adopt_report(client, room, report["id"])
    changed = "First line,\nsecond line, reworded.\n\nAnother paragraph.\nA new line.\n\n"
    amendment = propose(client, room.members[0], sid, changed, kind="editorial")
    accept_everywhere(client, room, amendment["id"])
    assert _source(client, room, report["id"]).encode("utf-8") == (
        b"# I. One\r\n\r\nFirst line,\nsecond line, reworded.\r\n\r\nAnother paragraph.\n"
        b"A new line.\n\n# II. Two\n\nText two.\r\nStill two.\n"
    )


def test_annex_headings_import_as_annexes(client: TestClient) -> None:
    """An annex is named in many ways: with a number or a letter, in capitals, or with no
    number at all ("Annex: ..."); each is an annex in the outline, not a chapter."""
    room = make_room(client, members=1)
    source = (
        "# I. Introduction\n\nText.\n\n# Annex: Glossary of terms\n\nA term.\n\n"
        "# Annex 1\n\nOne.\n\n# Annex A\n\nA.\n\n# ANNEX II. Members\n\nTwo.\n\n"
        "# Appendix: Sources\n\nS.\n"
    )
    report = _import(client, room, source)
    assert [(e["kind"], e["label"], e["heading"]) for e in report["outline"]] == [
        ("chapter", "I", "Introduction"),
        ("annex", "Annex", "Glossary of terms"),
        ("annex", "Annex 1", ""),
        ("annex", "Annex A", ""),
        ("annex", "ANNEX II", "Members"),
        ("annex", "Appendix", "Sources"),
    ]
    assert _source(client, room, report["id"]) == source

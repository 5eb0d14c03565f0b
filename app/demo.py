"""`plenary serve --demo`: a fresh room a newcomer can look at straight away."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import timedelta
from importlib import resources
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app import keystore
from app.amendments import service as amendments
from app.amendments.models import AmendmentKind
from app.auth import Principal
from app.db import Database
from app.errors import present
from app.groups import service as groups
from app.groups.models import Participant, Role, Stakeholder
from app.meetings import service as meetings
from app.reports import service as reports
from app.reports.models import Section
from app.signatures import new_private_key, public_key_text

CHAPTERS = [
    "The Mandate",
    "Getting Organized",
    "Mapping the Terrain",
    "Reporting Progress",
    "Assessing Current Arrangements",
    "Developing Proposals for Action",
    "Writing the Report",
    "Conclusion",
]
REGIONS = ["Africa", "Asia-Pacific", "Europe", "Latin America", "North America", "Middle East"]
STAKEHOLDERS = [Stakeholder.government, Stakeholder.private_sector, Stakeholder.civil_society]


def history_markdown() -> str:
    """The WGIG history (shipped with the package) as Markdown: its headings become chapters."""
    text = resources.files("app").joinpath("data/wgig-history.txt").read_text(encoding="utf-8")
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    roman = iter(["I", "II", "III", "IV", "V", "VI", "VII", "VIII"])
    out = []
    for line in lines:
        if line == "A BRIEF HISTORY OF WGIG":
            out.append("# A BRIEF HISTORY OF WGIG")
        elif line in CHAPTERS:
            out.append(f"## {next(roman)}. {line}")
        else:
            out.append(line)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out).strip()) + "\n"


@dataclass
class DemoRoom:
    report_id: int
    amendment_id: int | None  # the amendment on the floor, if one is
    tokens: dict[str, str]  # by handle ("The Chair", "Member 07", "site admin")
    # Each participant's private signing key, as its device would hold it (app/keystore.py).
    keys: dict[str, Ed25519PrivateKey] = field(default_factory=dict)
    # The year's room (app/demo_year/): who each handle is, its records, where it stopped.
    names: dict[str, str] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)
    moment: str = ""  # Geneva time
    scene: str = ""


KEY_DIR = "plenary-demo-keys"


ENV_FILE = "plenary-demo.env"
ENV_NAMES = {
    "ADMIN": "site admin",
    "CHAIR": "The Chair",
    "SEC": "The Secretariat",
    "MEMBER": "Member 07",
    "OBSERVER": "Observer 1",
}


def write_env(room: DemoRoom, base_url: str, directory: Path) -> Path:
    """Shell lines the README's tour starts from (`. ./plenary-demo.env`), readable by the
    owner only: they hold tokens, and a tour that needs copy-pasting tokens is a tour that
    fails for newcomers."""
    lines = [
        "# written by `plenary serve --demo` (or `plenary demo build`); `. ./plenary-demo.env`"
        " sets these in your shell",
        f"export PLENARY_URL={base_url}",
        f"export API={base_url}/v1",
        f"export DEMO_REPORT={room.report_id}",
    ]
    if room.moment:
        lines.append(f"# the WGIG's year up to {room.moment} (Geneva time): {room.scene}")
    lines += [
        f"export DEMO_{key.replace(':', '_').replace('.', '_').upper()}={value}"
        for key, value in sorted(room.ids.items())
        if key.split(":")[0] in ("group", "report", "meeting")
    ]
    for name, who in ENV_NAMES.items():
        if room.names.get(who, who) != who:
            lines.append(f"# {name}: {who}, {room.names[who]}")
        lines.append(f"export {name}={room.tokens[who]}")
    lines.append(f"export PLENARY_TOKEN={room.tokens['The Chair']}")
    if room.keys:
        keys = directory / KEY_DIR
        for name, key in room.keys.items():
            keystore.save(key, keys, name=name.lower().replace(" ", "-"))
        # the CLI and the Python client sign the participants' answers with these
        lines.append(f"export PLENARY_KEY_DIR={keys.resolve()}")
    path = directory / ENV_FILE
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    return path


def seed(database: Database) -> DemoRoom:
    # long: a script read top to bottom: the room, its report, a meeting, an amendment on
    # the floor, each in its own transaction as the API would commit them.
    admin = Principal(token_id=None, participant=None)
    tokens: dict[str, str] = {}
    keys: dict[str, Ed25519PrivateKey] = {}
    with database.session() as session:
        group = groups.create_group(
            session, name="Working Group on Internet Governance", description="Demo room"
        )
        people = [("The Chair", Role.chair, Stakeholder.government)]
        people.append(("The Secretariat", Role.secretariat, Stakeholder.intergovernmental))
        people += [(f"Member {n:02d}", Role.member, STAKEHOLDERS[n % 3]) for n in range(1, 39)]
        people += [(f"Observer {n}", Role.observer, Stakeholder.intergovernmental) for n in (1, 2)]
        ids: dict[str, int] = {}
        # The demo is the operator: it invites everyone and redeems each invitation itself,
        # so it can print every participant's token (a real room passes the codes on).
        for n, (name, role, stakeholder) in enumerate(people):
            participant, _invitation, code = groups.add_participant(
                session,
                group=group,
                principal=admin,
                name=name,
                role=role,
                stakeholder=stakeholder,
                region=REGIONS[n % len(REGIONS)],
                invitation_valid_for=timedelta(days=1),
            )
            ids[name] = participant.id
            keys[name] = new_private_key()
            public_key = public_key_text(keys[name])
            _token, tokens[name] = groups.redeem_invitation(
                session, code=code, label="demo", public_key=public_key
            )
        _token, tokens["site admin"] = groups.issue_token(session, participant=None, label="demo")

    def as_(name: str, session: object) -> Principal:
        participant = session.get(Participant, ids[name])  # type: ignore[attr-defined]
        return Principal(token_id=None, participant=participant)

    with database.session() as session:
        report = reports.import_report(
            session,
            group_id=group.id,
            principal=as_("The Secretariat", session),
            source=history_markdown(),
            title="A Brief History of WGIG",
            symbol="WGIG/2005/HISTORY",
            disclaimer=None,
        )
        report_id = report.id
        writing = next(
            s
            for s in reports.outline(session, report_id=report_id)
            if s.node.heading == "Writing the Report"
        )
        section = present(session.get(Section, writing.node.id), f"No section {writing.node.id}.")
        base = reports.get_version(session, section=section, number=1).text
    with database.session() as session:
        meetings.open_meeting(session, report_id=report_id, principal=as_("The Chair", session))
    with database.session() as session:
        amendment = amendments.propose_amendment(
            session,
            section_id=section.id,
            caller=as_("Member 07", session),
            base_version=1,
            text=base.replace(
                "in a spirit of good cheer", "in a spirit of good cheer and mutual respect"
            ),
            patch=None,
            rationale="Record how the group worked.",
            kind=AmendmentKind.substantive,
            alternative_to=None,
            consent_deadline=None,
            timeout=2.0,
        )
        amendment_id = amendment.id
    with database.session() as session:
        amendments.put_on_floor(
            session, amendment_id=amendment_id, principal=as_("The Chair", session), if_match="*"
        )
    return DemoRoom(report_id=report_id, amendment_id=amendment_id, tokens=tokens, keys=keys)

"""Play the year, scene after scene, into a database: the app runs in this process, its
clock moved to each scene's moment, and every step goes through `PlenaryClient` (the
public API) as the group's participants would have taken it."""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.clock import ShiftedClock, use
from app.config import Settings
from app.consultations.limits import LIMITER
from app.demo_year import editorial, february, june, november, spring, winter
from app.demo_year.people import Person
from app.demo_year.stage import Scene, Year, YearBroken, moment
from app.groups.service import issue_token
from app.main import create_app
from app.migrate import upgrade
from app.ratelimit import WriteLimiter
from app.wiring import open_database

with warnings.catch_warnings():  # starlette's note on its test transport, not ours to fix
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

SCENES: list[Scene] = [
    *november.SCENES,
    *winter.SCENES,
    *february.SCENES,
    *spring.SCENES,
    *june.SCENES,
    *editorial.SCENES,
]
if [moment(s.when) for s in SCENES] != sorted(moment(s.when) for s in SCENES):
    raise YearBroken("the scenes are not in the order of their dates")
# Where `plenary serve --demo` opens: the plenary at Bossey reviewing text through the night.
FINAL_NIGHT = moment("2005-06-17 23:00")


@dataclass
class Built:
    """What the year left: who is who (with tokens), the named records, the last scene."""

    people: dict[str, Person]
    ids: dict[str, int]
    admin_token: str
    played: list[Scene] = field(default_factory=list)
    # Each participant's private signing key, as its own device holds it.
    keys: dict[str, Ed25519PrivateKey] = field(default_factory=dict)


@contextmanager
def _key_dir(directory: Path) -> Iterator[None]:
    """Each participant's client keeps its signing key here (app/keystore.py)."""
    previous = os.environ.get("PLENARY_KEY_DIR")
    os.environ["PLENARY_KEY_DIR"] = str(directory)
    try:
        yield
    finally:
        if previous is None:
            del os.environ["PLENARY_KEY_DIR"]
        else:
            os.environ["PLENARY_KEY_DIR"] = previous


def _admin_token(settings: Settings) -> str:
    """The operator's step before the year (as `plenary admin token` takes it)."""
    database = open_database(settings.database_url)
    try:
        with database.session() as session:
            _token, secret = issue_token(session, participant=None, label="demo")
    finally:
        database.dispose()
    return secret


def build(database_url: str, key_dir: Path, until: datetime | None = None) -> Built:
    """Play every scene up to `until` (all of them without it) into `database_url`, which
    should be empty; participants' signing keys go to `key_dir`."""
    settings = Settings(
        database_url=database_url,
        write_rate_per_second=1_000_000,
        write_burst=1_000_000,
        auth_failure_rate_per_second=0,
        deadline_sweep_seconds=0.2,
    )
    upgrade(settings)
    admin = _admin_token(settings)
    app = create_app(settings)
    # The year's fifty-odd public commenters each wrote from an address of their own; here
    # they share the in-process client's, so its per-address bucket is set wide.
    setattr(app.state, LIMITER, WriteLimiter(per_second=1_000_000, burst=1_000_000))
    shifted = ShiftedClock()
    shifted.move_to(moment(SCENES[0].when))  # from here on, time only moves forward
    played: list[Scene] = []
    with _key_dir(key_dir), use(shifted), TestClient(app) as http:
        year = Year(http._transport, shifted, admin)
        try:
            for scene in SCENES:
                if until is not None and moment(scene.when) > until:
                    break
                year.at(scene.when)
                scene.play(year)
                played.append(scene)
            keys = {handle: year.as_(handle).signing_key() for handle in year.people}
        finally:
            year.close()
    app.state.database.dispose()
    return Built(year.people, year.ids, admin, played, keys)

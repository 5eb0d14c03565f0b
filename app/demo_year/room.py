"""The demo room from the year: built once per version of the year's script and kept in a
cache (a directory of the temp dir, the owner's only), then copied for each `plenary serve
--demo`, so a start costs a file copy, not the year. The cache holds the room's tokens and
keys beside the database, as `plenary-demo.env` and `plenary-demo-keys/` do."""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
from datetime import datetime
from importlib import metadata
from pathlib import Path

from app.config import MIGRATIONS_DIR
from app.demo import DemoRoom
from app.demo_year.runner import FINAL_NIGHT, build
from app.signatures import private_key_from_pem, private_key_pem


def _version() -> str:
    try:
        return metadata.version("plenary")
    except metadata.PackageNotFoundError:
        return "0"


def cache_key(until: datetime | None) -> str:
    """Changes with the package's version, the year's script and the migrations."""
    digest = hashlib.sha256(f"{_version()} {until}".encode())
    folders = (Path(__file__).parent, MIGRATIONS_DIR / "versions")
    for folder in folders:
        for item in sorted(folder.glob("*.py"), key=lambda i: i.name):
            digest.update(item.name.encode() + item.read_bytes())
    return digest.hexdigest()[:16]


def build_room(database: Path, until: datetime | None = None) -> DemoRoom:
    """Play the year into `database` (a new SQLite file) and describe the room it leaves."""
    keys_dir = Path(tempfile.mkdtemp(prefix="plenary-year-keys-"))
    try:
        built = build(f"sqlite:///{database.resolve()}", keys_dir, until)
    finally:
        shutil.rmtree(keys_dir, ignore_errors=True)
    with sqlite3.connect(database) as connection:  # one file, nothing left in the WAL
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    ids = built.ids
    report = ids.get("report:final") or max(v for k, v in ids.items() if k.startswith("report:"))
    tokens = {handle: person.token for handle, person in built.people.items()}
    tokens["site admin"] = built.admin_token
    return DemoRoom(
        report_id=report,
        amendment_id=ids.get("amendment:night"),
        tokens=tokens,
        keys=built.keys,
        names={handle: person.name for handle, person in built.people.items()},
        ids=ids,
        moment=built.played[-1].when if built.played else "",
        scene=built.played[-1].title if built.played else "",
    )


def _save(room: DemoRoom, path: Path) -> None:
    data = {
        **{k: v for k, v in room.__dict__.items() if k != "keys"},
        "keys": {h: private_key_pem(k).decode() for h, k in room.keys.items()},
    }
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(data, handle)


def _load(path: Path) -> DemoRoom:
    data = json.loads(path.read_text(encoding="utf-8"))
    keys = {h: private_key_from_pem(pem.encode()) for h, pem in data.pop("keys").items()}
    return DemoRoom(**data, keys=keys)


def open_room(database: Path, until: datetime | None = FINAL_NIGHT) -> DemoRoom:
    """`database` becomes the year up to `until` (a copy of the cached build; the first
    call builds it). Any file at `database` is replaced."""
    cache = Path(tempfile.gettempdir()) / f"plenary-demo-{getpass.getuser()}-{cache_key(until)}"
    if not (cache / "room.json").is_file():
        building = Path(tempfile.mkdtemp(prefix="plenary-demo-building-"))  # mode 0700
        room = build_room(building / "year.db", until)
        _save(room, building / "room.json")
        try:
            building.rename(cache)  # atomic: a concurrent start finds all of it or nothing
        except OSError:  # another start got there first; its build is as good
            shutil.rmtree(building, ignore_errors=True)
    for stale in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
        stale.unlink(missing_ok=True)
    shutil.copyfile(cache / "year.db", database)
    return _load(cache / "room.json")

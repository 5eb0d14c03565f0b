import json
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from fastapi import Request
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from app.allow_list import parse_entry


def _migrations_dir() -> Path:
    """An installed package carries the migrations as `app/migrations` (setup.py copies them
    in); a checkout, or an editable install of one, keeps them at its top, `migrations/`."""
    package = Path(__file__).resolve().parent
    packaged = package / "migrations"
    if (packaged / "env.py").is_file():
        return packaged
    return package.parent / "migrations"


MIGRATIONS_DIR = _migrations_dir()


class Settings(BaseSettings):
    """Every setting can be given as an environment variable prefixed `PLENARY_`."""

    model_config = SettingsConfigDict(env_prefix="PLENARY_", extra="ignore")

    database_url: str = "sqlite:///./plenary.db"
    admin_token: str | None = Field(
        default=None,
        description="A site-admin bearer token for scripted deployments (kept only as a hash).",
    )
    max_body_bytes: int = 2 * 1024 * 1024
    sqlite_busy_timeout_ms: int = 30_000
    diff_timeout_seconds: float = 2.0
    editorial_window_days: float = 7.0
    deadline_sweep_seconds: float = 1.0
    idempotency_ttl_hours: float = 24.0
    invitation_ttl_days: float = Field(
        default=7.0, gt=0, description="How long an invitation code can be redeemed"
    )
    write_rate_per_second: float = Field(
        default=20.0, description="Sustained writes per token per second (0: no limit)"
    )
    write_burst: int = 300
    read_cache: bool = Field(
        default=True,
        description="Answer section reads from memory: on SQLite between writes, with no "
        "query (one process per database file; `plenary serve --workers N` turns it off); "
        "on PostgreSQL after one statement that checks the token and the section's state",
    )
    # Each piece of machinery below can be switched off: the code then takes the plain path
    # (correct, only slower where the piece earns its place). `python -m bench --only
    # machinery` measures each on and off (ARCHITECTURE.md, "Caches and their invariants").
    outline_cache: bool = Field(
        default=True,
        description="Keep each report's placed outline per process, keyed by its revision",
    )
    known_versions: bool = Field(
        default=True,
        description="Keep version texts in memory for the prepare step of a proposal",
    )
    kept_answer_front: bool = Field(
        default=True,
        description="Answer a request for a report, its floor or its amendment list from "
        "memory before routing: on SQLite one answered since the last write (one process), "
        "and with `kept_views` on both engines one whose route still names its answer",
    )
    kept_views: bool = Field(
        default=True,
        description="Keep which kept answer each request to the front names across writes "
        "that change nobody's access (a revision moved by database triggers), so that the "
        "first read after a write is answered before routing once one reader with the same "
        "view has built the answer (with the front on; on PostgreSQL after one statement "
        "per report and moment reads the report's state and the revision)",
    )
    deadline_watch: bool = Field(
        default=True,
        description="Skip settling consent deadlines until the earliest can fall due "
        "(SQLite with the read cache on: one process)",
    )
    write_gate: bool = Field(
        default=True,
        description="Queue write requests on the event loop (SQLite: one at a time; "
        "PostgreSQL: `write_concurrency`) instead of in threads blocked on the lock",
    )
    text_worker: bool = Field(
        default=True,
        description="Diff long texts in a worker process, off the server's GIL",
    )
    prepare_writes: bool = Field(
        default=True,
        description="Diff a proposal's wording before the write gate and the lock",
    )
    stream_standings: bool = Field(
        default=True,
        description="One check per report and batch of what every stream's token may see, "
        "shared by the report's streams (off: each stream checks its own token)",
    )
    write_concurrency: int = Field(
        default=8,
        ge=1,
        le=32,
        description="Write requests one process runs at once on PostgreSQL (SQLite: always 1)",
    )
    stream_heartbeat_seconds: float = 15.0
    webhook_allowed_hosts: list[str] = Field(
        default=[],
        description="Receivers webhooks may target, as host:port (JSON list, e.g. "
        '["hooks.example.org:443", "127.0.0.1:8081"]); empty: no webhooks. A non-public '
        "address is reached only when listed by address",
    )
    webhook_timeout_seconds: float = 5.0
    webhook_max_in_flight: int = Field(
        default=50, ge=1, description="Webhook deliveries one process sends at once"
    )
    body_timeout_seconds: float = Field(
        default=10.0,
        gt=0,
        description="A request body must arrive within this many seconds of the request (408)",
    )
    auth_failure_rate_per_second: float = Field(
        default=1.0,
        description="Sustained requests with a bad token per client address per second "
        "(0: no limit)",
    )
    auth_failure_burst: int = 20
    keep_alive_seconds: int = Field(
        default=75,
        ge=1,
        description="`plenary serve` closes a connection idle this long: longer than client "
        "pools keep an idle connection (httpx's, and a load balancer's in front of the server), "
        "so a client does not reuse one at the moment the server closes it",
    )
    webhook_backoff_seconds: float = 2.0
    webhook_poll_seconds: float = 0.5
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default=[],
        description="Web origins (scheme://host[:port]) whose pages may call the API from a "
        "browser, comma-separated or a JSON list; none by default",
    )
    migrations_dir: Path = MIGRATIONS_DIR
    base_url: str = "http://127.0.0.1:8000"

    @field_validator("webhook_allowed_hosts")
    @classmethod
    def _entries_name_host_and_port(cls, entries: list[str]) -> list[str]:
        for entry in entries:
            parse_entry(entry)  # raises ValueError with the reason
        return entries

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _origin_list(cls, value: Any) -> Any:
        # `https://a.example,https://b.example` reads better in an environment than JSON.
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [o.strip().rstrip("/") for o in text.split(",") if o.strip()]
        return value


@lru_cache
def get_settings() -> Settings:
    return Settings()


def diff_timeout(request: Request) -> float:
    """The running app's bound on one diff, in seconds (routers pass it to the text engine)."""
    return float(request.app.state.settings.diff_timeout_seconds)

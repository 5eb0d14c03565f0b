from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


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
        description="SQLite only: answer section reads from memory between writes "
        "(one process per database file; `plenary serve --workers N` turns it off)",
    )
    write_concurrency: int = Field(
        default=8,
        ge=1,
        le=32,
        description="Write requests one process runs at once on PostgreSQL (SQLite: always 1)",
    )
    stream_heartbeat_seconds: float = 15.0
    webhook_allowed_hosts: list[str] = Field(
        default=["127.0.0.1", "localhost"],
        description='Hosts webhooks may target (JSON list); ["*"] allows any',
    )
    webhook_timeout_seconds: float = 5.0
    webhook_backoff_seconds: float = 2.0
    webhook_poll_seconds: float = 0.5
    migrations_dir: Path = REPO_ROOT / "migrations"
    base_url: str = "http://127.0.0.1:8000"


@lru_cache
def get_settings() -> Settings:
    return Settings()

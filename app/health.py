from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text

from app.db import Database
from app.errors import problem_response
from app.migrate import current_revision, head_revision

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str
    migration: str | None = None


@router.get("/healthz", response_model=Health)
async def healthz() -> Health:
    return Health(status="ok")


@router.get(
    "/readyz",
    response_model=Health,
    responses={503: {"description": "Database unreachable or not migrated"}},
)
def readyz(request: Request) -> Health | JSONResponse:
    database: Database = request.app.state.database
    try:
        with database.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        current = current_revision(database.engine)
    except Exception:
        return problem_response(
            status=503,
            slug="not-ready",
            title="Not ready",
            detail="The database is unreachable.",
        )
    head = head_revision(request.app.state.settings)
    if current != head:
        return problem_response(
            status=503,
            slug="not-ready",
            title="Not ready",
            detail=f"The database is at migration {current}, not {head}.",
        )
    return Health(status="ready", migration=current)

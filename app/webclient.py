"""The room's web client (issue 23), served at /app: static modules and CSS, no build step.

It uses only the public API and the stream, so the same files work from any origin that
`PLENARY_CORS_ORIGINS` lets in."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from fastapi import FastAPI
from starlette.responses import RedirectResponse
from starlette.staticfiles import StaticFiles

PATH = "/app"


def client_directory() -> Path:
    return Path(str(resources.files("app").joinpath("static/app")))


def install_web_client(app: FastAPI) -> None:
    async def to_index() -> RedirectResponse:
        return RedirectResponse(f"{PATH}/", status_code=308)

    app.add_api_route(PATH, to_index, include_in_schema=False)
    app.mount(PATH, StaticFiles(directory=client_directory(), html=True), name="webclient")

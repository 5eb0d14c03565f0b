"""The ceiling for HTTP: a bare FastAPI JSON endpoint, served with the same uvicorn settings."""

from fastapi import FastAPI

app = FastAPI()
PAYLOAD = {"id": 1, "number": 3, "text": "x" * 1000, "sha256": "0" * 64}


@app.get("/bare")
async def bare() -> dict[str, object]:
    return PAYLOAD

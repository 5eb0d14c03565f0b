"""The base of every event payload schema (`app/events/types.py` lists them by type)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Payload(BaseModel):
    model_config = ConfigDict(extra="allow")

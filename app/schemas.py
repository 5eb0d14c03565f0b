"""Shared schema bases."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class InputModel(BaseModel):
    """A request body: fields the server owns are refused, not ignored."""

    model_config = ConfigDict(extra="forbid", str_max_length=1_000_000)


class ReadModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)

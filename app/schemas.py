"""Shared schema bases."""

from __future__ import annotations

from typing import Any, Self

from pydantic import BaseModel, ConfigDict, model_validator


def _unstorable(value: Any) -> str | None:
    """Why `value` cannot be stored as text, or None. PostgreSQL refuses NUL bytes, and a lone
    surrogate cannot be encoded as UTF-8 by either database."""
    if isinstance(value, str):
        if "\x00" in value:
            return "contains a NUL character"
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "contains a lone surrogate (not valid Unicode text)"
    elif isinstance(value, list | tuple):
        for item in value:
            if reason := _unstorable(item):
                return reason
    elif isinstance(value, dict):
        for item in (*value.keys(), *value.values()):
            if reason := _unstorable(item):
                return reason
    return None


class InputModel(BaseModel):
    """A request body: fields the server owns are refused, not ignored."""

    model_config = ConfigDict(extra="forbid", str_max_length=1_000_000)

    @model_validator(mode="after")
    def _storable_text(self) -> Self:
        for name in type(self).model_fields:
            if reason := _unstorable(getattr(self, name)):
                raise ValueError(f"`{name}` {reason}")
        return self


class ReadModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)

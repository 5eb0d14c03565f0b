"""Shared schema bases."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import Path
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    model_validator,
)

# Ids are PostgreSQL `integer` columns: a larger number can name nothing, and would make the
# database raise instead of answering 404.
MAX_ID = 2**31 - 1


def _text_only(value: Any) -> Any:
    """Times travel as RFC 3339 text; a bare number (a Unix time to pydantic) is refused."""
    if isinstance(value, int | float):
        raise ValueError("expected an RFC 3339 date-time string")
    if isinstance(value, str):
        try:
            float(value.strip())  # "1700000000", "-3", "1e9", "-1.1e-306": pydantic's Unix time
        except ValueError:
            return value
        raise ValueError("expected an RFC 3339 date-time string, not a number")
    return value


def _whole_number(value: Any) -> Any:
    """JSON Schema's `integer` is any number without a fraction, 3.0 included, and the
    contract says `integer`: so 3.0 is 3. A numeric string or a boolean is still refused."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


WholeInt = Annotated[StrictInt, BeforeValidator(_whole_number)]
"""An integer in a request body, as JSON Schema counts them."""
# The bounds go before the validator: after it, pydantic would print them as "ge"/"le",
# which JSON Schema does not know.
Id = Annotated[StrictInt, Field(ge=1, le=MAX_ID), BeforeValidator(_whole_number)]
"""An id in a request body: an integer, never a numeric string or a boolean."""
Count = Annotated[StrictInt, Field(ge=0, le=MAX_ID), BeforeValidator(_whole_number)]
Position = Annotated[StrictInt, Field(ge=0, le=10_000), BeforeValidator(_whole_number)]
"""A place among siblings, from 0."""
Flag = StrictBool
Moment = Annotated[datetime, BeforeValidator(_text_only)]

IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
NumberPath = Annotated[int, Path(ge=1, le=MAX_ID, description="A number from 1")]


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


def _storable_query(value: str | None) -> str | None:
    if value is not None and (reason := _unstorable(value)):
        raise ValueError(reason)
    return value


StorableQuery = AfterValidator(_storable_query)
"""For a text query parameter (`Annotated[str | None, Query(...), StorableQuery]`): a NUL
(`%00`) is refused with 422, as in a request body, instead of reaching the database, which
PostgreSQL answers with an error. Stream tickets and event ids are refused too: nothing with
a NUL names anything."""


class InputModel(BaseModel):
    """A request body: fields the server owns are refused, not ignored."""

    model_config = ConfigDict(extra="forbid", str_max_length=1_000_000)

    @model_validator(mode="before")
    @classmethod
    def _storable_text(cls, data: Any) -> Any:
        # Before field validation: a lone surrogate must not reach pydantic-core's pattern
        # matching, which cannot encode it and would fail with something other than a 422.
        if isinstance(data, dict):
            for name, value in data.items():
                if reason := _unstorable(value):
                    raise ValueError(f"`{name}` {reason}")
        return data


class ReadModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)

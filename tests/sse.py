"""A small SSE reader for tests (httpx streaming against a live server)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import httpx


@dataclass
class Message:
    id: int | None
    event: str
    data: dict[str, Any]


def parse(lines: Iterator[str]) -> Iterator[Message | str]:
    """Yields messages, and comment lines (heartbeats) as strings."""
    fields: dict[str, str] = {}
    for line in lines:
        if line == "":
            if "data" in fields:
                yield Message(
                    id=int(fields["id"]) if "id" in fields else None,
                    event=fields.get("event", "message"),
                    data=json.loads(fields["data"]),
                )
            fields = {}
        elif line.startswith(":"):
            yield line
        else:
            key, _, value = line.partition(":")
            fields[key] = value[1:] if value.startswith(" ") else value


async def aparse(lines: AsyncIterator[str]) -> AsyncIterator[Message | str]:
    fields: dict[str, str] = {}
    async for line in lines:
        if line == "":
            if "data" in fields:
                yield Message(
                    id=int(fields["id"]) if "id" in fields else None,
                    event=fields.get("event", "message"),
                    data=json.loads(fields["data"]),
                )
            fields = {}
        elif line.startswith(":"):
            yield line
        else:
            key, _, value = line.partition(":")
            fields[key] = value[1:] if value.startswith(" ") else value


def messages(response: httpx.Response) -> Iterator[Message | str]:
    """One parser per response: call `take` on it as often as needed."""
    return parse(response.iter_lines())


def take(items: Iterator[Message | str], count: int) -> list[Message]:
    out: list[Message] = []
    for item in items:
        if isinstance(item, Message):
            out.append(item)
            if len(out) == count:
                break
    return out

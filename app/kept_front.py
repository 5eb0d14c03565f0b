"""The front of the kept answers (SQLite, one process; setting `kept_answer_front`): the
report, floor and amendment list reads every member's page makes after every event, answered
before routing, dependencies and the threadpool, from the store of app/kept_answers.py.

- The response each request (token hash, path, raw query) got since the last commit is
  answered again: the same request, the same token, the same state (`KeptAnswers._served`).
- Its route (setting `kept_views`): which kept answer (its key, so the caller's view) each
  request named, kept across commits with the access revision read in the snapshot that
  named it (`KeptAnswers._routes`). After a commit the first reader of each view builds the
  answer through its route; the others' requests are answered with it here, with no token
  resolved, while a routed read since the commit read the same access revision (database
  triggers move it on every change of a row a view rests on: migration a4c1e7d2f905). The
  whole room asks at once, before anything is built: one request per named answer goes to
  the app, and the others wait for it here (`_leading`).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from datetime import datetime
from typing import Protocol

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.clock import utcnow
from app.kept_answers import FLIGHT_WAIT, Asked, KeptAnswers, Key, asked_of, respond
from app.schemas import MAX_ID

# How many leaders a request waits for at most, each after a commit came while it waited.
LEADS = 3
# The reads every member's page makes after every event (the report, its floor, its list).
FRONT_PATH = re.compile(r"/v1/reports/([1-9][0-9]{0,9})(|/floor|/amendments)")


class KeptAnswerFront:
    """ASGI (SQLite): answers a request the store remembers from since the last commit, or
    with the answer its route names (the module's docstring), before routing, dependencies
    and the threadpool; anything else goes on to the app (which fills the store). The
    floor's and the list's routes settle passed deadlines before they read
    (`settle_before_request`): they are answered here only while the deadline watch knows
    that nothing is due (and so is the report, whose text such a settling changes)."""

    def __init__(self, app: ASGIApp, answers: KeptAnswers, watch: Watch | None) -> None:
        self.app = app
        self.answers = answers
        self.watch = watch
        # (key, generation) -> done: a request whose route names `key` is being answered by
        # the app (it builds the answer, or waits for its build). Only the event loop's
        # thread touches it.
        self._leading: dict[tuple[Key, int], asyncio.Future[None]] = {}
        self.waiting = 0  # requests waiting for a leader now (for tests)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            match = FRONT_PATH.fullmatch(scope["path"])
            if match is not None and int(match[1]) <= MAX_ID:
                asked = self._asked(scope)
                if asked is not None:
                    await self._answer(asked, scope, receive, send)
                    return
        await self.app(scope, receive, send)

    async def _answer(self, asked: Asked, scope: Scope, receive: Receive, send: Send) -> None:
        """From the store; else, when the request's route names an answer that another
        request is being answered with since the last commit, that answer once it is kept
        (after a commit the whole room asks at once: one request per view goes to the app);
        else from the app. A commit that comes while it waits (the chair's next write) asks
        again: it waits for the first request of the new commit's, or is that request."""
        served = self.answers.served(asked, utcnow())
        for _ in range(LEADS):
            route = None if served is not None else self.answers.route_of(asked)
            if route is None:
                break
            leading = self._leading.get(route)
            if leading is None:
                await self._lead(route, scope, receive, send)
                return
            self.waiting += 1
            try:
                with contextlib.suppress(TimeoutError):  # a slow leader: the app answers
                    await asyncio.wait_for(asyncio.shield(leading), FLIGHT_WAIT)
            finally:
                self.waiting -= 1
            served = self.answers.served(asked, utcnow())
            if served is None and self.answers.route_of(asked) == route:
                break  # the leader left nothing for it (refused, or no route): the app answers
        if served is None:
            await self.app(scope, receive, send)
            return
        if_none_match = None
        for name, value in scope["headers"]:
            if name == b"if-none-match":
                if_none_match = value.decode("latin-1")
                break
        await respond(served, if_none_match)(scope, receive, send)

    async def _lead(
        self, route: tuple[Key, int], scope: Scope, receive: Receive, send: Send
    ) -> None:
        done = self._leading[route] = asyncio.get_running_loop().create_future()

        def release() -> None:  # whatever it answered: the others look again
            if not done.done():
                del self._leading[route]
                done.set_result(None)

        async def sending(message: Message) -> None:
            # Its answer is kept before its response starts: the others need not wait for
            # this reader's connection to take the body (a slow reader holds nobody up).
            if message["type"] == "http.response.start":
                release()
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            release()

    def _asked(self, scope: Scope) -> Asked | None:
        """The request as the store knows it, while the deadline watch knows that nothing
        is due; else None (the app answers)."""
        if self.watch is None or not self.watch.nothing_due(utcnow()):
            return None
        return asked_of(scope)


class Watch(Protocol):
    """The deadline watch (app/amendments/deadlines.py), as this module reads it."""

    def nothing_due(self, now: datetime) -> bool: ...

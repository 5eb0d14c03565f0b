"""The application factory."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.routing import APIRoute
from sqlalchemy import event as sa_event

from app import route_lookup
from app.amendments import list_answer
from app.amendments.deadlines import DUE_FOR_READS, DeadlineWatch, sweep_forever
from app.amendments.floor_router import router as floor_router
from app.amendments.rounds_router import router as rounds_router
from app.amendments.router import router as amendments_router
from app.amendments.sketch import router as sketch_router
from app.amendments.structure_router import router as structure_router
from app.auth import token_is_valid
from app.config import Settings, get_settings
from app.consultations.comments_router import router as comments_router
from app.consultations.router import router as consultations_router
from app.consultations.sweep import close_forever
from app.db import UNGATED, WriteGate
from app.dblock import ServingMark
from app.deliberation.notes_router import router as notes_router
from app.deliberation.router import router as threads_router
from app.drafting_groups.router import router as drafting_groups_router
from app.events.broker import Broker
from app.events.router import HEAD_HASH_HEADER
from app.events.router import router as events_router
from app.events.standing import Standings
from app.events.stream import router as stream_router
from app.events.timeline_router import router as timeline_router
from app.groups.router import router as groups_router
from app.health import router as health_router
from app.idempotency import REPLAYED_HEADER
from app.kept_answers import KeptAnswers
from app.kept_front import KeptAnswerFront, StateChecks
from app.kept_reads import PLAIN_READ
from app.meetings import floor_cache
from app.meetings.router import router as meetings_router
from app.meetings.screen import page_router
from app.meetings.sessions_router import router as sessions_router
from app.meetings.speakers_router import router as speakers_router
from app.middleware import AuthFailureLimit, BodyLimits, ServerTiming, WriteRateLimit
from app.openapi import install_openapi
from app.outputs.router import router as outputs_router
from app.problems import install_error_handlers
from app.questionnaires.public_router import router as public_questionnaires_router
from app.questionnaires.router import router as questionnaires_router
from app.questionnaires.sweep import close_forever as close_questionnaires_forever
from app.ratelimit import FailureLimiter, WriteLimiter
from app.reports import known_versions, outline
from app.reports.checked_reads import CheckedReadCache
from app.reports.read_cache import ReadCache, SectionReadCache
from app.reports.records_router import router as records_router
from app.reports.router import router as reports_router
from app.text import offload
from app.warmup import build_every_route, webhook_client
from app.webclient import install_web_client
from app.webhooks.router import router as webhooks_router
from app.webhooks.service import enqueue as enqueue_webhooks
from app.webhooks.worker import deliver_forever
from app.wiring import open_database

DESCRIPTION = """\
plenary: a working group drafts a report together. Sections with immutable versions,
amendments proposed against a base version and adopted on the plenary floor, then
editorial fixes and unanimous consent after adoption. Every error is
`application/problem+json` (RFC 9457).
"""


# What a page on another origin may send, and what its script may read back.
CORS_REQUEST_HEADERS = [
    "Authorization",
    "Content-Type",
    "If-Match",
    "If-None-Match",
    "Idempotency-Key",
    "Last-Event-ID",
]
CORS_EXPOSED_HEADERS = [
    "ETag",
    "Location",
    "Link",
    "Retry-After",
    REPLAYED_HEADER,
    HEAD_HASH_HEADER,
]


def _operation_id(route: APIRoute) -> str:
    return route.name


def tune_garbage_collector() -> None:
    """Thousands of open streams make CPython's full collections slow: each walks every live
    object while the whole process waits, and a server with many subscribers holds many. Freeze
    the start-up heap out of them, and collect the young generation less often, so the
    short-lived objects of each event die before they are promoted and the full collections
    that stall every stream at once stay rare (bench/ measures the streams' tail latency)."""
    gc.freeze()
    gc.set_threshold(10_000, 20, 10)


def create_app(settings: Settings | None = None) -> FastAPI:
    # long: the app is assembled in one place and reads top to bottom (database, state,
    # handlers, routers, middleware); cutting it up would hide the order that matters.
    settings = settings or get_settings()
    database = open_database(
        settings.database_url, sqlite_busy_timeout_ms=settings.sqlite_busy_timeout_ms
    )

    sa_event.listen(database.write_sessions, "before_commit", enqueue_webhooks)
    # The streams' standings check what each reader may still see, once per report and batch,
    # as the broker's gate before the streams wake (app/events/standing.py).
    stream_standings = Standings(database, shared=settings.stream_standings)
    broker = Broker(database, gate=stream_standings.gate, ahead=stream_standings.ahead)
    database.event_listeners.append(broker.on_commit)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        loop = asyncio.get_running_loop()
        # What the first requests would otherwise wait for (app/warmup.py).
        await build_every_route(_app)
        client = webhook_client(settings)
        tune_garbage_collector()
        serving = ServingMark(settings.database_url)  # `plenary db restore` waits for us
        broker.loop = loop
        if not database.is_sqlite:
            broker.start_listening(settings.database_url, loop)
        sweeper = asyncio.create_task(
            sweep_forever(
                database,
                settings.deadline_sweep_seconds,
                _app.state.deadline_watch,
                _app.state.write_gate,
            )
        )
        deliverer = asyncio.create_task(
            deliver_forever(database, settings, _app.state.write_gate, client)
        )
        closer = asyncio.create_task(
            close_forever(database, settings.deadline_sweep_seconds, _app.state.write_gate)
        )
        questionnaire_closer = asyncio.create_task(
            close_questionnaires_forever(
                database, settings.deadline_sweep_seconds, _app.state.write_gate
            )
        )
        yield
        if isinstance(_app.state.read_cache, CheckedReadCache):
            await _app.state.read_cache.statements.close()
        closer.cancel()
        questionnaire_closer.cancel()
        sweeper.cancel()
        deliverer.cancel()
        broker.stop()
        offload.shutdown()
        database.dispose()
        serving.release()

    app = FastAPI(
        title="plenary",
        version="0.1.0",
        description=DESCRIPTION,
        generate_unique_id_function=_operation_id,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.database = database
    app.state.broker = broker
    app.state.stream_standings = stream_standings
    app.state.write_limiter = WriteLimiter(
        per_second=settings.write_rate_per_second, burst=settings.write_burst
    )
    app.state.auth_failure_limiter = FailureLimiter(
        per_second=settings.auth_failure_rate_per_second, burst=settings.auth_failure_burst
    )
    app.state.idempotency_in_flight = set()  # (token hash, route, key) of running POSTs
    app.state.write_gate = WriteGate(
        (1 if database.is_sqlite else settings.write_concurrency)
        if settings.write_gate
        else UNGATED  # every write goes straight to its thread and waits there on the lock
    )
    # The text worker is one process per server process (the last app created decides); the
    # known versions and the outlines are kept, and switched, per database.
    offload.enabled = settings.text_worker
    known_versions.switch(database.engine, settings.known_versions)
    outline.switch(database.engine, settings.outline_cache)
    app.state.read_cache = None
    app.state.kept_answers = None
    app.state.deadline_watch = None
    routes = settings.kept_answer_front and settings.kept_views
    if database.is_sqlite and settings.read_cache:  # one process serves the database
        app.state.read_cache = ReadCache()
        database.commit_listeners.append(app.state.read_cache.invalidate)
        app.state.kept_answers = KeptAnswers(checked=False, routes=routes)
        database.commit_listeners.append(app.state.kept_answers.invalidate)
        if settings.deadline_watch:
            app.state.deadline_watch = database.deadline_watch = DeadlineWatch(database)
    elif settings.read_cache:  # PostgreSQL: every answer checked against the database
        app.state.read_cache = CheckedReadCache(settings.database_url, settings.admin_token)
        broker.notice_listeners.append(app.state.read_cache.forget_report)
        app.state.kept_answers = KeptAnswers(checked=True, routes=routes)
        broker.notice_listeners.append(app.state.kept_answers.forget_report)
    install_error_handlers(app)
    install_openapi(app)
    app.include_router(health_router)
    app.include_router(groups_router)
    app.include_router(reports_router)
    app.include_router(records_router)
    app.include_router(outputs_router)
    app.include_router(sketch_router)  # before /sections/{id}/amendments/... routes
    app.include_router(amendments_router)
    app.include_router(rounds_router)
    app.include_router(floor_router)
    app.include_router(structure_router)
    app.include_router(meetings_router)
    app.include_router(sessions_router)
    app.include_router(speakers_router)
    app.include_router(consultations_router)
    app.include_router(comments_router)
    app.include_router(questionnaires_router)
    app.include_router(public_questionnaires_router)
    app.include_router(threads_router)
    app.include_router(notes_router)
    app.include_router(drafting_groups_router)
    app.include_router(events_router)
    app.include_router(stream_router)
    app.include_router(timeline_router)
    app.include_router(page_router)
    app.include_router(webhooks_router)
    install_web_client(app)
    route_lookup.install(app.router)  # last: every route is in
    app.add_middleware(
        BodyLimits, max_bytes=settings.max_body_bytes, timeout=settings.body_timeout_seconds
    )
    if app.state.read_cache is not None:
        app.add_middleware(SectionReadCache, cache=app.state.read_cache)
    kept = app.state.kept_answers
    if kept is not None and settings.kept_answer_front and not kept.checked:
        app.add_middleware(KeptAnswerFront, answers=kept, watch=app.state.deadline_watch)
    elif kept is not None and kept.routes:  # PostgreSQL: routes answered after a check
        checks = StateChecks(
            database,
            {"report": PLAIN_READ, "floor": floor_cache.ROW, "amendments": list_answer.ROW},
            DUE_FOR_READS.column,
        )
        app.add_middleware(KeptAnswerFront, answers=kept, watch=None, checks=checks)
    # Outside the body limits too: a token over its write rate is answered before its body.
    app.add_middleware(WriteRateLimit, limiter=app.state.write_limiter)
    # Outside the body limits: a blocked address is answered before its body is read.
    app.add_middleware(
        AuthFailureLimit,
        limiter=app.state.auth_failure_limiter,
        verify=partial(token_is_valid, database, settings),
    )
    app.add_middleware(ServerTiming)  # it times the layers inside it
    if settings.cors_origins:
        # Outermost: preflights are answered before any other layer, and every answer,
        # the read cache's and the body limit's 413 included, carries the CORS headers.
        # Bearer tokens, not cookies: no credentials mode.
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=CORS_REQUEST_HEADERS,
            expose_headers=CORS_EXPOSED_HEADERS,
            max_age=600,
        )
    return app

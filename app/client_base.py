"""The transport under `PlenaryClient`: one httpx client, retries that are safe (POSTs carry an
Idempotency-Key; a request whose connection closed before any answer is sent again only when
a second copy has no second effect), ETags remembered for If-Match, pages followed, problems
raised."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator, Mapping
from typing import Any, Self, TypeVar

import httpx
from pydantic import BaseModel, TypeAdapter

from app.errors import PROBLEM_TYPE_PREFIX

M = TypeVar("M", bound=BaseModel)
RETRY_STATUSES = frozenset({502, 503, 504})
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
# The connection ended before any answer came (closed, reset, or the request could not be
# written): the server may have run the request or not, which only a resendable request can
# leave to a second attempt.
CLOSED_BEFORE_ANSWER = (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)
DOCX_MEDIA = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PAGE_SIZE = 500  # the server's largest page: fewest round trips


def _resendable(method: str, headers: Mapping[str, str]) -> bool:
    """Whether a request whose answer was lost may be sent again as it is: a second copy has
    no second effect (RFC 9110's idempotent methods; a POST with an Idempotency-Key gets the
    first answer replayed; a write with If-Match meets a moved ETag, 412)."""
    named = {name.lower() for name in headers}
    return (
        method in IDEMPOTENT_METHODS
        or (method == "POST" and "idempotency-key" in named)
        or "if-match" in named
    )


def _answer_pause(response: httpx.Response, backoff: float) -> float | None:
    """How long to wait before sending a request again after this answer; None: keep it."""
    if response.status_code == 429:
        # Refused before anything ran, so any method may be sent again.
        return _retry_after(response)
    if response.status_code == 409 and _key_in_use(response):
        # Our earlier attempt is still running: the next one gets its answer.
        return _retry_after(response)
    return backoff if response.status_code in RETRY_STATUSES else None


def _retry_after(response: httpx.Response, ceiling: float = 30.0) -> float:
    try:
        return min(max(float(response.headers.get("retry-after", "1")), 0.0), ceiling)
    except ValueError:
        return 1.0


def _key_in_use(response: httpx.Response) -> bool:
    try:
        problem = response.json()
    except ValueError:
        return False
    return isinstance(problem, dict) and str(problem.get("type")).endswith(
        ":idempotency-key-in-use"
    )


class ProblemError(Exception):
    """An error answer from plenary (problem+json), or a transport failure (status 0)."""

    def __init__(self, problem: Mapping[str, Any]) -> None:
        self.problem = dict(problem)
        self.status: int = int(problem.get("status", 0))
        self.type: str = str(problem.get("type", ""))
        self.title: str = str(problem.get("title", ""))
        self.detail: str = str(problem.get("detail", ""))
        if self.status:
            super().__init__(f"{self.status} {self.title}: {self.detail}")
        else:  # no answer at all: the detail says why and where
            super().__init__(f"{self.title}: {self.detail}")


class ClientBase:
    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        timeout: float = 30.0,
        retries: int = 3,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._http = httpx.Client(
            base_url=base_url.rstrip("/"), headers=headers, timeout=timeout, transport=transport
        )
        self.retries = retries
        self.base_url = base_url.rstrip("/")
        self._etags: dict[str, str] = {}  # resource path -> ETag of our last read

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        idempotency_key: str | None = None,
        content: bytes | None = None,
    ) -> httpx.Response:
        """Send one request. POSTs carry an Idempotency-Key, so they are retried safely.
        `content`: a raw body (a Word file) instead of `json`."""
        send_headers = dict(headers or {})
        if method == "POST":
            send_headers.setdefault("Idempotency-Key", idempotency_key or str(uuid.uuid4()))
        clean = {k: v for k, v in (params or {}).items() if v is not None}
        resendable = _resendable(method, send_headers)
        attempt = 0
        while True:
            pause = min(0.2 * 2 ** (attempt + 1), 2.0)
            try:
                response = self._http.request(
                    method, path, json=json, content=content, params=clean, headers=send_headers
                )
            except httpx.TransportError as error:
                # Refused outright: nothing listens there, and waiting will not change that
                # soon. Fail at once, naming the address.
                if (
                    attempt >= self.retries
                    or isinstance(error, httpx.ConnectError)
                    or not resendable
                ):
                    raise self._unreachable(error) from error
                if isinstance(error, CLOSED_BEFORE_ANSWER) and attempt == 0:
                    # A pooled connection the server closed as we sent: a new one answers.
                    pause = 0.0
            else:
                wait = _answer_pause(response, pause)
                if attempt >= self.retries or wait is None:
                    break
                pause = wait
            attempt += 1
            time.sleep(pause)
        if response.status_code >= 400:
            try:
                problem = response.json()
            except ValueError:
                problem = {"title": response.reason_phrase, "detail": response.text[:500]}
            problem.setdefault("status", response.status_code)
            raise ProblemError(problem)
        tag = response.headers.get("etag")
        if tag and method == "GET":
            self._etags[path] = tag
        return response

    def _unreachable(self, error: httpx.TransportError) -> ProblemError:
        refused = isinstance(error, httpx.ConnectError)
        return ProblemError(
            {
                "type": PROBLEM_TYPE_PREFIX + "connection-failed",
                "title": "Cannot reach the server",
                "status": 0,
                "detail": f"{'cannot connect to' if refused else 'no answer from'} "
                f"{self.base_url} ({error or type(error).__name__}). Is the server running "
                "there? Set PLENARY_URL (or --url) to its address.",
                "url": self.base_url,
            }
        )

    def _guarded(self, resource: str, method: str, path: str, body: Any = None) -> httpx.Response:
        """A write that needs If-Match: send the ETag of our last read of `resource`."""
        if resource not in self._etags:
            self.request("GET", resource)
        try:
            response = self.request(
                method, path, json=body, headers={"If-Match": self._etags[resource]}
            )
        except ProblemError as problem:
            if problem.status == 412 and "etag" in problem.problem:
                self._etags[resource] = str(problem.problem["etag"])
            raise
        tag = response.headers.get("etag")
        if tag:
            self._etags[resource] = tag
        return response

    def _get(self, model: type[M], path: str, **params: Any) -> M:
        return model.model_validate(self.request("GET", path, params=params).json())

    def _post(self, model: type[M], path: str, body: Any = None, **kwargs: Any) -> M:
        return model.model_validate(self.request("POST", path, json=body or {}, **kwargs).json())

    def _pages(self, model: type[M], path: str, **params: Any) -> Iterator[M]:
        """Every item of a list, page after page (the cursor is the page's `next`)."""
        adapter = TypeAdapter(list[model])  # type: ignore[valid-type]
        params.setdefault("limit", PAGE_SIZE)
        after = params.pop("after", 0)
        while True:
            page = self.request("GET", path, params={**params, "after": after}).json()
            yield from adapter.validate_python(page["items"])
            if page.get("next") is None:
                return
            after = page["next"]

    def _list(self, model: type[M], path: str, **params: Any) -> list[M]:
        return list(self._pages(model, path, **params))

"""A typed Python client for plenary, built on httpx and the server's own schemas.

    from app.client import PlenaryClient

    with PlenaryClient("http://127.0.0.1:8000", token="plen_...") as client:
        report = client.import_report(group_id=1, markdown=open("report.md").read())
        section = report.outline[0]
        amendment = client.propose(section.id, base_version=section.head_version,
                                   text="New wording.", kind="substantive")
        print(amendment.instruction)

Every error answer is raised as `ProblemError`, carrying the RFC 9457 problem. Lists come
whole: the client follows the server's pages (`{items, next}`) by itself.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any, Literal, TypeVar

import httpx
from pydantic import BaseModel, TypeAdapter

from app.amendments.client import RoundCalls
from app.amendments.schemas import (
    Alternative,
    AmendmentRead,
    DraftRevisionSummary,
    MeetingRead,
    Preview,
)
from app.consultations.client import ConsultationCalls
from app.errors import PROBLEM_TYPE_PREFIX
from app.events import chain
from app.events.schemas import ChainReport, EventPage, EventRead, StreamTicketCreated
from app.groups.schemas import (
    GroupRead,
    InvitationCreated,
    InvitationRead,
    ParticipantCreated,
    ParticipantRead,
    TokenCreated,
    TokenRead,
    WhoAmI,
)
from app.meetings.schemas import FloorState
from app.reports.schemas import (
    MilestoneRead,
    ReportComparison,
    ReportRead,
    ReportSummary,
    SectionDiff,
    SectionRead,
    VersionPage,
    VersionRead,
)
from app.webhooks.schemas import DeliveryRead, WebhookCreated

M = TypeVar("M", bound=BaseModel)
RETRY_STATUSES = frozenset({502, 503, 504})
DOCX_MEDIA = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PAGE_SIZE = 500  # the server's largest page: fewest round trips


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


def chain_report(events: Iterable[EventRead]) -> ChainReport:
    """The chain recomputed from served events, oldest first (see app/events/chain.py)."""
    check = chain.verify_events(events)
    return ChainReport(
        ok=check.ok,
        events=check.count,
        head_hash=check.head_hash,
        first_bad_event_id=check.first_bad_event_id,
        first_bad_seq=check.first_bad_seq,
        reason=check.reason,
    )


def unattributed(events: Iterable[EventRead]) -> list[EventRead]:
    """The events whose served actor id and salt do not open their actor commitment."""
    return [
        e
        for e in events
        if not chain.attribution_holds(
            commitment=e.actor_commitment, salt=e.actor_salt, actor_id=e.actor_id
        )
    ]


class PlenaryClient(ConsultationCalls, RoundCalls):
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

    def __enter__(self) -> PlenaryClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # --- transport ------------------------------------------------------------------------

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
                if attempt >= self.retries or isinstance(error, httpx.ConnectError):
                    raise self._unreachable(error) from error
            else:
                if attempt >= self.retries:
                    break
                if response.status_code == 429:
                    # Refused before anything ran, so any method may be sent again.
                    pause = _retry_after(response)
                elif response.status_code == 409 and _key_in_use(response):
                    # Our earlier attempt is still running: the next one gets its answer.
                    pause = _retry_after(response)
                elif response.status_code not in RETRY_STATUSES:
                    break
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
            if isinstance(page, list):  # a list not paged yet (invitations, /me/tokens)
                yield from adapter.validate_python(page)
                return
            yield from adapter.validate_python(page["items"])
            if page.get("next") is None:
                return
            after = page["next"]

    def _list(self, model: type[M], path: str, **params: Any) -> list[M]:
        return list(self._pages(model, path, **params))

    # --- groups -------------------------------------------------------------------------

    def me(self) -> WhoAmI:
        return self._get(WhoAmI, "/v1/me")

    def create_group(self, name: str, description: str = "") -> GroupRead:
        return self._post(GroupRead, "/v1/groups", {"name": name, "description": description})

    def list_groups(self) -> list[GroupRead]:
        return self._list(GroupRead, "/v1/groups")

    def add_participant(
        self,
        group_id: int,
        *,
        name: str,
        role: str,
        stakeholder: str = "other",
        region: str = "",
    ) -> ParticipantCreated:
        body = {"name": name, "role": role, "stakeholder": stakeholder, "region": region}
        return self._post(ParticipantCreated, f"/v1/groups/{group_id}/participants", body)

    def get_group(self, group_id: int) -> GroupRead:
        return self._get(GroupRead, f"/v1/groups/{group_id}")

    def list_participants(self, group_id: int) -> list[ParticipantRead]:
        return self._list(ParticipantRead, f"/v1/groups/{group_id}/participants")

    def update_participant(self, participant_id: int, **fields: Any) -> ParticipantRead:
        data = self.request("PATCH", f"/v1/participants/{participant_id}", json=fields).json()
        return ParticipantRead.model_validate(data)

    def create_token(self, participant_id: int, label: str = "") -> TokenCreated:
        """Another token for yourself (`participant_id` must be your own: 403 otherwise)."""
        return self._post(
            TokenCreated, f"/v1/participants/{participant_id}/tokens", {"label": label}
        )

    def my_tokens(self) -> list[TokenRead]:
        return self._list(TokenRead, "/v1/me/tokens")

    def invite(
        self, participant_id: int, expires_in_days: float | None = None
    ) -> InvitationCreated:
        """A single-use code the participant redeems for its own token (chair, secretariat
        or site admin)."""
        body = {} if expires_in_days is None else {"expires_in_days": expires_in_days}
        return self._post(InvitationCreated, f"/v1/participants/{participant_id}/invitations", body)

    def list_invitations(self, group_id: int) -> list[InvitationRead]:
        return self._list(InvitationRead, f"/v1/groups/{group_id}/invitations")

    def revoke_invitation(self, invitation_id: int) -> InvitationRead:
        data = self.request("DELETE", f"/v1/invitations/{invitation_id}").json()
        return InvitationRead.model_validate(data)

    def redeem(self, code: str, label: str = "") -> TokenCreated:
        """Exchange an invitation code for your own token (works without a token); use
        `created.token` in a new client."""
        return self._post(TokenCreated, "/v1/invitations/redeem", {"code": code, "label": label})

    def revoke_token(self, token_id: int) -> TokenRead:
        return TokenRead.model_validate(self.request("DELETE", f"/v1/tokens/{token_id}").json())

    # --- reports ------------------------------------------------------------------------

    def import_report(
        self,
        group_id: int,
        markdown: str,
        *,
        title: str | None = None,
        symbol: str | None = None,
        idempotency_key: str | None = None,
    ) -> ReportRead:
        body: dict[str, Any] = {"markdown": markdown}
        if title is not None:
            body["title"] = title
        if symbol is not None:
            body["symbol"] = symbol
        return self._post(
            ReportRead,
            f"/v1/groups/{group_id}/reports/import",
            body,
            idempotency_key=idempotency_key,
        )

    def list_reports(self, group_id: int) -> list[ReportSummary]:
        return self._list(ReportSummary, f"/v1/groups/{group_id}/reports")

    def get_report(self, report_id: int) -> ReportRead:
        return self._get(ReportRead, f"/v1/reports/{report_id}")

    def get_section(self, section_id: int) -> SectionRead:
        return self._get(SectionRead, f"/v1/sections/{section_id}")

    def get_version(self, section_id: int, number: int) -> VersionRead:
        return self._get(VersionRead, f"/v1/sections/{section_id}/versions/{number}")

    def list_versions(self, section_id: int, *, after: int = 0, limit: int = 100) -> VersionPage:
        return self._get(
            VersionPage, f"/v1/sections/{section_id}/versions", after=after, limit=limit
        )

    def write_version(self, section_id: int, *, base_version: int, text: str) -> VersionRead:
        return self._post(
            VersionRead,
            f"/v1/sections/{section_id}/versions",
            {"base_version": base_version, "text": text},
        )

    def diff(
        self,
        section_id: int,
        *,
        from_version: int,
        to_version: int | None = None,
        granularity: Literal["char", "word"] = "word",
    ) -> SectionDiff:
        return self._get(
            SectionDiff,
            f"/v1/sections/{section_id}/diff",
            **{"from": from_version, "to": to_version, "granularity": granularity},
        )

    def export(
        self,
        report_id: int,
        *,
        format: str = "markdown",
        milestone: int | None = None,
        at: datetime | None = None,
    ) -> str:
        params = {"format": format, "milestone": milestone, "at": at.isoformat() if at else None}
        return self.request("GET", f"/v1/reports/{report_id}/export", params=params).text

    def export_file(
        self,
        report_id: int,
        *,
        format: str,
        milestone: int | None = None,
        at: datetime | None = None,
        line_numbers: bool = False,
    ) -> bytes:
        """The report as a file: `akn` (Akoma Ntoso XML), `docx` or `pdf` (any format works;
        the bytes are as served)."""
        params = {
            "format": format,
            "milestone": milestone,
            "at": at.isoformat() if at else None,
            "line_numbers": "true" if line_numbers else None,
        }
        return self.request("GET", f"/v1/reports/{report_id}/export", params=params).content

    def export_amendments(
        self, report_id: int, *, format: str = "akn", status: str | None = None
    ) -> bytes:
        """The amendment list as Akoma Ntoso (`akn`) or a Word table (`docx`)."""
        return self.request(
            "GET",
            f"/v1/reports/{report_id}/amendments/export",
            params={"format": format, "status": status},
        ).content

    def import_docx(
        self,
        group_id: int,
        data: bytes,
        *,
        title: str | None = None,
        symbol: str | None = None,
        idempotency_key: str | None = None,
    ) -> ReportRead:
        """Import a Word file as a report: its headings become the outline."""
        response = self.request(
            "POST",
            f"/v1/groups/{group_id}/reports/import/docx",
            params={"title": title, "symbol": symbol},
            headers={"Content-Type": DOCX_MEDIA},
            content=data,
            idempotency_key=idempotency_key,
        )
        return ReportRead.model_validate(response.json())

    def list_milestones(self, report_id: int) -> list[MilestoneRead]:
        return self._list(MilestoneRead, f"/v1/reports/{report_id}/milestones")

    def compare(
        self, report_id: int, *, from_milestone: int, to_milestone: int | None = None
    ) -> ReportComparison:
        return self._get(
            ReportComparison,
            f"/v1/reports/{report_id}/compare",
            from_milestone=from_milestone,
            to_milestone=to_milestone,
        )

    def get_milestone(self, milestone_id: int) -> MilestoneRead:
        return self._get(MilestoneRead, f"/v1/milestones/{milestone_id}")

    def create_milestone(self, report_id: int, name: str) -> MilestoneRead:
        return self._post(MilestoneRead, f"/v1/reports/{report_id}/milestones", {"name": name})

    # --- amendments ---------------------------------------------------------------------

    def propose(
        self,
        section_id: int,
        *,
        base_version: int,
        kind: str,
        text: str | None = None,
        patch: str | None = None,
        rationale: str = "",
        alternative_to: int | None = None,
        consent_deadline: datetime | None = None,
        remind_before: float | None = None,
        idempotency_key: str | None = None,
    ) -> AmendmentRead:
        """`remind_before`: seconds before `consent_deadline` to remind the pending voters."""
        body: dict[str, Any] = {"base_version": base_version, "kind": kind, "rationale": rationale}
        if text is not None:
            body["text"] = text
        if patch is not None:
            body["patch"] = patch
        if alternative_to is not None:
            body["alternative_to"] = alternative_to
        if consent_deadline is not None:
            body["consent_deadline"] = consent_deadline.isoformat()
        if remind_before is not None:
            body["remind_before"] = remind_before
        return self._post(
            AmendmentRead,
            f"/v1/sections/{section_id}/amendments",
            body,
            idempotency_key=idempotency_key,
        )

    def list_amendments(
        self,
        report_id: int,
        *,
        status: str | None = None,
        section_id: int | None = None,
        kind: str | None = None,
    ) -> list[AmendmentRead]:
        return self._list(
            AmendmentRead,
            f"/v1/reports/{report_id}/amendments",
            status=status,
            section_id=section_id,
            kind=kind,
        )

    def get_amendment(self, amendment_id: int) -> AmendmentRead:
        return self._get(AmendmentRead, f"/v1/amendments/{amendment_id}")

    def preview(self, amendment_id: int) -> Preview:
        return self._get(Preview, f"/v1/amendments/{amendment_id}/preview")

    def _act(self, amendment_id: int, action: str, body: Any = None) -> AmendmentRead:
        resource = f"/v1/amendments/{amendment_id}"
        if action in ("consent", "object"):  # a member's own answer needs no precondition
            return self._post(AmendmentRead, f"{resource}/{action}", body)
        response = self._guarded(resource, "POST", f"{resource}/{action}", body or {})
        return AmendmentRead.model_validate(response.json())

    def revise(
        self, amendment_id: int, *, text: str | None = None, patch: str | None = None
    ) -> AmendmentRead:
        body = {"text": text} if text is not None else {"patch": patch}
        return self._act(amendment_id, "revise", body)

    def revise_draft(
        self, amendment_id: int, *, text: str | None = None, patch: str | None = None
    ) -> AmendmentRead:
        """Live drafting: send a revision of the wording on the floor, naming the revision
        last read (If-Match). On 412 the client has already re-read the ETag: look, then retry."""
        resource = f"/v1/amendments/{amendment_id}"
        body = {"text": text} if text is not None else {"patch": patch}
        response = self._guarded(resource, "POST", f"{resource}/revisions", body)
        return AmendmentRead.model_validate(response.json())

    def draft_revisions(self, amendment_id: int) -> list[DraftRevisionSummary]:
        return self._list(DraftRevisionSummary, f"/v1/amendments/{amendment_id}/revisions")

    def cancel_round(self, amendment_id: int, reason: str = "") -> AmendmentRead:
        return self._act(amendment_id, "cancel-round", {"reason": reason})

    def put_on_floor(self, amendment_id: int) -> AmendmentRead:
        return self._act(amendment_id, "floor")

    def adopt(self, amendment_id: int) -> AmendmentRead:
        return self._act(amendment_id, "adopt")

    def reject(self, amendment_id: int, reason: str = "") -> AmendmentRead:
        return self._act(amendment_id, "reject", {"reason": reason})

    def withdraw(self, amendment_id: int, reason: str = "") -> AmendmentRead:
        return self._act(amendment_id, "withdraw", {"reason": reason})

    def escalate(self, amendment_id: int, reason: str = "") -> AmendmentRead:
        return self._act(amendment_id, "escalate", {"reason": reason})

    def consent(self, amendment_id: int) -> AmendmentRead:
        return self._act(amendment_id, "consent")

    def object(self, amendment_id: int, reason: str) -> AmendmentRead:
        return self._act(amendment_id, "object", {"reason": reason})

    # --- plenary ------------------------------------------------------------------------

    def open_meeting(self, report_id: int) -> MeetingRead:
        return self._post(MeetingRead, f"/v1/reports/{report_id}/meetings")

    def _report_action(self, report_id: int, action: str, body: Any = None) -> ReportRead:
        resource = f"/v1/reports/{report_id}"
        self.request("GET", resource)  # the report's ETag moves with every event: read it fresh
        response = self._guarded(resource, "POST", f"{resource}/{action}", body or {})
        return ReportRead.model_validate(response.json())

    def adopt_report(self, report_id: int, window_days: float | None = None) -> ReportRead:
        body = {} if window_days is None else {"editorial_window_days": window_days}
        return self._report_action(report_id, "adopt", body)

    def transmit_report(self, report_id: int) -> ReportRead:
        return self._report_action(report_id, "transmit")

    def set_public(self, report_id: int, public: bool = True) -> ReportRead:
        return self._report_action(report_id, "visibility", {"public": public})

    def update_report(self, report_id: int, **fields: Any) -> ReportRead:
        resource = f"/v1/reports/{report_id}"
        response = self._guarded(resource, "PATCH", resource, fields)
        return ReportRead.model_validate(response.json())

    def add_section(
        self,
        report_id: int,
        *,
        kind: str,
        label: str = "",
        heading: str = "",
        text: str = "",
        parent_id: int | None = None,
        position: int | None = None,
    ) -> SectionRead:
        body: dict[str, Any] = {"kind": kind, "label": label, "heading": heading, "text": text}
        if parent_id is not None:
            body["parent_id"] = parent_id
        if position is not None:
            body["position"] = position
        return self._post(SectionRead, f"/v1/reports/{report_id}/sections", body)

    def update_section(self, section_id: int, **fields: Any) -> SectionRead:
        resource = f"/v1/sections/{section_id}"
        response = self._guarded(resource, "PATCH", resource, fields)
        return SectionRead.model_validate(response.json())

    def move_section(self, section_id: int, *, parent_id: int | None, position: int) -> SectionRead:
        resource = f"/v1/sections/{section_id}"
        body = {"parent_id": parent_id, "position": position}
        response = self._guarded(resource, "POST", f"{resource}/move", body)
        return SectionRead.model_validate(response.json())

    def remove_section(self, section_id: int) -> SectionRead:
        resource = f"/v1/sections/{section_id}"
        response = self._guarded(resource, "DELETE", resource)
        return SectionRead.model_validate(response.json())

    def list_meetings(self, report_id: int) -> list[MeetingRead]:
        return self._list(MeetingRead, f"/v1/reports/{report_id}/meetings")

    def register_webhook(
        self,
        group_id: int,
        url: str,
        *,
        event_types: list[str] | None = None,
        secret: str | None = None,
    ) -> WebhookCreated:
        body: dict[str, Any] = {"url": url, "event_types": event_types or []}
        if secret is not None:
            body["secret"] = secret
        return self._post(WebhookCreated, f"/v1/groups/{group_id}/webhooks", body)

    def webhook_deliveries(self, webhook_id: int) -> list[DeliveryRead]:
        return self._list(DeliveryRead, f"/v1/webhooks/{webhook_id}/deliveries")

    def close_meeting(self, meeting_id: int) -> MeetingRead:
        return self._post(MeetingRead, f"/v1/meetings/{meeting_id}/close")

    def alternatives(self, amendment_id: int) -> list[Alternative]:
        return self._list(Alternative, f"/v1/amendments/{amendment_id}/alternatives")

    def floor(self, report_id: int) -> FloorState:
        return self._get(FloorState, f"/v1/reports/{report_id}/floor")

    # --- events -------------------------------------------------------------------------

    def events(self, report_id: int, *, after: int = 0, limit: int = 100) -> EventPage:
        return self._get(EventPage, f"/v1/reports/{report_id}/events", after=after, limit=limit)

    def all_events(self, report_id: int, *, after: int = 0) -> Iterator[EventRead]:
        while True:
            page = self.events(report_id, after=after, limit=PAGE_SIZE)
            yield from page.items
            if page.next is None:
                return
            after = page.next

    def stream_ticket(self, report_id: int) -> StreamTicketCreated:
        """A single-use, 60-second ticket for a browser's EventSource (see the README)."""
        return self._post(StreamTicketCreated, f"/v1/reports/{report_id}/stream-tickets")

    def verify_chain(self, report_id: int) -> ChainReport:
        """The server's own recomputation of the chain."""
        return self._get(ChainReport, f"/v1/reports/{report_id}/events/verify")

    def recompute_chain(self, report_id: int, *, up_to_seq: int | None = None) -> ChainReport:
        """Recompute the chain here, from the log as this caller reads it: the public record
        is enough, and no arithmetic of the server's is trusted."""
        events = self.all_events(report_id)
        return chain_report(e for e in events if up_to_seq is None or e.seq <= up_to_seq)

    def unattributed_events(self, report_id: int) -> list[EventRead]:
        """Events whose served actor and salt do not open their commitment. For members: the
        public view carries no salt, so there every event is listed."""
        return unattributed(self.all_events(report_id))

    def certificate(self, report_id: int) -> dict[str, Any]:
        data = self.request("GET", f"/v1/reports/{report_id}/certificate").json()
        return dict(data["certificate"])

    def certificate_exports(self, report_id: int) -> dict[str, Any] | None:
        """Each export format's sealed hash, or None while the seal is pending."""
        data = self.request("GET", f"/v1/reports/{report_id}/certificate").json()
        exports = data.get("exports")
        return dict(exports) if exports is not None else None

    def seal_certificate(self, report_id: int) -> dict[str, Any]:
        """Ask for a missing seal (chair or secretariat); sealed after the answer."""
        return dict(self.request("POST", f"/v1/reports/{report_id}/certificate/seal").json())

    def follow(
        self, report_id: int, *, last_event_id: int | None = None, reconnect: bool = True
    ) -> Iterator[EventRead]:
        """Yield the report's events live, resuming after a dropped connection. A server that
        refuses the very first connection is an error at once (a wrong URL, not a restart)."""
        connected = False
        while True:
            headers = {} if last_event_id is None else {"Last-Event-ID": str(last_event_id)}
            try:
                with self._http.stream(
                    "GET",
                    f"/v1/reports/{report_id}/stream",
                    headers=headers,
                    timeout=httpx.Timeout(10.0, read=None),
                ) as response:
                    if response.status_code >= 400:
                        response.read()
                        raise ProblemError(response.json())
                    connected = True
                    data: list[str] = []
                    for line in response.iter_lines():
                        if line.startswith("data:"):
                            data.append(line[5:].strip())
                        elif line == "" and data:
                            event = EventRead.model_validate_json("".join(data))
                            data = []
                            last_event_id = event.id
                            yield event
            except httpx.TransportError as error:
                if not connected and isinstance(error, httpx.ConnectError):
                    raise self._unreachable(error) from error
                if not reconnect:
                    raise
            if not reconnect:
                return
            time.sleep(1.0)

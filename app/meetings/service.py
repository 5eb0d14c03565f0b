"""The meetings domain's public surface: routers and other domains call these. Each lives in
a module named after its concept: meetings (open, close), sessions (kinds, start, end),
agenda, speakers, attendance, captions (captioners, caption lines, summaries), projection,
summaries (the exported document), adoption (adopt and transmit the report)."""

from __future__ import annotations

from app.meetings.adoption import adopt_report, transmit_report
from app.meetings.agenda import add_item, items_of, move_item, move_to
from app.meetings.attendance import attendance_of, check_in, leave, present_count
from app.meetings.captions import (
    add_caption,
    captioners_of,
    captions_of,
    latest_captions,
    name_captioner,
    publish_summary,
    write_summary,
)
from app.meetings.meetings import close_meeting, get_meeting, list_meetings, open_meeting
from app.meetings.projection import VIEWS, View, project
from app.meetings.sessions import (
    end_session,
    get_session,
    list_sessions,
    schedule_session,
    start_session,
)
from app.meetings.speakers import (
    ask_for_the_floor,
    end_speech,
    give_floor,
    queue_of,
    skip,
    withdraw,
)
from app.meetings.summaries import reads_summary, summary_document

__all__ = [
    "VIEWS",
    "View",
    "add_caption",
    "add_item",
    "adopt_report",
    "ask_for_the_floor",
    "attendance_of",
    "captioners_of",
    "captions_of",
    "check_in",
    "close_meeting",
    "end_session",
    "end_speech",
    "get_meeting",
    "get_session",
    "give_floor",
    "items_of",
    "latest_captions",
    "leave",
    "list_meetings",
    "list_sessions",
    "move_item",
    "move_to",
    "name_captioner",
    "open_meeting",
    "present_count",
    "project",
    "publish_summary",
    "queue_of",
    "reads_summary",
    "schedule_session",
    "skip",
    "start_session",
    "summary_document",
    "transmit_report",
    "withdraw",
    "write_summary",
]

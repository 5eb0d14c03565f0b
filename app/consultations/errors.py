"""Problems particular to consultations (same family and rendering as app/errors.py)."""

from __future__ import annotations

from app.errors import AppError, Conflict, Unprocessable


class ConsultationClosed(Conflict):
    slug, title = "consultation-closed", "The comment period has closed"


class ConsultationNotOpen(Conflict):
    slug, title = "consultation-not-open", "The comment period has not opened yet"


class SuspectedSpam(Unprocessable):
    slug, title = "suspected-spam", "This submission looks automated"


class TooManyComments(AppError):
    status, slug, title = 429, "rate-limited", "Too many comments from this address"

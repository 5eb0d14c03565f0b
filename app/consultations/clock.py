"""The consultation's clock is the app's clock (`app/clock.py`); kept as a name so that code
written against it still imports. New code imports `app.clock`."""

from __future__ import annotations

from app.clock import Now, rfc3339, utcnow

now = utcnow

__all__ = ["Now", "now", "rfc3339"]

"""plenary: a collaborative report-drafting service."""

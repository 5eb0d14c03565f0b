"""Consultation rounds: a posted draft open for comment until a deadline (issue 19)."""

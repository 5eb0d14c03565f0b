"""Questionnaires of a group (issue 31): questions, replies, the summary and its exports."""

"""The WGIG history (shared/context, shipped as package data) as Markdown test material."""

from app.demo import CHAPTERS, history_markdown

__all__ = ["CHAPTERS", "history_markdown"]

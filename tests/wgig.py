"""The WGIG history (shared/context) turned into Markdown, as realistic test material."""

from __future__ import annotations

import re
from pathlib import Path

SOURCE = Path(__file__).resolve().parent.parent / "app" / "data" / "wgig-history.txt"
CHAPTERS = [
    "The Mandate",
    "Getting Organized",
    "Mapping the Terrain",
    "Reporting Progress",
    "Assessing Current Arrangements",
    "Developing Proposals for Action",
    "Writing the Report",
    "Conclusion",
]


def history_markdown() -> str:
    text = SOURCE.read_text(encoding="utf-8")
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    out = []
    roman = iter(["I", "II", "III", "IV", "V", "VI", "VII", "VIII"])
    for line in lines:
        if line == "A BRIEF HISTORY OF WGIG":
            out.append("# A BRIEF HISTORY OF WGIG")
        elif line in CHAPTERS:
            out.append(f"## {next(roman)}. {line}")
        else:
            out.append(line)
    body = "\n".join(out).strip()
    return re.sub(r"\n{3,}", "\n\n", body) + "\n"

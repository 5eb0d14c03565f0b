"""A summary as a Markdown document, and that document as the report outputs render it
(HTML, Word, PDF): one text, so every format says the same thing.

Headings are the summary's (the title, then one per question); what respondents wrote is
quoted line by line (`> `), so no answer can open a heading, a code fence or a list."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from app.questionnaires.models import QuestionKind
from app.questionnaires.schemas import QuestionSummary, ResponseRate, Summary
from app.text import markdown
from app.text.outline import Node, Placed, order
from app.text.paragraphs import blocks

CATEGORY_WORDS = {
    "government": "governments",
    "private_sector": "the private sector",
    "civil_society": "civil society",
    "technical_academic": "the technical and academic community",
    "intergovernmental": "intergovernmental organisations",
    "observer": "observers",
    "individual": "individuals",
    "members": "members of the group",
}


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _quoted(text: str) -> str:
    return "\n".join(f"> {line}".rstrip() for line in text.strip().splitlines())


def _words(category: str) -> str:
    return CATEGORY_WORDS.get(category, category.replace("_", " "))


def _percent(rate: float) -> str:
    return f"{round(rate * 100)}%"


def _rates(rate: ResponseRate) -> Iterator[str]:
    yield (
        f"{rate.answered} of {rate.members} members of the group replied ({_percent(rate.rate)})."
    )
    for title, rows in (
        ("By stakeholder group", rate.by_stakeholder),
        ("By region", rate.by_region),
    ):
        lines = [
            f"- {_words(r.group)}: {r.answered} of {r.members} ({_percent(r.rate)})" for r in rows
        ]
        yield f"{title}:\n\n" + "\n".join(lines)


def _counts(question: QuestionSummary) -> Iterator[str]:
    if question.options:
        lines = []
        for option in question.options:
            split = ", ".join(f"{_words(c)} {n}" for c, n in option.by_category.items())
            lines.append(
                f"- {_one_line(option.option)}: {option.count}" + (f" ({split})" if split else "")
            )
        yield "\n".join(lines)
    if question.mean is not None:
        yield f"Mean: {question.mean}."
    if question.ranking:
        ranked = sorted(
            question.ranking, key=lambda r: (r.mean_position is None, r.mean_position or 0)
        )
        yield "Ranking (mean position):\n\n" + "\n".join(
            f"{n}. {_one_line(r.option)}: "
            + ("not ranked" if r.mean_position is None else f"{r.mean_position}")
            + f", first choice of {r.first_choices}"
            for n, r in enumerate(ranked, start=1)
        )


def _texts(question: QuestionSummary) -> Iterator[str]:
    for group in question.texts:
        yield f"Answers of {_words(group.category)}:"
        for answer in group.answers:
            who = answer.respondent + (f" ({answer.organisation})" if answer.organisation else "")
            yield f"{_quoted(answer.text)}\n>\n> {_one_line(who)}"


def _question(question: QuestionSummary) -> str:
    parts = [
        f"## {question.number}. {_one_line(question.prompt)}",
        f"Answered by {question.answered}.",
    ]
    parts.extend(_counts(question))
    if question.kind == QuestionKind.text:
        parts.extend(_texts(question))
    return "\n\n".join(parts)


def to_markdown(summary: Summary) -> str:
    public = ", ".join(f"{n} {_words(c)}" for c, n in summary.public_by_category.items())
    replies = f"{summary.internal_replies} replies from members of the group"
    replies += f"; {summary.public_replies} public replies" + (f" ({public})" if public else "")
    parts = [f"# Summary of replies: {_one_line(summary.title)}"]
    if summary.narrative.strip():
        parts.append(summary.narrative.strip())
    parts.append(replies + ".")
    if summary.response_rate is not None:
        parts.extend(_rates(summary.response_rate))
    parts.extend(_question(q) for q in summary.questions)
    return "\n\n".join(parts) + "\n"


def placed_sections(source: str) -> list[Placed]:
    """The document's outline as the report outputs take it (ids are positions in it)."""
    nodes: list[Node] = []

    def add(sections: list[markdown.ParsedSection], parent: int | None) -> None:
        for position, parsed in enumerate(sections):
            node_id = len(nodes) + 1
            count = sum(1 for b in blocks(parsed.text) if b.numbered)
            nodes.append(
                Node(
                    node_id,
                    parent,
                    position,
                    parsed.kind,
                    parsed.label,
                    parsed.heading,
                    1,
                    count,
                    parsed.text,
                )
            )
            add(parsed.children, node_id)

    add(markdown.parse(source).sections, None)
    return order(nodes)


def generated_at(summary: Summary, now: datetime) -> str:
    return f"as at {now.strftime('%Y-%m-%d %H:%M')} UTC ({summary.state})"

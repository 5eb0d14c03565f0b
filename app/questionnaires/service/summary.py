"""The summary: per question, counts by option and by category, free-text answers grouped by
the respondent's category, and the response rate among the group's members by stakeholder
group and region, with the secretariat's narrative on top.

It counts members' submitted replies and published public replies, and is computed for its
reader: the group's members see names and stakeholder groups; everyone else sees members'
answers under "members" with no name, and public respondents named only where they chose to
be (the same rule as the replies, `views.py`). Outside the group it is read only once the
questionnaire has closed, and only when it has a public version."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth import Principal
from app.errors import NotFound
from app.groups.models import Participant
from app.questionnaires import views
from app.questionnaires.models import Question, QuestionKind, Questionnaire, Reply, ReplyAudience
from app.questionnaires.schemas import (
    OptionCount,
    QuestionSummary,
    RankedOption,
    RateRow,
    ResponseRate,
    Summary,
    TextAnswer,
    TextGroup,
)
from app.questionnaires.service.questionnaires import (
    RESPONDENT_ROLES,
    get_questionnaire,
    in_group,
    questions_of,
    state_of,
)
from app.questionnaires.service.replies import counted_replies

MEMBERS = "members"  # members' answers in the public view: no stakeholder group


@dataclass(frozen=True)
class Respondent:
    audience: ReplyAudience
    category: str
    label: str
    organisation: str
    answers: dict[str, Any]


def respondents(session: Session, replies: Sequence[Reply], *, named: bool) -> list[Respondent]:
    people = views.people_of(session, replies) if named else {}
    found = []
    for reply in replies:
        person = people.get(reply.participant_id or 0)
        if named:
            category = views.category_of(reply, person)
            label = views.named_label(reply, person)
        else:
            internal = reply.audience == ReplyAudience.internal
            category = None if internal else reply.category
            label = views.public_label(reply)
        found.append(
            Respondent(
                audience=reply.audience,
                category=MEMBERS if category is None else category.value,
                label=label,
                organisation=reply.organisation,
                answers=dict(reply.answers),
            )
        )
    return found


def _choices(question: Question, value: Any) -> list[str]:
    if question.kind == QuestionKind.scale:
        return [str(value)]
    return [value] if isinstance(value, str) else list(value)


def _option_names(question: Question) -> list[str]:
    if question.kind == QuestionKind.scale and question.scale_min is not None:
        return [str(n) for n in range(question.scale_min, (question.scale_max or 0) + 1)]
    return list(question.options)


def summarise_question(question: Question, people: Sequence[Respondent]) -> QuestionSummary:
    key = str(question.id)
    answered = [(p, p.answers[key]) for p in people if key in p.answers]
    counts: dict[str, Counter[str]] = {name: Counter() for name in _option_names(question)}
    texts: dict[str, list[TextAnswer]] = defaultdict(list)
    positions: dict[str, list[int]] = defaultdict(list)
    for person, value in answered:
        if question.kind == QuestionKind.text:
            texts[person.category].append(
                TextAnswer(respondent=person.label, organisation=person.organisation, text=value)
            )
            continue
        for place, choice in enumerate(_choices(question, value), start=1):
            counts.setdefault(choice, Counter())[person.category] += 1
            positions[choice].append(place)
    scale = [int(v) for _, v in answered] if question.kind == QuestionKind.scale else []
    return QuestionSummary(
        question_id=question.id,
        number=question.position,
        kind=question.kind,
        prompt=question.prompt,
        answered=len(answered),
        options=[
            OptionCount(option=name, count=sum(c.values()), by_category=dict(sorted(c.items())))
            for name, c in counts.items()
        ],
        mean=round(sum(scale) / len(scale), 2) if scale else None,
        ranking=[
            RankedOption(
                option=name,
                mean_position=round(sum(positions[name]) / len(positions[name]), 2)
                if positions[name]
                else None,
                first_choices=positions[name].count(1),
            )
            for name in question.options
        ]
        if question.kind == QuestionKind.ranking
        else [],
        texts=[TextGroup(category=c, answers=texts[c]) for c in sorted(texts)],
    )


def _rows(total: Counter[str], answered: Counter[str]) -> list[RateRow]:
    return [
        RateRow(
            group=name,
            members=total[name],
            answered=answered[name],
            rate=round(answered[name] / total[name], 3),
        )
        for name in sorted(total)
    ]


def response_rate(
    session: Session, questionnaire: Questionnaire, replies: Sequence[Reply]
) -> ResponseRate:
    """Among the active chair and members of the group (those who answer the internal
    version), by stakeholder group and by region."""
    members = list(
        session.scalars(
            select(Participant).where(
                Participant.group_id == questionnaire.group_id,
                Participant.active.is_(True),
                Participant.role.in_(RESPONDENT_ROLES),
            )
        )
    )
    answered_ids = {r.participant_id for r in replies if r.audience == ReplyAudience.internal}
    by_group: Counter[str] = Counter(m.stakeholder.value for m in members)
    by_region: Counter[str] = Counter(m.region or "(none)" for m in members)
    done = [m for m in members if m.id in answered_ids]
    return ResponseRate(
        members=len(members),
        answered=len(done),
        rate=round(len(done) / len(members), 3) if members else 0.0,
        by_stakeholder=_rows(by_group, Counter(m.stakeholder.value for m in done)),
        by_region=_rows(by_region, Counter(m.region or "(none)" for m in done)),
    )


def summarise(
    session: Session, questionnaire: Questionnaire, *, named: bool, now: datetime
) -> Summary:
    replies = counted_replies(session, questionnaire)
    people = respondents(session, replies, named=named)
    public = [p for p in people if p.audience == ReplyAudience.public]
    return Summary(
        questionnaire_id=questionnaire.id,
        title=questionnaire.title,
        state=state_of(questionnaire, now),
        deadline=questionnaire.deadline,
        narrative=questionnaire.narrative,
        internal_replies=len(people) - len(public),
        public_replies=len(public),
        public_by_category=dict(sorted(Counter(p.category for p in public).items())),
        response_rate=response_rate(session, questionnaire, replies) if named else None,
        questions=[summarise_question(q, people) for q in questions_of(session, questionnaire.id)],
    )


def get_summary(
    session: Session, *, questionnaire_id: int, principal: Principal | None, now: datetime
) -> Summary:
    questionnaire = get_questionnaire(
        session, questionnaire_id=questionnaire_id, principal=principal
    )
    if not in_group(questionnaire, principal) and state_of(questionnaire, now) != "closed":
        raise NotFound(
            f"The summary of questionnaire {questionnaire_id} is published when it closes."
        )
    named = views.sees_names(questionnaire, principal)
    return summarise(session, questionnaire, named=named, now=now)

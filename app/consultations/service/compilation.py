"""The compiled record of a round: who commented, by category and by section, the sentence
the WGIG secretariat wrote by hand ("Four governments, twenty-three WSIS observers ..."),
and the per-paragraph view for the drafting groups. Built from published top-level comments
only (replies are discussion, not input; held and rejected comments are not on record)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from app.consultations.models import Category, Comment, Consultation, Origin
from app.consultations.schemas import (
    CategoryCount,
    CommentPublic,
    Compilation,
    ParagraphComments,
    ParagraphView,
    SectionCount,
)
from app.consultations.service.comments import participants_of, published_comments
from app.consultations.service.consultations import posted_outline, state_of
from app.consultations.views import public_views
from app.groups.models import Role

MEMBERS, OBSERVERS = "members", "observers"
# Public categories first, in the order of the list, then the group's own observers and
# members, as the WGIG history reports them.
ORDER = [*(c.value for c in Category), OBSERVERS, MEMBERS]
NOUNS = {
    Category.government.value: ("government", "governments"),
    Category.private_sector.value: ("private sector entity", "private sector entities"),
    Category.civil_society.value: ("civil society organization", "civil society organizations"),
    Category.technical_academic.value: (
        "academic and technical institution",
        "academic and technical institutions",
    ),
    Category.intergovernmental.value: (
        "intergovernmental organization",
        "intergovernmental organizations",
    ),
    Category.individual.value: ("individual", "individuals"),
    OBSERVERS: ("observer", "observers"),
    MEMBERS: ("member", "members"),
}
_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = [
    "",
    "",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
]


def number_words(n: int) -> str:
    """English words for 0-999; digits beyond (a round that large reads fine in figures)."""
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + ("" if ones == 0 else "-" + _ONES[ones])
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        head = _ONES[hundreds] + " hundred"
        return head if rest == 0 else f"{head} and {number_words(rest)}"
    return f"{n:,}"


def sentence(counts: Sequence[tuple[str, int]]) -> str:
    parts = [
        f"{number_words(n)} {NOUNS[key][0] if n == 1 else NOUNS[key][1]}"
        for key, n in counts
        if n > 0
    ]
    if not parts:
        return "No comments were received."
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return listed[0].upper() + listed[1:] + " commented."


def class_of(comment: Comment, roles: dict[int, Role]) -> str:
    """The heading a commenter is counted under."""
    if comment.origin == Origin.public:
        return comment.category.value
    role = roles.get(comment.participant_id or 0)
    return OBSERVERS if role == Role.observer else MEMBERS


def commenter_key(comment: Comment) -> tuple[object, ...]:
    """One commenter, however many comments: a participant, an invitation, or a public
    commenter by the name, organisation and category it gave."""
    if comment.participant_id is not None:
        return ("participant", comment.participant_id)
    if comment.invite_id is not None:
        return ("invite", comment.invite_id)
    return (
        "public",
        comment.author_name.casefold().strip(),
        comment.organisation.casefold().strip(),
        comment.category.value,
    )


def compile_round(session: Session, consultation: Consultation, now: datetime) -> Compilation:
    comments = [c for c in published_comments(session, consultation) if c.parent_id is None]
    roles = {p.id: p.role for p in participants_of(session, comments).values()}
    commenters: dict[str, set[tuple[object, ...]]] = defaultdict(set)
    per_class: Counter[str] = Counter()
    for comment in comments:
        heading = class_of(comment, roles)
        commenters[heading].add(commenter_key(comment))
        per_class[heading] += 1
    by_category = [
        CategoryCount(category=key, commenters=len(commenters[key]), comments=per_class[key])
        for key in ORDER
        if per_class[key]
    ]
    placed = {p.node.id: p.node for p in posted_outline(session, consultation)}
    per_section: Counter[int | None] = Counter(c.section_id for c in comments)
    by_section = [
        SectionCount(
            section_id=section_id,
            label="" if section_id is None else placed[section_id].label,
            heading="General comments" if section_id is None else placed[section_id].heading,
            comments=per_section[section_id],
        )
        for section_id in [*placed, None]
        if per_section[section_id]
    ]
    return Compilation(
        consultation_id=consultation.id,
        title=consultation.title,
        state=state_of(consultation, now),
        sentence=sentence([(c.category, c.commenters) for c in by_category]),
        comments=len(comments),
        commenters=sum(len(v) for v in commenters.values()),
        by_category=by_category,
        by_section=by_section,
        by_disposition=dict(
            sorted(
                Counter(
                    c.disposition.value if c.disposition else "pending" for c in comments
                ).items()
            )
        ),
    )


def record_views(session: Session, consultation: Consultation) -> list[CommentPublic]:
    """Every published comment as the public record shows it (exports are public documents:
    Chatham House for participants, whoever reads them)."""
    return public_views(session, consultation, published_comments(session, consultation))


def paragraph_view(session: Session, consultation: Consultation) -> ParagraphView:
    """Comments grouped by the paragraph they point to today (posted number kept), so a
    drafting group sees what was said about each paragraph it holds."""
    groups: dict[tuple[int, int | None, int | None], list[int]] = defaultdict(list)
    for view in record_views(session, consultation):
        if view.parent_id is not None or view.anchor.section_id is None:
            continue
        today = None if view.current is None or view.current.outdated else view.current.paragraph
        key = (view.anchor.section_id, today, view.anchor.paragraph)
        groups[key].append(view.id)
    ordered = sorted(groups.items(), key=lambda kv: (kv[0][2] or 0, kv[0][0], kv[0][1] or 0))
    return ParagraphView(
        consultation_id=consultation.id,
        paragraphs=[
            ParagraphComments(
                section_id=section_id, paragraph=today, posted_paragraph=posted, comment_ids=ids
            )
            for (section_id, today, posted), ids in ordered
        ],
    )

"""Request and response bodies. A reply has two views: `ReplyRead` for the group's members
(names, stakeholder, region) and `ReplyPublic` for everyone else; `views.py` decides which
one a caller gets. The summary is computed for its reader (`service/summary.py`)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, StrictBool, StrictInt, StrictStr, model_validator

from app.questionnaires.models import (
    MAX_TEXT_ANSWER_CHARS,
    Moderation,
    QuestionKind,
    ReplyAudience,
    ReplyStatus,
    RespondentCategory,
)
from app.schemas import Id, InputModel, Moment, Position, ReadModel

DEFAULT_TEXT_CHARS = 5_000
MAX_OPTIONS = 50
Option = Annotated[str, Field(min_length=1, max_length=200)]
Chapeau = Annotated[str, Field(min_length=1, max_length=20_000)]
ShortText = Annotated[str, Field(max_length=200)]
# One answer: text, an option, options in order, or a number on the scale. Checked against
# its question by the service (unknown options, lengths, ranges).
AnswerValue = StrictStr | StrictInt | Annotated[list[StrictStr], Field(max_length=MAX_OPTIONS)]
Answers = Annotated[
    dict[Annotated[str, Field(max_length=20)], AnswerValue],
    Field(max_length=200, description="By question id: the answer (absent: not answered)"),
]
State = Literal["open", "closed"]


class QuestionCreate(InputModel):
    kind: QuestionKind
    prompt: Annotated[str, Field(min_length=1, max_length=2_000)]
    required: StrictBool = False
    options: Annotated[list[Option], Field(max_length=MAX_OPTIONS)] = Field(
        default_factory=list, description="single, multiple, ranking: the choices"
    )
    max_chars: Annotated[int, Field(ge=1, le=MAX_TEXT_ANSWER_CHARS)] | None = Field(
        default=None, description=f"text: the longest answer ({DEFAULT_TEXT_CHARS} if absent)"
    )
    scale_min: Annotated[int, Field(ge=-100, le=100)] | None = None
    scale_max: Annotated[int, Field(ge=-100, le=100)] | None = None

    @model_validator(mode="after")
    def _fits_its_kind(self) -> QuestionCreate:
        choice = self.kind in (QuestionKind.single, QuestionKind.multiple, QuestionKind.ranking)
        if choice and (len(self.options) < 2 or len(set(self.options)) != len(self.options)):
            raise ValueError("a choice or ranking question needs two or more distinct options")
        if not choice and self.options:
            raise ValueError(f"a {self.kind.value} question has no options")
        if self.kind == QuestionKind.scale:
            if self.scale_min is None or self.scale_max is None:
                raise ValueError("a scale question needs `scale_min` and `scale_max`")
            if self.scale_min >= self.scale_max:
                raise ValueError("`scale_min` must be below `scale_max`")
        elif self.scale_min is not None or self.scale_max is not None:
            raise ValueError("only a scale question has `scale_min` and `scale_max`")
        if self.max_chars is not None and self.kind != QuestionKind.text:
            raise ValueError("only a text question has `max_chars`")
        return self


class QuestionEdit(QuestionCreate):
    id: Id | None = Field(
        default=None, description="A question of this questionnaire, changed in place; absent: new"
    )


class QuestionsSet(InputModel):
    """The whole list, in its new order: listed questions kept (changed as given), new ones
    added, the others removed. Only before the first reply is submitted."""

    questions: Annotated[list[QuestionEdit], Field(min_length=1, max_length=100)]


class WordingFix(InputModel):
    """A question's wording corrected (a typo): after replies are submitted, a change of a
    few characters only, its reason on the record."""

    prompt: Annotated[str, Field(min_length=1, max_length=2_000)]
    note: Annotated[str, Field(min_length=1, max_length=500)] = Field(
        description="Why: what was wrong with the wording (recorded in the event)"
    )


class QuestionnaireCreate(InputModel):
    """An internal version (`internal_chapeau`, for the group's members), a public version
    (`public_chapeau`, answered through public links), or both: the same questions."""

    title: Annotated[str, Field(min_length=1, max_length=300)]
    report_id: Id | None = Field(
        default=None, description="Tie it to a report of the group: its events go to its log"
    )
    internal_chapeau: Chapeau | None = None
    public_chapeau: Chapeau | None = None
    deadline: Moment
    questions: Annotated[list[QuestionCreate], Field(min_length=1, max_length=100)]

    @model_validator(mode="after")
    def _a_version(self) -> QuestionnaireCreate:
        if self.internal_chapeau is None and self.public_chapeau is None:
            raise ValueError("give `internal_chapeau`, `public_chapeau` or both")
        return self


class QuestionRead(ReadModel):
    id: int
    number: int
    kind: QuestionKind
    prompt: str
    required: bool
    options: list[str]
    max_chars: int | None
    scale_min: int | None
    scale_max: int | None
    reworded_at: datetime | None = Field(
        description="When its wording was last corrected after replies were submitted"
    )
    answered_prompt: str | None = Field(
        description="The wording the first replies answered, when corrected since"
    )


class QuestionnaireRead(ReadModel):
    id: int
    group_id: int
    report_id: int | None
    title: str
    internal_chapeau: str | None
    public_chapeau: str | None
    deadline: datetime
    state: State
    shared: bool = Field(description="Members read each other's replies, named")
    narrative: str
    questions: list[QuestionRead]
    created_at: datetime


class QuestionnairePublic(ReadModel):
    """The public version: its chapeau and the questions."""

    id: int
    title: str
    chapeau: str
    deadline: datetime
    state: State
    questions: list[QuestionRead]


class QuestionnairePage(ReadModel):
    items: list[QuestionnaireRead]
    next: int | None


class LinkCreate(InputModel):
    organisation: ShortText = ""
    category: RespondentCategory | None = Field(
        default=None, description="Fixed for an invited stakeholder; else the respondent says"
    )


class LinkRead(ReadModel):
    id: int
    questionnaire_id: int
    organisation: str
    category: RespondentCategory | None
    code: str = Field(description="Shown once: the public link is `path`")
    path: str


class OpenLinkCreate(InputModel):
    max_replies: Annotated[int, Field(ge=1, le=10_000)] = Field(
        default=1_000, description="At most this many respondents through this link"
    )


class OpenLinkRead(ReadModel):
    id: int
    questionnaire_id: int
    max_replies: int
    code: str = Field(description="Shown once: anyone with `page` (or `path`) may answer")
    path: str
    page: str = Field(description="The answering page in a browser (no account needed)")


class ReplyCreate(InputModel):
    answers: Answers = Field(default_factory=dict)
    submit: StrictBool = Field(default=False, description="Submit now; else a draft")


class ReplyUpdate(InputModel):
    answers: Answers
    submit: StrictBool = Field(default=False, description="Submit a draft or withdrawn reply")


class PublicReplyCreate(InputModel):
    name: ShortText = ""
    organisation: ShortText = ""
    category: RespondentCategory | None = Field(
        default=None, description="Needed unless the link fixes it"
    )
    publish_name: StrictBool = Field(
        default=False, description="Print the name in public views; otherwise 'a respondent'"
    )
    answers: Answers = Field(default_factory=dict)
    submit: StrictBool = False


class ReplyModeration(InputModel):
    decision: Literal["publish", "reject"]


class ShareSet(InputModel):
    shared: StrictBool


class NarrativeSet(InputModel):
    text: Annotated[str, Field(max_length=100_000)]


class ReplyPublic(ReadModel):
    id: int
    questionnaire_id: int
    audience: ReplyAudience
    respondent: str = Field(description="A name only where the respondent chose attribution")
    organisation: str
    category: RespondentCategory | None = Field(description="Public respondents only")
    status: ReplyStatus
    moderation: Moderation | None
    answers: dict[str, AnswerValue]
    submitted_at: datetime | None
    updated_at: datetime


class ReplyRead(ReplyPublic):
    """Members' view: who answered, and when."""

    participant_id: int | None
    stakeholder: str | None
    region: str | None
    publish_name: bool
    created_at: datetime
    withdrawn_at: datetime | None


ReplyView = ReplyRead | ReplyPublic


class ReplyPage(ReadModel):
    items: list[ReplyRead] | list[ReplyPublic]
    next: int | None


class PublicForm(ReadModel):
    """What a public link opens: the public version and the link's reply, if any."""

    questionnaire: QuestionnairePublic
    organisation: str
    category: RespondentCategory | None
    reply: ReplyRead | None
    open: bool = Field(
        default=False,
        description="An open link: each respondent POSTs to `replies` and gets its own secret",
    )


class OpenReplyCreated(ReplyRead):
    """A respondent's reply through an open link, with its secret: shown once."""

    secret: str = Field(description="Your reply's own link code: keep it to change the reply")
    path: str
    page: str


class OptionCount(ReadModel):
    option: str
    count: int
    by_category: dict[str, int]


class RankedOption(ReadModel):
    option: str
    mean_position: float | None = Field(description="1 is first; null when nobody ranked it")
    first_choices: int


class TextAnswer(ReadModel):
    respondent: str
    organisation: str
    text: str


class TextGroup(ReadModel):
    category: str
    answers: list[TextAnswer]


class QuestionSummary(ReadModel):
    question_id: int
    number: int
    kind: QuestionKind
    prompt: str
    answered: int
    options: list[OptionCount]
    mean: float | None
    ranking: list[RankedOption]
    texts: list[TextGroup]


class RateRow(ReadModel):
    group: str
    members: int
    answered: int
    rate: float


class ResponseRate(ReadModel):
    members: int
    answered: int
    rate: float
    by_stakeholder: list[RateRow]
    by_region: list[RateRow]


class Summary(ReadModel):
    questionnaire_id: int
    title: str
    state: State
    deadline: datetime
    narrative: str
    internal_replies: int
    public_replies: int
    public_by_category: dict[str, int]
    response_rate: ResponseRate | None = Field(
        description="Among the group's members (chair and members); members' view only"
    )
    questions: list[QuestionSummary]


class SummaryImport(InputModel):
    into: Literal["section", "report"]
    report_id: Id | None = Field(
        default=None, description="section: the report (the questionnaire's by default)"
    )
    parent_id: Id | None = None
    position: Position | None = None


class SummaryImported(ReadModel):
    report_id: int
    section_id: int | None

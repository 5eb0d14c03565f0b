"""Instructions a chair can read out without stumbling (issue 36): proposed through the API,
read back as the amendment's instruction and suggested kind."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.amendments.helpers import propose, report_with_section
from tests.factories import make_room

REPEATED = " ".join(["The group met."] * 6)


def _proposed(client: TestClient, text: str, wording: str, kind: str = "substantive") -> dict:  # type: ignore[type-arg]
    room = make_room(client, members=1)
    _rid, sid = report_with_section(client, room, text=text)
    return propose(client, room.members[0], sid, wording, kind=kind)


TAIL = (
    " Then it heard the delegations of every region, one by one, on the questions the chair"
    " had put to them in writing before the session, and closed."
)


def test_insertions_into_a_repeated_sentence_are_placed_by_occurrence(client: TestClient) -> None:
    text = REPEATED + TAIL * 3  # long enough for five short steps to beat the whole paragraph
    said = _proposed(client, text, text.replace("met.", "met today.", 5))["instruction"]
    assert said == "\n".join(
        f'{n}. In paragraph 1, after the {nth} occurrence of "The group met" insert "today".'
        for n, nth in enumerate(("first", "second", "third", "fourth", "fifth"), start=1)
    )
    assert "at the beginning" not in said


def test_a_replacement_in_a_repeated_sentence_names_its_occurrence(client: TestClient) -> None:
    words = REPEATED.split(" ")
    words[-2] = "team"  # the sixth "group"
    said = _proposed(client, REPEATED, " ".join(words))["instruction"]
    assert said == (
        'In paragraph 1, replace the sixth occurrence of "The group met." with "The team met.".'
    )


def test_a_quote_never_cuts_inside_a_token(client: TestClient) -> None:
    """`'...'` -> `f'...'`: the whole token is quoted, not "insert "f" after "return""."""
    text = "The function ends with return '...' as before."
    said = _proposed(client, text, text.replace("'...'", "f'...'"))["instruction"]
    assert said == "In paragraph 1, replace \"'...'\" with \"f'...'\"."


def test_quotes_repeat_a_few_words_of_context_at_most(client: TestClient) -> None:
    sentence = "The group met in the room and agreed on the text as drafted by the chair"
    text = f"{sentence} first. {sentence} second. {sentence} first again."
    said = _proposed(client, text, text.replace("chair first again", "chair, first again"))[
        "instruction"
    ]
    quoted = said.split('"')[1]
    assert len(quoted.split()) <= 6, said


def test_removing_a_stray_article_is_suggested_editorial(client: TestClient) -> None:
    text = "The matter is of a such importance that the the group met."
    amendment = _proposed(client, text, text.replace("of a such", "of such"), kind="editorial")
    assert amendment["suggested_kind"] == "editorial"
    amendment = _proposed(client, text, text.replace("the the", "the"), kind="editorial")
    assert amendment["suggested_kind"] == "editorial"
    # An article that could stand stays a change of meaning.
    amendment = _proposed(client, text, text.replace("The matter", "Matter"))
    assert amendment["suggested_kind"] == "substantive"


def test_a_comment_line_inside_code_is_no_heading(client: TestClient) -> None:
    """A block of a fenced code block that starts with `# comment` is a paragraph like the
    rest of the code, so later paragraphs keep their numbers."""
    text = "Intro.\n\n```\nls\n\n# comment\nrm -rf build\n```\n\nThe last paragraph."
    said = _proposed(client, text, text.replace("last", "final"))["instruction"]
    assert said == 'In paragraph 4, replace "last" with "final".'


def test_a_heading_underline_is_no_word_of_the_heading(client: TestClient) -> None:
    text = "Scope\n-----\n\nThe text."
    said = _proposed(client, text, text.replace("Scope\n-----", "Scope of work\n-------------"))
    assert said["instruction"] == (
        'In paragraph 1, after "Scope" insert "of work", adjusting the heading\'s underline '
        "to match."
    )
    assert "-" not in said["instruction"].split("insert")[1]


def test_layout_in_a_reworded_paragraph_is_said_with_its_rewording(client: TestClient) -> None:
    """No separate "line breaks and spacing only" step for a paragraph another step
    rewords; a paragraph whose layout alone changes keeps its own step."""
    text = "The group met in\nGeneva on Monday. It agreed.\n\nIt closed the\nmeeting."
    wording = "The group met in Geneva\non Monday. It disagreed.\n\nIt closed the meeting."
    said = _proposed(client, text, wording)["instruction"]
    assert said == (
        '1. In paragraph 1, replace "agreed" with "disagreed", adjusting line breaks and '
        "spacing to match.\n"
        "2. In paragraph 2, line breaks and spacing only (no change of wording)."
    )


def test_many_small_steps_become_one_whole_paragraph_replacement(client: TestClient) -> None:
    text = "\n\n".join(f"Paragraph {n} says a b c d." for n in range(1, 8))
    wording = text.replace(" a ", " A ").replace(" c ", " C ")
    said = _proposed(client, text, wording)["instruction"]
    assert said == f'Replace paragraphs 1-7 with the following:\n"{wording}"'


def test_a_page_break_made_a_blank_line_says_the_paragraph_splits(client: TestClient) -> None:
    text = "First part of the text.\n\f\nSecond part goes on.\n\nOther."
    said = _proposed(client, text, text.replace("\n\f\n", "\n\n"), kind="editorial")
    assert said["instruction"] == (
        'In paragraph 1, start a new paragraph at "Second part goes" (a page break becomes a '
        "blank line)."
    )
    joined = _proposed(client, "One.\n\nTwo.\n\nThree.", "One.\nTwo.\n\nThree.", kind="editorial")
    assert joined["instruction"] == "Join paragraphs 1 and 2 into one paragraph."


def test_one_cross_reference_change_is_one_step(client: TestClient) -> None:
    """Two edits inside one token (`ref` -> `doc` and the target) are one place: two
    steps would both quote the token, the second quoting what the first removed."""
    text = "See :ref:`topics-db-queries` for more."
    wording = "See :doc:`/topics/db/queries` for more."
    said = _proposed(client, text, wording)["instruction"]
    assert said == (
        'In paragraph 1, replace ":ref:`topics-db-queries`" with ":doc:`/topics/db/queries`".'
    )


def test_a_change_reaching_into_the_space_after_the_last_paragraph_is_read_aloud(
    client: TestClient,
) -> None:
    """A section whose text ends with a space, and a sentence added after it: the change
    starts in the whitespace after the paragraph (it was a 500: the quote's scope stopped at
    the paragraph's end, before the change)."""
    text = "The country reported. " * 12
    said = _proposed(client, text, text + " Added.")["instruction"]
    assert said.startswith("In paragraph 1, after ") and said.endswith(' insert "Added.".')
    leading = _proposed(client, "  The group met.", "Then  The group met.")["instruction"]
    assert leading == 'In paragraph 1, before "The group met." insert "Then".'

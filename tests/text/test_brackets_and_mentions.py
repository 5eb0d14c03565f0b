"""The pure rules of brackets and paragraph mentions."""

from __future__ import annotations

import pytest

from app.text.anchors import carry_point
from app.text.brackets import bracket, carry_bracket
from app.text.edits import Edit, compute_edits
from app.text.mentions import paragraph_mentions

TEXT = "The roles of governments matter here."


def test_a_bracket_holds_whole_words_where_the_wordings_differ() -> None:
    made = bracket([TEXT, "The role of States matter here.", "The roles of all matter here."])
    assert made is not None
    assert made.text == "The [roles of governments / role of States / roles of all] matter here."
    assert made.text[made.start : made.end].startswith("[") and made.text[made.end - 1] == "]"
    assert made.options == ("roles of governments", "role of States", "roles of all")
    assert bracket([TEXT, TEXT]) is None and bracket([TEXT]) is None


@pytest.mark.parametrize(
    ("change", "kept"),
    [
        (("The", "A"), "[roles of governments / role of States]"),  # before: moved
        (("here", "there"), "[roles of governments / role of States]"),  # after: stays
        (("of States", "of the States"), "[roles of governments / role of the States]"),
        (("[roles of governments / role of States]", "roles of governments"), None),  # chosen
        (("[roles", "roles"), None),  # no longer a bracket
    ],
)
def test_a_bracket_is_carried_until_the_text_no_longer_holds_it(
    change: tuple[str, str], kept: str | None
) -> None:
    made = bracket([TEXT, "The role of States matter here."])
    assert made is not None
    after = made.text.replace(*change)
    carried = carry_bracket(after, made.start, made.end, compute_edits(made.text, after))
    assert (after[carried[0] : carried[1]] if carried else None) == kept


def test_a_point_lands_where_a_rewrite_began() -> None:
    assert carry_point(10, [[Edit(0, 2, "abcd")]]) == 12  # before: shifted
    assert carry_point(10, [[Edit(10, 10, "xy")]]) == 12  # an insertion at the point: before
    assert carry_point(10, [[Edit(5, 15, "z")]]) == 5  # a rewrite over it: its start
    assert carry_point(10, [[Edit(12, 14, "")]]) == 10  # after: unchanged


def test_paragraph_mentions() -> None:
    said = "See ¶12, para 3 and Paragraph 12; paras. 7, ¶ 9, parade 4, paragraphs 8"
    assert paragraph_mentions(said) == [12, 3, 7, 9, 8]

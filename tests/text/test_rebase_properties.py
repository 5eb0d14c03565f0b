"""Rebasing is order-independent: separate amendments filed against one base end in the same
text whatever order they are adopted in, equal to applying them all at once; overlapping
ones conflict in every order."""

from __future__ import annotations

import random

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from app.text.edits import Edit, apply_edits, compute_edits
from app.text.rebase import Conflict, carry
from tests.text.strategies import Case, separate_changes


def adopt_in_order(base: str, proposals: list[str], order: list[int]) -> str:
    """What the service does: each amendment's edits recorded once against the base,
    carried through the edits of the versions adopted before it."""
    recorded = [compute_edits(base, p) for p in proposals]
    chain: list[tuple[int, list[Edit]]] = []
    head = base
    for index in order:
        carried = carry(recorded[index], chain)
        chain.append((len(chain) + 2, carried))
        head = apply_edits(head, carried)
    return head


@settings(max_examples=300, deadline=None)
@given(case=separate_changes(), seed=st.integers(0, 2**32 - 1))
def test_separate_changes_end_the_same_in_any_order(case: Case, seed: int) -> None:
    proposals = [case.with_changes((change,)) for change in case.changes]
    everything = case.with_changes(case.changes)
    rng = random.Random(seed)
    for _ in range(5):
        order = list(range(len(proposals)))
        rng.shuffle(order)
        assert adopt_in_order(case.text, proposals, order) == everything


@settings(max_examples=200, deadline=None)
@given(case=separate_changes(max_changes=3), data=st.data())
def test_overlapping_changes_conflict_in_every_order(case: Case, data: st.DataObject) -> None:
    first = case.changes[0]
    # A second change over, inside, or touching the first one's words.
    start = data.draw(st.integers(max(0, first.start - 3), first.end))
    end = data.draw(st.integers(max(start, first.start), max(first.end, start) + 3))
    end = min(end, len(case.text))
    second = Edit(start, end, "OTHER ")
    one, two = case.with_changes((first,)), case.with_changes((second,))
    assume(one != two and two != case.text)
    for order in ([0, 1], [1, 0]):
        try:
            adopt_in_order(case.text, [one, two], order)
        except Conflict:
            continue
        raise AssertionError(f"overlapping changes both applied in order {order}")


@settings(max_examples=200, deadline=None)
@given(
    words=st.lists(st.sampled_from(["the", "état", "règle", "和平", "a", "🙂", "of"]), min_size=1),
    length=st.integers(1, 900),
    index=st.integers(0, 10**6),
    replacement=st.sampled_from(["new", "nouvel", "新"]),
)
def test_a_one_word_edit_is_found_at_any_place_of_a_long_text(
    words: list[str], length: int, index: int, replacement: str
) -> None:
    """The common ends of the two texts are found a chunk at a time (app/text/edits.py): an
    edit at a chunk's boundary, at either end or in a text of characters of any width is
    still exactly the word that changed."""
    tokens = [words[i % len(words)] for i in range(length)]
    where = index % length
    before = " ".join(tokens)
    old = tokens[where]
    tokens[where] = replacement if old != replacement else "other"
    after = " ".join(tokens)
    edits = compute_edits(before, after)
    assert apply_edits(before, edits) == after
    # One edit, within the word and the spaces beside it (never a longer stretch).
    start = len(" ".join(tokens[:where])) + (1 if where else 0)
    (edit,) = edits
    assert start - 1 <= edit.start and edit.end <= start + len(old) + 1

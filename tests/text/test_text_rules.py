"""The pure text rules: instructions, suggested kind, exact patches and rebasing by
carrying recorded edits."""

from __future__ import annotations

import random
import re

import pytest

from app.text.analysis import analyse
from app.text.classify import suggest_kind
from app.text.edits import apply_edits, compute_edits
from app.text.instructions import instruction
from app.text.patches import PatchError, apply_exact, make_patch
from app.text.rebase import Conflict, carry
from tests.wgig import history_markdown

BASE = (
    "The group recognised the roles of governments in Internet governance.\n\n"
    "It met in Geneva on 23-25 November 2004.\n\n"
    "- i) develop a working definition of Internet governance;\n\n"
    "The forum should be open to all stakeholders."
)

CASES = [
    # (after, expected instruction, expected suggested kind)
    (
        BASE.replace("governments", "governments, the private sector and civil society"),
        'In paragraph 12, after "roles of governments" insert ", the private sector and civil society".',
        "substantive",
    ),
    (
        BASE.replace("Geneva", "Tunis"),
        'In paragraph 13, replace "Geneva" with "Tunis".',
        "substantive",
    ),
    (BASE.replace(" in Geneva", ""), 'In paragraph 13, delete "in Geneva".', "substantive"),
    (
        "Indeed, " + BASE,
        'In paragraph 12, before "The group recognised" insert "Indeed,".',
        "substantive",
    ),
    (
        BASE + " and to observers",
        'In paragraph 15, after "to all stakeholders." insert "and to observers".',
        "substantive",
    ),
    (
        BASE.replace("should be open", "shall be open").replace("Geneva", "Tunis"),
        '1. In paragraph 13, replace "Geneva" with "Tunis".\n2. In paragraph 15, replace "should" with "shall".',
        "substantive",
    ),
    (
        BASE.replace("The forum should be open", "A new forum should be open and inclusive"),
        '1. In paragraph 15, replace "The" with "A new".\n2. In paragraph 15, after "should be open" insert "and inclusive".',
        "substantive",
    ),
    (
        BASE.replace("recognised", "recognized"),
        'In paragraph 12, replace "recognised" with "recognized".',
        "editorial",
    ),
    (
        BASE.replace("The group", "the group"),
        'In paragraph 12, replace "The" with "the".',
        "editorial",
    ),
    (BASE.replace("stakeholders.", "stakeholders"), 'In paragraph 15, delete ".".', "editorial"),
    (
        BASE.replace("Internet governance.\n", "Internet  governance.\n"),
        "In paragraph 12, line breaks and spacing only (no change of wording).",
        "editorial",
    ),
    (
        BASE.replace("roles of governments in", "roles of\ngovernments in"),
        "In paragraph 12, line breaks and spacing only (no change of wording).",
        "editorial",
    ),
    (
        BASE.replace("- i) develop", "- ii) develop"),
        'In paragraph 14, replace "i)" with "ii)".',
        "editorial",
    ),
    (  # a new misspelling: a correct word made one the text never uses (issue 34)
        BASE.replace("governments", "goverments"),
        'In paragraph 12, replace "governments" with "goverments".',
        "substantive",
    ),
    (BASE.replace("2004", "2005"), 'In paragraph 13, replace "2004" with "2005".', "substantive"),
    (
        BASE.replace("open to all", "closed to all"),
        'In paragraph 15, replace "open" with "closed".',
        "substantive",
    ),
    (
        BASE.replace("recognised", "did not recognise"),
        'In paragraph 12, replace "recognised" with "did not recognise".',
        "substantive",
    ),
    (
        BASE.replace(
            "Internet governance.\n",
            "Internet governance.\n\nA new paragraph on capacity building.\n",
        ),
        'After paragraph 12, insert the following new paragraph:\n"A new paragraph on capacity building."',
        "substantive",
    ),
    (
        BASE.replace("Geneva", "Genève"),
        'In paragraph 13, replace "Geneva" with "Genève".',
        "substantive",
    ),
    ("Le groupe s’est réuni à Genève.", None, "substantive"),
]


@pytest.mark.parametrize(("after", "expected", "kind"), CASES)
def test_instruction_and_suggested_kind(after: str, expected: str | None, kind: str) -> None:
    edits = compute_edits(BASE, after)
    assert apply_edits(BASE, edits) == after
    if expected is not None:
        assert instruction(BASE, edits, first_paragraph=12) == expected
    assert suggest_kind(BASE, edits) == kind


KIND_RULE = [
    # Issue 34's two examples: an article fitted to the next word's sound is editorial...
    ("It is an first step.", "It is a first step.", "editorial"),
    # ...and a new misspelling is substantive, though it is a one-letter change.
    (
        "Interconnection costs matter. Interconnection is costly.",
        "Interconection costs matter. Interconnection is costly.",
        "substantive",
    ),
    # The same places the other way round.
    ("It is a first step.", "It is an first step.", "substantive"),
    (
        "Interconection costs matter. Interconnection is costly.",
        "Interconnection costs matter. Interconnection is costly.",
        "editorial",
    ),
    # Articles by sound, not by letter.
    ("It took a hour.", "It took an hour.", "editorial"),
    ("It is an union of states.", "It is a union of states.", "editorial"),
    ("It is a NGO.", "It is an NGO.", "editorial"),
    ("It is an useful step.", "It is a useful step.", "editorial"),
    ("It is a other step.", "It is another step.", "substantive"),
    # Known variants of one word, one or several in one place.
    ("The colour was recognised.", "The color was recognized.", "editorial"),
    ("The centre of the programme.", "The center of the program.", "editorial"),
    # A typo fixed to the text's own spelling; a word turned into another the text never had.
    (
        "The goverments met. All governments agreed.",
        "The governments met. All governments agreed.",
        "editorial",
    ),
    ("The group met in Geneva.", "The group met in Genva.", "substantive"),
]


@pytest.mark.parametrize(("before", "after", "kind"), KIND_RULE)
def test_editorial_only_when_the_result_is_more_correct(before: str, after: str, kind: str) -> None:
    assert suggest_kind(before, compute_edits(before, after)) == kind


def _instruction(before: str, after: str, first: int = 1) -> str:
    return analyse(before, after, first_paragraph=first, timeout=2.0).instruction


def test_instruction_on_unicode_and_repeated_words() -> None:
    before = "Le groupe s’est réuni à Genève. Le groupe a adopté le rapport."
    after = "Le groupe s’est réuni à Genève. Le Groupe de travail a adopté le rapport."
    # "groupe" occurs twice: the quote widens until it is unique in the paragraph
    assert _instruction(before, after, 7) == (
        'In paragraph 7, replace "Le groupe a" with "Le Groupe de travail a".'
    )
    assert _instruction(BASE, BASE + "\n\nClosing words.\n\nMore.", 12) == (
        'After paragraph 15, insert the following 2 new paragraphs:\n"Closing words.\n\nMore."'
    )
    rtl = "النص الأصلي هنا"
    assert _instruction(rtl, rtl + " والمزيد") == (
        'In paragraph 1, after "النص الأصلي هنا" insert "والمزيد".'
    )


def test_patches_apply_exactly_or_not_at_all() -> None:
    after = BASE.replace("Geneva", "Tunis")
    patch = make_patch(BASE, after)
    assert apply_exact(BASE, patch) == after
    with pytest.raises(PatchError):
        apply_exact(BASE.replace("met in Geneva", "met in Geneve"), patch)
    with pytest.raises(PatchError):
        apply_exact(BASE, "@@ -1,3 +1,3 @@\n-not a patch")
    with pytest.raises(PatchError):
        apply_exact(BASE, "@@ -90000,4 +90000,4 @@\n-abcd\n+efgh\n")
    with pytest.raises(PatchError):
        apply_exact(BASE, "")


def _merge(base: str, proposal: str, head: str) -> str:
    """Carry base->proposal onto head, as adoption does: both recorded once against base."""
    carried = carry(compute_edits(base, proposal), [(2, compute_edits(base, head))])
    return apply_edits(head, carried)


def test_conflicts_are_refused_never_guessed() -> None:
    text = "Alpha beta gamma. Delta epsilon."
    with pytest.raises(Conflict):  # overlapping
        _merge(text, text.replace("beta gamma", "B G"), text.replace("gamma", "G"))
    with pytest.raises(Conflict):  # touching
        _merge(text, text.replace("beta", "B"), text.replace(" gamma", "-gamma"))
    with pytest.raises(Conflict):  # both insert at one place
        _merge(text, text.replace("Delta", "New Delta"), text.replace("Delta", "Old Delta"))
    with pytest.raises(Conflict) as same:  # the same fix twice is named as such
        _merge(text, text.replace("gamma", "Gamma"), text.replace("gamma", "Gamma"))
    assert same.value.duplicate
    assert (
        _merge(text, text.replace("Alpha", "A"), text.replace("epsilon", "E"))
        == "A beta gamma. Delta E."
    )


def test_separate_changes_are_never_fused() -> None:
    """Issue 10's minimal case: two sentence rewrites adopted, then a one-letter change in
    the untouched sentence between them still applies."""
    base = (
        "The first sentence says one thing. The colour of the middle sentence stays. "
        "The last sentence says another thing."
    )
    head = base.replace("says one thing", "now states something else entirely").replace(
        "says another thing", "was rewritten from start to end as well"
    )
    proposal = base.replace("colour", "color")
    assert _merge(base, proposal, head) == head.replace("colour", "color")


def _independent_amendments(base: str, count: int) -> list[str]:
    """Edit `count` distinct paragraphs of `base` each in its own way: real multi-edit revisions."""
    paragraphs = [m for m in re.finditer(r"[^\n]{200,}", base)]
    chosen = paragraphs[:: max(1, len(paragraphs) // count)][:count]
    rng = random.Random(7)
    out = []
    for n, match in enumerate(chosen):
        para = match.group(0)
        words = para.split(" ")
        # three kinds of edits in one amendment: a rewrite, an insertion and a deletion
        words[3] = words[3].upper() + f"-{n}"
        words.insert(len(words) // 2, f"(amended by delegation {n})")
        del words[-4]
        if rng.random() < 0.5:
            words.append(f"[note {n}]")
        out.append(base[: match.start()] + " ".join(words) + base[match.end() :])
    return out


def test_thirty_amendments_compose_in_any_order() -> None:
    base = history_markdown()
    proposals = _independent_amendments(base, 30)
    assert len(proposals) == 30
    expected = None
    rng = random.Random(2005)
    for _trial in range(12):
        order = list(range(len(proposals)))
        rng.shuffle(order)
        head = base
        chain: list[tuple[int, list]] = []
        for index in order:
            carried = carry(compute_edits(base, proposals[index]), chain)
            step = sorted(carried, key=lambda e: e.start)
            chain.append((len(chain) + 2, step))
            head = apply_edits(head, step)
        if expected is None:
            expected = head
        assert head == expected
    assert expected is not None
    for proposal in proposals:  # every amendment landed, byte-exact, in its own place
        for edit in compute_edits(base, proposal):
            assert edit.replacement in expected
    assert expected.count("amended by delegation") == 30

"""The pure text rules: instructions, suggested kind, exact patches and three-way merge."""

from __future__ import annotations

import random
import re

import pytest

from app.text.classify import suggest_kind
from app.text.instructions import instruction
from app.text.merge import MergeConflict, edits, merge
from app.text.patches import PatchError, apply_exact, make_patch
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
        'In paragraph 13, replace "Geneva" with "Tunis"; in paragraph 15, replace "should" with "shall".',
        "substantive",
    ),
    (
        BASE.replace("The forum should be open", "A new forum should be open and inclusive"),
        'In paragraph 15, replace "The" with "A new" and after "should be open" insert "and inclusive".',
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
    (BASE.replace("Internet governance.\n", "Internet  governance.\n"), None, "editorial"),
    (
        BASE.replace("- i) develop", "- ii) develop"),
        'In paragraph 14, replace "i" with "ii".',
        "editorial",
    ),
    (
        BASE.replace("governments", "goverments"),
        'In paragraph 12, replace "governments" with "goverments".',
        "editorial",
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
        'Before paragraph 13, insert a new paragraph: "A new paragraph on capacity building.".',
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
    if expected is not None:
        assert instruction(BASE, after, first_paragraph=12) == expected
    assert suggest_kind(BASE, after) == kind


def test_instruction_on_unicode_and_repeated_words() -> None:
    before = "Le groupe s’est réuni à Genève. Le groupe a adopté le rapport."
    after = "Le groupe s’est réuni à Genève. Le Groupe de travail a adopté le rapport."
    assert instruction(before, after, first_paragraph=7) == (
        'In paragraph 7, after "à Genève. Le", replace "groupe" with "Groupe de travail".'
    )
    assert instruction(BASE, BASE + "\n\nClosing words.\n\nMore.", first_paragraph=12) == (
        'After paragraph 15, insert 2 new paragraphs: "Closing words.\n\nMore.".'
    )
    rtl = "النص الأصلي هنا"
    assert (
        instruction(rtl, rtl + " والمزيد")
        == 'In paragraph 1, after "النص الأصلي هنا" insert "والمزيد".'
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


def test_conflicts_are_refused_never_guessed() -> None:
    text = "Alpha beta gamma. Delta epsilon."
    with pytest.raises(MergeConflict):  # overlapping
        merge(text, text.replace("beta gamma", "B G"), text.replace("gamma", "G"))
    with pytest.raises(MergeConflict):  # touching
        merge(text, text.replace("beta", "B"), text.replace(" gamma", "-gamma"))
    with pytest.raises(MergeConflict):  # both insert at one place
        merge(text, text.replace("Delta", "New Delta"), text.replace("Delta", "Old Delta"))
    assert (
        merge(text, text.replace("Alpha", "A"), text.replace("epsilon", "E"))
        == "A beta gamma. Delta E."
    )


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
        for index in order:
            head = merge(base, proposals[index], head)
        if expected is None:
            expected = head
        assert head == expected
    assert expected is not None
    for proposal in proposals:  # every amendment landed, byte-exact, in its own place
        for edit in edits(base, proposal):
            assert edit.replacement in expected
    assert expected.count("amended by delegation") == 30

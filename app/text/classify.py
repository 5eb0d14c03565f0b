"""Suggesting whether a change is editorial or substantive.

The rule, as a chair can say it: a change is editorial when it leaves the text saying the
same thing, only more correctly. That is: layout (spaces, line breaks, blank lines),
punctuation, capitalisation, list or clause numbering at the start of a line (`c)` -> `d)`,
`3.2` -> `3.3`), the article "a"/"an" made to fit the sound of the next word ("an first" ->
"a first"), a stray article removed where none can stand ("of a such" -> "of such", "the
the" -> "the"), and a spelling change that ends in a spelling the text already uses or a
recognised variant of it: a known variant of the same word ("recognised" -> "recognized"),
or a word the rest of the text spells that way while it never spells it the old way
("goverments" -> "governments" where "governments" occurs elsewhere). A change that makes a
word a new one the text never uses (a new misspelling, "Interconnection" ->
"Interconection") or the article wrong is substantive: the reader cannot tell that it says
the same thing. The proposer's declared kind stands; this is only a suggestion.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from app.text.edits import Edit
from app.text.hunks import hunks

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_MARKER = re.compile(r"^\(?(?:\d+(?:\.\d+)*|[ivxlcdm]+|[a-z])[.)]?$", re.IGNORECASE)
# What may stand between the start of a line and a changed marker: bullets, an opening
# bracket, and the unchanged leading parts of a clause number ("3." before "2" -> "3").
_LINE_START = re.compile(r"(?:^|\n)[ \t\-*(]*(?:\d+\.)*$")


def _normal(text: str) -> str:
    return _NON_WORD.sub("", text).casefold()


def _distance(a: str, b: str) -> int:
    """Damerau-Levenshtein (optimal string alignment) distance."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def _is_spelling_change(old: str, new: str) -> bool:
    old, new = old.strip().casefold(), new.strip().casefold()
    if not old or not new or " " in old or " " in new or old[0] != new[0]:
        return False
    if not (old.isalpha() and new.isalpha()):
        return False
    shorter = min(len(old), len(new))
    allowed = 1 if shorter < 8 else 2
    return shorter >= 4 and _distance(old, new) <= allowed


# British and American spellings of one word: each side brought to one form.
_VARIANTS = [
    (re.compile(r"isation"), "ization"),
    (re.compile(r"is(e|ed|es|ing)$"), r"iz\1"),
    (re.compile(r"ys(e|ed|es|ing)$"), r"yz\1"),
    (re.compile(r"(?<=[a-z]{2})our(?=s?$|ed$|ing$|able$|ful$|ite)"), "or"),
    (re.compile(r"tre(s?)$"), r"ter\1"),
    (re.compile(r"ogue(s?)$"), r"og\1"),
    (re.compile(r"ence(s?)$"), r"ense\1"),
    (re.compile(r"ll(ed|ing|er|ers)$"), r"l\1"),
    (re.compile(r"gement"), "gment"),
    (re.compile(r"mme(s?)$"), r"m\1"),
]


def _variant_form(word: str) -> str:
    for pattern, replacement in _VARIANTS:
        word = pattern.sub(replacement, word)
    return word


_WORD = re.compile(r"\w+", re.UNICODE)


def _uses(text: str, word: str) -> bool:
    return any(found.casefold() == word for found in _WORD.findall(text))


def _is_spelling_fix(old: str, new: str, elsewhere: str) -> bool:
    """A small change of one word's spelling that ends in a spelling the text uses (or a
    known variant of the old one): not a new word the text never had."""
    was, now = old.strip().casefold(), new.strip().casefold()
    if was.isalpha() and now.isalpha() and _variant_form(was) == _variant_form(now):
        return True
    if not _is_spelling_change(old, new):
        return False
    return _uses(elsewhere, now) and not _uses(elsewhere, was)


_SILENT_H = ("hour", "honest", "honour", "honor", "heir")
_YOU_OR_WON = ("uni", "use", "usu", "uti", "ura", "ure", "eu", "ewe", "one", "once", "ubiq")


def _takes_an(word: str) -> bool | None:
    """Whether "an" goes before `word` (by its sound, as written), None when unknown."""
    if not word or not word[0].isalpha():
        return None
    if word.isupper() and len(word) > 1:  # an acronym read letter by letter: "an NGO"
        return word[0] in "AEFHILMNORSX"
    lowered = word.casefold()
    if lowered.startswith(_SILENT_H):
        return True
    if lowered.startswith(_YOU_OR_WON):
        return False
    return lowered[0] in "aeiou"


def _is_article_fix(old: str, new: str, following: str) -> bool:
    """ "an first" -> "a first": the article changed, and now fits the next word's sound."""
    old_words, new_words = old.split(), new.split()
    if len(old_words) != len(new_words) or not old_words:
        return False
    changed = False
    for index, (was, now) in enumerate(zip(old_words, new_words, strict=True)):
        if was == now:
            continue
        if {was.casefold(), now.casefold()} != {"a", "an"} or was[0].isupper() != now[0].isupper():
            return False
        after = new_words[index + 1] if index + 1 < len(new_words) else following
        if _takes_an(after) is not (now.casefold() == "an"):
            return False
        changed = True
    return changed


_PUNCTUATION = ".,;:!?()\"'"


def _word_by_word(old: str, new: str, elsewhere: str, following: str) -> bool:
    """A place whose words each stay, or get a spelling fix, or an article fix (a place
    groups nearby edits: "colour was recognised" -> "color was recognized")."""
    old_words, new_words = old.split(), new.split()
    if len(old_words) != len(new_words) or not old_words:
        return False
    if _is_article_fix(old, new, following):
        return True
    for index, (was, now) in enumerate(zip(old_words, new_words, strict=True)):
        if was == now or _normal(was) == _normal(now):
            continue
        around = elsewhere + " " + " ".join(old_words[:index] + old_words[index + 1 :])
        if _is_spelling_fix(was.strip(_PUNCTUATION), now.strip(_PUNCTUATION), around):
            continue
        after = new_words[index + 1] if index + 1 < len(new_words) else following
        if _is_article_fix(was, now, after):
            continue
        return False
    return True


def _is_renumbering(old: str, new: str, prefix: str) -> bool:
    return (
        bool(_MARKER.match(old.strip()))
        and bool(_MARKER.match(new.strip()))
        and bool(_LINE_START.search(prefix))
    )


_ARTICLES = ("a", "an", "the")
# Words no article stands right before: "of a such" and "the the" have a stray article.
_NO_ARTICLE_BEFORE = frozenset(
    (*_ARTICLES, "such", "this", "that", "these", "those", "each", "every", "either",
     "neither", "my", "your", "his", "her", "its", "our", "their", "whose", "which")
)  # fmt: skip


def _is_stray_article(old: str, new: str, previous: str, following: str) -> bool:
    """An article deleted where none can stand: before "such", another article or a
    possessive ("of a such" -> "of such"), or repeating the word before it ("the the")."""
    if new.split() or len(old.split()) != 1:
        return False
    article = old.strip().casefold()
    return article in _ARTICLES and (
        following.casefold() in _NO_ARTICLE_BEFORE or previous.casefold() == article
    )


def suggest_kind(before: str, edits: Sequence[Edit]) -> str:
    """Each place is judged on its own (see `hunks.py`)."""
    for hunk in hunks(before, edits):
        if hunk.layout_only or _normal(hunk.deleted) == _normal(hunk.inserted):
            continue
        prefix = before[: hunk.start]
        elsewhere = prefix + " " + before[hunk.end :]
        found = _WORD.search(before, hunk.end)
        following = found.group() if found else ""
        if _word_by_word(hunk.deleted, hunk.inserted, elsewhere, following):
            continue
        earlier = _WORD.findall(prefix[-100:])
        if _is_stray_article(
            hunk.deleted, hunk.inserted, earlier[-1] if earlier else "", following
        ):
            continue
        if _is_renumbering(hunk.deleted, hunk.inserted, prefix):
            continue
        return "substantive"
    return "editorial"

"""A real document of the corpus (tests/data/corpus) split into sections, and its real
revisions as proposals against that one base: a change inside one section as a text
amendment of it, a change across a section boundary as one structural `span` amendment of
the sections it touches (each section's whole proposed text, cut where the new text keeps a
blank line for the boundary). Joining the sections' texts with a blank line gives the
document back, before and after."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.text.test_corpus import load

JOINT = "\n\n"


@dataclass
class Proposal:
    sections: list[int]  # indices of the sections it touches, in order
    texts: list[str]  # each one's whole proposed text


@dataclass
class Split:
    texts: list[str]  # the sections' base texts
    proposals: list[Proposal] = field(default_factory=list)
    final: str = ""

    @property
    def crossing(self) -> int:
        return sum(1 for p in self.proposals if len(p.sections) > 1)


def _joints(base: str) -> list[int]:
    """Offsets of blank lines that separate two paragraphs exactly ("\\n\\n", no more)."""
    found, at = [], base.find(JOINT)
    while at != -1:
        if at > 0 and base[at - 1] != "\n" and base[at + 2 : at + 3] not in ("\n", ""):
            found.append(at)
        at = base.find(JOINT, at + 1)
    return found


def _crosses(change: dict[str, Any], joint: int) -> bool:
    return bool(change["start"] < joint + len(JOINT) and change["end"] > joint)


def _cut(
    region: str, start: int, end: int, replacement: str, joints: list[int]
) -> list[str] | None:
    """The region (sections joined) with the change applied, cut back into as many texts:
    boundaries before the change stay, those after shift, one inside goes to a blank line the
    new text has where the change is (None when it has none there)."""
    new = region[:start] + replacement + region[end:]
    delta = len(replacement) - (end - start)
    cuts: list[int] = []
    for joint in joints:
        if joint + len(JOINT) <= start:
            cuts.append(joint)
        elif joint >= end:
            cuts.append(joint + delta)
        else:
            # Only a blank line the change itself leaves: one further away would carry a
            # paragraph another proposal edits into the other section.
            low = max(cuts[-1] + len(JOINT) + 1 if cuts else 1, start - len(JOINT))
            spots = [i for i in _joints(new) if low <= i <= start + len(replacement)]
            if not spots:
                return None
            cuts.append(spots[0])
    bounds = [0, *[c for cut in cuts for c in (cut, cut + len(JOINT))], len(new)]
    texts = [new[bounds[k] : bounds[k + 1]] for k in range(0, len(bounds), 2)]
    return texts if all(t.strip() for t in texts) else None


def split(name: str, *, every: int) -> Split:
    """Sections of about `every` paragraphs, cut at blank lines; where a real change crosses
    a blank line and the new text keeps one to cut at, a boundary is put there on purpose."""
    base, final, _ = load(name)
    from json import loads
    from pathlib import Path

    folder = Path(__file__).resolve().parents[1] / "data" / "corpus" / name
    changes = loads((folder / "changes.json").read_text(encoding="utf-8"))
    joints = _joints(base)
    chosen = set(joints[every::every])
    for change in changes:
        chosen.update(j for j in joints if _crosses(change, j))
    # A boundary no proposal can keep (the change joins the two paragraphs) is dropped.
    while True:
        result = _proposals(base, final, changes, sorted(chosen))
        if isinstance(result, Split):
            return result
        chosen.discard(result)


def _proposals(
    base: str, final: str, changes: list[dict[str, Any]], boundaries: list[int]
) -> Split | int:
    starts = [0, *[b + len(JOINT) for b in boundaries]]
    ends = [*boundaries, len(base)]
    texts = [base[s:e] for s, e in zip(starts, ends, strict=True)]
    found = Split(texts=texts, final=final)
    for change in changes:
        cs, ce = change["start"], change["end"]
        first = max(k for k, start in enumerate(starts) if start <= cs)
        # A section is touched when the change reaches past the blank line before it.
        last = max(k for k in range(first, len(starts)) if k == first or ends[k - 1] < ce)
        touched = list(range(first, last + 1))
        inside = [k for k in touched if starts[k] <= change["start"] and change["end"] <= ends[k]]
        if inside:
            k = inside[0]
            local = (change["start"] - starts[k], change["end"] - starts[k])
            text = texts[k][: local[0]] + change["replacement"] + texts[k][local[1] :]
            found.proposals.append(Proposal([k], [text]))
            continue
        offset = starts[first]
        cut = _cut(
            base[offset : ends[last]],
            change["start"] - offset,
            change["end"] - offset,
            change["replacement"],
            [b - offset for b in boundaries[first:last]],
        )
        if cut is None:
            return next(b for b in boundaries[first:last] if _crosses(change, b))
        found.proposals.append(Proposal(list(range(first, last + 1)), cut))
    return found

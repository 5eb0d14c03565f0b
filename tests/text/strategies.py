"""Hypothesis strategies: a text and separate edits of it, as members would file them."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st

from app.text.edits import Edit, apply_edits


@dataclass(frozen=True)
class Case:
    text: str
    changes: tuple[Edit, ...]  # sorted, in the text's coordinates, never touching

    def with_changes(self, changes: tuple[Edit, ...]) -> str:
        return apply_edits(self.text, sorted(changes, key=lambda e: e.start))


@st.composite
def separate_changes(draw: st.DrawFn, *, max_changes: int = 8) -> Case:
    """Words all different (so no place is ambiguous), separated by spaces, line breaks or
    blank lines; changes (replacements, insertions, deletions of whole words) at least two
    words apart, with new words never found in the text."""
    size = draw(st.integers(min_value=8, max_value=120))
    breaks = draw(
        st.lists(st.sampled_from([" "] * 8 + ["\n", "\n\n"]), min_size=size, max_size=size)
    )
    starts: list[int] = []
    parts: list[str] = []
    position = 0
    for index, gap in enumerate(breaks):
        starts.append(position)
        word = f"w{index}{gap}"
        parts.append(word)
        position += len(word)
    starts.append(position)
    text = "".join(parts)
    changes: list[Edit] = []
    cursor = draw(st.integers(min_value=0, max_value=3))
    fresh = 0
    for _ in range(draw(st.integers(min_value=1, max_value=max_changes))):
        if cursor >= size:
            break
        count = draw(st.integers(min_value=0, max_value=min(4, size - cursor)))
        new_count = draw(st.integers(min_value=0 if count else 1, max_value=4))
        replacement = "".join(f"N{fresh + i} " for i in range(new_count))
        fresh += new_count
        changes.append(Edit(starts[cursor], starts[cursor + count], replacement))
        cursor += count + draw(st.integers(min_value=2, max_value=12))
    return Case(text, tuple(changes))

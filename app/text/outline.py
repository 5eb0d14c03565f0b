"""Ordering an outline and numbering its paragraphs continuously, in outline order."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Node:
    id: int
    parent_id: int | None
    position: int
    kind: str
    label: str
    heading: str
    version: int
    paragraph_count: int
    text: str | None = None
    # Lines printed under the heading in exports (a part's stage, where a passage came from).
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Placed:
    node: Node
    depth: int
    first_paragraph: int  # 1-based; the number the section's first paragraph gets


def order(nodes: Sequence[Node]) -> list[Placed]:
    """Depth-first, siblings by position. Nodes whose parent is missing are treated as roots."""
    present = {n.id for n in nodes}
    children: dict[int | None, list[Node]] = defaultdict(list)
    for node in nodes:
        parent = node.parent_id if node.parent_id in present else None
        children[parent].append(node)
    for siblings in children.values():
        siblings.sort(key=lambda n: (n.position, n.id))
    placed: list[Placed] = []
    next_number = 1
    stack: list[tuple[Node, int]] = [(n, 0) for n in reversed(children[None])]
    while stack:
        node, depth = stack.pop()
        placed.append(Placed(node=node, depth=depth, first_paragraph=next_number))
        next_number += node.paragraph_count
        stack.extend((child, depth + 1) for child in reversed(children[node.id]))
    return placed

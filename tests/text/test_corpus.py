"""The text engine on real revisions (tests/data/corpus, built by bench/corpus): every change
between two releases of a real document, filed as its own amendment against the same base,
ends byte-exact in any order of adoption, and reads as instructions a chair can read out."""

from __future__ import annotations

import json
import random
import re
from functools import cache
from pathlib import Path

import pytest

from app.text.analysis import analyse
from app.text.edits import Edit, apply_edits, compute_edits
from app.text.paragraphs import blocks
from app.text.rebase import carry

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"
ORDERS = 10


@cache
def documents() -> list[str]:
    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    entries = manifest["documents"] if isinstance(manifest, dict) else manifest
    return [entry["name"] for entry in entries]


@cache
def load(name: str) -> tuple[str, str, list[str]]:
    folder = CORPUS / name
    base = (folder / "base.txt").read_text(encoding="utf-8")
    final = (folder / "final.txt").read_text(encoding="utf-8")
    changes = json.loads((folder / "changes.json").read_text(encoding="utf-8"))
    proposals = [base[: c["start"]] + c["replacement"] + base[c["end"] :] for c in changes]
    return base, final, proposals


def test_the_corpus_is_real_material() -> None:
    names = documents()
    assert len(names) >= 4
    for name in names:
        base, _final, proposals = load(name)
        assert 20_000 <= len(base.encode("utf-8")) <= 200_000, name
        assert 10 <= len(proposals) <= 50, name


@pytest.mark.parametrize("name", documents())
def test_every_order_of_adoption_ends_byte_exact(name: str) -> None:
    base, final, proposals = load(name)
    recorded = [compute_edits(base, proposal) for proposal in proposals]
    rng = random.Random(name)
    for _ in range(ORDERS):
        order = list(range(len(proposals)))
        rng.shuffle(order)
        chain: list[tuple[int, list[Edit]]] = []
        head = base
        for index in order:
            carried = carry(recorded[index], chain)  # raises Conflict: none may
            chain.append((len(chain) + 2, carried))
            head = apply_edits(head, carried)
        assert head == final


_QUOTED = re.compile(r'(after|before|replace|delete) "((?:[^"]|"(?! with| insert))*)"')


def _paragraphs(text: str, first: int, last: int) -> str:
    numbered = [b for b in blocks(text) if b.numbered]
    return text[numbered[first - 1].start : numbered[last - 1].end]


def _occurrences(scope: str, quote: str) -> int:
    haystack, wanted = " ".join(scope.split()), " ".join(quote.split())
    pattern = (r"(?<!\w)" if wanted[:1].isalnum() else "") + re.escape(wanted)
    pattern += r"(?!\w)" if wanted[-1:].isalnum() else ""
    return len(re.findall(f"(?={pattern})", haystack))


@pytest.mark.parametrize("name", documents())
def test_every_instruction_names_its_paragraph_and_quotes_unique_anchors(name: str) -> None:
    base, _final, proposals = load(name)
    for proposal in proposals:
        said = analyse(base, proposal, first_paragraph=1, timeout=10.0).instruction
        items = re.split(r"\n(?=\d+\. )", said)
        for item in items:
            assert "paragraph" in item, said
            assert not re.search(r'(?:insert|with|replace|delete|after|before) ""(?:\s|\.|$)', item)
            replaced = re.search(r'replace "(.*?)" with "(.*?)"', item, re.S)
            if replaced:
                assert replaced[1] != replaced[2], said
            where = re.search(r"[Ii]n paragraphs? (\d+)(?:-(\d+))?, ", item)
            if where is None:
                continue  # new or deleted paragraphs are named by number, no anchor
            first, last = int(where[1]), int(where[2] or where[1])
            scope = _paragraphs(base, first, last)
            for _verb, quote in _QUOTED.findall(item[where.end() :].split(" with ")[0]):
                assert _occurrences(scope, quote) == 1, (said, quote)

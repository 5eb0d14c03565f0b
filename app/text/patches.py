"""diff-match-patch patch text: made from two texts, and applied exactly (never fuzzily)."""

from __future__ import annotations

from diff_match_patch import diff_match_patch


class PatchError(ValueError):
    pass


def make_patch(base: str, proposed: str, *, timeout: float = 2.0) -> str:
    dmp = diff_match_patch()
    dmp.Diff_Timeout = timeout
    return str(dmp.patch_toText(dmp.patch_make(base, proposed)))


def apply_exact(base: str, patch_text: str) -> str:
    """Apply every hunk at exactly its stated place, or raise PatchError."""
    dmp = diff_match_patch()
    try:
        patches = dmp.patch_fromText(patch_text)
    except (ValueError, IndexError) as error:
        raise PatchError(f"malformed patch text: {error}") from None
    if not patches:
        raise PatchError("the patch holds no hunks")
    text = base
    for number, patch in enumerate(patches, start=1):
        before = "".join(t for op, t in patch.diffs if op != 1)
        after = "".join(t for op, t in patch.diffs if op != -1)
        # diff-match-patch's context rolls: each hunk's offset is in the text as the hunks
        # before it left it (patch_make), so no running delta is added.
        start = patch.start1
        if start < 0 or text[start : start + len(before)] != before:
            raise PatchError(f"hunk {number} does not match the base text at offset {start}")
        text = text[:start] + after + text[start + len(before) :]
    return text

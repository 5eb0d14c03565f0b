"""diff-match-patch patch text: made from two texts, and applied exactly (never fuzzily)."""

from __future__ import annotations

from diff_match_patch import diff_match_patch


class PatchError(ValueError):
    pass


def make_patch(base: str, proposed: str, *, timeout: float = 2.0) -> str:
    dmp = diff_match_patch()
    dmp.Diff_Timeout = timeout
    diffs = dmp.diff_main(base, proposed)
    dmp.diff_cleanupSemantic(diffs)
    return str(dmp.patch_toText(dmp.patch_make(base, diffs)))


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
    delta = 0
    for number, patch in enumerate(patches, start=1):
        before = "".join(t for op, t in patch.diffs if op != 1)
        after = "".join(t for op, t in patch.diffs if op != -1)
        start = patch.start1 + delta
        if start < 0 or text[start : start + len(before)] != before:
            raise PatchError(f"hunk {number} does not match the base text at offset {patch.start1}")
        text = text[:start] + after + text[start + len(before) :]
        delta += len(after) - len(before)
    return text

"""Build or check the revision corpus in tests/data/corpus/.

python -m bench.corpus.build                  # download the pinned sdists, rebuild the corpus
python -m bench.corpus.build --download-dir D # keep/reuse the sdists in D
python -m bench.corpus.build --check          # verify the committed corpus (no network)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from bench.corpus.changes import MIN_WORDS_BETWEEN, Change, apply_changes, split_changes
from bench.corpus.sources import PAIRS, DocumentPair, Release

REPO_ROOT = Path(__file__).resolve().parents[2]
CORPUS_DIR = REPO_ROOT / "tests" / "data" / "corpus"
MIN_SIZE, MAX_SIZE = 20_000, 200_000
MIN_CHANGES, MAX_CHANGES = 10, 50
SPLIT_RULE = (
    "tokens r'\\w+|[ \\t]+|\\n|[^\\w\\s]|\\s'; difflib.SequenceMatcher(autojunk=False) on "
    "tokens, anchored on unchanged lines; changed regions are separate changes only if at "
    f"least {MIN_WORDS_BETWEEN} unchanged word tokens separate them"
)


class CorpusError(Exception):
    pass


def decode(raw: bytes) -> str:
    """The only normalisation: UTF-8 decoding and CRLF -> LF."""
    return raw.decode("utf-8").replace("\r\n", "\n")


def sdist_path(download_dir: Path, package: str, release: Release) -> Path:
    """Download (or reuse) the sdist of package==version and check its SHA-256."""
    for candidate in sorted(download_dir.glob("*.tar.gz")):
        if _sha256(candidate) == release.sha256:
            return candidate
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--quiet",
        "--no-deps",
        "--no-binary",
        ":all:",
        "--dest",
        str(download_dir),
        f"{package}=={release.version}",
    ]
    print(f"  downloading {package}=={release.version}", flush=True)
    subprocess.run(command, check=True)
    for candidate in sorted(download_dir.glob("*.tar.gz")):
        if _sha256(candidate) == release.sha256:
            return candidate
    raise CorpusError(f"no sdist of {package}=={release.version} with sha256 {release.sha256}")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_member(archive: Path, path: str) -> bytes:
    """Read `path` (relative to the sdist's top-level directory) from a .tar.gz sdist."""
    with tarfile.open(archive, "r:gz") as tar:
        for member in tar.getmembers():
            _, _, relative = member.name.partition("/")
            if relative == path and member.isfile():
                extracted = tar.extractfile(member)
                if extracted is None:
                    break
                return extracted.read()
    raise CorpusError(f"{path} not found in {archive.name}")


def write_document(pair: DocumentPair, old: str, new: str, changes: list[Change]) -> None:
    directory = CORPUS_DIR / pair.name
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "base.txt").write_bytes(old.encode("utf-8"))
    (directory / "final.txt").write_bytes(new.encode("utf-8"))
    payload = [change.to_json() for change in changes]
    (directory / "changes.json").write_text(
        json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )


def licence_copy_name(pair: DocumentPair) -> str:
    return f"LICENSE.{pair.package}.txt"


def manifest_entry(pair: DocumentPair, old: str, new: str, changes: list[Change]) -> dict[str, Any]:
    return {
        "name": pair.name,
        "package": pair.package,
        "registry": "PyPI (sdist)",
        "old_version": pair.old.version,
        "new_version": pair.new.version,
        "old_sdist_sha256": pair.old.sha256,
        "new_sdist_sha256": pair.new.sha256,
        "path": pair.path,
        "licence": pair.licence,
        "licence_file": licence_copy_name(pair),
        "kind": pair.kind,
        "size_bytes": len(old.encode("utf-8")),
        "final_size_bytes": len(new.encode("utf-8")),
        "changes": len(changes),
    }


def build(download_dir: Path) -> None:
    entries = []
    for pair in PAIRS:
        print(f"{pair.name}: {pair.package} {pair.old.version} -> {pair.new.version}", flush=True)
        old_archive = sdist_path(download_dir, pair.package, pair.old)
        new_archive = sdist_path(download_dir, pair.package, pair.new)
        old = decode(read_member(old_archive, pair.path))
        new = decode(read_member(new_archive, pair.path))
        changes = split_changes(old, new)
        size = len(old.encode("utf-8"))
        if not MIN_SIZE <= size <= MAX_SIZE:
            raise CorpusError(f"{pair.name}: old text is {size} bytes, outside the range")
        if not MIN_CHANGES <= len(changes) <= MAX_CHANGES:
            raise CorpusError(f"{pair.name}: {len(changes)} changes, outside the range")
        write_document(pair, old, new, changes)
        licence = read_member(new_archive, pair.licence_path)
        (CORPUS_DIR / licence_copy_name(pair)).write_bytes(licence)
        entries.append(manifest_entry(pair, old, new, changes))
        print(f"  {size} bytes, {len(changes)} changes", flush=True)

    stale = {p.name for p in CORPUS_DIR.iterdir() if p.is_dir()} - {e["name"] for e in entries}
    for name in sorted(stale):
        shutil.rmtree(CORPUS_DIR / name)
    manifest = {
        "generator": "python -m bench.corpus.build",
        "normalisation": "UTF-8 decoding and CRLF -> LF only",
        "offsets": "start/end are indices in Unicode code points of base.txt (Python str)",
        "split_rule": SPLIT_RULE,
        "documents": entries,
    }
    (CORPUS_DIR / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )


def check() -> list[str]:
    """Problems found in the committed corpus (empty when it is sound)."""
    problems: list[str] = []
    manifest = json.loads((CORPUS_DIR / "manifest.json").read_text(encoding="utf-8"))
    listed = {entry["name"] for entry in manifest["documents"]}
    on_disk = {p.name for p in CORPUS_DIR.iterdir() if p.is_dir()}
    if listed != on_disk:
        problems.append(f"manifest lists {sorted(listed)}, directories are {sorted(on_disk)}")
    for entry in manifest["documents"]:
        name = entry["name"]
        directory = CORPUS_DIR / name
        try:
            old = (directory / "base.txt").read_bytes().decode("utf-8")
            new = (directory / "final.txt").read_bytes().decode("utf-8")
            raw_changes = json.loads((directory / "changes.json").read_text(encoding="utf-8"))
            changes = [Change.from_json(item) for item in raw_changes]
        except (OSError, ValueError) as error:
            problems.append(f"{name}: unreadable ({error})")
            continue
        if changes != sorted(changes):
            problems.append(f"{name}: changes.json is not sorted")
        try:
            if apply_changes(old, changes) != new:
                problems.append(f"{name}: changes applied to base.txt do not give final.txt")
        except ValueError as error:
            problems.append(f"{name}: {error}")
        if not (CORPUS_DIR / entry["licence_file"]).is_file():
            problems.append(f"{name}: licence file {entry['licence_file']} is missing")
        if len(changes) != entry["changes"]:
            problems.append(f"{name}: {len(changes)} changes, manifest says {entry['changes']}")
        if len(old.encode("utf-8")) != entry["size_bytes"]:
            problems.append(f"{name}: base.txt size differs from the manifest")
        if len(new.encode("utf-8")) != entry["final_size_bytes"]:
            problems.append(f"{name}: final.txt size differs from the manifest")
        if split_changes(old, new) != changes:
            problems.append(f"{name}: changes.json differs from a fresh split of base -> final")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.corpus.build", description=__doc__)
    parser.add_argument("--check", action="store_true", help="verify the committed corpus")
    parser.add_argument(
        "--download-dir", type=Path, help="where to keep the sdists (default: a temporary dir)"
    )
    args = parser.parse_args(argv)

    if args.check:
        problems = check()
        for problem in problems:
            print(problem, file=sys.stderr)
        count = len(json.loads((CORPUS_DIR / "manifest.json").read_text())["documents"])
        print(f"corpus check: {count} documents, {len(problems)} problems")
        return 1 if problems else 0

    CORPUS_DIR.mkdir(parents=True, exist_ok=True)
    if args.download_dir is not None:
        args.download_dir.mkdir(parents=True, exist_ok=True)
        build(args.download_dir)
    else:
        with tempfile.TemporaryDirectory(prefix="plenary-corpus-") as temporary:
            build(Path(temporary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

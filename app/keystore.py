"""Where the Python client and the CLI keep a participant's private signing key.

One PEM file (PKCS#8, mode 0600) per key in a directory of the user's own: `PLENARY_KEY_DIR`,
else `$XDG_CONFIG_HOME/plenary/keys` (`~/.config/plenary/keys`). A new key's file is named by
its public key; any other `*.pem` file in the directory is found by the public key it holds
(so a key copied from another device, or the demo's `plenary-demo-keys/`, works under any
name). The server never sees these files: it holds only the public half (app/signatures.py).
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.signatures import new_private_key, private_key_from_pem, private_key_pem, public_key_text


def key_dir() -> Path:
    explicit = os.environ.get("PLENARY_KEY_DIR")
    if explicit:
        return Path(explicit)
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "plenary" / "keys"


def save(key: Ed25519PrivateKey, directory: Path | None = None, name: str | None = None) -> Path:
    """Write the key where only its owner reads it; returns the file."""
    directory = directory or key_dir()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = directory / f"{name or public_key_text(key)}.pem"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(private_key_pem(key))
    return path


def create(directory: Path | None = None) -> Ed25519PrivateKey:
    key = new_private_key()
    save(key, directory)
    return key


def find(public_key: str, directory: Path | None = None) -> Ed25519PrivateKey | None:
    """The private key whose public half is `public_key`, if this device holds it."""
    directory = directory or key_dir()
    named = directory / f"{public_key}.pem"
    candidates = [named] if named.is_file() else []
    if directory.is_dir():
        candidates += sorted(p for p in directory.glob("*.pem") if p != named)
    for path in candidates:
        try:
            key = private_key_from_pem(path.read_bytes())
        except (OSError, ValueError):
            continue  # not a key of ours: skip it
        if public_key_text(key) == public_key:
            return key
    return None

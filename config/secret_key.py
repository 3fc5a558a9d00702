"""The install's own secret key, for when DJANGO_SECRET_KEY is not set (`make run`, the tests).

A key written in the code is public: anyone could forge what it signs (the private links' replayable
tokens, the webhooks' signatures, which derive from it). So each install makes its own on first need,
keeps it in var/ (LAPOR_SECRET_KEY_FILE, readable only by its owner) and reuses it from then on. The
production settings still insist on DJANGO_SECRET_KEY: several app servers must share one key.
"""

import contextlib
import os
import secrets
import stat
import tempfile
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def install_secret_key(path: Path) -> str:
    """The key kept in `path`, made there if there is none. Two processes starting at once (gunicorn's
    workers, the worker, housekeeping) end with the same key: each writes its own to a temporary file
    (mode 0600) and only the first hard link to `path` succeeds; the others read the winner's."""
    key = _read(path)
    if key:
        return key
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".secret-key-", suffix=".tmp")
    except OSError as error:
        raise ImproperlyConfigured(
            f"DJANGO_SECRET_KEY is not set and the install's own key cannot be made in {path}: {error}"
        ) from error
    try:
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(64) + "\n")
            file.flush()
            os.fsync(file.fileno())
        with contextlib.suppress(FileExistsError):  # another process made it first: its key wins
            os.link(temporary, path)
    finally:
        os.unlink(temporary)
    key = _read(path)
    if not key:
        raise ImproperlyConfigured(f"The install's secret key in {path} is empty: delete the file to make a new one.")
    return key


def _read(path: Path) -> str:
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return ""
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        path.chmod(0o600)  # copied in with a lax mode: readable only by its owner again
    return path.read_text().strip()

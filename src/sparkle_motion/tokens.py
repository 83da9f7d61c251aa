"""The API token: SPARKLE_API_TOKEN, else `$SPARKLE_HOME/api_token`, created on first use
with mode 0600. Compared in constant time; signed URLs are HMACs keyed by it."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time
from pathlib import Path

from .config import Settings
from .errors import ConfigError

TOKEN_FILE = "api_token"


def token_file(settings: Settings) -> Path:
    return Path(settings.home) / TOKEN_FILE


def api_token(settings: Settings) -> str:
    """The token every route but the open ones requires."""
    if settings.api_token is not None and settings.api_token.get_secret_value():
        return _long_enough(settings.api_token.get_secret_value(), "SPARKLE_API_TOKEN")
    path = token_file(settings)
    if path.is_file():
        return _long_enough(path.read_text(encoding="utf-8").strip(), str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(32)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(token + "\n")
    try:
        os.link(tmp, path)  # two first starts at once: one token wins, both read it
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)
    return path.read_text(encoding="utf-8").strip()


MIN_TOKEN = 16


def _long_enough(token: str, where: str) -> str:
    """A short token (an empty file) would make every signed URL forgeable: refuse it."""
    if len(token) < MIN_TOKEN:
        raise ConfigError(
            f"{where}: the API token must be at least {MIN_TOKEN} characters (delete the "
            "file to have a new one made)"
        )
    return token


def same_token(given: str | None, token: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), token.encode())


def _mac(path: str, expires: int, token: str) -> str:
    return hmac.new(token.encode(), f"{path}\n{expires}".encode(), hashlib.sha256).hexdigest()


def sign(path: str, token: str, ttl_s: float = 3600.0, now: float | None = None) -> str:
    """`path?expires=...&sig=...`: a URL a browser can fetch without the header."""
    expires = int((now or time.time()) + ttl_s)
    return f"{path}?expires={expires}&sig={_mac(path, expires, token)}"


def signed_ok(
    path: str, expires: str | None, sig: str | None, token: str, now: float | None = None
) -> bool:
    """The signature is the one for this path and expiry, and the expiry is not past."""
    if not expires or not sig or not expires.isdigit() or len(expires) > 12:
        return False
    if int(expires) < (now or time.time()):
        return False
    return hmac.compare_digest(_mac(path, int(expires), token), sig)

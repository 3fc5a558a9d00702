"""The install's VAPID key pair (RFC 8292): push services learn from it that our pushes come from the
server the browser subscribed with. Made on first need and kept like the other local state in var/
(LAPOR_VAPID_PRIVATE_KEY_FILE, readable only by its owner), or given by LAPOR_VAPID_PRIVATE_KEY so
that several app servers share one. Changing it orphans every subscription: browsers subscribed
with the old public key."""

import base64
import os
import tempfile
import threading
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from py_vapid import Vapid02

_lock = threading.Lock()
_loaded: dict[tuple[str, str], Vapid02] = {}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    """URL-safe base64 with or without padding (as browsers give it); ValueError when it is not."""
    if not isinstance(text, str) or not text.isascii():
        raise ValueError("not base64")
    cleaned = text.strip().rstrip("=")
    return base64.b64decode(cleaned + "=" * (-len(cleaned) % 4), altchars=b"-_", validate=True)


def key_from_text(text: str) -> ec.EllipticCurvePrivateKey:
    """A P-256 private key: PEM, or URL-safe base64 of the raw 32-byte key or of its DER form."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        # A PEM in an environment variable is often written on one line with "\n" for its line breaks.
        key = serialization.load_pem_private_key(text.replace("\\n", "\n").encode(), password=None)
    else:
        raw = b64url_decode(text)
        if len(raw) == 32:
            key = ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())
        else:
            key = serialization.load_der_private_key(raw, password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
        raise ValueError("a VAPID key must be an elliptic-curve key on P-256")
    return key


def key_from_file(path: Path) -> ec.EllipticCurvePrivateKey:
    """The key kept in `path`, made there if there is none. Two processes making it at once end with
    the same key: each writes its own to a temporary file, and only the first hard link to `path`
    succeeds; the other reads the winner's."""
    try:
        return key_from_text(path.read_text())
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".vapid-", suffix=".tmp")  # mode 0600
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(pem)
            file.flush()
            os.fsync(file.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            return key_from_text(path.read_text())
    finally:
        os.unlink(temporary)
    return key


def vapid_key() -> Vapid02:
    """The signer of this install's VAPID headers (loaded once per process and source)."""
    source = (settings.LAPOR_VAPID_PRIVATE_KEY, str(settings.LAPOR_VAPID_PRIVATE_KEY_FILE))
    with _lock:
        if source not in _loaded:
            if settings.LAPOR_VAPID_PRIVATE_KEY:
                key = key_from_text(settings.LAPOR_VAPID_PRIVATE_KEY)
            else:
                key = key_from_file(Path(settings.LAPOR_VAPID_PRIVATE_KEY_FILE))
            # Not strict: the subject may be the site's own address, checked by the push services.
            _loaded[source] = Vapid02(key, conf={"no-strict": True})
        return _loaded[source]


def public_key() -> str:
    """The public key as browsers take it (`applicationServerKey`): the uncompressed P-256 point, in
    URL-safe base64 without padding."""
    point = vapid_key().public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64url(point)


def subject() -> str:
    """Who runs this sender, for the push services (the JWT's `sub`): a mailto: or https: address."""
    if settings.LAPOR_VAPID_SUBJECT:
        return settings.LAPOR_VAPID_SUBJECT
    if settings.LAPOR_PRIVACY_CONTACT_EMAIL:
        return f"mailto:{settings.LAPOR_PRIVACY_CONTACT_EMAIL}"
    return settings.LAPOR_PUBLIC_URL

"""A Web Push service on loopback, standing in for the browsers' push services (FCM, Mozilla's
autopush, Apple's): a real HTTP server that takes what the worker POSTs to a subscription's endpoint,
checks it as a push service would (the VAPID `Authorization: vapid t=<JWT>, k=<key>` header: an ES256
signature by that key, `aud` the endpoint's origin, `exp` in the future and at most 24 h away, a
`sub`; `Content-Encoding: aes128gcm`; a TTL), and decrypts the body with the subscription's private
key and authentication secret, as only the browser could (RFC 8291).

Each browser is a `Browser` made by `browser(name)`: its own P-256 key pair and auth secret (made
here with `cryptography`), and an endpoint `/push/<name>`. `answer(name, status)` makes the service
answer that status to the browser's pushes (201 by default; 404 or 410 for a subscription that is
gone, 500 for a failure).
"""

import base64
import json
import os
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Browser:
    """A browser's push subscription, as PushSubscription.toJSON() gives it to the page."""

    name: str
    endpoint: str
    private_key: ec.EllipticCurvePrivateKey = field(repr=False)
    auth_secret: bytes = field(repr=False)

    @property
    def p256dh(self) -> str:
        point = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return b64url(point)

    @property
    def auth(self) -> str:
        return b64url(self.auth_secret)

    def subscription(self) -> dict:
        return {"endpoint": self.endpoint, "expirationTime": None, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


@dataclass
class Push:
    """One request the service received: the browser it was for, what the service answered, the
    VAPID claims and key, the headers (lower-case names), and the decrypted message (None when it could not be read)."""

    browser: str
    status: int
    headers: dict
    claims: dict | None = None
    vapid_key: str | None = None
    message: dict | None = None
    problems: list[str] = field(default_factory=list)


def verify_vapid(header: str, origin: str) -> tuple[dict, str]:
    """The claims and the public key of a VAPID Authorization header (RFC 8292); AssertionError
    naming what is wrong."""
    scheme, _space, rest = header.partition(" ")
    assert scheme.lower() == "vapid", f"Authorization scheme {scheme!r}, not vapid"
    parts = dict(part.strip().split("=", 1) for part in rest.split(","))
    token, key = parts["t"], parts["k"]
    signing_input, _dot, signature = token.rpartition(".")
    header_part, _dot, claims_part = signing_input.partition(".")
    assert json.loads(b64url_decode(header_part)) == {"typ": "JWT", "alg": "ES256"}
    raw = b64url_decode(signature)
    assert len(raw) == 64, "an ES256 signature is r || s, 64 bytes"
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64url_decode(key))
    try:
        der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
        public.verify(der, signing_input.encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise AssertionError("the JWT's signature does not match the key k") from None
    claims = json.loads(b64url_decode(claims_part))
    assert claims.get("aud") == origin, f"aud {claims.get('aud')!r}, not the endpoint's origin {origin!r}"
    now = time.time()
    assert now < claims["exp"] <= now + 24 * 3600 + 60, f"exp {claims['exp']} is not within the next 24 hours"
    assert claims.get("sub", "").startswith(("mailto:", "https:", "http:")), f"sub {claims.get('sub')!r}"
    return claims, key


class FakePushService:
    def __init__(self):
        self.browsers: dict[str, Browser] = {}
        self.answers: dict[str, int] = {}
        self.received: list[Push] = []
        self.lock = threading.Lock()
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                name = self.path.removeprefix("/push/")
                push = service.take(name, {k.lower(): v for k, v in self.headers.items()}, body)
                self.send_response(push.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def browser(self, name: str) -> Browser:
        """A new browser whose subscription's endpoint is on this service."""
        made = Browser(
            name=name,
            endpoint=f"{self.url}/push/{name}",
            private_key=ec.generate_private_key(ec.SECP256R1()),
            auth_secret=os.urandom(16),
        )
        self.browsers[name] = made
        return made

    def answer(self, name: str, status: int) -> None:
        self.answers[name] = status

    def take(self, name: str, headers: dict, body: bytes) -> Push:
        browser = self.browsers.get(name)
        push = Push(browser=name, status=self.answers.get(name, 201), headers=headers)
        if browser is None:
            push.status, push.problems = 404, ["no such subscription"]
        else:
            try:
                push.claims, push.vapid_key = verify_vapid(headers.get("authorization", ""), self.url)
                assert headers.get("content-encoding") == "aes128gcm", headers.get("content-encoding")
                assert headers.get("ttl", "").isdigit(), "no TTL"
                plain = http_ece.decrypt(
                    body, private_key=browser.private_key, auth_secret=browser.auth_secret, version="aes128gcm"
                )
                push.message = json.loads(plain)
            except Exception as exc:  # a push a browser could not take: the test sees why
                push.problems.append(f"{exc.__class__.__name__}: {exc}")
                push.status = 400 if push.status < 300 else push.status
        with self.lock:
            self.received.append(push)
        return push

    def to(self, browser: Browser) -> list[Push]:
        with self.lock:
            return [p for p in self.received if p.browser == browser.name]

    def stop(self):
        self.httpd.shutdown()

"""Who may talk to the app: a random token (then a cookie), same-origin POSTs with a form token, safe paths.

The server is reachable only by the user who started it: they get the token on stdout, the
browser trades it for an ``HttpOnly``, ``SameSite=Strict`` cookie, and every request without
it is refused (401 without any token, 403 with a wrong one). Requests that change something
must come from the app's own pages: the ``Origin`` (or ``Referer``) must be the app's origin
and the form must carry the CSRF token printed into every page. The ``Host`` header must name
the address the server listens on, so a web page cannot reach the app through DNS rebinding.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

from textanalyse.errors import UserError

FORM_LIMIT = 2 * 1024 * 1024          # bytes of an ordinary form post
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
SECURITY_HEADERS = [
    (b"content-security-policy", b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                                 b"connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; "
                                 b"base-uri 'none'; object-src 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]


def new_token() -> str:
    """A fresh random access token (256 bits, URL-safe).

    Example:
        >>> len(new_token()) >= 40
        True
    """
    return secrets.token_urlsafe(32)


@dataclass
class Guard:
    """The secrets of one running server and the names it answers to."""

    token: str
    port: int
    hosts: tuple[str, ...] = LOOPBACK_NAMES
    csrf: str = field(init=False)
    cookie: str = field(init=False)

    def __post_init__(self):
        self.csrf = hmac.new(self.token.encode(), b"csrf", hashlib.sha256).hexdigest()
        self.cookie = f"textanalyse_{self.port}"

    def token_ok(self, value: str | None) -> bool:
        return bool(value) and hmac.compare_digest(value.encode(), self.token.encode())

    def csrf_ok(self, value: str | None) -> bool:
        return bool(value) and hmac.compare_digest(value.encode(), self.csrf.encode())

    def host_ok(self, host: str) -> bool:
        allowed = {f"{name}:{self.port}" for name in self.hosts}
        return host.lower() in allowed

    def origin_ok(self, origin: str, host: str) -> bool:
        parts = urlsplit(origin)
        return parts.scheme == "http" and parts.netloc.lower() == host.lower()


def safe_path(root, relative: str) -> Path:
    """``relative`` inside ``root``, or a Norwegian error: no ``..``, no absolute paths, no links out.

    Example:
        >>> safe_path("/tmp", "../etc/passwd")
        Traceback (most recent call last):
        ...
        textanalyse.errors.UserError: Filen finnes ikke i prosjektmappen.
    """
    root = Path(root).resolve()
    text = str(relative or "")
    if not text or "\x00" in text or text.startswith(("/", "\\")) or ":" in text or "\\" in text:
        raise UserError("Filen finnes ikke i prosjektmappen.")
    candidate = (root / text).resolve()
    if candidate != root and root not in candidate.parents:
        raise UserError("Filen finnes ikke i prosjektmappen.")
    return candidate


def _header(scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return ""


def _cookies(scope) -> dict[str, str]:
    found = {}
    for part in _header(scope, b"cookie").split(";"):
        if "=" in part:
            key, value = part.split("=", 1)
            found[key.strip()] = value.strip()
    return found


class AccessGuard:
    """ASGI middleware: host, token/cookie, same-origin and CSRF checks, plus security headers.

    Form posts (``application/x-www-form-urlencoded``) are read here (at most
    ``FORM_LIMIT`` bytes), their ``csrf`` field checked, and the body handed on unchanged;
    other unsafe requests (the file upload) must send the token in ``X-CSRF-Token``.
    """

    def __init__(self, app, guard: Guard):
        self.app = app
        self.guard = guard

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        send = self._with_headers(send)
        host = _header(scope, b"host")
        if not self.guard.host_ok(host):
            return await _plain(send, 403, "Ukjent vertsnavn: åpne adressen som textanalyse skrev ut.")
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        given = query.get("token", [None])[0]
        if given is not None:
            if not self.guard.token_ok(given):
                return await _plain(send, 403, "Feil tilgangsnøkkel: åpne adressen som textanalyse skrev ut.")
            if scope["method"] in ("GET", "HEAD"):
                rest = urlencode([(k, v) for k, values in query.items() if k != "token" for v in values], doseq=True)
                location = scope["path"] + (f"?{rest}" if rest else "")
                cookie = f"{self.guard.cookie}={self.guard.token}; HttpOnly; SameSite=Strict; Path=/"
                return await _redirect(send, location, cookie)
        else:
            cookie = _cookies(scope).get(self.guard.cookie)
            if cookie is None:
                return await _plain(send, 401, "Tilgang krever nøkkelen: åpne adressen som textanalyse skrev ut.")
            if not self.guard.token_ok(cookie):
                return await _plain(send, 403, "Feil tilgangsnøkkel: åpne adressen som textanalyse skrev ut.")
        if scope["method"] in UNSAFE_METHODS:
            origin = _header(scope, b"origin") or _header(scope, b"referer")
            if not origin or not self.guard.origin_ok(origin, host):
                return await _plain(send, 403, "Forespørselen kom ikke fra appens egne sider og ble avvist.")
            content_type = _header(scope, b"content-type").split(";")[0].strip().lower()
            if content_type == "application/x-www-form-urlencoded":
                body = await _read_body(receive, FORM_LIMIT)
                if body is None:
                    return await _plain(send, 413, "Skjemaet er for stort.")
                fields = parse_qs(body.decode("utf-8", "replace"))
                token = fields.get("csrf", [_header(scope, b"x-csrf-token")])[0]
                if not self.guard.csrf_ok(token):
                    return await _plain(send, 403, "Skjemaet mangler gyldig sikkerhetsnøkkel; last siden på nytt.")
                receive = _replay(body)
            elif not self.guard.csrf_ok(_header(scope, b"x-csrf-token")):
                return await _plain(send, 403, "Forespørselen mangler gyldig sikkerhetsnøkkel; last siden på nytt.")
        started = False

        async def tracking_send(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)
        try:
            await self.app(scope, receive, tracking_send)
        except Exception:  # noqa: BLE001 - the page already said it in one sentence; no traceback in logs
            if not started:
                await _plain(send, 500, "Noe gikk galt; prøv igjen.")

    @staticmethod
    def _with_headers(send):
        async def wrapped(message):
            if message["type"] == "http.response.start":
                names = {key.lower() for key, _ in message.get("headers", [])}
                message = dict(message)
                message["headers"] = list(message.get("headers", [])) + [
                    (key, value) for key, value in SECURITY_HEADERS if key not in names]
            await send(message)
        return wrapped


async def _read_body(receive, limit: int) -> bytes | None:
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)


def _replay(body: bytes):
    sent = False

    async def receive():
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}
    return receive


async def _plain(send, status: int, text: str) -> None:
    body = text.encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


async def _redirect(send, location: str, cookie: str) -> None:
    await send({"type": "http.response.start", "status": 303,
                "headers": [(b"location", location.encode("latin-1", "replace")),
                            (b"set-cookie", cookie.encode("latin-1")), (b"content-length", b"0")]})
    await send({"type": "http.response.body", "body": b""})

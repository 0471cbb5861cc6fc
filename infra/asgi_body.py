"""Request bodies: bounded, timed, and read whole on the event loop before Django sees them.

Django runs on a small fixed pool of threads (config/asgi.py). A phone on a weak network
may take a minute to send its photos; read inside the thread, such an upload would hold
one of the few threads that whole time. Read here, it costs no thread until it is
complete (what nginx's request buffering does in front of a WSGI server). Bodies past
SPOOL_BYTES wait in a temporary file, not in memory.

Before a byte is read, the declared Content-Length is checked against the route's limit
(a small one everywhere, a large one on the routes that take photos): 413 at once, and
the connection is closed. A chunked body that grows past the limit is cut with 413. A
body that stalls, or trickles in slower than `min_rate`, is cut with 408.

Photo routes pass two gates per process: at most `upload_readers` bodies being read,
and at most `upload_workers` requests in Django threads at once, one fewer than the
threads, so decoding photos never takes the last thread from a GET. An upload that cannot
get a place within the wait is told 503 + Retry-After.

Django's WSGI request also reads exactly CONTENT_LENGTH bytes, so a body sent without
that header (chunked transfer) would arrive empty; it is handed on with its length.
"""

import asyncio
import re
import weakref
from contextlib import asynccontextmanager
from dataclasses import dataclass
from tempfile import SpooledTemporaryFile

from django.http import HttpRequest
from django.http.cookie import parse_cookie
from django.template.loader import render_to_string
from django.utils import translation

from common.problem import PROBLEM_TYPE, error_text, problem_body, wants_problem

METHODS_WITH_BODIES = {"POST", "PUT", "PATCH", "DELETE"}
SPOOL_BYTES = 1024 * 1024
REPLAY_CHUNK = 256 * 1024
# A body read whole waits for a Django thread at most this long: sending it again
# would cost the phone more than waiting.
WORK_WAIT_SECONDS = 30
RETRY_AFTER_SECONDS = 5


@dataclass(frozen=True)
class BodyRules:
    max_bytes: int  # every route
    upload_max_bytes: int  # routes matching upload_paths
    upload_paths: tuple[re.Pattern, ...]
    idle_seconds: float  # longest pause between two pieces of a body
    min_rate: int  # bytes/s a body must average after the first idle_seconds
    upload_readers: int
    upload_workers: int
    upload_wait_seconds: float

    @classmethod
    def from_settings(cls, settings) -> "BodyRules":
        return cls(
            max_bytes=settings.HTTP_BODY_MAX,
            upload_max_bytes=settings.HTTP_UPLOAD_BODY_MAX,
            upload_paths=tuple(re.compile(p) for p in settings.HTTP_UPLOAD_PATHS),
            idle_seconds=settings.HTTP_BODY_IDLE_SECONDS,
            min_rate=settings.HTTP_BODY_MIN_RATE,
            upload_readers=settings.HTTP_UPLOADS_READING,
            upload_workers=settings.HTTP_UPLOADS_WORKING,
            upload_wait_seconds=settings.HTTP_UPLOAD_WAIT_SECONDS,
        )

    def is_upload(self, path: str) -> bool:
        return any(pattern.match(path) for pattern in self.upload_paths)


class _Refused(Exception):
    def __init__(self, status: int) -> None:
        self.status = status


class _ClientGone(Exception):
    pass


class _Gates:
    """The two upload semaphores of one event loop."""

    def __init__(self, rules: BodyRules) -> None:
        self.reading = asyncio.Semaphore(rules.upload_readers)
        self.working = asyncio.Semaphore(rules.upload_workers)


class BufferBodies:
    def __init__(self, app, *, rules: BodyRules) -> None:
        self.app = app
        self.rules = rules
        self._gates: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] not in METHODS_WITH_BODIES:
            return await self.app(scope, receive, send)
        upload = self.rules.is_upload(scope["path"])
        try:
            limit = self.rules.upload_max_bytes if upload else self.rules.max_bytes
            _check_declared_length(scope, limit)
            with SpooledTemporaryFile(max_size=SPOOL_BYTES) as body:
                if upload:
                    await self._upload(scope, receive, send, body, limit)
                else:
                    size = await self._read(receive, body, limit)
                    await self._pass_on(scope, receive, send, body, size)
        except _Refused as refusal:
            await _refuse(scope, send, refusal.status)
        except _ClientGone:
            return None

    async def _upload(self, scope, receive, send, body, limit: int) -> None:
        gates = self._gates_of_this_loop()
        async with _place(gates.reading, self.rules.upload_wait_seconds):
            size = await self._read(receive, body, limit)
        async with _place(gates.working, WORK_WAIT_SECONDS):
            await self._pass_on(scope, receive, send, body, size)

    async def _read(self, receive, body, limit: int) -> int:
        """Write the whole body to `body` and return its size; _Refused past `limit` (413)
        or when it stalls or trickles (408)."""
        loop = asyncio.get_running_loop()
        started, size, more = loop.time(), 0, True
        while more:
            deadline = started + self.rules.idle_seconds + size / self.rules.min_rate
            wait = min(self.rules.idle_seconds, deadline - loop.time())
            try:
                message = await asyncio.wait_for(receive(), max(wait, 0.001))
            except TimeoutError:
                raise _Refused(408) from None
            if message["type"] == "http.disconnect":
                raise _ClientGone
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise _Refused(413)
            body.write(chunk)
            more = message.get("more_body", False)
        return size

    async def _pass_on(self, scope, receive, send, body, size: int) -> None:
        body.seek(0)
        headers = [(k, v) for k, v in scope["headers"] if k != b"content-length"]
        headers.append((b"content-length", str(size).encode()))
        await self.app(dict(scope, headers=headers), _replay(body, receive), send)

    def _gates_of_this_loop(self) -> _Gates:
        loop = asyncio.get_running_loop()
        if loop not in self._gates:
            self._gates[loop] = _Gates(self.rules)
        return self._gates[loop]


@asynccontextmanager
async def _place(semaphore: asyncio.Semaphore, wait: float):
    """Hold one place of `semaphore`; _Refused(503) when none frees up within `wait`."""
    try:
        await asyncio.wait_for(semaphore.acquire(), wait)
    except TimeoutError:
        raise _Refused(503) from None
    try:
        yield
    finally:
        semaphore.release()


def _check_declared_length(scope, limit: int) -> None:
    """413 on the declared Content-Length alone, before any of the body is read."""
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                declared = int(value)
            except ValueError:
                raise _Refused(400) from None
            if declared < 0:
                raise _Refused(400)
            if declared > limit:
                raise _Refused(413)


def _replay(body, receive):
    """An ASGI `receive` that gives the buffered body, then whatever the client sends."""
    done = False

    async def replayed():
        nonlocal done
        if done:
            return await receive()  # only a disconnect can come after the body
        chunk = body.read(REPLAY_CHUNK)
        more = len(chunk) == REPLAY_CHUNK and body.tell() < _size(body)
        done = not more
        return {"type": "http.request", "body": chunk, "more_body": more}

    return replayed


def _size(body) -> int:
    position = body.tell()
    end = body.seek(0, 2)
    body.seek(position)
    return end


async def _refuse(scope, send, status: int) -> None:
    """problem+json for machines, a Chinese page for people, in the client's language;
    the connection is closed so an unread body is not read after all."""
    with translation.override(_language(scope)):
        title, detail = error_text(status)
        if wants_problem(scope["path"]):
            content, kind = problem_body(status, title, detail), PROBLEM_TYPE
        else:
            page = render_to_string("error_plain.html", {"title": title, "detail": detail})
            content, kind = page.encode(), "text/html; charset=utf-8"
    headers = [
        (b"content-type", kind.encode()),
        (b"content-length", str(len(content)).encode()),
        (b"connection", b"close"),
    ]
    if status == 503:
        headers.append((b"retry-after", str(RETRY_AFTER_SECONDS).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": content})


def _language(scope) -> str:
    """The language Django's LocaleMiddleware would pick (cookie, then Accept-Language)."""
    headers = dict(scope["headers"])
    request = HttpRequest()
    request.COOKIES = parse_cookie(headers.get(b"cookie", b"").decode("latin-1"))
    request.META["HTTP_ACCEPT_LANGUAGE"] = headers.get(b"accept-language", b"").decode("latin-1")
    return translation.get_language_from_request(request)

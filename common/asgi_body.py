"""Request bodies are read whole, on the event loop, before a Django thread sees them.

Django runs on a small fixed pool of threads (config/asgi.py). A phone on a weak network
may take a minute to send its photos; read inside the thread, such an upload would hold
one of the few threads that whole time. Read here, it costs no thread until it is
complete (what nginx's request buffering does in front of a WSGI server). Bodies past
SPOOL_BYTES wait in a temporary file, not in memory.

Django's WSGI request also reads exactly CONTENT_LENGTH bytes, so a body sent without
that header (chunked transfer) would arrive empty; it is handed on with its length.
"""

from tempfile import SpooledTemporaryFile

from django.utils.translation import gettext as _

METHODS_WITH_BODIES = {"POST", "PUT", "PATCH", "DELETE"}
SPOOL_BYTES = 1024 * 1024
REPLAY_CHUNK = 256 * 1024


class BufferBodies:
    def __init__(self, app, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] not in METHODS_WITH_BODIES:
            return await self.app(scope, receive, send)
        with SpooledTemporaryFile(max_size=SPOOL_BYTES) as body:
            try:
                size = await self._read(receive, body)
            except _ClientGone:
                return None
            if size is None:
                return await _too_large(send)
            body.seek(0)
            headers = [(k, v) for k, v in scope["headers"] if k != b"content-length"]
            headers.append((b"content-length", str(size).encode()))
            await self.app(dict(scope, headers=headers), _replay(body, receive), send)

    async def _read(self, receive, body) -> int | None:
        """Write the whole body to `body`; its size, or None past the cap."""
        size, more = 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _ClientGone
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                return None
            body.write(chunk)
            more = message.get("more_body", False)
        return size


class _ClientGone(Exception):
    pass


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


async def _too_large(send) -> None:
    text = _("请求体过大。").encode()
    headers = [(b"content-type", b"text/plain; charset=utf-8")]
    headers.append((b"content-length", str(len(text)).encode()))
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": text})

"""Request bodies without a Content-Length, for Django's WSGI handler.

Django's WSGI request reads exactly CONTENT_LENGTH bytes; a body sent without that header
(HTTP/1.1 chunked transfer, which some phone HTTP stacks use for uploads) would arrive
empty and the report would be refused as missing. Such bodies are read here, up to a
cap, and handed on with their length.
"""

from django.utils.translation import gettext as _

UNSIZED_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class SizeUnsizedBodies:
    def __init__(self, app, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] not in UNSIZED_METHODS:
            return await self.app(scope, receive, send)
        if any(name == b"content-length" for name, _value in scope["headers"]):
            return await self.app(scope, receive, send)
        try:
            body = await self._read(receive)
        except _ClientGone:
            return None
        if body is None:
            return await _too_large(send)
        headers = [*scope["headers"], (b"content-length", str(len(body)).encode())]
        await self.app(dict(scope, headers=headers), _replay(body, receive), send)

    async def _read(self, receive) -> bytes | None:
        """The whole body, or None past the cap."""
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _ClientGone
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                return None
            chunks.append(chunk)
            more = message.get("more_body", False)
        return b"".join(chunks)


class _ClientGone(Exception):
    pass


def _replay(body: bytes, receive):
    sent = False

    async def replayed():
        nonlocal sent
        if sent:
            return await receive()  # only a disconnect can come after the body
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replayed


async def _too_large(send) -> None:
    text = _("请求体过大。").encode()
    headers = [(b"content-type", b"text/plain; charset=utf-8")]
    headers.append((b"content-length", str(len(text)).encode()))
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": text})

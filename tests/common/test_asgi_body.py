"""Request bodies are read whole before Django's thread sees them (the served report
test covers a body without Content-Length); past the cap they get a 413."""

import json

import pytest
from a2wsgi import WSGIMiddleware
from channels.testing import HttpCommunicator
from django.core.wsgi import get_wsgi_application

from common.asgi_body import REPLAY_CHUNK, SPOOL_BYTES, BufferBodies


def served(max_bytes: int) -> BufferBodies:
    return BufferBodies(WSGIMiddleware(get_wsgi_application()), max_bytes=max_bytes)


def login_with(body: bytes, *, sized: bool) -> HttpCommunicator:
    headers = [(b"host", b"testserver"), (b"content-type", b"application/json")]
    if sized:
        headers.append((b"content-length", str(len(body)).encode()))
    return HttpCommunicator(served(10 * SPOOL_BYTES), "POST", "/api/v1/auth/token",
                            body=body, headers=headers)  # fmt: skip


@pytest.mark.asyncio
async def test_a_body_past_the_cap_is_refused_with_413_sized_or_not():
    for sized in (True, False):
        headers = [(b"host", b"testserver")]
        if sized:
            headers.append((b"content-length", b"11"))
        app = HttpCommunicator(served(10), "POST", "/api/v1/cases", body=b"x" * 11, headers=headers)
        response = await app.get_response(timeout=5)
        assert response["status"] == 413
        assert "请求体过大" in response["body"].decode()


@pytest.mark.parametrize("sized", [True, False])
@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_body_larger_than_memory_and_than_one_chunk_reaches_django_whole(sized):
    # a login padded (an extra field the schema ignores) past memory and several chunks
    padding = "p" * (SPOOL_BYTES + 3 * REPLAY_CHUNK)
    body = json.dumps({"username": "nobody", "password": "wrong", "padding": padding}).encode()
    response = await login_with(body, sized=sized).get_response(timeout=10)
    # 401 "wrong credentials": Django parsed all of it (a cut body would be a 422)
    assert response["status"] == 401, response["body"][:200]


@pytest.mark.asyncio
async def test_get_passes_without_buffering():
    page = HttpCommunicator(
        served(10), "GET", "/api/v1/openapi.json", headers=[(b"host", b"testserver")]
    )
    assert (await page.get_response(timeout=5))["status"] == 200

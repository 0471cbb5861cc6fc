"""Request bodies: refused by Content-Length before a byte is read, cut when a chunked
body grows past its route's limit or trickles, uploads gated per process, and what is
accepted reaches Django whole (the served report test covers a body without length)."""

import asyncio
import json
import re

import pytest
from a2wsgi import WSGIMiddleware
from channels.testing import HttpCommunicator
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.urls import reverse

from infra.asgi_body import REPLAY_CHUNK, SPOOL_BYTES, BodyRules, BufferBodies

RULES = BodyRules(
    max_bytes=100,
    upload_max_bytes=1000,
    upload_paths=(re.compile(r"^/api/v1/cases/\d+/photos$"),),
    idle_seconds=0.3,
    min_rate=10,
    upload_readers=1,
    upload_workers=1,
    upload_wait_seconds=0.2,
)


async def echo_size(scope, receive, send):
    """An app behind the reader: answers with the size of the body it was given."""
    size, more = 0, True
    while more:
        message = await receive()
        size += len(message.get("body", b""))
        more = message.get("more_body", False)
    await asyncio.sleep(scope.get("work_seconds", 0))
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": str(size).encode()})


async def call(path, pieces, *, length=None, headers=(), reader=None):
    """Send `pieces` (bytes, or a float: pause that many seconds) as one POST body.
    Returns the status, the headers, the body, and how many pieces were asked for."""
    queue = list(pieces)
    asked = 0

    async def receive():
        nonlocal asked
        asked += 1
        while queue and isinstance(queue[0], float):
            await asyncio.sleep(queue.pop(0))
        if not queue:
            await asyncio.sleep(3600)  # a client that stopped sending
        chunk = queue.pop(0)
        more = any(isinstance(p, bytes) for p in queue)
        return {"type": "http.request", "body": chunk, "more_body": more}

    sent = []

    async def send(message):
        sent.append(message)

    all_headers = [(b"host", b"testserver"), *headers]
    if length is not None:
        all_headers.append((b"content-length", str(length).encode()))
    scope = {"type": "http", "method": "POST", "path": path, "headers": all_headers}
    await (reader or BufferBodies(echo_size, rules=RULES))(scope, receive, send)
    start, body = sent[0], b"".join(m.get("body", b"") for m in sent[1:])
    return start["status"], dict(start["headers"]), body, asked


@pytest.mark.asyncio
async def test_a_declared_length_past_the_limit_is_refused_before_any_of_the_body_is_read():
    status, headers, body, asked = await call("/api/v1/cases", [b"x" * 101], length=101)
    assert (status, asked) == (413, 0)
    assert headers[b"content-type"] == b"application/problem+json"
    assert headers[b"connection"] == b"close"
    assert json.loads(body)["title"] == "请求体过大"


@pytest.mark.asyncio
async def test_a_page_gets_its_413_as_a_chinese_page_and_an_english_client_in_english():
    status, headers, body, _ = await call("/login/", [b"x"], length=5000)
    assert status == 413 and headers[b"content-type"].startswith(b"text/html")
    assert "请求体过大" in body.decode()
    english = [(b"accept-language", b"en-GB,en;q=0.9")]
    _, _, body, _ = await call("/login/", [b"x"], length=5000, headers=english)
    assert "Request too large" in body.decode()


@pytest.mark.asyncio
async def test_a_chunked_body_growing_past_the_limit_is_cut_with_413():
    status, _, _, asked = await call("/api/v1/cases", [b"x" * 60, b"x" * 60, b"x" * 60])
    assert (status, asked) == (413, 2)


@pytest.mark.asyncio
async def test_a_photo_route_takes_what_every_other_route_refuses():
    assert (await call("/api/v1/cases/7/photos", [b"x" * 900], length=900))[:1] == (200,)
    assert (await call("/api/v1/cases/7/photos", [b"x" * 900], length=900))[2] == b"900"
    assert (await call("/api/v1/cases/7/handle", [b"x" * 900], length=900))[0] == 413
    assert (await call("/api/v1/cases/7/photos", [b"x"], length=1001))[0] == 413


@pytest.mark.asyncio
async def test_a_body_that_stops_arriving_is_cut_with_408():
    status, _, body, _ = await call("/api/v1/cases", [b"x" * 10, 60.0, b"x" * 40], length=50)
    assert status == 408
    assert "上传太慢" in json.loads(body)["detail"]


@pytest.mark.asyncio
async def test_a_body_trickling_in_below_the_minimum_rate_is_cut_with_408():
    # never a pause as long as the idle time, but 5 bytes/s against 10 required
    trickle = [p for _ in range(10) for p in (0.2, b"x")]
    assert (await call("/api/v1/cases", trickle, length=10))[0] == 408


@pytest.mark.asyncio
async def test_an_upload_finding_no_free_place_in_time_gets_503_with_retry_after():
    reader = BufferBodies(echo_size, rules=RULES)  # one place for reading, one for work
    slow_phone = [b"x", 0.2, b"x", 0.2, b"x"]
    first = asyncio.create_task(call("/api/v1/cases/1/photos", slow_phone, length=3, reader=reader))
    await asyncio.sleep(0.05)
    status, headers, _, asked = await call(
        "/api/v1/cases/2/photos", [b"y"], length=1, reader=reader
    )
    assert (status, asked) == (503, 0)
    assert headers[b"retry-after"] == b"5"
    assert (await first)[:3:2] == (200, b"3")


@pytest.mark.asyncio
async def test_requests_that_are_not_uploads_never_wait_for_the_upload_places():
    reader = BufferBodies(echo_size, rules=RULES)
    slow_phone = [b"x", 0.2, b"x", 0.2, b"x"]
    upload = asyncio.create_task(
        call("/api/v1/cases/1/photos", slow_phone, length=3, reader=reader)
    )
    await asyncio.sleep(0.05)
    # the one upload place is taken, and a JSON report goes straight through
    assert (await call("/api/v1/cases", [b"{}"], length=2, reader=reader))[:3:2] == (200, b"2")
    assert not upload.done()
    assert (await upload)[0] == 200


def test_every_route_that_takes_files_is_an_upload_route_and_no_other():
    rules = BodyRules.from_settings(settings)
    uploads = [
        reverse("feedback:report"),
        reverse("feedback:on_spot"),
        reverse("feedback:handle", args=[12]),
        "/api/v1/cases/on-spot",
        "/api/v1/cases/12/photos",
        "/api/v1/cases/12/handle",
        "/open311/v2/requests.json",
        "/open311/v2/requests.xml",
    ]
    others = ["/login/", "/api/v1/cases", "/api/v1/auth/token", "/cases/12/register/"]
    assert [p for p in uploads if not rules.is_upload(p)] == []
    assert [p for p in others if rules.is_upload(p)] == []
    assert rules.max_bytes == 1024 * 1024 < rules.upload_max_bytes
    assert rules.upload_workers == max(1, settings.HTTP_THREADS - 1)


# --- through Django ---------------------------------------------------------------------


def served(max_bytes: int) -> BufferBodies:
    rules = BodyRules.from_settings(settings)
    rules = BodyRules(**{**rules.__dict__, "max_bytes": max_bytes})
    return BufferBodies(WSGIMiddleware(get_wsgi_application()), rules=rules)


def login_with(body: bytes, *, sized: bool) -> HttpCommunicator:
    headers = [(b"host", b"testserver"), (b"content-type", b"application/json")]
    if sized:
        headers.append((b"content-length", str(len(body)).encode()))
    return HttpCommunicator(served(10 * SPOOL_BYTES), "POST", "/api/v1/auth/token",
                            body=body, headers=headers)  # fmt: skip


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

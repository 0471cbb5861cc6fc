"""infra/uvicorn_private.py writes ready frames to uvicorn's websockets-sansio protocol:
these tests fail loudly when the installed uvicorn or websockets is not the one it was
written for, or the attributes it uses changed, and prove on a real server that shared
uncompressed frames and uvicorn's own compressed sends mix on one deflate connection."""

import asyncio
import inspect
import json
from importlib.metadata import version

import pytest
import uvicorn
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.asyncio.client import connect

from infra.uvicorn_private import WRITTEN_FOR, Wrote, frame_writer, text_frame
from tests.e2e.served import free_port


@pytest.mark.parametrize("package", sorted(WRITTEN_FOR))
def test_the_installed_package_is_the_version_the_frame_writer_was_written_for(package):
    assert version(package) == WRITTEN_FOR[package], (
        f"{package} changed: re-read infra/uvicorn_private.py against its source, "
        "then update WRITTEN_FOR"
    )


def test_uvicorn_still_writes_a_text_message_as_one_frame_on_its_transport():
    send = inspect.getsource(WebSocketsSansIOProtocol.send)
    assert "self.conn.send_text(text_data.encode())" in send
    assert 'self.transport.write(b"".join(output))' in send
    assert "self.close_sent" in send and "self.disconnected" in send
    init = inspect.getsource(WebSocketsSansIOProtocol.__init__)
    assert "self.close_sent = False" in init and "self.disconnected = False" in init
    assert "self.conn = ServerProtocol(" in init


def test_a_shared_frame_is_a_plain_unmasked_text_frame():
    assert text_frame("hi") == b"\x81\x02hi"
    assert text_frame("x" * 200)[:4] == b"\x81\x7e\x00\xc8"


def test_a_send_that_is_not_uvicorns_gets_no_writer():
    async def send(message):  # another server's send
        return None

    assert frame_writer(send, 1000) is None


@pytest.mark.asyncio
async def test_shared_frames_and_compressed_sends_mix_on_a_deflate_connection():
    wrote: list[Wrote] = []

    async def app(scope, receive, send):
        assert scope["type"] == "websocket"
        await receive()  # websocket.connect
        await send({"type": "websocket.accept"})
        write = frame_writer(send, 1_000_000)
        for n in range(3):  # compressed by uvicorn, then shared, in turn
            await send(
                {"type": "websocket.send", "text": json.dumps({"asgi": n, "pad": "a" * 300})}
            )
            wrote.append(write(text_frame(json.dumps({"shared": n, "pad": "a" * 300}))))
        await receive()  # until the client leaves
        wrote.append(write(text_frame("gone")))  # nothing is written to a closed socket

    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, ws="websockets-sansio",
                            lifespan="off", log_level="warning")  # fmt: skip
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.02)
    try:
        async with connect(f"ws://127.0.0.1:{port}/", compression="deflate") as client:
            assert client.protocol.extensions  # permessage-deflate was negotiated
            received = [json.loads(await client.recv()) for _ in range(6)]
        assert [m.get("asgi", m.get("shared")) for m in received] == [0, 0, 1, 1, 2, 2]
    finally:
        server.should_exit = True
        await serving
    assert wrote == [Wrote.SENT] * 3 + [Wrote.CLOSED]

"""The one place that uses uvicorn's private API: writing a ready WebSocket frame straight
to the connection of uvicorn's websockets-sansio protocol.

ASGI has one way to send to a socket, `await send({"type": "websocket.send", ...})`, and
uvicorn frames and compresses (permessage-deflate, one zlib context per socket) the text
again for every socket it is sent to. For one event going to thousands of sockets in a
process, realtime.hub builds the frame once and writes the same bytes to each socket's
transport: this module finds the protocol behind an ASGI `send` and writes to it.

The frame goes uncompressed (RSV1 clear). RFC 7692 lets a sender leave any message of a
deflate connection uncompressed, and an uncompressed message touches neither side's
compression context, so uvicorn's own compressed sends on the same socket stay valid.

tests/infra/test_uvicorn_private.py fails when the installed uvicorn or websockets is not
the one this was written for, or these attributes changed. GONGZHI_SHARED_FRAMES=off
(settings.REALTIME_SHARED_FRAMES) sends through ASGI only.
"""

from collections.abc import Callable
from enum import Enum

from websockets.frames import Frame, Opcode
from websockets.protocol import State

WRITTEN_FOR = {"uvicorn": "0.54.0", "websockets": "17.4"}


class Wrote(Enum):
    SENT = "sent"
    CLOSED = "closed"  # the socket is closing: nothing written
    SLOW = "slow"  # its client reads too slowly: nothing written


def text_frame(text: str) -> bytes:
    """One unfragmented, unmasked, uncompressed text frame (a server's)."""
    return Frame(Opcode.TEXT, text.encode()).serialize(mask=False)


def frame_writer(send, slow_bytes: int) -> Callable[[bytes], Wrote] | None:
    """A function that writes a ready frame to the socket behind uvicorn's `send`, or None
    when `send` is not uvicorn's websockets-sansio protocol (then send through ASGI).
    A socket with more than `slow_bytes` unsent is SLOW: its messages would pile up in
    the server's memory."""
    try:
        from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
    except ImportError:  # served by another server
        return None
    protocol = getattr(send, "__self__", None)
    if not isinstance(protocol, WebSocketsSansIOProtocol):
        return None

    def write(frame: bytes) -> Wrote:
        transport = protocol.transport
        if (
            protocol.close_sent
            or protocol.disconnected
            or protocol.conn.state is not State.OPEN
            or transport.is_closing()
        ):
            return Wrote.CLOSED
        if transport.get_write_buffer_size() > slow_bytes:
            return Wrote.SLOW
        transport.write(frame)
        return Wrote.SENT

    return write

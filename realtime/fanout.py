"""Writing a batch of events to the sockets of a process.

Each event is encoded once. Sockets with a frame writer (infra/uvicorn_private.py) get
the same frame bytes, and all the frames a socket gets from one batch go out in one
write: the hub hands over everything the channel layer had queued when it last looked,
so when a process falls behind, its write calls (the cost of fan-out once the encoding
is shared) shrink by the batch size instead of piling up. Other sockets get each text
through ASGI `send`, in order.
"""

import json
from typing import TYPE_CHECKING

from infra.uvicorn_private import Wrote, text_frame

if TYPE_CHECKING:
    from realtime.hub import Socket


class Batch:
    def __init__(self) -> None:
        self.frames: dict[Socket, list[bytes]] = {}
        self.texts: list[tuple[Socket, str]] = []
        self.held = 0  # given to sockets still catching up

    def add(self, event: dict, sockets: list["Socket"]) -> None:
        text = json.dumps(event)  # as Channels' send_json writes it
        frame = None
        event_id = event.get("id")
        for socket in sockets:
            if socket.pending is not None:
                socket.pending.append((event_id, text))
                self.held += 1
            elif socket.write is not None:
                frame = frame or text_frame(text)
                self.frames.setdefault(socket, []).append(frame)
            else:
                self.texts.append((socket, text))

    async def send(self) -> tuple[int, list["Socket"]]:
        """Write it all; returns (messages written, sockets too slow to take theirs)."""
        sent, slow = 0, []
        for socket, frames in self.frames.items():
            wrote = socket.write(frames[0] if len(frames) == 1 else b"".join(frames))
            if wrote is Wrote.SENT:
                sent += len(frames)
            elif wrote is Wrote.SLOW:
                slow.append(socket)
        for socket, text in self.texts:
            try:
                await socket.send_text(text)
            except Exception:  # it is closing: its disconnect takes it out of the hub
                continue
            sent += 1
        return sent, slow

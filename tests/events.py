"""Capture the events `realtime.publish` sends after commit, as Zulip's
`capture_send_event_calls` does: the code under test runs for real, its transaction's
on-commit callbacks run when the block ends, and what they hand to the channel layer is
recorded by a channel layer of our own (the way Django's locmem backend records mail).

    with capture_events(expected=1) as events:
        services.case_register(actor=supervisor, case_id=case.pk)
    assert events[0].kind == "case.register"

Every message is round-tripped through JSON, so a payload a socket could not carry fails
the test that published it (the real send would only log it).
"""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.test import TestCase, override_settings


@dataclass(frozen=True)
class CapturedEvent:
    id: int
    kind: str
    area: str
    payload: dict
    audience: list[str]  # the groups it was sent to, in sending order


class RecordingChannelLayer(InMemoryChannelLayer):
    """The in-memory layer, keeping every group send for `capture_events`."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.sent: list[tuple[str, dict]] = []

    async def group_send(self, group: str, message: dict) -> None:
        self.sent.append((group, message))
        await super().group_send(group, message)


@contextmanager
def capture_events(*, expected: int | None = None) -> Iterator[list[CapturedEvent]]:
    """The events published by the block's committed work, in publishing order; with
    `expected`, the test fails unless exactly that many were published."""
    events: list[CapturedEvent] = []
    recording = {"default": {"BACKEND": "tests.events.RecordingChannelLayer"}}
    with override_settings(CHANNEL_LAYERS=recording):  # channels builds a fresh layer
        with TestCase.captureOnCommitCallbacks(execute=True):
            yield events
        events.extend(_events(get_channel_layer().sent))
    if expected is not None:
        published = [e.kind for e in events]
        assert len(events) == expected, f"published {published}, expected {expected} events"


def _events(sent: list[tuple[str, dict]]) -> list[CapturedEvent]:
    """One CapturedEvent per event id, with every group it went to."""
    found: dict[int, CapturedEvent] = {}
    for group, message in sent:
        message = json.loads(json.dumps(message))
        if message.get("type") != "event.message":
            continue  # a session ending, not an event
        event = message["event"]
        if event["id"] not in found:
            found[event["id"]] = CapturedEvent(
                event["id"], event["type"], event["area"], event["data"], []
            )
        found[event["id"]].audience.append(group)
    return list(found.values())

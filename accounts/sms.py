"""Pluggable SMS senders for one-time codes, chosen by settings.SMS_SENDER (a dotted path).

A sender is any class with `send(*, phone, text)` that raises `SmsNotSent` when the
gateway refuses. The embedded mode's `ConsoleSender` prints the message to the server's
console, so a demo runs without an SMS gateway; `MemorySender` keeps messages in
`outbox`, like Django's locmem email backend, for tests and local scripts.
"""

import sys
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

from common.personal_data import mask_phone


class SmsNotSent(Exception):
    """The gateway did not accept the message; the caller may try again later."""


@dataclass(frozen=True)
class SmsMessage:
    phone: str
    text: str


class ConsoleSender:
    """Prints each message with the phone masked: the embedded mode's SMS gateway."""

    def send(self, *, phone: str, text: str) -> None:
        print(f"[短信] {mask_phone(phone)}：{text}", file=sys.stdout, flush=True)


outbox: list[SmsMessage] = []


class MemorySender:
    """Appends each message to `accounts.sms.outbox`; empty it between tests."""

    def send(self, *, phone: str, text: str) -> None:
        outbox.append(SmsMessage(phone=phone, text=text))


def get_sender():
    """A new instance of the configured sender (read at each call, so settings overrides
    in tests take effect)."""
    return import_string(settings.SMS_SENDER)()

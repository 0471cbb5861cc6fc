"""An SMS gateway that refuses every message (an outside system's failure, not ours)."""

import time

from accounts.sms import SmsNotSent

tried: list[str] = []


class RefusingSender:
    def send(self, *, phone: str, text: str) -> None:
        tried.append(phone)
        raise SmsNotSent("网关拒绝：余额不足")


delivered: list[str] = []


class SlowSender:
    """A gateway that takes a moment to answer: long enough for a second sending job to
    look at the same message meanwhile."""

    def send(self, *, phone: str, text: str) -> None:
        time.sleep(0.3)
        delivered.append(phone)


def failing_on_withdraw(events):
    """A domain's recipient rules with a bug that shows on one kind of event."""
    if any(event.kind == "case.withdraw" for event in events):
        raise ValueError("a bug in a recipient rule")
    return []

"""Outside channels: how a message reaches someone who is not on the page.

settings.NOTIFY_CHANNELS maps a channel name to a class with `reaches(user)` (has the
user an address on it?) and `send(*, user, text)`, which raises `NotDelivered` when the
gateway refuses (the sending job retries later). SMS goes through the project's SMS
sender (accounts.sms, settings.SMS_SENDER); a WeChat channel would be one more class.
"""

from django.conf import settings
from django.utils.module_loading import import_string

from accounts.models import User
from accounts.sms import SmsNotSent, get_sender


class NotDelivered(Exception):
    """The channel did not take the message; it may be tried again later."""


class SmsChannel:
    """Texts the user's phone (stored encrypted, read only here, never logged)."""

    def reaches(self, user: User) -> bool:
        return bool(user.phone)

    def send(self, *, user: User, text: str) -> None:
        if not user.phone:
            raise NotDelivered("no phone")
        try:
            get_sender().send(phone=user.phone, text=text)
        except SmsNotSent as exc:
            raise NotDelivered(str(exc) or "SMS gateway refused") from exc


def channel(name: str):
    """A new instance of the channel `name` (read at each call: settings may change)."""
    return import_string(settings.NOTIFY_CHANNELS[name])()

"""Log in with a phone number or a username.

A self-registered resident knows their phone, not a username: a phone is looked up by
its keyed hash (so it survives hash-key rotation, which recomputes `phone_hash`) and the
username is only a random handle. Anything that is not a phone goes the usual way.
"""

from django.contrib.auth.backends import ModelBackend

from accounts.models import User
from common.errors import InvalidInput
from common.personal_data import keyed_hash
from grid.validation import normalise_phone


class PhoneOrUsernameBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        phone = _as_phone(username)
        if phone is not None and password:
            user = User.objects.filter(phone_hash=keyed_hash(phone)).first()
            if user is not None and user.check_password(password):
                return user if self.user_can_authenticate(user) else None
        return super().authenticate(request, username=username, password=password, **kwargs)


def _as_phone(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return normalise_phone(value)
    except InvalidInput:
        return None

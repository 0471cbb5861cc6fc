"""Log in with a phone number or a username.

A self-registered resident knows their phone, not a username: a phone is looked up by
its keyed hash (so it survives hash-key rotation, which recomputes `phone_hash`) and the
username is only a random handle. Anything that is not a phone goes the usual way.

Lockout (django-axes) is checked first, in the same backend: one backend keeps
`login(request, user)` working without naming a backend.
"""

from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import ModelBackend

from accounts.models import User
from common.errors import InvalidInput
from common.personal_data import keyed_hash
from common.phone import normalise_phone


class PhoneOrUsernameBackend(AxesStandaloneBackend, ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        # Every sign-in of the app passes its request (the login form, the token endpoint);
        # code without one (a shell, the test client's login) has no client to lock out.
        if request is not None:
            # Raises PermissionDenied while this account is locked out from this IP: even
            # the right password is refused then.
            AxesStandaloneBackend.authenticate(
                self, request, username=username, password=password, **kwargs
            )
        phone = _as_phone(username)
        if phone is not None and password:
            user = User.objects.filter(phone_hash=keyed_hash(phone)).first()
            if user is not None and user.check_password(password):
                return user if self.user_can_authenticate(user) else None
        return ModelBackend.authenticate(
            self, request, username=username, password=password, **kwargs
        )


def _as_phone(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return normalise_phone(value)
    except InvalidInput:
        return None


def account_named(username: str) -> User | None:
    """The account a sign-in attempt named (by username or phone), for the audit log."""
    if not username:
        return None
    phone = _as_phone(username)
    if phone is not None:
        account = User.objects.filter(phone_hash=keyed_hash(phone)).first()
        if account is not None:
            return account
    return User.objects.filter(username=username).first()

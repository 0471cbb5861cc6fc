"""Reads of accounts data."""

from accounts.models import User
from common.personal_data import keyed_hash


def user_get_by_phone(*, phone: str) -> User | None:
    """The account that signs in with `phone` (normalised), found by its keyed hash."""
    return User.objects.filter(phone_hash=keyed_hash(phone)).first()

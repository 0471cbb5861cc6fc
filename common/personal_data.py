"""Encryption at rest, keyed hashes and masking for personal data (PIPL).

Values are encrypted with MultiFernet: the first key in FIELD_ENCRYPTION_KEYS encrypts,
any key decrypts, so keys rotate by prepending a new one and running `rotate_field_keys`.
Equality search goes through an HMAC-SHA256 of the normalised value under FIELD_HASH_KEY,
so the database never holds a clear ID number or phone.
"""

import hashlib
import hmac
import re
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def _cipher() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(value: str) -> str:
    return _cipher().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _cipher().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("personal data cannot be decrypted with the configured keys") from exc


def rotate(token: str) -> str:
    """Re-encrypt a token under the newest key."""
    return _cipher().rotate(token.encode()).decode()


def keyed_hash(value: str) -> str:
    key = settings.FIELD_HASH_KEY.encode()
    return hmac.new(key, value.strip().upper().encode(), hashlib.sha256).hexdigest()


def mask_id_number(value: str) -> str:
    """110105199001011234 → 110105********1234 (the region stays, the birth date goes)."""
    if len(value) < 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    """13812345678 → 138****5678."""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


# Mainland ID numbers inside free text: 18 digits (the last may be X) or the old 15 (no
# check digit). The birth date goes, as in mask_id_number. A longer run of digits (an
# order or bank number) is not an ID number and is left alone.
_ID_NUMBER_18 = re.compile(r"(?<![0-9])([0-9]{6})[0-9]{8}([0-9]{3}[0-9Xx])(?![0-9A-Za-z])")
_ID_NUMBER_15 = re.compile(r"(?<![0-9])([0-9]{6})[0-9]{6}([0-9]{3})(?![0-9A-Za-z])")
# Mainland mobiles as people type them: with or without +86 / 0086 / 86, and with spaces
# or dashes between the 3-4-4 groups.
_MOBILE = re.compile(
    r"(?<![0-9])((?:(?:\+|00)?86[ -]?)?1[3-9][0-9])[ -]?[0-9]{4}[ -]?([0-9]{4})(?![0-9])"
)


def mask_free_text(text: str) -> str:
    """Mask ID numbers and mobile numbers someone typed into free text (a case's
    description, address or note) before it leaves through a public output:
    `110105199001011234` → `110105********1234`, `+86 138-1234-5678` → `+86 138****5678`."""
    if not text:
        return text
    text = _ID_NUMBER_18.sub(r"\1********\2", text)
    text = _ID_NUMBER_15.sub(r"\1******\2", text)
    return _MOBILE.sub(r"\1****\2", text)


class EncryptedTextField(models.TextField):
    """A text column that holds a Fernet token; Python code sees the clear value.

    Not searchable by design: pair it with a keyed-hash column for lookups.
    """

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)

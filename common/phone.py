"""Mobile phone numbers as they are stored and hashed: 11 digits, no country code."""

from django.utils.translation import gettext as _

from common.errors import InvalidInput


def normalise_phone(value: str) -> str:
    """The 11 digits of a mainland mobile number, whatever spaces, dashes or +86 it was
    typed with; refuses anything else."""
    digits = "".join(ch for ch in value if ch.isdigit())
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if len(digits) != 11 or not digits.startswith("1"):
        raise InvalidInput(_("手机号应为 11 位数字。"), field="phone")
    return digits

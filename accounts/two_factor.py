"""TOTP two-factor (django-otp) for the roles in settings.TWO_FACTOR_ROLES and superusers.

After the password such a user must enrol a device (QR code and secret shown once,
confirmed with a code) or enter a code before any page or API answers them
(accounts.middleware.SecondFactorMiddleware). A phone gives the code with its password
when it asks for a token.
"""

import base64

import segno
from django.conf import settings
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.audit import security_log
from accounts.models import SecurityEventKind, User
from accounts.scope import has_role

DEVICE_NAME = "totp"


def second_factor_required(user: User) -> bool:
    if not settings.TWO_FACTOR_ENFORCED or not user.is_authenticated:
        return False
    return user.is_superuser or has_role(user, *settings.TWO_FACTOR_ROLES)


def has_device(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def code_check(*, user: User, code: str, request: HttpRequest) -> bool:
    """Whether `code` is the current code of one of the user's devices; a wrong code is
    logged. django-otp throttles a device after each failure."""
    device = match_token(user, code.strip()) if code.strip() else None
    if device is None:
        security_log(kind=SecurityEventKind.OTP_FAILED, user=user, request=request)
        return False
    if getattr(request, "session", None) is not None and request.user.is_authenticated:
        otp_login(request, device)
    return True


def enrolment_start(*, user: User) -> TOTPDevice:
    """A new unconfirmed device; an earlier unconfirmed one (a QR code never confirmed)
    goes, so only the secret on screen now can be confirmed."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def enrolment_confirm(*, user: User, code: str, request: HttpRequest) -> bool:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None or not code.strip() or not device.verify_token(code.strip()):
        security_log(kind=SecurityEventKind.OTP_FAILED, user=user, request=request, step="enrol")
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)
    security_log(kind=SecurityEventKind.OTP_ENROLLED, user=user, request=request)
    return True


def device_secret(device: TOTPDevice) -> str:
    """The key as authenticator apps take it when typed in (base32)."""
    return base64.b32encode(device.bin_key).decode()


def device_qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URI as an inline SVG QR code, drawn here (no outside service)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=5)

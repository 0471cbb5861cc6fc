"""One-time codes: a person proves a phone by a code sent to it by SMS.

Resident self-registration (registration.services) is their first user: the code proves
the phone before the person names themselves.
"""

import datetime as dt
import hmac
import secrets

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import OneTimeCode
from accounts.selectors import user_get_by_phone
from accounts.sms import SmsNotSent, get_sender
from common.errors import Conflict, DomainError, InvalidInput
from common.personal_data import keyed_hash
from common.phone import normalise_phone

PURPOSE_REGISTER = "register"


class TooManyRequests(DomainError):
    status = 429
    title = gettext_lazy("操作过于频繁")


# --- one-time codes --------------------------------------------------------------------


def otp_send(*, phone: str, purpose: str = PURPOSE_REGISTER) -> OneTimeCode:
    """Text a new six-digit code to `phone`; only a keyed hash of it is stored.

    Refuses a second code within OTP_RESEND_SECONDS and more than OTP_MAX_PER_HOUR codes
    an hour. A phone that already has an account is answered exactly like any other (a
    code row, the same limits) but its text says so instead of carrying the code: the
    caller cannot tell a registered phone from a new one, and the owner learns that
    someone tried. The code row is committed before the gateway is called, so a slow
    gateway holds no database lock; if the gateway refuses, the row goes and the user may
    try again at once.
    """
    phone = normalise_phone(phone)
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        _check_send_rate(keyed_hash(phone), purpose)
        otp = OneTimeCode.objects.create(
            phone_hash=keyed_hash(phone),
            code_hash=_code_hash(phone, code, purpose),
            purpose=purpose,
            expires_at=timezone.now() + dt.timedelta(seconds=settings.OTP_TTL_SECONDS),
        )
    registered = purpose == PURPOSE_REGISTER and user_get_by_phone(phone=phone) is not None
    text = _already_registered_text() if registered else _sms_text(code)
    try:
        get_sender().send(phone=phone, text=text)
    except SmsNotSent as exc:
        otp.delete()
        raise DomainError(_("短信发送失败，请稍后再试。"), field="phone") from exc
    return otp


def _already_registered_text() -> str:
    return _(
        "【共治】您的手机号已注册共治账号，请直接用手机号和密码登录。如非本人操作，请忽略本短信。"
    )


def _sms_text(code: str) -> str:
    minutes = max(1, settings.OTP_TTL_SECONDS // 60)
    return _("【共治】您的验证码为 %(code)s，%(minutes)d 分钟内有效，请勿告诉他人。") % {
        "code": code,
        "minutes": minutes,
    }


def _check_send_rate(phone_hash: str, purpose: str) -> None:
    now = timezone.now()
    last_hour = OneTimeCode.objects.filter(
        phone_hash=phone_hash, purpose=purpose, created_at__gt=now - dt.timedelta(hours=1)
    )
    last_sent = last_hour.order_by("-created_at").values_list("created_at", flat=True).first()
    wait = settings.OTP_RESEND_SECONDS - (now - last_sent).total_seconds() if last_sent else 0
    if wait > 0:
        raise TooManyRequests(
            _("验证码已发送，请 %(seconds)d 秒后再重新获取。") % {"seconds": int(wait) + 1},
            field="phone",
        )
    if last_hour.count() >= settings.OTP_MAX_PER_HOUR:
        raise TooManyRequests(
            _("该手机号一小时内获取验证码的次数已达上限，请稍后再试。"), field="phone"
        )


def _code_hash(phone: str, code: str, purpose: str) -> str:
    # Bound to phone and purpose, so a code sent for one cannot be replayed for another.
    return keyed_hash(f"otp:{purpose}:{phone}:{code}")


def otp_verify(
    *, phone: str, code: str, purpose: str = PURPOSE_REGISTER, consume: bool = True
) -> OneTimeCode:
    """Check `code` against the latest code sent to `phone` for `purpose`.

    A code works once, until it expires, and only while fewer than OTP_MAX_ATTEMPTS wrong
    tries were made; each wrong try is committed before the refusal is raised. With
    consume=False the code stays usable so that the caller can consume it in the same
    transaction as the write it guards (otp_consume; see registration.services).
    """
    phone = normalise_phone(phone)
    with transaction.atomic():
        otp = (
            OneTimeCode.objects.select_for_update()
            .filter(phone_hash=keyed_hash(phone), purpose=purpose)
            .order_by("-created_at", "-pk")
            .first()
        )
        problem = _code_problem(otp, phone=phone, code=code, purpose=purpose)
        if problem is None and consume:
            otp_consume(otp)
    if problem is not None:
        raise InvalidInput(problem, field="code")
    return otp


def _code_problem(otp: OneTimeCode | None, *, phone: str, code: str, purpose: str) -> str | None:
    if otp is None or otp.used_at is not None or otp.expires_at <= timezone.now():
        return _("验证码已失效，请重新获取。")
    if otp.attempts >= settings.OTP_MAX_ATTEMPTS:
        return _("验证码尝试次数过多，请重新获取。")
    if hmac.compare_digest(otp.code_hash, _code_hash(phone, code.strip(), purpose)):
        return None
    OneTimeCode.objects.filter(pk=otp.pk).update(attempts=F("attempts") + 1)
    left = settings.OTP_MAX_ATTEMPTS - otp.attempts - 1
    if left <= 0:
        return _("验证码错误次数过多，请重新获取。")
    return _("验证码不正确，还可以再试 %(left)d 次。") % {"left": left}


def otp_consume(otp: OneTimeCode) -> None:
    """Use up `otp`, verified with consume=False, inside the caller's transaction."""
    # A conditional UPDATE, not check-then-act: of two racing requests only one wins.
    used = OneTimeCode.objects.filter(pk=otp.pk, used_at__isnull=True).update(
        used_at=timezone.now()
    )
    if not used:
        raise Conflict(_("验证码已使用，请重新获取。"), field="code")


def otp_was_used(*, phone: str, code: str, purpose: str = PURPOSE_REGISTER) -> bool:
    """Whether `code` is the latest code sent to `phone` for `purpose`, already used and
    not yet expired: the same request sent again after it succeeded (a double submit)."""
    latest = (
        OneTimeCode.objects.filter(phone_hash=keyed_hash(phone), purpose=purpose)
        .order_by("-created_at", "-pk")
        .first()
    )
    return (
        latest is not None
        and latest.used_at is not None
        and latest.expires_at > timezone.now()
        and hmac.compare_digest(latest.code_hash, _code_hash(phone, code.strip(), purpose))
    )

"""Every write to accounts: one-time codes, resident self-registration and its review.

A resident proves their phone with a one-time code, then names themselves with name and
ID number. A match with a household record makes them a resident at once; anything else
becomes a registration request that staff of the chosen community approve (linking a
resident record they pick) or reject.
"""

import datetime as dt
import hmac
import secrets
import unicodedata

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import (
    OneTimeCode,
    RegistrationRequest,
    RegistrationStatus,
    Role,
    User,
)
from accounts.roles import role_grant
from accounts.selectors import registration_requests_in_scope
from accounts.sms import SmsNotSent, get_sender
from accounts.tokens import forget_user_on_commit
from common.errors import Conflict, DomainError, InvalidInput, NotFound
from common.personal_data import keyed_hash
from grid.models import Area, AreaLevel, Resident, ResidentStatus
from grid.selectors import resident_get_for_user
from grid.validation import normalise_phone, validate_id_number

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
    registered = purpose == PURPOSE_REGISTER and _account_of_phone(phone) is not None
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
    transaction as the write it guards (see resident_register).
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
            _consume(otp)
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


def _consume(otp: OneTimeCode) -> None:
    # A conditional UPDATE, not check-then-act: of two racing requests only one wins.
    used = OneTimeCode.objects.filter(pk=otp.pk, used_at__isnull=True).update(
        used_at=timezone.now()
    )
    if not used:
        raise Conflict(_("验证码已使用，请重新获取。"), field="code")


# --- self-registration -----------------------------------------------------------------


def resident_register(
    *,
    phone: str,
    code: str,
    name: str,
    id_number: str,
    password: str,
    community: Area | None = None,
    address: str = "",
) -> User:
    """Create a resident's account from a phone, its code, name, ID number and password.

    Name and ID number matching a present resident with no account: the account is linked
    to that record and gets the resident role in the record's community. No match: the
    account gets neither, and a pending request goes to staff of `community`. Sending the
    same completed registration again returns the same account.
    """
    phone = normalise_phone(phone)
    name = _clean_name(name)
    number = validate_id_number(id_number)
    _check_password(password)
    existing = _account_of_phone(phone)
    if existing is not None and _same_registration(existing, phone, code, number, password):
        return existing
    # A registered phone goes on like any other: its latest code was never sent, so the
    # answer is the same "wrong code" a new phone gets for a wrong code.
    otp = otp_verify(phone=phone, code=code, consume=False)
    if existing is not None:
        raise Conflict(_("该手机号已注册，请直接登录。"), field="phone")
    resident = _matching_resident(number, name)
    if resident is None:
        _count_lookup(otp)
        _check_request_details(community, address)
    try:
        with transaction.atomic():
            _consume(otp)
            user = _user_create(phone=phone, name=name, password=password)
            if resident is not None:
                _resident_link(user=user, resident=resident)
            else:
                _request_create(user, name, number, community, address)
    except (Conflict, IntegrityError) as exc:
        # A double submit lost the race: answer as the winner did.
        existing = _account_of_phone(phone)
        if existing is not None and _same_registration(existing, phone, code, number, password):
            return existing
        if isinstance(exc, Conflict):
            raise
        raise Conflict(_("注册未完成，请重新获取验证码后再试。"), field="code") from exc
    return user


def _count_lookup(otp: OneTimeCode) -> None:
    """A verified code that looked up the records without making an account counts as
    an attempt: one code answers at most OTP_MAX_ATTEMPTS lookups of name and ID number,
    not one per guess. Committed at once, like a wrong code."""
    OneTimeCode.objects.filter(pk=otp.pk).update(attempts=F("attempts") + 1)


def _clean_name(name: str) -> str:
    # Full-width spaces and the several dots in transliterated names (·•・) are typed
    # interchangeably; compare them as one.
    name = unicodedata.normalize("NFKC", name or "")
    name = "".join(name.split())
    for dot in "•・．.":
        name = name.replace(dot, "·")
    if not name:
        raise InvalidInput(_("请填写姓名。"), field="name")
    if len(name) > 50:
        raise InvalidInput(_("姓名过长。"), field="name")
    return name


def _check_password(password: str) -> None:
    try:
        validate_password(password)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), field="password") from exc


def _account_of_phone(phone: str) -> User | None:
    return User.objects.filter(phone_hash=keyed_hash(phone)).first()


def _same_registration(user: User, phone: str, code: str, number: str, password: str) -> bool:
    """Whether this is the registration that made `user`, sent again (a double submit)."""
    latest = (
        OneTimeCode.objects.filter(phone_hash=keyed_hash(phone), purpose=PURPOSE_REGISTER)
        .order_by("-created_at", "-pk")
        .first()
    )
    return (
        latest is not None
        and latest.used_at is not None
        and latest.expires_at > timezone.now()
        and hmac.compare_digest(latest.code_hash, _code_hash(phone, code.strip(), latest.purpose))
        and _registered_id_hash(user) == keyed_hash(number)
        and user.check_password(password)
    )


def _registered_id_hash(user: User) -> str | None:
    if user.resident_id is not None:
        return user.resident.id_number_hash
    registration = RegistrationRequest.objects.filter(user=user).first()
    return registration.id_number_hash if registration else None


def _matching_resident(number: str, name: str) -> Resident | None:
    # A wrong name, a record that already has an account and an ID number with a pending
    # request are all answered like an unknown ID number (a request for staff to decide):
    # telling them apart would let anyone with a phone test whose ID numbers are on file
    # and who has an account.
    resident = (
        Resident.objects.select_related("household__building__grid__parent")
        .filter(
            id_number_hash=keyed_hash(number),
            status=ResidentStatus.PRESENT,
            user__isnull=True,
        )
        .first()
    )
    if resident is None or _clean_name(resident.name) != name:
        return None
    return resident


def _check_request_details(community: Area | None, address: str) -> None:
    if community is None:
        raise InvalidInput(
            _("未找到与您的姓名和身份证号相符的居民档案。请选择所在社区并填写住址，提交社区审核。"),
            field="community",
        )
    if community.level != AreaLevel.COMMUNITY:
        raise InvalidInput(_("请选择一个社区。"), field="community")
    if not address.strip():
        raise InvalidInput(_("请填写住址。"), field="address")


def _user_create(*, phone: str, name: str, password: str) -> User:
    # Residents log in with their phone (accounts.backends); the username is a random
    # handle, so it holds no personal data and needs no re-keying.
    user = User(
        username=f"resident-{secrets.token_hex(8)}",
        display_name=name,
        phone=phone,
        phone_hash=keyed_hash(phone),
    )
    user.set_password(password)
    user.save()
    return user


def _resident_link(*, user: User, resident: Resident, actor: User | None = None) -> None:
    user.resident = resident
    user.save(update_fields=["resident"])
    forget_user_on_commit(user.pk)
    community = resident.household.building.grid.parent
    role_grant(user=user, role=Role.RESIDENT, area=community, by=actor or user)


def _request_create(
    user: User, name: str, number: str, community: Area, address: str
) -> RegistrationRequest:
    return RegistrationRequest.objects.create(
        user=user,
        name=name,
        id_number=number,
        id_number_hash=keyed_hash(number),
        community=community,
        address=address.strip()[:200],
    )


# --- review by community staff ---------------------------------------------------------


def registration_approve(
    *, actor: User, request_id: int, resident_id: int, note: str = ""
) -> RegistrationRequest:
    """Link the applicant to a resident record the reviewer picked, and make them a
    resident of that record's community. Both the request and the record must lie in the
    reviewer's scope."""
    try:
        with transaction.atomic():
            registration = _pending_request(actor, request_id)
            resident = resident_get_for_user(user=actor, resident_id=resident_id)
            if resident is None:
                raise NotFound(_("居民档案不存在或不在您的管辖范围内。"), field="resident")
            if resident.status != ResidentStatus.PRESENT:
                raise InvalidInput(_("该居民档案不是在住状态。"), field="resident")
            if User.objects.filter(resident=resident).exists():
                raise Conflict(_("该居民档案已关联其他账号。"), field="resident")
            _resident_link(user=registration.user, resident=resident, actor=actor)
            return _decide(registration, actor, RegistrationStatus.APPROVED, note)
    except IntegrityError as exc:
        raise Conflict(_("该居民档案已关联其他账号。"), field="resident") from exc


@transaction.atomic
def registration_reject(*, actor: User, request_id: int, note: str) -> RegistrationRequest:
    """Refuse a registration request; the note tells the applicant why."""
    if not note.strip():
        raise InvalidInput(_("请填写驳回理由。"), field="note")
    registration = _pending_request(actor, request_id)
    return _decide(registration, actor, RegistrationStatus.REJECTED, note)


def _pending_request(actor: User, request_id: int) -> RegistrationRequest:
    registration = (
        registration_requests_in_scope(user=actor)
        .select_for_update(of=("self",))
        .select_related("user")
        .filter(pk=request_id)
        .first()
    )
    if registration is None:
        raise NotFound(_("注册申请不存在或不在您的管辖范围内。"))
    if registration.status != RegistrationStatus.PENDING:
        raise Conflict(_("该注册申请已处理。"))
    return registration


def _decide(
    registration: RegistrationRequest, actor: User, status: str, note: str
) -> RegistrationRequest:
    registration.status = status
    registration.decided_by = actor
    registration.decided_at = timezone.now()
    registration.decision_note = note.strip()[:200]
    registration.save(
        update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"]
    )
    return registration

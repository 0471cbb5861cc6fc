"""Resident self-registration and its review: matching a person to the household register.

A resident proves their phone with a one-time code (accounts.services), then names
themselves with name and ID number. A match with a household record makes them a
resident at once; anything else becomes a registration request that staff of the chosen
community approve (linking a resident record they pick) or reject.
"""

import secrets
import unicodedata

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import OneTimeCode, RegistrationRequest, RegistrationStatus, Role, User
from accounts.roles import role_grant
from accounts.selectors import user_get_by_phone
from accounts.services import otp_consume, otp_verify, otp_was_used
from accounts.tokens import forget_user_on_commit
from common.errors import Conflict, InvalidInput, NotFound
from common.personal_data import keyed_hash
from common.phone import normalise_phone
from grid.models import Area, AreaLevel, Resident, ResidentStatus
from grid.selectors import resident_get_for_user
from grid.validation import validate_id_number
from registration.selectors import registration_requests_in_scope

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
    existing = user_get_by_phone(phone=phone)
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
            otp_consume(otp)
            user = _user_create(phone=phone, name=name, password=password)
            if resident is not None:
                _resident_link(user=user, resident=resident)
            else:
                _request_create(user, name, number, community, address)
    except (Conflict, IntegrityError) as exc:
        # A double submit lost the race: answer as the winner did.
        existing = user_get_by_phone(phone=phone)
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
    return (
        otp_was_used(phone=phone, code=code)
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


# --- provisioning ----------------------------------------------------------------------


@transaction.atomic
def user_resident_link(*, user: User, resident: Resident) -> User:
    """Let `user` speak for the resident record (their household, their cases); a record
    has one account at most, and only a present resident gets one."""
    if resident.status != ResidentStatus.PRESENT:
        raise InvalidInput(_("该居民档案不是在住状态。"), field="resident")
    if User.objects.filter(resident=resident).exclude(pk=user.pk).exists():
        raise Conflict(_("该居民档案已关联其他账号。"), field="resident")
    user.resident = resident
    user.save(update_fields=["resident"])
    forget_user_on_commit(user.pk)
    return user

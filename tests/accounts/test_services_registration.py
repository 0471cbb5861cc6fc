import datetime as dt
import re

import pytest
from django.contrib.auth import authenticate
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts import services, sms
from accounts.models import (
    OneTimeCode,
    RegistrationRequest,
    RegistrationStatus,
    Role,
    RoleAssignment,
    User,
)
from accounts.sms import SmsNotSent
from common.errors import Conflict, DomainError, InvalidInput, NotFound
from grid.models import Area
from registration import selectors
from registration import services as registration_services
from tests.factories import id_number, make_resident, user_with_role

PHONE = "13812345678"
PASSWORD = "quiet-harbour-42"
COMMUNITY = "310101001001"
NEIGHBOUR = "310101001002"


class RefusingSender:
    """A gateway that is down."""

    def send(self, *, phone: str, text: str) -> None:
        raise SmsNotSent("gateway unreachable")


def last_code(outbox) -> str:
    return re.search(r"\d{6}", outbox[-1].text).group()


def send_code(phone: str = PHONE) -> str:
    services.otp_send(phone=phone)
    return last_code(sms.outbox)


def register(code: str, **overrides) -> User:
    details = {"phone": PHONE, "code": code, "password": PASSWORD} | overrides
    return registration_services.resident_register(**details)


def age_codes(*, seconds: int) -> None:
    """Move every code `seconds` into the past, as if that much time had passed."""
    for otp in OneTimeCode.objects.all():
        OneTimeCode.objects.filter(pk=otp.pk).update(
            created_at=otp.created_at - dt.timedelta(seconds=seconds),
            expires_at=otp.expires_at - dt.timedelta(seconds=seconds),
        )


@pytest.fixture
def resident(areas):
    return make_resident(f"{COMMUNITY}002", name="李四")


# --- one-time codes --------------------------------------------------------------------


def test_otp_send_texts_a_six_digit_code_to_the_normalised_phone(db, sms_outbox):
    services.otp_send(phone="+86 138-1234-5678")
    assert sms_outbox[0].phone == PHONE
    assert re.search(r"\b\d{6}\b", sms_outbox[0].text)


def test_only_keyed_hashes_of_code_and_phone_are_stored(db, sms_outbox):
    code = send_code()
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_onetimecode")
        stored = " ".join(str(value) for row in cursor.fetchall() for value in row)
    assert code not in stored
    assert PHONE not in stored
    assert len(OneTimeCode.objects.get().code_hash) == 64


def test_a_second_code_within_the_resend_interval_is_refused(db, sms_outbox):
    send_code()
    with pytest.raises(services.TooManyRequests, match="秒后"):
        services.otp_send(phone=PHONE)
    assert len(sms_outbox) == 1


def test_a_new_code_is_sent_once_the_resend_interval_has_passed(db, sms_outbox, settings):
    send_code()
    age_codes(seconds=settings.OTP_RESEND_SECONDS + 1)
    send_code()
    assert len(sms_outbox) == 2


def test_codes_beyond_the_hourly_maximum_are_refused(db, sms_outbox, settings):
    for _ in range(settings.OTP_MAX_PER_HOUR):
        send_code()
        age_codes(seconds=settings.OTP_RESEND_SECONDS + 1)
    with pytest.raises(services.TooManyRequests, match="上限"):
        services.otp_send(phone=PHONE)


def test_the_embedded_console_sender_prints_the_code_with_the_phone_masked(db, settings, capsys):
    settings.SMS_SENDER = "accounts.sms.ConsoleSender"
    services.otp_send(phone=PHONE)
    printed = capsys.readouterr().out
    assert "138****5678" in printed
    assert PHONE not in printed
    code = re.search(r"(?<!\d)\d{6}(?!\d)", printed).group()
    services.otp_verify(phone=PHONE, code=code)


def test_an_invalid_phone_gets_no_code(db, sms_outbox):
    with pytest.raises(InvalidInput, match="11 位"):
        services.otp_send(phone="12345")
    assert sms_outbox == []


def test_a_refusing_gateway_leaves_no_code_and_no_wait(db, sms_outbox, settings):
    settings.SMS_SENDER = "tests.accounts.test_services_registration.RefusingSender"
    with pytest.raises(DomainError, match="短信发送失败"):
        services.otp_send(phone=PHONE)
    assert not OneTimeCode.objects.exists()
    settings.SMS_SENDER = "accounts.sms.MemorySender"
    services.otp_send(phone=PHONE)  # no resend interval to sit out after a failure
    assert OneTimeCode.objects.count() == 1


def test_a_correct_code_verifies_only_once(db, sms_outbox):
    code = send_code()
    services.otp_verify(phone=PHONE, code=code)
    with pytest.raises(InvalidInput, match="失效"):
        services.otp_verify(phone=PHONE, code=code)


def test_an_expired_code_is_refused(db, sms_outbox, settings):
    code = send_code()
    age_codes(seconds=settings.OTP_TTL_SECONDS + 1)
    with pytest.raises(InvalidInput, match="失效"):
        services.otp_verify(phone=PHONE, code=code)


def test_wrong_codes_are_counted_and_then_even_the_right_one_is_refused(db, sms_outbox, settings):
    # given a code and all allowed attempts spent on wrong guesses
    code = send_code()
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(settings.OTP_MAX_ATTEMPTS):
        with pytest.raises(InvalidInput):
            services.otp_verify(phone=PHONE, code=wrong)
    # when the right code arrives
    with pytest.raises(InvalidInput, match="次数过多"):
        services.otp_verify(phone=PHONE, code=code)
    # then each wrong try was recorded
    assert OneTimeCode.objects.get().attempts == settings.OTP_MAX_ATTEMPTS


def test_only_the_newest_code_counts(db, sms_outbox, settings):
    # given two codes sent a minute apart
    old = send_code()
    age_codes(seconds=settings.OTP_RESEND_SECONDS + 1)
    new = send_code()
    # when the newer one is used
    services.otp_verify(phone=PHONE, code=new)
    # then the older one no longer works, though it was never used
    with pytest.raises(InvalidInput, match="失效"):
        services.otp_verify(phone=PHONE, code=old)
    assert OneTimeCode.objects.order_by("created_at").first().used_at is None


# --- self-registration -----------------------------------------------------------------


def test_matching_name_and_id_number_makes_a_resident_of_the_record_community(resident, sms_outbox):
    user = register(send_code(), name="李四", id_number=resident.id_number)
    assert user.resident == resident
    role = RoleAssignment.objects.get(user=user)
    assert (role.role, role.area.code) == (Role.RESIDENT, COMMUNITY)
    assert not RegistrationRequest.objects.exists()


def test_the_account_keeps_the_phone_encrypted_and_out_of_the_username(resident, sms_outbox):
    user = register(send_code(), name="李四", id_number=resident.id_number)
    with connection.cursor() as cursor:
        cursor.execute("SELECT username, phone FROM accounts_user WHERE id = %s", [user.pk])
        username, stored_phone = cursor.fetchone()
    assert PHONE not in username
    assert PHONE not in stored_phone
    assert User.objects.get(pk=user.pk).phone == PHONE


def test_the_database_refuses_a_second_account_for_one_phone(resident, sms_outbox):
    user = register(send_code(), name="李四", id_number=resident.id_number)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="someone-else", phone=PHONE, phone_hash=user.phone_hash)


def test_the_new_resident_logs_in_with_phone_and_password(resident, sms_outbox):
    user = register(send_code(), name="李四", id_number=resident.id_number)
    assert authenticate(username="138 1234 5678", password=PASSWORD) == user
    assert authenticate(username=PHONE, password="wrong-password") is None


def test_a_wrong_name_becomes_a_pending_request_instead(resident, sms_outbox):
    community = Area.objects.get(code=COMMUNITY)
    user = register(
        send_code(),
        name="李思",
        id_number=resident.id_number,
        community=community,
        address="测试路1号 101室",
    )
    assert user.resident is None
    assert RegistrationRequest.objects.get(user=user).status == RegistrationStatus.PENDING


def test_an_unknown_person_creates_a_pending_request_without_role(areas, sms_outbox):
    community = Area.objects.get(code=COMMUNITY)
    number = id_number("310101", "19900101", 901)
    user = register(
        send_code(), name="王五", id_number=number, community=community, address="新村 3 号"
    )
    request = RegistrationRequest.objects.get(user=user)
    assert (request.name, request.id_number, request.community) == ("王五", number, community)
    assert user.is_active and user.resident is None
    assert not RoleAssignment.objects.filter(user=user).exists()


def test_an_unknown_person_without_a_community_is_asked_for_one_and_keeps_the_code(
    areas, sms_outbox
):
    code = send_code()
    number = id_number("310101", "19900101", 902)
    with pytest.raises(InvalidInput, match="选择所在社区") as refusal:
        register(code, name="王五", id_number=number)
    assert refusal.value.field == "community"
    community = Area.objects.get(code=COMMUNITY)
    user = register(code, name="王五", id_number=number, community=community, address="新村")
    assert user.registration_request.community == community


def test_sending_the_same_registration_again_returns_the_same_account(resident, sms_outbox):
    code = send_code()
    first = register(code, name="李四", id_number=resident.id_number)
    again = register(code, name="李四", id_number=resident.id_number)
    assert again == first
    assert User.objects.count() == 1
    assert RoleAssignment.objects.count() == 1


def test_sending_the_same_pending_request_again_creates_no_second_request(areas, sms_outbox):
    community = Area.objects.get(code=COMMUNITY)
    details = {
        "name": "王五",
        "id_number": id_number("310101", "19900101", 903),
        "community": community,
        "address": "新村",
    }
    code = send_code()
    assert register(code, **details) == register(code, **details)
    assert RegistrationRequest.objects.count() == 1


def test_a_registered_phone_is_refused_for_a_different_registration(resident, sms_outbox):
    code = send_code()
    register(code, name="李四", id_number=resident.id_number)
    with pytest.raises(InvalidInput, match="失效"):
        register(code, name="李四", id_number=resident.id_number, password="other-pass-99")


def test_a_registered_phone_asking_for_a_code_is_texted_that_it_has_an_account(
    resident, sms_outbox, settings
):
    register(send_code(), name="李四", id_number=resident.id_number)
    age_codes(seconds=settings.OTP_RESEND_SECONDS + 1)
    services.otp_send(phone=PHONE)
    assert "已注册" in sms_outbox[-1].text
    assert not re.search(r"\d{6}", sms_outbox[-1].text)


def test_an_id_number_that_already_has_an_account_is_answered_like_an_unknown_one(
    resident, sms_outbox
):
    # given the record's ID number already registered from one phone
    register(send_code(), name="李四", id_number=resident.id_number)
    other_phone = "13900000000"
    # when another phone registers with the same name and ID number
    with pytest.raises(InvalidInput, match="未找到") as refusal:
        register(
            send_code(other_phone), phone=other_phone, name="李四", id_number=resident.id_number
        )
    # then the answer is the one an unknown ID number gets: a request for staff to decide
    assert refusal.value.field == "community"


def test_an_id_number_with_a_pending_request_becomes_a_second_request_for_staff(areas, sms_outbox):
    community = Area.objects.get(code=COMMUNITY)
    number = id_number("310101", "19900101", 904)
    register(send_code(), name="王五", id_number=number, community=community, address="新村")
    other_phone = "13900000001"
    user = register(
        send_code(other_phone),
        phone=other_phone,
        name="王五",
        id_number=number,
        community=community,
        address="新村",
    )
    assert user.registration_request.status == RegistrationStatus.PENDING
    assert RegistrationRequest.objects.count() == 2


def test_one_code_answers_a_limited_number_of_lookups(areas, sms_outbox, settings):
    # given a code, spent on lookups of ID numbers that are not on file
    code = send_code()
    for seq in range(settings.OTP_MAX_ATTEMPTS):
        with pytest.raises(InvalidInput, match="未找到"):
            register(code, name="王五", id_number=id_number("310101", "19900101", 930 + seq))
    # when one more lookup comes with the same, right code
    with pytest.raises(InvalidInput, match="次数过多"):
        register(code, name="王五", id_number=id_number("310101", "19900101", 940))
    # then the code is spent; a new one is needed
    assert OneTimeCode.objects.get().attempts == settings.OTP_MAX_ATTEMPTS


def test_a_malformed_id_number_is_refused_before_the_code_is_tried(areas, sms_outbox):
    code = send_code()
    with pytest.raises(InvalidInput, match="校验位"):
        register(code, name="王五", id_number="110105199001011235")
    assert OneTimeCode.objects.get().attempts == 0


def test_a_weak_password_is_refused(resident, sms_outbox):
    with pytest.raises(InvalidInput) as refusal:
        register(send_code(), name="李四", id_number=resident.id_number, password="123")
    assert refusal.value.field == "password"
    assert not User.objects.exists()


def test_a_wrong_code_registers_nobody(resident, sms_outbox):
    code = send_code()
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    with pytest.raises(InvalidInput, match="验证码不正确"):
        register(wrong, name="李四", id_number=resident.id_number)
    assert not User.objects.exists()


# --- review by community staff ---------------------------------------------------------


@pytest.fixture
def pending(areas, sms_outbox):
    """A pending request for COMMUNITY by someone whose name is not on file."""
    community = Area.objects.get(code=COMMUNITY)
    number = id_number("310101", "19900101", 905)
    register(send_code(), name="赵六", id_number=number, community=community, address="新村")
    return RegistrationRequest.objects.get()


@pytest.mark.parametrize(
    ("role", "area_code"),
    [
        (Role.CLERK, COMMUNITY),
        (Role.SUPERVISOR, "310101001"),
        (Role.ADMIN, "310101"),
        (Role.GRID_WORKER, f"{COMMUNITY}002"),
    ],
)
def test_staff_covering_the_community_see_its_pending_request(pending, role, area_code):
    staff = user_with_role(role, Area.objects.get(code=area_code))
    assert list(selectors.registration_request_list(user=staff)) == [pending]


@pytest.mark.parametrize(
    ("role", "area_code"),
    [
        (Role.CLERK, NEIGHBOUR),
        (Role.GRID_WORKER, f"{NEIGHBOUR}001"),
        (Role.HANDLER, COMMUNITY),
        (Role.RESIDENT, COMMUNITY),
    ],
)
def test_neighbours_handlers_and_residents_do_not_see_the_request(pending, role, area_code):
    user = user_with_role(role, Area.objects.get(code=area_code))
    assert not selectors.registration_request_list(user=user).exists()
    assert selectors.registration_request_get_for_user(user=user, request_id=pending.pk) is None


def test_approval_links_the_record_and_grants_the_resident_role(pending):
    # given a clerk and the record the applicant turns out to be
    clerk = user_with_role(Role.CLERK, Area.objects.get(code=COMMUNITY))
    record = make_resident(f"{COMMUNITY}001", name="赵六")
    # when the clerk approves
    registration_services.registration_approve(
        actor=clerk, request_id=pending.pk, resident_id=record.pk
    )
    # then the applicant is that resident, and the decision is recorded
    applicant = User.objects.get(pk=pending.user_id)
    assert applicant.resident == record
    assert applicant.roles.get().area.code == COMMUNITY
    pending.refresh_from_db()
    assert (pending.status, pending.decided_by) == (RegistrationStatus.APPROVED, clerk)


def test_the_clerk_finds_the_record_by_the_applicants_id_number_and_name(pending):
    clerk = user_with_role(Role.CLERK, Area.objects.get(code=COMMUNITY))
    same_name = make_resident(f"{COMMUNITY}001", name="赵六")
    make_resident(f"{COMMUNITY}001", name="钱七")
    candidates = selectors.registration_candidates(user=clerk, registration=pending)
    assert list(candidates) == [same_name]
    by_number = selectors.registration_candidates(
        user=clerk, registration=pending, id_number=same_name.id_number
    )
    assert list(by_number) == [same_name]


def test_a_neighbouring_clerk_cannot_approve(pending):
    neighbour = user_with_role(Role.CLERK, Area.objects.get(code=NEIGHBOUR))
    record = make_resident(f"{NEIGHBOUR}001", name="赵六")
    with pytest.raises(NotFound):
        registration_services.registration_approve(
            actor=neighbour, request_id=pending.pk, resident_id=record.pk
        )
    pending.refresh_from_db()
    assert pending.status == RegistrationStatus.PENDING


def test_a_record_outside_the_reviewers_scope_cannot_be_linked(pending):
    clerk = user_with_role(Role.CLERK, Area.objects.get(code=COMMUNITY))
    elsewhere = make_resident(f"{NEIGHBOUR}001", name="赵六")
    with pytest.raises(NotFound, match="居民档案"):
        registration_services.registration_approve(
            actor=clerk, request_id=pending.pk, resident_id=elsewhere.pk
        )
    assert User.objects.get(pk=pending.user_id).resident is None


def test_a_record_that_already_has_an_account_cannot_be_linked(pending, resident):
    register_other = "13900000002"
    register(
        send_code(register_other), phone=register_other, name="李四", id_number=resident.id_number
    )
    clerk = user_with_role(Role.CLERK, Area.objects.get(code=COMMUNITY))
    with pytest.raises(Conflict, match="已关联"):
        registration_services.registration_approve(
            actor=clerk, request_id=pending.pk, resident_id=resident.pk
        )


def test_rejection_needs_a_note_and_records_it(pending):
    clerk = user_with_role(Role.CLERK, Area.objects.get(code=COMMUNITY))
    with pytest.raises(InvalidInput, match="驳回理由"):
        registration_services.registration_reject(actor=clerk, request_id=pending.pk, note="  ")
    registration_services.registration_reject(
        actor=clerk, request_id=pending.pk, note="本社区查无此人"
    )
    pending.refresh_from_db()
    assert (pending.status, pending.decision_note) == (
        RegistrationStatus.REJECTED,
        "本社区查无此人",
    )
    assert User.objects.get(pk=pending.user_id).resident is None


def test_a_decided_request_cannot_be_decided_again(pending):
    clerk = user_with_role(Role.CLERK, Area.objects.get(code=COMMUNITY))
    registration_services.registration_reject(actor=clerk, request_id=pending.pk, note="查无此人")
    record = make_resident(f"{COMMUNITY}001", name="赵六")
    with pytest.raises(Conflict, match="已处理"):
        registration_services.registration_approve(
            actor=clerk, request_id=pending.pk, resident_id=record.pk
        )


def test_codes_expire_after_the_configured_time(db, sms_outbox, settings):
    services.otp_send(phone=PHONE)
    otp = OneTimeCode.objects.get()
    expected = otp.created_at + dt.timedelta(seconds=settings.OTP_TTL_SECONDS)
    assert abs((otp.expires_at - expected).total_seconds()) < 2
    assert otp.expires_at > timezone.now()

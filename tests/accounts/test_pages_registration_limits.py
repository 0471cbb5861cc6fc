"""/register/ answers the same whether a phone or an ID number is known, and limits what
one client may ask: codes texted and records looked up per IP, lookups per code."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import OneTimeCode, RegistrationRequest
from grid.models import Area
from tests.accounts.test_pages_registration import (
    ask_for_code,
    code_from_sms,
    registration_form,
)
from tests.factories import id_number, make_resident

COMMUNITY = "310101001001"
# Two phones that mask alike (138****5678), so their pages can be compared whole.
REGISTERED = "13812345678"
NEW = "13899995678"


@pytest.fixture
def registered(areas, sms_outbox):
    """A resident who registered REGISTERED through the pages, then logged out."""
    resident = make_resident(f"{COMMUNITY}001", name="李四")
    client = Client()
    ask_for_code(client, REGISTERED)
    form = registration_form(code_from_sms(sms_outbox), name="李四", id_number=resident.id_number)
    client.post(reverse("accounts:register_verify"), form)
    sms_outbox.clear()
    # an hour later, so the per-phone resend interval is over
    OneTimeCode.objects.update(created_at=timezone.now() - dt.timedelta(hours=1))
    return resident


def comparable(response) -> str:
    """The page with what must differ taken out: the CSRF token and the typed phone."""
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return html.replace(REGISTERED, "PHONE").replace(NEW, "PHONE")


def test_a_registered_and_a_new_phone_get_the_same_answers(registered, sms_outbox):
    # when a registered and a new phone each ask for a code and send a wrong one
    answers = {}
    for phone in (REGISTERED, NEW):
        client = Client()
        asked = ask_for_code(client, phone)
        step_two = client.get(asked.url)
        wrong = client.post(
            reverse("accounts:register_verify"),
            registration_form("000000", name="王五", id_number=id_number("310101", "19900101", 5)),
        )
        answers[phone] = (asked.status_code, asked.url, comparable(step_two), comparable(wrong))
    # then every answer is the same, status and page
    assert answers[REGISTERED] == answers[NEW]
    assert "如果 138****5678 可以注册" in answers[NEW][2]
    # and only the phones learn the difference: a code for the new one, a reminder for the other
    texts = {message.phone: message.text for message in sms_outbox}
    assert re.search(r"\d{6}", texts[NEW])
    assert "已注册" in texts[REGISTERED] and not re.search(r"\d{6}", texts[REGISTERED])


def test_an_id_number_with_an_account_is_answered_like_an_unknown_one(registered, sms_outbox):
    unknown = id_number("310101", "19800101", 7)
    answers = []
    for phone, number in ((NEW, registered.id_number), ("13700001111", unknown)):
        client = Client()
        ask_for_code(client, phone)
        form = registration_form(code_from_sms(sms_outbox), name="李四", id_number=number)
        response = client.post(reverse("accounts:register_verify"), form)
        errors = re.findall(r'<ul class="errorlist[^>]*>(.*?)</ul>', response.content.decode())
        answers.append((response.status_code, errors))
    assert answers[0] == answers[1]
    assert "未找到与您的姓名和身份证号相符的居民档案" in answers[0][1][0]
    assert "已注册" not in str(answers[0])


def test_codes_texted_from_one_ip_are_limited_with_a_chinese_429(db, sms_outbox, settings):
    # given a limit of three codes an hour per IP
    settings.REGISTRATION_SMS_RATE = "3/h"
    phones = [f"1380000000{n}" for n in range(4)]
    # when one client asks for codes for four different phones
    answers = [ask_for_code(Client(), phone) for phone in phones]
    # then the fourth is refused in Chinese, and no text goes out for it
    assert [a.status_code for a in answers] == [302, 302, 302, 429]
    assert "操作过于频繁" in answers[3].content.decode()
    assert [m.phone for m in sms_outbox] == phones[:3]
    # and another client is not affected
    other = Client(REMOTE_ADDR="10.0.0.9").post(reverse("accounts:register"), {"phone": phones[3]})
    assert other.status_code == 302


def test_lookups_from_one_ip_are_limited_with_a_chinese_429(areas, sms_outbox, settings):
    settings.REGISTRATION_LOOKUP_RATE = "2/h"
    client = Client()
    ask_for_code(client, NEW)
    code = code_from_sms(sms_outbox)
    statuses = []
    for seq in range(3):
        form = registration_form(code, name="王五", id_number=id_number("310101", "19900101", seq))
        response = client.post(reverse("accounts:register_verify"), form)
        statuses.append(response.status_code)
    assert statuses == [200, 200, 429]
    assert "操作过于频繁" in response.content.decode()


def test_a_code_stops_answering_lookups_after_the_limit(areas, sms_outbox, settings):
    # given a code spent on lookups of ID numbers that are not on file
    client = Client()
    ask_for_code(client, NEW)
    code = code_from_sms(sms_outbox)
    for seq in range(settings.OTP_MAX_ATTEMPTS):
        form = registration_form(code, name="王五", id_number=id_number("310101", "19900101", seq))
        client.post(reverse("accounts:register_verify"), form)
    # when the same right code comes once more, now with everything a request needs
    community = Area.objects.get(code=COMMUNITY)
    form = registration_form(
        code,
        name="王五",
        id_number=id_number("310101", "19900101", 99),
        community=community.pk,
        address="新村 3 号",
    )
    response = client.post(reverse("accounts:register_verify"), form)
    # then the code is spent and nothing was made
    assert "次数过多" in response.content.decode()
    assert not RegistrationRequest.objects.exists()


def test_the_per_phone_limit_answers_429(db, sms_outbox):
    client = Client()
    ask_for_code(client, NEW)
    again = ask_for_code(client, NEW)
    assert again.status_code == 429
    assert "秒后再重新获取" in again.content.decode()

import re

import pytest
from django.urls import reverse

from accounts.models import RegistrationRequest, RegistrationStatus, Role, User
from grid.models import Area
from tests.factories import id_number, make_resident, user_with_role

PHONE = "13812345678"
PASSWORD = "quiet-harbour-42"
COMMUNITY = "310101001001"
NEIGHBOUR = "310101001002"


def code_from_sms(outbox) -> str:
    """Read the code from the latest text, as the resident reads it on their phone."""
    return re.search(r"\d{6}", outbox[-1].text).group()


def ask_for_code(client, phone: str = PHONE):
    return client.post(reverse("accounts:register"), {"phone": phone})


def registration_form(code: str, **fields) -> dict:
    return {
        "code": code,
        "password": PASSWORD,
        "password_again": PASSWORD,
        "community": "",
        "address": "",
    } | fields


def test_a_resident_on_file_registers_with_the_code_from_their_sms(client, areas, sms_outbox):
    # given a resident on file
    resident = make_resident(f"{COMMUNITY}001", name="李四")
    # when they ask for a code and send it back with their name and ID number
    assert client.get(reverse("accounts:register")).status_code == 200
    response = ask_for_code(client, "138 1234 5678")
    assert response.url == reverse("accounts:register_verify")
    page = client.get(response.url)
    assert "138****5678" in page.content.decode()
    form = registration_form(code_from_sms(sms_outbox), name="李四", id_number=resident.id_number)
    response = client.post(reverse("accounts:register_verify"), form)
    # then they are logged in as that resident and land on their home page
    assert response.url == reverse("accounts:home")
    user = User.objects.get(resident=resident)
    assert int(client.session["_auth_user_id"]) == user.pk
    assert client.login(username=PHONE, password=PASSWORD)


def test_someone_not_on_file_registers_and_sees_that_the_community_will_review(
    client, areas, sms_outbox
):
    ask_for_code(client)
    community = Area.objects.get(code=COMMUNITY)
    form = registration_form(
        code_from_sms(sms_outbox),
        name="王五",
        id_number=id_number("310101", "19900101", 911),
        community=community.pk,
        address="新村 3 号 201 室",
    )
    response = client.post(reverse("accounts:register_verify"), form, follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:register_status")
    assert "待社区审核" in response.content.decode()
    assert RegistrationRequest.objects.get().status == RegistrationStatus.PENDING


def test_a_wrong_code_is_shown_next_to_the_field_and_typed_text_is_kept(client, areas, sms_outbox):
    ask_for_code(client)
    wrong = f"{(int(code_from_sms(sms_outbox)) + 1) % 10**6:06d}"
    number = id_number("310101", "19900101", 912)
    response = client.post(
        reverse("accounts:register_verify"),
        registration_form(wrong, name="王五", id_number=number, address="新村 3 号"),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "验证码不正确" in html
    assert 'value="王五"' in html and f'value="{number}"' in html
    assert 'value="新村 3 号"' in html
    assert not User.objects.exists()


def test_someone_not_on_file_is_asked_for_community_and_address(client, areas, sms_outbox):
    ask_for_code(client)
    form = registration_form(
        code_from_sms(sms_outbox), name="王五", id_number=id_number("310101", "19900101", 913)
    )
    response = client.post(reverse("accounts:register_verify"), form)
    assert "请选择所在社区并填写住址" in response.content.decode()
    assert not User.objects.exists()


def test_mismatched_passwords_are_shown_inline(client, areas, sms_outbox):
    ask_for_code(client)
    form = registration_form("000000", name="王五", id_number="x", password_again="other")
    response = client.post(reverse("accounts:register_verify"), form)
    assert "两次输入的密码不一致" in response.content.decode()


def test_an_invalid_phone_is_shown_inline_and_kept(client, db, sms_outbox):
    response = ask_for_code(client, "12345")
    html = response.content.decode()
    assert response.status_code == 200
    assert "手机号应为 11 位数字" in html and 'value="12345"' in html
    assert sms_outbox == []


def test_the_second_step_without_the_first_goes_back_to_it(client, db):
    response = client.get(reverse("accounts:register_verify"))
    assert response.url == reverse("accounts:register")


def test_the_phone_waits_encrypted_between_the_steps(client, db, sms_outbox):
    ask_for_code(client)
    assert PHONE not in str(dict(client.session))


# --- review pages ----------------------------------------------------------------------


@pytest.fixture
def pending(client, areas, sms_outbox):
    """A pending request for COMMUNITY made through the pages by an anonymous client."""
    ask_for_code(client)
    form = registration_form(
        code_from_sms(sms_outbox),
        name="赵六",
        id_number=id_number("310101", "19900101", 921),
        community=Area.objects.get(code=COMMUNITY).pk,
        address="新村 5 号",
    )
    client.post(reverse("accounts:register_verify"), form)
    client.logout()
    return RegistrationRequest.objects.get()


def test_a_clerk_approves_a_request_by_linking_the_record_they_found(client, pending):
    # given a clerk of the community and the applicant's record, entered meanwhile
    client.force_login(user_with_role(Role.CLERK, Area.objects.get(code=COMMUNITY)))
    record = make_resident(f"{COMMUNITY}002", name="赵六")
    # when the clerk opens the queue, then the request, and approves with that record
    listing = client.get(reverse("accounts:registration_list"))
    assert "赵六" in listing.content.decode()
    url = reverse("accounts:registration_detail", args=[pending.pk])
    page = client.get(url)
    assert f'name="resident" value="{record.pk}"' in page.content.decode()
    response = client.post(url, {"action": "approve", "resident": record.pk}, follow=True)
    # then the applicant is that resident and the queue is empty again
    assert User.objects.get(pk=pending.user_id).resident == record
    assert "没有此状态的注册申请" in response.content.decode()


def test_a_clerk_rejects_with_a_note_the_applicant_then_reads(client, pending):
    client.force_login(user_with_role(Role.CLERK, Area.objects.get(code=COMMUNITY)))
    url = reverse("accounts:registration_detail", args=[pending.pk])
    empty = client.post(url, {"action": "reject", "note": ""})
    assert empty.status_code == 200 and "errorlist" in empty.content.decode()
    client.post(url, {"action": "reject", "note": "本社区查无此人"})
    client.force_login(pending.user)
    status_page = client.get(reverse("accounts:register_status")).content.decode()
    assert "审核未通过" in status_page and "本社区查无此人" in status_page


def test_a_clerk_of_the_neighbouring_community_gets_404_and_an_empty_queue(client, pending):
    client.force_login(user_with_role(Role.CLERK, Area.objects.get(code=NEIGHBOUR)))
    record = make_resident(f"{NEIGHBOUR}001", name="赵六")
    url = reverse("accounts:registration_detail", args=[pending.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "approve", "resident": record.pk}).status_code == 404
    assert client.post(url, {"action": "reject", "note": "越权"}).status_code == 404
    assert "赵六" not in client.get(reverse("accounts:registration_list")).content.decode()
    pending.refresh_from_db()
    assert pending.status == RegistrationStatus.PENDING


def test_a_resident_may_not_open_the_review_queue(client, pending):
    client.force_login(user_with_role(Role.RESIDENT, Area.objects.get(code=COMMUNITY)))
    assert client.get(reverse("accounts:registration_list")).status_code == 403


def test_the_review_queue_asks_anonymous_visitors_to_log_in(client, db):
    response = client.get(reverse("accounts:registration_list"))
    assert response.url.startswith(reverse("accounts:login"))


def test_the_search_by_id_number_is_a_post_that_keeps_the_number_out_of_the_url(client, pending):
    # given a clerk, and a record under another name that only its ID number finds
    client.force_login(user_with_role(Role.CLERK, Area.objects.get(code=COMMUNITY)))
    record = make_resident(f"{COMMUNITY}002", name="赵老六")
    url = reverse("accounts:registration_detail", args=[pending.pk])
    page = client.get(url).content.decode()
    assert '<form method="post" class="card stacked">' in page
    assert f'value="{record.pk}"' not in page
    # when the clerk searches by that number
    response = client.post(url, {"action": "search", "id_number": record.id_number})
    # then the record is offered, the request is untouched, and no URL carries the number
    assert response.status_code == 200 and response.request["PATH_INFO"] == url
    assert f'name="resident" value="{record.pk}"' in response.content.decode()
    assert record.id_number not in response.request.get("QUERY_STRING", "")
    pending.refresh_from_db()
    assert pending.status == RegistrationStatus.PENDING
    # and a number in the query string is not obeyed any more
    by_get = client.get(url, {"id_number": record.id_number}).content.decode()
    assert f'value="{record.pk}"' not in by_get

"""The department handler's pages: the inbox by deadline, handle, send back."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback.models import Case, CaseState
from tests.feedback.flows import dispatched
from tests.feedback.pages import jpeg

INBOX = reverse("feedback:inbox")


@pytest.fixture
def handler(client, people):
    client.force_login(people["handler"])
    return people["handler"]


def test_inbox_sorts_by_deadline_and_highlights_the_overdue(client, handler, people, categories):
    # given two dispatched cases, the later one already overdue
    first = dispatched(people, categories)
    late = dispatched(people, categories)
    Case.objects.filter(pk=late.pk).update(due_at=timezone.now() - dt.timedelta(hours=3))
    # when
    response = client.get(INBOX)
    # then
    text = response.text
    assert text.index(late.number) < text.index(first.number)
    assert f'class="case-item overdue" data-number="{late.number}"' in text
    assert f'class="case-item" data-number="{first.number}"' in text
    assert "已超期" in text


def test_the_inbox_holds_only_my_departments_cases(client, people, categories):
    mine = dispatched(people, categories)  # 占道经营 → 城管局
    theirs = dispatched(people, categories, category="manhole")  # 井盖 → 住建局
    client.force_login(people["handler"])
    text = client.get(INBOX).text
    assert mine.number in text and theirs.number not in text


def test_handler_handles_with_a_note_and_after_photos(client, handler, people, categories):
    case = dispatched(people, categories)
    response = client.post(
        reverse("feedback:handle", args=[case.pk]),
        {"note": "已劝离，恢复通行", "photos": [jpeg("after.jpg")]},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.HANDLED
    assert case.photos.filter(stage="after").count() == 1


def test_handling_without_a_note_keeps_the_page_with_the_message(
    client, handler, people, categories
):
    case = dispatched(people, categories)
    response = client.post(reverse("feedback:handle", args=[case.pk]), {"note": ""})
    assert response.status_code == 422
    assert 'id="action-handle"' in response.text
    assert Case.objects.get(pk=case.pk).state == CaseState.DISPATCHED


def test_handler_sends_back_with_a_reason(client, handler, people, categories):
    case = dispatched(people, categories)
    response = client.post(
        reverse("feedback:send_back", args=[case.pk]), {"reason": "不属城管职责"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.REGISTERED and case.department is None


def test_another_departments_handler_gets_404(client, people, categories):
    case = dispatched(people, categories)
    client.force_login(people["other_handler"])
    assert client.get(reverse("feedback:detail", args=[case.pk])).status_code == 404
    response = client.post(reverse("feedback:handle", args=[case.pk]), {"note": "试图处置"})
    assert response.status_code == 404
    assert Case.objects.get(pk=case.pk).state == CaseState.DISPATCHED


def test_a_supervisor_may_not_use_the_handlers_action(client, people, categories):
    case = dispatched(people, categories)
    client.force_login(people["supervisor"])
    response = client.post(reverse("feedback:handle", args=[case.pk]), {"note": "越权"})
    assert response.status_code == 403


def test_an_anonymous_reporter_is_never_named_to_the_department(
    client, handler, people, categories
):
    named(people["resident"], "王小明")
    case = dispatched(people, categories, anonymous=True)
    text = client.get(reverse("feedback:detail", args=[case.pk])).text
    assert "王小明" not in text
    assert "匿名" in text


def test_a_named_reporter_is_shown_to_the_department(client, handler, people, categories):
    named(people["resident"], "王小明")
    case = dispatched(people, categories)
    text = client.get(reverse("feedback:detail", args=[case.pk])).text
    assert "王小明" in text


def named(user, name: str) -> None:
    user.display_name = name
    user.save(update_fields=["display_name"])


def test_an_anonymous_reporter_sees_their_own_name_marked_as_hidden_from_others(
    client, people, categories
):
    named(people["resident"], "王小明")
    case = dispatched(people, categories, anonymous=True)
    client.force_login(people["resident"])
    text = client.get(reverse("feedback:detail", args=[case.pk])).text
    assert "王小明" in text and "匿名，仅指挥中心可见" in text

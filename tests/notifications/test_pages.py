"""The inbox pages: each person's own notifications only, unread first, marked read once
(again is harmless), the header's unread badge from one COUNT, and the SMS preferences
with their errors in Chinese."""

import datetime as dt
import re

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from feedback.escalation import escalate_overdue
from feedback.models import Case
from notifications.context_processors import inbox as inbox_context
from notifications.models import DeliveryPreference, Notification
from tests.feedback.flows import closed, dispatched, registered, reported
from tests.notifications.conftest import PHONE
from tests.notifications.support import inbox_of, project

INBOX = reverse("notifications:inbox")
SETTINGS = reverse("notifications:settings")


def badge(html: str) -> str:
    match = re.search(r'<span id="inbox-count"[^>]*>([^<]*)</span>', html)
    assert match, "no unread badge in the header"
    return match.group(1)


def test_the_resident_sees_their_notifications_unread_first_with_the_count(
    client, people, categories
):
    # given a closed case, one of whose four notifications has been read
    case = closed(people, categories)
    project()
    oldest = inbox_of(people["resident"])[0]
    Notification.objects.filter(pk=oldest.pk).update(read_at=oldest.created_at)
    client.force_login(people["resident"])
    # when they open the inbox
    html = client.get(INBOX).text
    # then the three unread come first, newest first, then the read one; the header says 3
    texts = re.findall(r'<span class="inbox-text">([^<]*)</span>', html)
    assert texts[0] == f"您反映的事件 {case.number}（占道经营）已结案，请对办理结果进行评价。"
    assert texts[-1] == f"事件 {case.number}（占道经营）已立案，等待派遣。"
    assert len(texts) == 4
    assert badge(html) == "3"
    assert html.count('class="inbox-item unread"') == 3
    # and the live client refreshes the list when a notification arrives
    assert 'id="inbox-live" data-live-refresh="notification."' in html


def test_the_supervisor_reads_an_escalation_in_their_inbox(client, people, categories):
    case = dispatched(people, categories)
    Case.objects.filter(pk=case.pk).update(due_at=timezone.now() - dt.timedelta(days=1))
    escalate_overdue()
    project()
    client.force_login(people["supervisor"])
    html = client.get(INBOX).text
    assert f"事件 {case.number}（占道经营）已超期，第 1 次督办。" in html
    assert badge(html) == "1"


def test_the_header_count_is_one_query_and_none_for_visitors(client, people, categories, rf):
    registered(people, categories)
    project()
    client.force_login(people["resident"])
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("accounts:home")).text
    inbox_queries = [q["sql"] for q in queries if "notifications_notification" in q["sql"]]
    assert len(inbox_queries) == 1 and "COUNT" in inbox_queries[0]
    assert badge(html) == "1"
    # a visitor: no count, no badge
    request = rf.get("/")
    request.user = AnonymousUser()
    assert inbox_context(request) == {}
    client.logout()
    assert 'id="inbox-count"' not in client.get(reverse("accounts:login")).text


def test_past_99_unread_the_badge_says_99_plus(client, people):
    now = timezone.now()
    Notification.objects.bulk_create(
        Notification(user=people["resident"], kind="case.closed", created_at=now)
        for _ in range(100)
    )
    client.force_login(people["resident"])
    assert badge(client.get(INBOX).text) == "99+"


def test_opening_a_notification_marks_it_read_and_goes_to_the_case(client, people, categories):
    case = registered(people, categories)
    project()
    (note,) = inbox_of(people["resident"])
    client.force_login(people["resident"])
    response = client.get(reverse("notifications:open", args=[note.pk]))
    assert response.status_code == 302 and response.url == f"/cases/{case.pk}/"
    assert Notification.objects.get(pk=note.pk).read_at is not None
    assert client.get(response.url).status_code == 200  # they may open it


def test_marking_read_twice_is_harmless_and_keeps_the_first_time(client, people, categories):
    registered(people, categories)
    project()
    (note,) = inbox_of(people["resident"])
    client.force_login(people["resident"])
    url = reverse("notifications:read", args=[note.pk])
    first = client.post(url, {"page": "1"}, follow=True)
    read_at = Notification.objects.get(pk=note.pk).read_at
    second = client.post(url, {"page": "1"})
    assert first.redirect_chain == [(f"{INBOX}?page=1", 302)]
    assert "已标为已读。" in first.text
    assert second.status_code == 302
    assert Notification.objects.get(pk=note.pk).read_at == read_at


def test_mark_all_read(client, people, categories):
    closed(people, categories)
    project()
    client.force_login(people["resident"])
    response = client.post(reverse("notifications:read_all"), follow=True)
    assert "已将 4 条消息标为已读。" in response.text
    assert badge(response.text) == "0"
    assert Notification.objects.filter(user=people["resident"], read_at=None).count() == 0
    again = client.post(reverse("notifications:read_all"), follow=True)
    assert "没有未读消息。" in again.text


def test_someone_elses_notification_is_not_found(client, people, categories):
    registered(people, categories)
    project()
    (note,) = inbox_of(people["resident"])
    client.force_login(people["other_resident"])
    assert client.post(reverse("notifications:read", args=[note.pk])).status_code == 404
    assert client.get(reverse("notifications:open", args=[note.pk])).status_code == 404
    assert Notification.objects.get(pk=note.pk).read_at is None
    assert "暂无消息" in client.get(INBOX).text


def test_each_role_sees_only_their_own(client, people, categories):
    reported(people, categories)
    project()
    client.force_login(people["neighbour_worker"])
    assert 'class="inbox-item' not in client.get(INBOX).text
    client.force_login(people["worker"])
    assert client.get(INBOX).text.count('class="inbox-item unread"') == 1


def test_the_inbox_needs_a_login(client):
    response = client.get(INBOX)
    assert response.status_code == 302 and "/login/" in response.url


def test_marking_read_is_a_post(client, people, categories):
    registered(people, categories)
    project()
    (note,) = inbox_of(people["resident"])
    client.force_login(people["resident"])
    assert client.get(reverse("notifications:read", args=[note.pk])).status_code == 405


def test_the_preferences_page_saves_sms_and_quiet_hours(client, people, texted):
    client.force_login(texted)
    page = client.get(SETTINGS).text
    assert "138****5678" in page and PHONE not in page
    assert 'value="22:00"' in page  # the default quiet hours
    response = client.post(
        SETTINGS, {"outside": "on", "quiet_start": "23:00", "quiet_end": "06:30"}, follow=True
    )
    assert "提醒设置已保存。" in response.text
    pref = DeliveryPreference.objects.get(user=texted)
    assert (pref.outside, pref.quiet_start, pref.quiet_end) == (True, dt.time(23), dt.time(6, 30))
    # nothing ticked, nothing typed: SMS off, no quiet hours
    assert client.post(SETTINGS, {}).status_code == 302
    pref.refresh_from_db()
    assert (pref.outside, pref.quiet_start, pref.quiet_end) == (False, None, None)


def test_the_preferences_page_explains_bad_input_in_chinese(client, people):
    client.force_login(people["resident"])
    one_end = client.post(SETTINGS, {"outside": "on", "quiet_start": "22:00", "quiet_end": ""})
    same = client.post(SETTINGS, {"quiet_start": "22:00", "quiet_end": "22:00"})
    garbage = client.post(SETTINGS, {"quiet_start": "25:99", "quiet_end": "08:00"})
    assert one_end.status_code == same.status_code == garbage.status_code == 422
    assert "请同时填写免打扰的开始和结束时间，或都不填。" in one_end.text
    assert "免打扰的开始和结束时间不能相同。" in same.text
    assert "请输入有效的时间，如 22:00。" in garbage.text
    assert not DeliveryPreference.objects.filter(user=people["resident"]).exists()
    assert "未登记手机号" in one_end.text

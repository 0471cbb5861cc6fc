"""Publishing, editing and withdrawing: who may, what they check, the one event each
writes and who it goes to."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from common.errors import Conflict, InvalidInput, NotFound, NotPermitted
from notices import selectors, services
from notices.models import Notice, NoticeState
from tests.events import capture_events
from tests.notices.conftest import (
    COMMUNITY,
    GRID,
    NEXT_COMMUNITY,
    NEXT_GRID,
    STREET,
    pdf,
    publish,
)

pytestmark = pytest.mark.django_db


def test_publishing_emits_one_event_to_the_area_and_the_staff_above_it(cast):
    tomorrow = timezone.now() + dt.timedelta(days=1)
    with capture_events(expected=1) as events:
        notice = publish(cast["grid_worker"], GRID, pinned=True, expires_at=tomorrow)
    [event] = events
    assert event.kind == "notice.publish"
    assert event.area == GRID
    assert event.audience == [
        f"area.{GRID}",
        "staff.310101",
        f"staff.{STREET}",
        f"staff.{COMMUNITY}",
    ]
    assert event.payload == {
        "notice": notice.pk,
        "title": "停水通知",
        "area": GRID,
        "pinned": True,
        "expires_at": tomorrow.isoformat(),
    }


def test_an_event_carries_the_title_masked_and_no_author_or_body(cast):
    with capture_events(expected=1) as events:
        publish(cast["clerk"], COMMUNITY, title="请 13812345678 的住户联系社区")
    assert events[0].payload["title"] == "请 138****5678 的住户联系社区"
    assert "body" not in events[0].payload and "author" not in events[0].payload


@pytest.mark.parametrize(
    ("who", "where"),
    [
        ("grid_worker", GRID),  # 网格员发布网格通知
        ("clerk", COMMUNITY),
        ("clerk", GRID),  # a grid of the clerk's community
        ("supervisor", STREET),
        ("supervisor", NEXT_GRID),
        ("admin_next_street", "310101002001"),
    ],
)
def test_area_staff_publish_to_their_area_and_below(cast, who, where):
    notice = publish(cast[who], where)
    assert notice.area.code == where and notice.author == cast[who]


@pytest.mark.parametrize(
    ("who", "where"),
    [
        ("resident", COMMUNITY),
        ("handler", STREET),
        ("grid_worker", COMMUNITY),  # above their grid
        ("grid_worker", NEXT_GRID),
        ("clerk", NEXT_COMMUNITY),
        ("clerk", STREET),
        ("supervisor_next_street", STREET),
    ],
)
def test_nobody_publishes_outside_their_area_or_without_a_staff_role(cast, who, where):
    with capture_events(expected=0), pytest.raises(NotPermitted):
        publish(cast[who], where)
    assert not Notice.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "长" * 101}, "title"),
        ({"body": ""}, "body"),
        ({"expires_at": timezone.now() - dt.timedelta(minutes=1)}, "expires_on"),
        ({"attachments": [pdf(f"{n}.pdf") for n in range(6)]}, "attachments"),
    ],
)
def test_bad_input_is_refused_on_its_field_and_nothing_is_published(cast, fields, field):
    with capture_events(expected=0), pytest.raises(InvalidInput) as refusal:
        publish(cast["clerk"], COMMUNITY, **fields)
    assert refusal.value.field == field
    assert not Notice.objects.exists()


def test_an_unknown_area_is_refused_in_chinese(cast):
    with pytest.raises(InvalidInput, match="请选择发布范围"):
        publish(cast["supervisor"], "310101001009")


def test_the_same_form_sent_twice_publishes_once(cast):
    client_id = uuid.uuid4()
    with capture_events(expected=1):
        first = publish(cast["clerk"], COMMUNITY, client_id=client_id)
        again = publish(cast["clerk"], COMMUNITY, client_id=client_id)
    assert first.pk == again.pk and Notice.objects.count() == 1


def test_attachments_are_stored_under_a_random_name_and_keep_their_own(cast):
    notice = publish(cast["clerk"], COMMUNITY, attachments=[pdf("停水范围.pdf")])
    attachment = notice.attachments.get()
    assert attachment.original_name == "停水范围.pdf"
    assert attachment.content_type == "application/pdf"
    assert "停水" not in attachment.file.name and attachment.file.name.endswith(".pdf")


def test_withdrawing_takes_a_notice_from_readers_and_keeps_it_for_its_publishers(cast):
    notice = publish(cast["clerk"], COMMUNITY)
    with capture_events(expected=1) as events:
        services.notice_withdraw(actor=cast["supervisor"], notice_id=notice.pk)
    assert events[0].kind == "notice.withdraw"
    assert events[0].payload == {"notice": notice.pk, "area": COMMUNITY}
    assert events[0].audience == [f"area.{COMMUNITY}", "staff.310101", f"staff.{STREET}"]
    assert not selectors.notices_current(user=cast["resident"]).exists()
    assert selectors.notice_get_for_user(user=cast["resident"], notice_id=notice.pk) is None
    kept = selectors.notice_get_for_user(user=cast["clerk"], notice_id=notice.pk)
    assert kept.state == NoticeState.WITHDRAWN and kept.withdrawn_by == cast["supervisor"]


def test_a_notice_is_withdrawn_once(cast):
    notice = publish(cast["clerk"], COMMUNITY)
    services.notice_withdraw(actor=cast["clerk"], notice_id=notice.pk)
    with capture_events(expected=0), pytest.raises(Conflict):
        services.notice_withdraw(actor=cast["clerk"], notice_id=notice.pk)


def test_a_reader_may_not_withdraw_and_a_stranger_is_told_it_does_not_exist(cast):
    notice = publish(cast["clerk"], COMMUNITY)
    with pytest.raises(NotPermitted):
        services.notice_withdraw(actor=cast["resident"], notice_id=notice.pk)
    with pytest.raises(NotFound):
        services.notice_withdraw(actor=cast["clerk_next_community"], notice_id=notice.pk)
    assert Notice.objects.get(pk=notice.pk).withdrawn_at is None


def test_editing_a_live_notice_changes_it_and_tells_its_readers(cast):
    notice = publish(cast["grid_worker"], GRID)
    with capture_events(expected=1) as events:
        services.notice_edit(
            actor=cast["clerk"],
            notice_id=notice.pk,
            title="停水时间调整",
            body="改为后天 9:00-12:00。",
            pinned=True,
            expires_at=None,
            attachments=[pdf()],
        )
    notice.refresh_from_db()
    assert (notice.title, notice.pinned, notice.attachments.count()) == ("停水时间调整", True, 1)
    assert events[0].kind == "notice.edit" and events[0].payload["title"] == "停水时间调整"


def test_an_expired_or_withdrawn_notice_can_no_longer_be_edited(cast):
    expired = publish(cast["clerk"], COMMUNITY)
    Notice.objects.filter(pk=expired.pk).update(
        published_at=timezone.now() - dt.timedelta(days=3),
        expires_at=timezone.now() - dt.timedelta(days=1),
    )
    withdrawn = publish(cast["clerk"], COMMUNITY)
    services.notice_withdraw(actor=cast["clerk"], notice_id=withdrawn.pk)
    for notice in (expired, withdrawn):
        with capture_events(expected=0), pytest.raises(Conflict):
            services.notice_edit(
                actor=cast["clerk"], notice_id=notice.pk, title="新标题", body="新正文",
                pinned=False, expires_at=None,
            )  # fmt: skip
        assert Notice.objects.get(pk=notice.pk).title == "停水通知"


def test_a_notice_leaves_the_residents_list_when_it_expires(cast):
    now = timezone.now()
    notice = publish(cast["clerk"], COMMUNITY, expires_at=now + dt.timedelta(days=2))
    lasting = publish(cast["clerk"], COMMUNITY, title="长期公告")
    later = now + dt.timedelta(days=2, seconds=1)
    assert list(selectors.notices_current(user=cast["resident"], now=now)) == [lasting, notice]
    assert list(selectors.notices_current(user=cast["resident"], now=later)) == [lasting]
    # its publishers still find it, as expired, after the live ones
    listed = list(selectors.notice_list(user=cast["clerk"], now=later))
    assert listed == [lasting, notice] and notice.state_at(later) == NoticeState.EXPIRED


def test_pinned_notices_come_first_then_the_newest(cast):
    old_pinned = publish(cast["supervisor"], STREET, title="置顶：防汛须知", pinned=True)
    older = publish(cast["clerk"], COMMUNITY, title="较早的通知")
    newest = publish(cast["grid_worker"], GRID, title="最新的通知")
    Notice.objects.filter(pk=old_pinned.pk).update(
        published_at=timezone.now() - dt.timedelta(days=10)
    )
    Notice.objects.filter(pk=older.pk).update(published_at=timezone.now() - dt.timedelta(days=1))
    assert list(selectors.notices_current(user=cast["resident"])) == [old_pinned, newest, older]

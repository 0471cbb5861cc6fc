"""The notice pages: publishing with attachments, the resident's home, the list, one
notice, withdrawing; bad input answered in Chinese with the form kept."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from notices.attachments import MAX_BYTES
from notices.models import Notice
from tests.events import capture_events
from tests.notices.conftest import COMMUNITY, GRID, PDF, STREET, png_bytes, publish

pytestmark = pytest.mark.django_db


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_data(**changes) -> dict:
    data = {
        "client_id": "6a1f3c1e-0000-4000-8000-000000000001",
        "area": COMMUNITY,
        "title": "关于小区二次供水设施清洗的通知",
        "body": "6 月 20 日 9:00-15:00 清洗水箱，期间停水，请提前储水。",
        "expires_on": (timezone.localdate() + dt.timedelta(days=7)).isoformat(),
    }
    data.update(changes)
    return data


def test_a_clerk_publishes_a_notice_with_attachments_and_residents_download_them(cast):
    clerk = client_of(cast["clerk"])
    files = [
        SimpleUploadedFile("停水范围.pdf", PDF, "application/pdf"),
        SimpleUploadedFile("现场.png", png_bytes(), "image/png"),
    ]
    with capture_events(expected=1):
        response = clerk.post(reverse("notices:new"), {**form_data(), "attachments": files})
    notice = Notice.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "notices:detail", args=[notice.pk]
    )
    assert notice.expires_at == timezone.make_aware(
        dt.datetime.combine(timezone.localdate() + dt.timedelta(days=8), dt.time())
    )
    # a resident of the community opens it and its files
    resident = client_of(cast["resident"])
    page = resident.get(reverse("notices:detail", args=[notice.pk])).content.decode()
    assert notice.title in page and "停水范围.pdf" in page
    document, picture = notice.attachments.order_by("id")
    download = resident.get(reverse("notices:attachment", args=[notice.pk, document.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert b"".join(download.streaming_content) == PDF
    shown = resident.get(reverse("notices:attachment", args=[notice.pk, picture.pk]))
    assert shown["Content-Type"] == "image/png" and shown["Content-Disposition"].startswith(
        "inline"
    )


def test_the_publish_form_offers_only_the_users_own_areas(cast):
    html = client_of(cast["clerk"]).get(reverse("notices:new")).content.decode()
    offered = re.findall(r'<option value="(\d+)"', html)
    assert offered == [COMMUNITY, GRID, "310101001001002"]


def test_a_resident_and_a_handler_may_not_open_the_publish_form(cast):
    for name in ("resident", "handler"):
        response = client_of(cast[name]).get(reverse("notices:new"))
        assert response.status_code == 403 and "您的角色不能发布通知" in response.content.decode()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "请填写标题。"),
        ({"body": " "}, "请填写正文。"),
        ({"expires_on": "2020-01-01"}, "有效期不能早于今天。"),
        ({"expires_on": "明天"}, "请填写有效的日期"),
        ({"area": "310101002001"}, "请从列表中选择发布范围。"),  # not one of the clerk's
    ],
)
def test_bad_input_answers_422_in_chinese_and_keeps_what_was_typed(cast, changes, message):
    response = client_of(cast["clerk"]).post(reverse("notices:new"), form_data(**changes))
    html = response.content.decode()
    assert response.status_code == 422 and message in html
    assert "6 月 20 日 9:00-15:00 清洗水箱" in html or changes.get("body")
    assert not Notice.objects.exists()


def test_a_form_without_its_retry_key_still_publishes(cast):
    for client_id in ("", "not-a-uuid"):
        data = form_data(client_id=client_id, title=f"通知{len(client_id)}")
        assert client_of(cast["clerk"]).post(reverse("notices:new"), data).status_code == 302
    assert Notice.objects.count() == 2


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("大文件.pdf", PDF + b"\0" * MAX_BYTES), "附件 大文件.pdf 超过 10 MB"),
        (SimpleUploadedFile("工具.exe", b"MZ" + b"\0" * 100), "附件 工具.exe 的类型不支持"),
    ],
)
def test_an_oversized_or_forbidden_attachment_is_refused_with_the_form_kept(cast, upload, message):
    data = {**form_data(), "attachments": [upload]}
    response = client_of(cast["clerk"]).post(reverse("notices:new"), data)
    html = response.content.decode()
    assert response.status_code == 422 and message in html
    assert "关于小区二次供水设施清洗的通知" in html and "请改正后重新选择附件" in html
    assert not Notice.objects.exists()


def test_the_residents_home_shows_the_live_notices_of_their_areas_pinned_first(cast):
    street = publish(cast["supervisor"], STREET, title="防汛须知", pinned=True)
    grid = publish(cast["grid_worker"], GRID, title="本网格明日停水")
    publish(cast["clerk_next_community"], "310101001002", title="隔壁社区的通知")
    gone = publish(cast["clerk"], COMMUNITY, title="已撤回的通知")
    client_of(cast["clerk"]).post(reverse("notices:withdraw", args=[gone.pk]))
    html = client_of(cast["resident"]).get(reverse("accounts:home")).content.decode()
    section = html[
        html.index('id="notices"') : html.index("</section>", html.index('id="notices"'))
    ]
    assert 'data-live-refresh="notice."' in html
    assert section.index(street.title) < section.index(grid.title)
    assert "隔壁社区的通知" not in section and "已撤回的通知" not in section
    assert reverse("notices:detail", args=[grid.pk]) in section


def test_staff_see_the_state_of_the_notices_they_manage(cast):
    live = publish(cast["clerk"], COMMUNITY, title="发布中的通知")
    expired = publish(cast["clerk"], COMMUNITY, title="过期的通知")
    Notice.objects.filter(pk=expired.pk).update(
        published_at=timezone.now() - dt.timedelta(days=9),
        expires_at=timezone.now() - dt.timedelta(days=2),
    )
    withdrawn = publish(cast["clerk"], COMMUNITY, title="撤回的通知")
    client_of(cast["clerk"]).post(reverse("notices:withdraw", args=[withdrawn.pk]))
    html = client_of(cast["supervisor"]).get(reverse("notices:list")).content.decode()
    assert html.index(live.title) < html.index(withdrawn.title) < html.index(expired.title)
    assert "已过期" in html and "已撤回" in html
    resident_html = client_of(cast["resident"]).get(reverse("notices:list")).content.decode()
    assert live.title in resident_html
    assert expired.title not in resident_html and withdrawn.title not in resident_html


def test_a_resident_reads_personal_numbers_masked_and_never_the_author(cast):
    notice = publish(
        cast["clerk"],
        COMMUNITY,
        title="公示",
        body="低保户张三 310101198001010013，电话 13812345678",
    )
    url = reverse("notices:detail", args=[notice.pk])
    resident = client_of(cast["resident"]).get(url).content.decode()
    assert "13812345678" not in resident and "138****5678" in resident
    assert "310101198001010013" not in resident
    assert "发布人" not in resident and str(cast["clerk"]) not in resident
    clerk = client_of(cast["clerk"]).get(url).content.decode()
    assert "13812345678" in clerk and "发布人" in clerk


def test_withdrawing_from_the_page_is_a_post_by_the_areas_staff(cast):
    notice = publish(cast["grid_worker"], GRID)
    url = reverse("notices:withdraw", args=[notice.pk])
    assert client_of(cast["clerk"]).get(url).status_code == 405
    assert client_of(cast["resident"]).post(url).status_code == 403
    assert client_of(cast["grid_worker_next_grid"]).post(url).status_code == 404
    assert Notice.objects.get(pk=notice.pk).withdrawn_at is None
    with capture_events(expected=1):
        response = client_of(cast["clerk"]).post(url)
    assert response.status_code == 302 and Notice.objects.get(pk=notice.pk).withdrawn_at
    again = client_of(cast["clerk"]).post(url)
    assert again.status_code == 409 and "通知已撤回。" in again.content.decode()


def test_a_notice_is_edited_from_its_page(cast):
    notice = publish(cast["clerk"], COMMUNITY)
    url = reverse("notices:edit", args=[notice.pk])
    form = client_of(cast["clerk"]).get(url).content.decode()
    assert "明日 9:00-17:00 停水。" in form
    refused = client_of(cast["clerk"]).post(url, {"title": "", "body": "新正文"})
    assert refused.status_code == 422 and "请填写标题。" in refused.content.decode()
    response = client_of(cast["clerk"]).post(url, {"title": "改期通知", "body": "改到周五。"})
    assert response.status_code == 302
    assert Notice.objects.get(pk=notice.pk).title == "改期通知"
    assert client_of(cast["resident"]).get(url).status_code == 403


def test_the_api_lists_my_notices_and_opens_one_with_its_attachments(cast):
    from tests.notices.conftest import pdf

    notice = publish(cast["clerk"], COMMUNITY, title="社区通知", attachments=[pdf()])
    publish(cast["clerk_next_community"], "310101001002", title="隔壁通知")
    client = client_of(cast["resident"])
    listed = client.get("/api/v1/notices").json()
    assert [item["title"] for item in listed["items"]] == ["社区通知"]
    detail = client.get(f"/api/v1/notices/{notice.pk}").json()
    assert detail["state"] == "live" and detail["area"] == {"code": COMMUNITY, "name": "第1-1社区"}
    [attachment] = detail["attachments"]
    assert attachment["name"] == "停水范围.pdf" and "author" not in detail
    assert client.get(attachment["url"]).status_code == 200
    missing = client.get("/api/v1/notices/999999")
    assert missing.status_code == 404 and missing["Content-Type"] == "application/problem+json"

"""The consultation pages for each role: a resident proposes, supports, comments and
rates on a phone-width page; staff accept, move phases, moderate, record the procedure
and follow up; a neighbour is refused; a refusal comes back with its message and what
was typed."""

import io
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from consultation import phases
from consultation.models import Comment, CommentStatus, Phase, Topic, TopicStatus
from tests.consultation.conftest import COMMUNITY, GRID, open_topic, propose, resident_of


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def topic(areas, cast):
    return open_topic(
        cast["clerk"], areas[GRID], title="停车位划线", description="电话13812345678联系我"
    )


@pytest.mark.django_db
def test_the_list_and_the_page_for_readers_and_not_for_neighbours(cast, topic):
    for name in ("resident", "grid_worker", "clerk", "supervisor", "resident_next_grid"):
        client = client_of(cast[name])
        listed = client.get(reverse("consultation:list"))
        assert listed.status_code == 200 and "停车位划线" in listed.content.decode()
        page = client.get(reverse("consultation:detail", args=[topic.pk]))
        assert page.status_code == 200
    for name in ("resident_next_community", "resident_next_street", "clerk_next_community",
                 "supervisor_next_street", "grid_worker_next_grid"):  # fmt: skip
        client = client_of(cast[name])
        assert "停车位划线" not in client.get(reverse("consultation:list")).content.decode()
        assert client.get(reverse("consultation:detail", args=[topic.pk])).status_code == 404


@pytest.mark.django_db
def test_the_page_masks_a_phone_typed_into_the_text_for_residents(cast, topic):
    page = client_of(cast["resident"]).get(reverse("consultation:detail", args=[topic.pk]))
    body = page.content.decode()
    assert "13812345678" not in body and "138****5678" in body


@pytest.mark.django_db
def test_a_resident_proposes_and_a_neighbour_supports_from_the_pages(areas, cast):
    neighbour = resident_of(areas, GRID, "周芳")
    for n in range(8):
        resident_of(areas, GRID, f"邻居{n}")  # ten households: two supports are one fifth
    client = client_of(cast["resident"])
    form = client.get(reverse("consultation:new"))
    assert form.status_code == 200 and "我要提议" in form.content.decode()
    posted = client.post(
        reverse("consultation:create"),
        {
            "area": areas[GRID].pk,
            "title": "垃圾分类亭选址",
            "description": "建议移到北门",
            "client_id": str(uuid.uuid4()),
        },
    )
    topic = Topic.objects.get(title="垃圾分类亭选址")
    assert posted.status_code == 302 and topic.status == TopicStatus.PROPOSED
    supported = client_of(neighbour).post(reverse("consultation:support", args=[topic.pk]))
    assert supported.status_code == 302
    topic.refresh_from_db()
    assert topic.status == TopicStatus.AGENDA and topic.supports.count() == 2


@pytest.mark.django_db
def test_bad_input_comes_back_with_its_message_and_the_text(areas, cast, topic):
    client = client_of(cast["resident"])
    answer = client.post(reverse("consultation:create"), {"area": "x", "title": "t"})
    assert answer.status_code == 422 and "请选择议事范围" in answer.content.decode()
    answer = client.post(
        reverse("consultation:comment", args=[topic.pk]), {"body": "我的长篇意见", "stance": "?"}
    )
    text = answer.content.decode()
    assert answer.status_code == 422 and "请选择立场" in text and "我的长篇意见" in text
    assert not Comment.objects.exists()
    answer = client.post(reverse("consultation:rate", args=[topic.pk]), {"score": "五"})
    assert answer.status_code == 422


@pytest.mark.django_db
def test_comments_replies_reports_and_moderation_on_the_pages(areas, cast, topic, settings):
    settings.CONSULTATION_REPORTS_TO_HIDE = 1
    resident = client_of(cast["resident"])
    resident.post(
        reverse("consultation:comment", args=[topic.pk]),
        {"body": "赞成划线", "stance": "for", "client_id": str(uuid.uuid4())},
    )
    comment = Comment.objects.get()
    base = str(uuid.uuid4())
    for _ in range(2):  # a retried reply form is one reply
        client_of(cast["grid_worker"]).post(
            reverse("consultation:comment", args=[topic.pk]),
            {
                "body": "注意消防通道",
                "stance": "neutral",
                "parent": comment.pk,
                "client_id": f"{base}-{comment.pk}",
            },
        )
    assert Comment.objects.filter(parent=comment).count() == 1
    client_of(cast["grid_worker"]).post(reverse("consultation:report", args=[comment.pk]))
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PENDING
    queue = client_of(cast["clerk"]).get(reverse("consultation:moderation"))
    assert "赞成划线" in queue.content.decode()
    assert client_of(cast["resident"]).get(reverse("consultation:moderation")).status_code == 403
    page = resident.get(reverse("consultation:detail", args=[topic.pk])).content.decode()
    assert "赞成划线" not in page and "待管理员审核" in page
    client_of(cast["clerk"]).post(
        reverse("consultation:moderate", args=[comment.pk]),
        {"action": "hide", "reason": "核实为不实信息", "back": "queue"},
    )
    page = resident.get(reverse("consultation:detail", args=[topic.pk])).content.decode()
    assert "已被管理员隐藏" in page and "赞成划线" not in page
    log = client_of(cast["supervisor"]).get(reverse("consultation:moderation")).content.decode()
    assert "核实为不实信息" in log and "因举报待审核" in log
    other = client_of(cast["supervisor_next_street"]).get(reverse("consultation:moderation"))
    assert "核实为不实信息" not in other.content.decode()
    refused = client_of(cast["clerk_next_community"]).post(
        reverse("consultation:moderate", args=[comment.pk]), {"action": "restore", "reason": "x"}
    )
    assert refused.status_code == 404


@pytest.mark.django_db
def test_staff_decide_move_phases_record_and_follow_up(areas, cast, settings):
    settings.CONSULTATION_SUPPORT_SHARE = 1
    resident_of(areas, GRID, "邻居")
    topic = propose(cast["resident"], areas[GRID])
    clerk = client_of(cast["clerk"])
    page = clerk.get(reverse("consultation:detail", args=[topic.pk])).content.decode()
    assert 'value="accept"' in page and "录入纸质联署" in page
    assert (
        'value="accept"'
        not in client_of(cast["resident"])
        .get(reverse("consultation:detail", args=[topic.pk]))
        .content.decode()
    )
    clerk.post(reverse("consultation:decide", args=[topic.pk]), {"decision": "accept"})
    clerk.post(reverse("consultation:phase", args=[topic.pk]), {"phase": "follow_up"})
    topic.refresh_from_db()
    assert (topic.status, topic.phase) == (TopicStatus.AGENDA, Phase.FOLLOW_UP)
    saved = clerk.post(
        reverse("consultation:procedure_save", args=[topic.pk]),
        {
            "step": "representatives",
            "held_on": "2026-05-06",
            "expected_count": "25",
            "attended_count": "19",
            "quorum": "17",
            "decision": "同意",
            "minutes": "",
            "expected": "",
            "attended": "",
        },
    )
    assert saved.status_code == 302
    clerk.post(
        reverse("consultation:action_create", args=[topic.pk]),
        {"title": "施划车位 40 个", "owner_name": "物业公司", "due_on": ""},
    )
    action = topic.actions.get()
    picture = io.BytesIO()
    Image.new("RGB", (30, 20), (9, 9, 9)).save(picture, "JPEG")
    picture.seek(0)
    picture.name = "现场.jpg"
    clerk.post(
        reverse("consultation:action_update", args=[action.pk]),
        {"text": "已完成一半", "progress": "50", "photos": picture},
    )
    client_of(cast["resident"]).post(reverse("consultation:rate", args=[topic.pk]), {"score": "4"})
    page = client_of(cast["resident"]).get(reverse("consultation:detail", args=[topic.pk]))
    text = page.content.decode()
    assert "居民代表会议决议" in text and "施划车位 40 个" in text and "4.0" in text
    photo = topic.actions.get().updates.get().photos.get()
    assert (
        client_of(cast["resident"])
        .get(reverse("consultation:photo", args=[photo.pk, "thumb"]))
        .status_code
        == 200
    )
    assert (
        client_of(cast["resident_next_street"])
        .get(reverse("consultation:photo", args=[photo.pk, "thumb"]))
        .status_code
        == 404
    )


@pytest.mark.django_db
def test_paper_supports_page(areas, cast, settings):
    settings.CONSULTATION_SUPPORT_SHARE = 1
    signer = resident_of(areas, GRID, "孙丽")
    topic = propose(cast["resident"], areas[GRID])
    clerk = client_of(cast["clerk"])
    found = clerk.get(reverse("consultation:paper", args=[topic.pk]), {"name": "孙"})
    assert "孙丽" in found.content.decode()
    clerk.post(reverse("consultation:paper_add", args=[topic.pk]), {"resident": signer.resident_id})
    assert topic.supports.filter(source="paper").count() == 1
    assert (
        client_of(cast["grid_worker"])
        .get(reverse("consultation:paper", args=[topic.pk]))
        .status_code
        == 403
    )


@pytest.mark.django_db
def test_english_pages_render(cast, topic):
    client = client_of(cast["clerk"])
    client.cookies["django_language"] = "en"
    phases.phase_move(actor=cast["clerk"], topic_id=topic.pk, phase=Phase.DELIBERATE)
    for url in (reverse("consultation:list"), reverse("consultation:detail", args=[topic.pk]),
                reverse("consultation:moderation"), reverse("consultation:new")):  # fmt: skip
        answer = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert answer.status_code == 200
        assert "议事讨论" not in answer.content.decode() and "议事厅" not in answer.content.decode()


@pytest.mark.django_db
def test_staff_open_a_topic_for_a_resident_and_plan_its_phases(areas, cast):
    clerk = client_of(cast["clerk"])
    form = clerk.get(reverse("consultation:new")).content.decode()
    assert 'name="raised_by"' in form and "发起议题" in form
    posted = clerk.post(
        reverse("consultation:create"),
        {
            "area": areas[COMMUNITY].pk,
            "title": "小区绿化改造",
            "description": "补种",
            "initiator_kind": "resident",
            "raised_by": "5号楼居民",
            "client_id": str(uuid.uuid4()),
        },
    )
    topic = Topic.objects.get()
    assert posted.status_code == 302
    assert (topic.status, topic.phase, topic.initiator_kind, topic.raised_by) == (
        TopicStatus.AGENDA,
        Phase.COLLECT,
        "resident",
        "5号楼居民",
    )
    planned = clerk.post(
        reverse("consultation:plan", args=[topic.pk]),
        {
            "phase": "deliberate",
            "opens_at": "2030-06-01T09:00",
            "closes_at": "2030-06-10T18:00",
        },
    )
    assert planned.status_code == 302
    row = topic.phases.get(phase="deliberate")
    assert (row.opens_at.year, row.closes_at.day) == (2030, 10)
    bad = clerk.post(
        reverse("consultation:plan", args=[topic.pk]),
        {"phase": "vote", "opens_at": "明天", "closes_at": ""},
    )
    assert bad.status_code == 422 and "时间格式不正确" in bad.content.decode()
    refused = client_of(cast["clerk_next_community"]).post(
        reverse("consultation:create"),
        {
            "area": areas[COMMUNITY].pk,
            "title": "越界",
            "description": "x",
        },
    )
    assert refused.status_code == 422 and Topic.objects.count() == 1


@pytest.mark.django_db
def test_a_topic_carries_attachments_for_its_readers_only(areas, cast):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.notices.conftest import PDF

    picture = io.BytesIO()
    exif = Image.Exif()
    exif[0x8825] = {2: (31.0, 14.0, 0.0)}
    Image.new("RGB", (40, 30), (1, 2, 3)).save(picture, "JPEG", exif=exif)
    files = [
        SimpleUploadedFile("方案.pdf", PDF, content_type="application/pdf"),
        SimpleUploadedFile("现场.jpg", picture.getvalue(), content_type="image/jpeg"),
    ]
    clerk = client_of(cast["clerk"])
    clerk.post(
        reverse("consultation:create"),
        {
            "area": areas[GRID].pk,
            "title": "加装电梯",
            "description": "见附件",
            "attachments": files,
        },
    )
    topic = Topic.objects.get()
    pdf, jpg = topic.attachments.order_by("id")
    assert (pdf.original_name, pdf.content_type) == ("方案.pdf", "application/pdf")
    assert not Image.open(jpg.file.open("rb")).getexif().get_ifd(0x8825)
    page = client_of(cast["resident"]).get(reverse("consultation:detail", args=[topic.pk]))
    assert "方案.pdf" in page.content.decode()
    url = reverse("consultation:attachment", args=[topic.pk, pdf.pk])
    assert client_of(cast["resident"]).get(url).status_code == 200
    assert client_of(cast["resident_next_street"]).get(url).status_code == 404
    api = client_of(cast["resident"]).get(f"/api/v1/consultation/topics/{topic.pk}").json()
    assert [a["name"] for a in api["attachments"]] == ["方案.pdf", "现场.jpg"]
    api_url = f"/api/v1/consultation/topics/{topic.pk}/attachments/{pdf.pk}"
    assert client_of(cast["resident"]).get(api_url).status_code == 200
    assert client_of(cast["clerk_next_community"]).get(api_url).status_code == 404
    bad = clerk.post(
        reverse("consultation:create"),
        {
            "area": areas[GRID].pk,
            "title": "假文件",
            "description": "x",
            "attachments": [
                SimpleUploadedFile("病毒.pdf", b"MZ\x90\x00", content_type="application/pdf")
            ],
        },
    )
    assert bad.status_code == 422 and Topic.objects.count() == 1


@pytest.mark.django_db
def test_the_topic_page_costs_the_same_queries_for_5_or_40_comments(areas, cast, topic):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from consultation import discussion

    def add(n: int) -> None:
        for i in range(n):
            discussion.comment_add(
                actor=cast["resident"], topic_id=topic.pk, body=f"第{i}条", stance="for"
            )

    def queries() -> int:
        client = client_of(cast["clerk"])
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("consultation:detail", args=[topic.pk])).status_code == 200
        return len(captured)

    add(5)
    few = queries()
    add(35)
    assert queries() == few


@pytest.mark.django_db
def test_the_procedure_notice_page_for_readers(areas, cast, topic):
    import datetime as dt

    from consultation import follow_up

    follow_up.procedure_record(
        actor=cast["clerk"],
        topic_id=topic.pk,
        step="representatives",
        held_on=dt.date(2026, 5, 6),
        expected_count=35,
        attended_count=29,
        quorum=24,
        decision="表决通过",
    )
    follow_up.procedure_record(
        actor=cast["clerk"],
        topic_id=topic.pk,
        step="party_proposal",
        held_on=dt.date(2026, 4, 20),
        decision="同意提交两委会商议",
    )
    url = reverse("consultation:procedure_notice", args=[topic.pk])
    page = client_of(cast["resident"]).get(url).content.decode()
    assert page.index("党组织提议") < page.index("居民代表会议决议") and "已达到" in page
    assert "13812345678" not in page
    assert client_of(cast["resident_next_street"]).get(url).status_code == 404

"""The consultation API: scoped by the policy for every role against the neighbouring
areas, idempotent writes, problem+json refusals in Chinese, hidden comments without
their text, personal data masked."""

import io
import uuid

import pytest
from django.test import Client
from PIL import Image

from consultation import phases
from consultation.models import Comment, Phase, Topic
from tests.consultation.conftest import GRID, NEXT_GRID, open_topic, resident_of

API = "/api/v1/consultation"


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def topic(areas, cast):
    return open_topic(
        cast["clerk"], areas[GRID], title="加装电梯 13812345678", description="联系13812345678"
    )


@pytest.mark.django_db
def test_readers_see_the_topic_and_neighbours_get_404(cast, topic):
    for name in ("resident", "resident_next_grid", "grid_worker", "clerk", "supervisor"):
        client = client_of(cast[name])
        listed = client.get(f"{API}/topics").json()
        assert [t["id"] for t in listed["items"]] == [topic.pk], name
        masked = name not in ("clerk", "supervisor")
        assert ("13812345678" not in listed["items"][0]["title"]) == masked, name
        detail = client.get(f"{API}/topics/{topic.pk}")
        assert detail.status_code == 200
    assert "13812345678" not in client_of(cast["resident"]).get(f"{API}/topics/{topic.pk}").text
    assert "13812345678" in client_of(cast["clerk"]).get(f"{API}/topics/{topic.pk}").text
    for name in (
        "resident_next_community",
        "resident_next_street",
        "clerk_next_community",
        "supervisor_next_street",
        "admin_next_street",
        "grid_worker_next_grid",
    ):
        client = client_of(cast[name])
        assert client.get(f"{API}/topics").json()["items"] == [], name
        refused = client.get(f"{API}/topics/{topic.pk}")
        assert refused.status_code == 404
        assert refused["Content-Type"] == "application/problem+json"
        assert client.get(f"{API}/topics/{topic.pk}/comments").status_code == 404
        assert client.get(f"{API}/topics/{topic.pk}/actions").status_code == 404
    assert Client().get(f"{API}/topics").status_code == 401


@pytest.mark.django_db
def test_propose_support_and_accept_through_the_api(areas, cast, settings):
    settings.CONSULTATION_SUPPORT_SHARE = 1
    neighbour = resident_of(areas, GRID, "周芳")
    body = {
        "area_code": GRID,
        "title": "小区绿化改造",
        "description": "补种",
        "client_id": str(uuid.uuid4()),
    }
    first = client_of(cast["resident"]).post(f"{API}/topics", body, content_type="application/json")
    again = client_of(cast["resident"]).post(f"{API}/topics", body, content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    created = first.json()
    assert created["status"] == "proposed" and created["threshold"]["needed"] == 2
    topic_id = created["id"]
    support = client_of(neighbour).post(f"{API}/topics/{topic_id}/support")
    assert support.status_code == 201 and support.json()["topic"]["status"] == "agenda"
    assert client_of(neighbour).post(f"{API}/topics/{topic_id}/support").status_code == 409
    moved = client_of(cast["clerk"]).post(
        f"{API}/topics/{topic_id}/phase", {"phase": "deliberate"}, content_type="application/json"
    )
    assert moved.status_code == 200 and moved.json()["phase"] == "deliberate"
    refused = client_of(cast["grid_worker"]).post(
        f"{API}/topics/{topic_id}/phase", {"phase": "vote"}, content_type="application/json"
    )
    assert refused.status_code == 403 and "无权" in refused.json()["detail"]


@pytest.mark.django_db
def test_comments_and_moderation_through_the_api(cast, topic):
    client = client_of(cast["resident"])
    posted = client.post(
        f"{API}/topics/{topic.pk}/comments",
        {"body": "支持，电话13912345678", "stance": "for"},
        content_type="application/json",
    )
    assert posted.status_code == 201 and "139****5678" in posted.json()["body"]
    comment_id = posted.json()["id"]
    bad = client.post(
        f"{API}/topics/{topic.pk}/comments",
        {"body": "x", "stance": "maybe"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad["Content-Type"] == "application/problem+json"
    nul = client.post(
        f"{API}/topics/{topic.pk}/comments",
        {"body": "a\u0000b", "stance": "for"},
        content_type="application/json",
    )
    assert nul.status_code == 422
    assert (
        client_of(cast["grid_worker"])
        .post(f"{API}/comments/{comment_id}/hide", {"reason": "x"}, content_type="application/json")
        .status_code
        == 403
    )
    hidden = client_of(cast["clerk"]).post(
        f"{API}/comments/{comment_id}/hide",
        {"reason": "含个人信息"},
        content_type="application/json",
    )
    assert hidden.status_code == 200
    listed = client.get(f"{API}/topics/{topic.pk}/comments").json()
    assert listed[0]["body"] == "" and listed[0]["hidden"] == "已被管理员隐藏"
    assert "13912345678" not in client_of(cast["clerk"]).get(f"{API}/moderation").text
    assert Comment.objects.count() == 1


@pytest.mark.django_db
def test_amendments_procedure_actions_and_rating_through_the_api(cast, topic):
    resident, clerk = client_of(cast["resident"]), client_of(cast["clerk"])
    amended = resident.post(
        f"{API}/topics/{topic.pk}/amendments",
        {"text": "3号楼和5号楼"},
        content_type="application/json",
    )
    assert amended.status_code == 201
    decided = clerk.post(
        f"{API}/amendments/{amended.json()['id']}/decide",
        {"accept": False, "answer": "另行议事"},
        content_type="application/json",
    )
    assert decided.json()["status"] == "declined"
    record = clerk.post(
        f"{API}/topics/{topic.pk}/procedure",
        {
            "step": "committees",
            "held_on": "2026-05-01",
            "expected_count": 9,
            "attended_count": 8,
            "quorum": 5,
            "decision": "同意提交居民代表会议",
        },
        content_type="application/json",
    )
    assert record.status_code == 200 and record.json()["quorum_reached"] is True
    assert resident.get(f"{API}/topics/{topic.pk}/procedure").json()[0]["step"] == "committees"
    action = clerk.post(
        f"{API}/topics/{topic.pk}/actions",
        {"title": "招标", "owner_name": "居委会"},
        content_type="application/json",
    )
    assert action.status_code == 201
    picture = io.BytesIO()
    Image.new("RGB", (30, 20), (5, 5, 5)).save(picture, "JPEG")
    picture.seek(0)
    picture.name = "a.jpg"
    updated = clerk.post(
        f"{API}/actions/{action.json()['id']}/updates",
        {"text": "已招标", "progress": "30", "photos": picture},
    )
    assert updated.status_code == 201 and len(updated.json()["updates"][0]["photos"]) == 1
    early = resident.post(
        f"{API}/topics/{topic.pk}/rating", {"score": 5}, content_type="application/json"
    )
    assert early.status_code == 409
    phases.phase_move(actor=cast["clerk"], topic_id=topic.pk, phase=Phase.FOLLOW_UP)
    rated = resident.post(
        f"{API}/topics/{topic.pk}/rating", {"score": 5}, content_type="application/json"
    )
    assert rated.json() == {"average": 5.0, "count": 1, "mine": 5}
    assert resident.get(f"{API}/topics/{topic.pk}").json()["rating"]["average"] == 5.0


@pytest.mark.django_db
def test_a_topic_outside_ones_area_or_level_is_refused(areas, cast):
    client = client_of(cast["resident"])
    for code in (NEXT_GRID, "310101", "999999999"):
        answer = client.post(
            f"{API}/topics",
            {"area_code": code, "title": "t", "description": "d"},
            content_type="application/json",
        )
        assert answer.status_code == 422, code
    assert not Topic.objects.exists()


@pytest.mark.django_db
def test_paper_signers_are_found_by_staff_only(areas, cast, settings):
    settings.CONSULTATION_SUPPORT_SHARE = 1
    signer = resident_of(areas, GRID, "孙丽")
    created = client_of(cast["resident"]).post(
        f"{API}/topics",
        {"area_code": GRID, "title": "t", "description": "d"},
        content_type="application/json",
    )
    topic_id = created.json()["id"]
    found = client_of(cast["clerk"]).get(f"{API}/topics/{topic_id}/paper-signers?name=孙")
    assert [(r["name"], r["supported"]) for r in found.json()] == [("孙丽", False)]
    added = client_of(cast["clerk"]).post(
        f"{API}/topics/{topic_id}/paper-supports",
        {"resident_id": signer.resident_id},
        content_type="application/json",
    )
    assert added.status_code == 201 and added.json()["source"] == "paper"
    assert (
        client_of(cast["resident"]).get(f"{API}/topics/{topic_id}/paper-signers?name=孙").json()
        == []
    )
    assert (
        client_of(cast["resident_next_street"])
        .get(f"{API}/topics/{topic_id}/paper-signers?name=孙")
        .status_code
        == 404
    )

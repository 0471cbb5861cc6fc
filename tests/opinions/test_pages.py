"""The opinion-map pages and API, for every role around the topic."""

import json
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from opinions import services
from opinions.compute import compute_topic
from opinions.models import Moderation, StatementVote
from tests.opinions.conftest import GRID, make_topic, resident_of

pytestmark = pytest.mark.django_db

READERS = ("resident", "resident_next_grid", "grid_worker", "clerk", "supervisor")
OUTSIDERS = ("resident_next_community", "clerk_next_community", "supervisor_next_street")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api(user, method: str, path: str, body: dict | None = None):
    client = client_for(user)
    call = getattr(client, method)
    if body is None:
        return call(f"/api/v1/opinions{path}")
    return call(f"/api/v1/opinions{path}", data=json.dumps(body), content_type="application/json")


@pytest.fixture
def mapped(topic, areas, cast, seeded, settings):
    """Twelve residents in two camps and a computed map."""
    settings.OPINION_MIN_VOTES = 2
    first, second = seeded["accepted"]
    for i in range(12):
        user = resident_of(areas, GRID, f"表态人{i}")
        upper = i < 6
        services.statement_vote(actor=user, statement_id=first.pk, choice=1 if upper else -1)
        services.statement_vote(actor=user, statement_id=second.pk, choice=-1 if upper else 1)
    compute_topic(topic)
    return topic


@pytest.mark.parametrize("who", READERS)
def test_the_topics_readers_open_its_map(mapped, cast, who):
    page = client_for(cast[who]).get(reverse("opinions:topic", args=[mapped.pk]))
    assert page.status_code == 200
    assert "意见分组" in page.text and "加装电梯方便老人出行" in page.text


@pytest.mark.parametrize("who", OUTSIDERS)
def test_nobody_from_a_neighbouring_area_opens_the_map(mapped, cast, who):
    assert client_for(cast[who]).get(reverse("opinions:topic", args=[mapped.pk])).status_code == 404
    assert api(cast[who], "get", f"/topics/{mapped.pk}/snapshot").status_code == 404
    assert api(cast[who], "get", f"/topics/{mapped.pk}/statements").status_code == 404
    assert api(cast[who], "get", f"/topics/{mapped.pk}/next").status_code == 404


def test_a_department_handler_of_the_street_reads_the_map_but_does_not_vote(mapped, areas, seeded):
    from accounts.models import Role
    from tests.factories import user_with_role

    # consultation's rule: who works in the street reads its communities' topics, and
    # only the area staff and the people of the community take part
    handler = user_with_role(Role.HANDLER, areas["310101001"])
    page = client_for(handler).get(reverse("opinions:topic", args=[mapped.pk]))
    assert page.status_code == 200 and page.context["current"] is None
    assert seeded["pending"].text not in page.text
    vote = api(handler, "post", f"/statements/{seeded['accepted'][0].pk}/vote", {"choice": "agree"})
    assert vote.status_code == 403
    assert api(handler, "get", f"/topics/{mapped.pk}/next").json()["statement"] is None


def test_a_resident_of_the_next_community_cannot_vote_through_the_api_or_page(mapped, cast, seeded):
    outsider = cast["resident_next_community"]
    statement = seeded["accepted"][0]
    answer = api(outsider, "post", f"/statements/{statement.pk}/vote", {"choice": "agree"})
    assert answer.status_code == 404
    assert answer["Content-Type"] == "application/problem+json"
    page = client_for(outsider).post(
        reverse("opinions:vote", args=[mapped.pk]), {"statement": statement.pk, "choice": "agree"}
    )
    assert page.status_code == 404
    assert not StatementVote.objects.filter(participant=outsider).exists()


def test_a_pending_statement_shows_to_its_author_and_moderators_only(mapped, cast, seeded):
    text = seeded["pending"].text
    for who, sees in (("resident", True), ("clerk", True), ("resident_next_grid", False),
                      ("grid_worker", False)):  # fmt: skip
        page = client_for(cast[who]).get(reverse("opinions:topic", args=[mapped.pk]))
        listed = [
            s["text"] for s in api(cast[who], "get", f"/topics/{mapped.pk}/statements").json()
        ]
        assert (text in page.text) is sees, who
        assert (text in listed) is sees, who


def test_the_snapshot_names_nobody(mapped, cast):
    body = api(cast["resident"], "get", f"/topics/{mapped.pk}/snapshot").json()
    assert body["placed"] == 12 and len(body["groups"]) == 2
    flat = json.dumps(body, ensure_ascii=False)
    assert "表态人" not in flat and "李秀英" not in flat
    # the points are bare coordinates and a group label: nothing that tells who is who
    assert set(body) == {
        "computed_at",
        "participants",
        "placed",
        "groups",
        "points",
        "consensus",
        "me",
    }
    assert all(len(p) == 3 and isinstance(p[2], str) for p in body["points"])
    assert {k for g in body["groups"] for k in g} == {"label", "size", "representative"}
    assert body["me"] is None  # the resident did not vote: not on the map


def test_voting_through_the_api_changes_the_vote(mapped, cast, seeded):
    statement = seeded["accepted"][0]
    path = f"/statements/{statement.pk}/vote"
    assert api(cast["resident"], "post", path, {"choice": "agree"}).json()["choice"] == "agree"
    assert api(cast["resident"], "post", path, {"choice": "pass"}).json()["choice"] == "pass"
    assert StatementVote.objects.get(participant=cast["resident"], statement=statement).choice == 0
    bad = api(cast["resident"], "post", path, {"choice": "maybe"})
    assert bad.status_code == 422 and bad["Content-Type"] == "application/problem+json"


def test_next_walks_through_every_statement(mapped, cast):
    seen = []
    while (body := api(cast["grid_worker"], "get", f"/topics/{mapped.pk}/next").json())[
        "statement"
    ]:
        seen.append(body["statement"]["id"])
        api(cast["grid_worker"], "post", f"/statements/{seen[-1]}/vote", {"choice": "pass"})
    assert len(seen) == 2 and body["remaining"] == 0


def test_adding_a_statement_through_the_api_is_idempotent(mapped, cast):
    key = str(uuid.uuid4())
    path = f"/topics/{mapped.pk}/statements"
    first = api(cast["resident"], "post", path, {"text": "电梯维护费谁出", "client_id": key})
    again = api(cast["resident"], "post", path, {"text": "电梯维护费谁出", "client_id": key})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and first.json()["state"] == "pending"
    too_long = api(cast["resident"], "post", path, {"text": "长" * 141})
    assert too_long.status_code == 422


def test_a_moderator_accepts_and_rejects_from_the_queue(mapped, cast, seeded):
    pending = seeded["pending"]
    queue = client_for(cast["clerk"]).get(reverse("opinions:moderation"))
    assert pending.text in queue.text
    assert client_for(cast["resident"]).get(reverse("opinions:moderation")).status_code == 404
    assert (
        client_for(cast["clerk_next_community"])
        .post(reverse("opinions:moderate", args=[pending.pk]), {"decision": "accept"})
        .status_code
        == 404
    )
    client_for(cast["clerk"]).post(
        reverse("opinions:moderate", args=[pending.pk]), {"decision": "reject", "reason": "重复"}
    )
    pending.refresh_from_db()
    assert (pending.state, pending.reason) == (Moderation.REJECTED, "重复")


def test_the_api_queue_is_the_moderators(mapped, cast, seeded):
    assert [s["id"] for s in api(cast["clerk"], "get", "/moderation").json()] == [
        seeded["pending"].pk
    ]
    assert api(cast["resident"], "get", "/moderation").json() == []
    answer = api(cast["resident"], "post", f"/statements/{seeded['pending'].pk}/moderate",
                 {"accept": True})  # fmt: skip
    assert answer.status_code == 403


def test_the_page_votes_and_shows_the_next_statement(mapped, cast, seeded):
    client = client_for(cast["resident"])
    page = client.get(reverse("opinions:topic", args=[mapped.pk]))
    assert page.context["current"] is not None
    shown = page.context["current"].pk
    client.post(reverse("opinions:vote", args=[mapped.pk]), {"statement": shown, "choice": "agree"})
    after = client.get(reverse("opinions:topic", args=[mapped.pk]))
    assert after.context["current"].pk != shown
    assert 'data-live-refresh="opinion."' in after.text
    assert f'data-live-where="topic={mapped.pk}"' in after.text


def test_the_page_renders_in_english(mapped, cast):
    client = client_for(cast["resident"])
    client.cookies["django_language"] = "en"
    page = client.get(reverse("opinions:topic", args=[mapped.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert "Opinion groups" in page.text
    assert "意见分组" not in page.text


def test_the_topic_page_section_shows_the_map_to_readers_only(mapped, cast, rf):
    from consultation.sections import topic_sections

    for who, shown in (
        ("resident", True),
        ("supervisor", True),
        ("resident_next_community", False),
    ):
        request = rf.get("/")
        request.user = cast[who]
        names = [s["name"] for s in topic_sections(request, mapped)]
        assert ("opinions" in names) is shown, who
    request.user = cast["resident"]
    section = next(s for s in topic_sections(request, mapped) if s["name"] == "opinions")
    assert section["context"]["statements"] == 2
    assert sorted(size for _label, size in section["context"]["groups"]) == [6, 6]


def test_a_reader_who_does_not_take_part_is_offered_nothing_to_vote_on(cast, areas):
    # a resident of the next grid reads a grid's topic but does not take part in it
    grid_topic = make_topic(areas[GRID], cast["clerk"], title="楼道堆物清理")
    statement, _ = services.statement_add(
        actor=cast["clerk"], topic_id=grid_topic.pk, text="先通知再清理"
    )
    reader = cast["resident_next_grid"]
    assert api(reader, "get", f"/topics/{grid_topic.pk}/next").json()["statement"] is None
    refused = api(reader, "post", f"/statements/{statement.pk}/vote", {"choice": "agree"})
    assert refused.status_code == 403
    offered = api(cast["resident"], "get", f"/topics/{grid_topic.pk}/next").json()
    assert offered["statement"]["id"] == statement.pk


def test_map_events_reach_the_topics_area_and_the_staff_above_only(mapped):
    from realtime.models import Event

    audiences = {tuple(e.audience) for e in Event.objects.filter(kind__startswith="opinion.")}
    groups = {group for audience in audiences for group in audience}
    assert ("area.310101001001", "staff.310101", "staff.310101001") in audiences
    assert not any("310101001002" in group or "310101002" in group for group in groups)
    payloads = [e.payload for e in Event.objects.filter(kind="opinion.updated")]
    assert payloads and all(set(p) == {"topic", "groups", "placed"} for p in payloads)


def test_the_moderation_queue_renders_in_english(mapped, cast):
    client = client_for(cast["clerk"])
    client.cookies["django_language"] = "en"
    page = client.get(reverse("opinions:moderation"))
    assert "Statements awaiting review" in page.text and "Approve" in page.text
    assert "待审核的观点" not in page.text


def test_the_topic_page_links_to_the_map(mapped, cast):
    page = client_for(cast["resident"]).get(reverse("consultation:detail", args=[mapped.pk]))
    assert page.status_code == 200
    assert reverse("opinions:topic", args=[mapped.pk]) in page.text
    assert "2 条观点" in page.text and "第 A 组 · 6 人" in page.text
    assert "条观点待审核" not in page.text
    staff = client_for(cast["clerk"]).get(reverse("consultation:detail", args=[mapped.pk]))
    assert "1 条观点待审核" in staff.text

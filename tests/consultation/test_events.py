"""Topic events: who receives them (the topic's area group and the staff groups above,
as for notices) against every role and the neighbouring areas, and that no payload
carries a text or a person — not a hidden comment's, not a phone number."""

import pytest

from consultation import discussion, follow_up, phases
from consultation.events import topic_audience
from consultation.models import Phase
from notices.access import socket_groups
from realtime.models import Event
from tests.consultation.conftest import GRID, open_topic

RECEIVERS = {"resident", "grid_worker", "clerk", "supervisor"}
PAYLOAD_KEYS = {
    "topic", "area", "status", "phase", "comment", "action", "amendment", "amendment_status",
}  # fmt: skip


@pytest.mark.django_db
def test_the_events_of_a_grid_topic_reach_its_people_and_no_neighbour(areas, cast):
    audience = set(topic_audience(GRID))
    assert audience == {
        "area.310101001001001", "staff.310101", "staff.310101001", "staff.310101001001",
    }  # fmt: skip
    for name, user in cast.items():
        receives = bool(audience & set(socket_groups(user)))
        assert receives == (name in RECEIVERS), name


@pytest.mark.django_db
def test_payloads_carry_no_text_and_no_person(areas, cast):
    topic = open_topic(cast["clerk"], areas[GRID], title="电话13812345678", description="秘密")
    comment, _ = discussion.comment_add(
        actor=cast["resident"], topic_id=topic.pk, body="我的电话13912345678", stance="for"
    )
    discussion.comment_hide(actor=cast["clerk"], comment_id=comment.pk, reason="含手机号")
    discussion.amendment_propose(actor=cast["resident"], topic_id=topic.pk, text="新的说明")
    action = follow_up.action_create(
        actor=cast["clerk"], topic_id=topic.pk, title="施工", owner_name="王师傅"
    )
    phases.phase_move(actor=cast["clerk"], topic_id=topic.pk, phase=Phase.FOLLOW_UP)
    follow_up.rating_set(actor=cast["resident"], topic_id=topic.pk, score=3, remark="一般")
    events = list(Event.objects.filter(kind__startswith="topic."))
    kinds = {e.kind for e in events}
    assert {"topic.propose", "topic.comment", "topic.moderation", "topic.amendment",
            "topic.action", "topic.phase", "topic.rate"} <= kinds  # fmt: skip
    for event in events:
        assert set(event.payload) <= PAYLOAD_KEYS, event.kind
        assert event.payload["topic"] == topic.pk and event.area_code == GRID
        text = str(event.payload)
        for secret in ("138", "139", "秘密", "含手机号", "王师傅", "一般", "新的说明"):
            assert secret not in text, (event.kind, secret)
    assert action.pk in {e.payload.get("action") for e in events}

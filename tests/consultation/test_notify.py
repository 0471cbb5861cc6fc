"""The inbox side of a topic: the proposer hears of the agenda decision and of
amendments, an amendment's author of the answer, a comment's author of a reply, the
supporters and commenters of a new phase — and nobody who may not read the topic, and
nobody of their own action."""

import pytest

from consultation import discussion, phases, services
from consultation.models import Phase
from tests.consultation.conftest import GRID, open_topic, propose, resident_of
from tests.notifications.support import inbox_of, kinds, project


@pytest.mark.django_db
def test_the_proposer_hears_of_the_agenda_and_supporters_of_the_phase(areas, cast, settings):
    settings.CONSULTATION_SUPPORT_SHARE = 1
    neighbour = resident_of(areas, GRID, "周芳")
    topic = propose(cast["resident"], areas[GRID], title="加装电梯 13812345678")
    services.support_add(actor=neighbour, topic_id=topic.pk)  # both households: the agenda
    phases.phase_move(actor=cast["clerk"], topic_id=topic.pk, phase=Phase.DELIBERATE)
    project()
    assert kinds(cast["resident"]) == ["topic.on_agenda", "topic.phase"]
    assert kinds(neighbour) == ["topic.phase"]
    note = inbox_of(cast["resident"])[0]
    assert note.text == "您提出的议题“加装电梯 138****5678”已列入议程。"
    assert note.link == f"/topics/{topic.pk}/"
    for name in ("clerk", "grid_worker", "resident_next_grid", "resident_next_street"):
        assert kinds(cast[name]) == [], name


@pytest.mark.django_db
def test_rejection_amendments_and_replies_reach_their_people(areas, cast):
    neighbour = resident_of(areas, GRID, "周芳")
    for n in range(8):
        resident_of(areas, GRID, f"邻居{n}")
    rejected = propose(cast["resident"], areas[GRID], title="禁止养狗")
    services.topic_reject(actor=cast["clerk"], topic_id=rejected.pk, reason="不属于议事范围")
    topic = open_topic(cast["clerk"], areas[GRID])
    amendment, _ = discussion.amendment_propose(actor=neighbour, topic_id=topic.pk, text="新文本")
    discussion.amendment_decide(
        actor=cast["clerk"], amendment_id=amendment.pk, accept=False, answer="另议"
    )
    first, _ = discussion.comment_add(
        actor=cast["resident"], topic_id=topic.pk, body="赞成", stance="for"
    )
    discussion.comment_add(
        actor=neighbour, topic_id=topic.pk, body="同意", stance="for", parent_id=first.pk
    )
    discussion.comment_add(
        actor=cast["resident"], topic_id=topic.pk, body="谢谢", stance="for", parent_id=first.pk
    )  # a reply in one's own thread tells no one
    project()
    assert kinds(cast["resident"]) == ["topic.not_on_agenda", "topic.reply"]
    assert kinds(neighbour) == ["topic.amendment_declined"]
    # the clerk opened the topic: the amendment to it is theirs to answer
    assert kinds(cast["clerk"]) == ["topic.amendment_new"]

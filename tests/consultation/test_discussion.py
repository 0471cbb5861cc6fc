"""Comments (threaded, three levels, with a stance), reports and moderation (hidden
pending review at N reports, hide/restore logged with a reason, never removed), and
amendments answered publicly by the initiator."""

import uuid

import pytest

from common.errors import Conflict, InvalidInput, NotFound, NotPermitted
from consultation import discussion, phases
from consultation.models import (
    AmendmentStatus,
    Comment,
    CommentStatus,
    ModerationLog,
    Phase,
)
from realtime.models import Event
from tests.consultation.conftest import GRID, open_topic, resident_of


@pytest.fixture
def topic(areas, cast):
    return open_topic(cast["clerk"], areas[GRID], title="加装电梯", description="3号楼加装电梯。")


def say(actor, topic, body="同意加装", stance="for", parent=None):
    comment, _created = discussion.comment_add(
        actor=actor,
        topic_id=topic.pk,
        body=body,
        stance=stance,
        parent_id=parent.pk if parent else None,
        client_id=uuid.uuid4(),
    )
    return comment


@pytest.mark.django_db
def test_replies_nest_three_levels_at_most(cast, topic):
    first = say(cast["resident"], topic)
    second = say(cast["grid_worker"], topic, "一楼住户有顾虑", "neutral", parent=first)
    third = say(cast["clerk"], topic, "可以协商补偿", "for", parent=second)
    assert (first.depth, second.depth, third.depth) == (1, 2, 3)
    with pytest.raises(InvalidInput):
        say(cast["resident"], topic, "再回复", parent=third)
    assert Event.objects.filter(kind="topic.comment", payload__comment=third.pk).exists()


@pytest.mark.django_db
def test_who_may_comment(cast, topic):
    with pytest.raises(NotPermitted):
        say(cast["resident_next_grid"], topic)  # reads the community's grid topics, no more
    with pytest.raises(NotFound):
        say(cast["resident_next_community"], topic)
    with pytest.raises(InvalidInput):
        say(cast["resident"], topic, stance="maybe")
    with pytest.raises(InvalidInput):
        say(cast["resident"], topic, body="   ")
    with pytest.raises(InvalidInput):
        say(cast["resident"], topic, body="长" * 2001)
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_a_retried_comment_is_one(cast, topic):
    client_id = uuid.uuid4()
    args = dict(actor=cast["resident"], topic_id=topic.pk, body="赞成", stance="for")
    first, created = discussion.comment_add(client_id=client_id, **args)
    again, created_again = discussion.comment_add(client_id=client_id, **args)
    assert created and not created_again and first.pk == again.pk


@pytest.mark.django_db
def test_debate_ends_with_the_vote(cast, topic):
    phases.phase_move(actor=cast["clerk"], topic_id=topic.pk, phase=Phase.PUBLISH)
    with pytest.raises(Conflict):
        say(cast["resident"], topic)


@pytest.mark.django_db
def test_three_reports_hide_a_comment_pending_review(areas, cast, topic, settings):
    comment = say(cast["resident"], topic, "物业经理是个骗子，电话13812345678")
    reporters = [cast["grid_worker"], cast["clerk"]] + [
        resident_of(areas, GRID, f"邻居{n}") for n in range(2)
    ]
    discussion.comment_report(actor=reporters[0], comment_id=comment.pk, reason="人身攻击")
    discussion.comment_report(actor=reporters[0], comment_id=comment.pk)  # counted once
    discussion.comment_report(actor=reporters[1], comment_id=comment.pk)
    comment.refresh_from_db()
    assert (comment.status, comment.report_count) == (CommentStatus.VISIBLE, 2)
    with pytest.raises(Conflict):
        discussion.comment_report(actor=cast["resident"], comment_id=comment.pk)
    discussion.comment_report(actor=reporters[2], comment_id=comment.pk)
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PENDING
    log = ModerationLog.objects.get(comment=comment)
    assert (log.action, log.actor) == ("auto_hide", None)
    assert Comment.objects.filter(pk=comment.pk).exists()  # never removed


@pytest.mark.django_db
def test_moderators_hide_and_restore_with_a_logged_reason(cast, topic):
    comment = say(cast["resident"], topic, "广告：代办车位")
    with pytest.raises(NotPermitted):
        discussion.comment_hide(actor=cast["grid_worker"], comment_id=comment.pk, reason="广告")
    with pytest.raises(InvalidInput):
        discussion.comment_hide(actor=cast["clerk"], comment_id=comment.pk, reason="")
    with pytest.raises(NotFound):
        discussion.comment_hide(
            actor=cast["clerk_next_community"], comment_id=comment.pk, reason="广告"
        )
    discussion.comment_hide(actor=cast["clerk"], comment_id=comment.pk, reason="广告")
    with pytest.raises(Conflict):
        discussion.comment_hide(actor=cast["clerk"], comment_id=comment.pk, reason="广告")
    discussion.comment_restore(actor=cast["supervisor"], comment_id=comment.pk, reason="误判")
    comment.refresh_from_db()
    assert comment.status == CommentStatus.VISIBLE
    logged = list(ModerationLog.objects.filter(comment=comment).values_list("action", "reason"))
    assert logged == [("hide", "广告"), ("restore", "误判")]
    kinds = Event.objects.filter(kind="topic.moderation", payload__comment=comment.pk)
    assert kinds.count() == 2
    assert all("广告" not in str(e.payload) for e in kinds)


@pytest.mark.django_db
def test_the_initiator_accepts_or_declines_amendments_publicly(areas, cast, topic):
    accepted, _ = discussion.amendment_propose(
        actor=cast["resident"],
        topic_id=topic.pk,
        text="3号楼和5号楼加装电梯。",
        reason="5号楼也需要",
    )
    declined, _ = discussion.amendment_propose(
        actor=cast["grid_worker"], topic_id=topic.pk, text="全小区加装电梯。"
    )
    with pytest.raises(Conflict):  # not the initiator, not staff over the area
        discussion.amendment_decide(
            actor=cast["resident"], amendment_id=accepted.pk, accept=True, answer=""
        )
    with pytest.raises(InvalidInput):  # a decline needs its answer
        discussion.amendment_decide(
            actor=cast["clerk"], amendment_id=declined.pk, accept=False, answer=""
        )
    discussion.amendment_decide(
        actor=cast["clerk"], amendment_id=accepted.pk, accept=True, answer="采纳"
    )
    discussion.amendment_decide(
        actor=cast["clerk"], amendment_id=declined.pk, accept=False, answer="其他楼栋另行议事"
    )
    topic.refresh_from_db()
    accepted.refresh_from_db()
    declined.refresh_from_db()
    assert topic.description == "3号楼和5号楼加装电梯。"
    assert (accepted.status, accepted.replaced_text) == (
        AmendmentStatus.ACCEPTED,
        "3号楼加装电梯。",
    )
    assert (declined.status, declined.answer) == (AmendmentStatus.DECLINED, "其他楼栋另行议事")
    with pytest.raises(Conflict):
        discussion.amendment_decide(
            actor=cast["clerk"], amendment_id=accepted.pk, accept=False, answer="反悔"
        )


@pytest.mark.django_db
def test_amendments_only_during_collection(cast, topic):
    with pytest.raises(InvalidInput):
        discussion.amendment_propose(
            actor=cast["resident"], topic_id=topic.pk, text=topic.description
        )
    phases.phase_move(actor=cast["clerk"], topic_id=topic.pk, phase=Phase.DELIBERATE)
    with pytest.raises(Conflict):
        discussion.amendment_propose(actor=cast["resident"], topic_id=topic.pk, text="新文本")
    with pytest.raises(NotPermitted):
        discussion.amendment_propose(
            actor=cast["resident_next_grid"], topic_id=topic.pk, text="新文本"
        )


@pytest.mark.django_db
def test_the_queue_puts_comments_hidden_by_reports_first(areas, cast, topic, settings):
    from consultation.selectors import moderation_queue

    settings.CONSULTATION_REPORTS_TO_HIDE = 2
    reported_once = say(cast["resident"], topic, "有点偏激")
    hidden = say(cast["resident"], topic, "人身攻击")
    for reporter in (cast["grid_worker"], cast["clerk"]):
        discussion.comment_report(actor=reporter, comment_id=hidden.pk)
    discussion.comment_report(actor=cast["grid_worker"], comment_id=reported_once.pk)
    queue = list(moderation_queue(user=cast["supervisor"]))
    assert [c.pk for c in queue] == [hidden.pk, reported_once.pk]
    assert list(moderation_queue(user=cast["supervisor_next_street"])) == []
    assert list(moderation_queue(user=cast["resident"])) == []

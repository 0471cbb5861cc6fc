"""Every write of the debate on a topic: threaded comments with a stance, reports and
moderation, and amendments to the topic's text during collection.

Moderation never removes a comment: a comment reported by CONSULTATION_REPORTS_TO_HIDE
people is hidden pending review, a moderator hides or restores it with a reason, every
step is logged (ModerationLog) and the page shows "已被管理员隐藏" in its place.
"""

import uuid

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from common.errors import Conflict, InvalidInput, NotFound
from consultation import events
from consultation.access import topic_access
from consultation.models import (
    MAX_COMMENT_DEPTH,
    Amendment,
    AmendmentStatus,
    Comment,
    CommentReport,
    CommentStatus,
    ModerationAction,
    ModerationLog,
    Phase,
    Stance,
    Topic,
    TopicStatus,
)
from consultation.services import clean_text, idempotent, locked_topic

COMMENT_MAX = 2000
# Debate is open while a topic is proposed and until its vote ends.
DEBATE_PHASES = (None, Phase.COLLECT, Phase.DELIBERATE, Phase.VOTE)


def _check_debate_open(topic: Topic) -> None:
    if topic.status not in (TopicStatus.PROPOSED, TopicStatus.AGENDA):
        raise Conflict(_("该议题已不接受评论。"))
    if topic.phase not in DEBATE_PHASES:
        raise Conflict(_("该议题的讨论已结束。"))


def _topic_for_writing(actor: User, topic_id: int) -> Topic:
    topic = Topic.objects.select_related("area").filter(pk=topic_id).first()
    if topic is None or not topic_access(actor).may_read(topic):
        raise NotFound(_("议题不存在。"))
    topic_access(actor).require_take_part(topic)
    return topic


def comment_add(
    *,
    actor: User,
    topic_id: int,
    body: str,
    stance: str,
    parent_id: int | None = None,
    client_id: uuid.UUID | None = None,
) -> tuple[Comment, bool]:
    """议事: a comment (or a reply, three levels at most) by someone who takes part."""
    topic = _topic_for_writing(actor, topic_id)
    _check_debate_open(topic)
    body = clean_text(body, field="body", label=_("评论内容"), maximum=COMMENT_MAX)
    if stance not in Stance.values:
        raise InvalidInput(_("请选择立场：赞成、反对或中立。"), field="stance")
    depth = 1
    if parent_id is not None:
        parent = Comment.objects.filter(pk=parent_id, topic=topic).first()
        if parent is None:
            raise InvalidInput(_("所回复的评论不存在。"), field="parent")
        if parent.depth >= MAX_COMMENT_DEPTH:
            raise InvalidInput(_("回复最多三层，请回复上一层评论。"), field="parent")
        depth = parent.depth + 1

    def create() -> Comment:
        comment = Comment.objects.create(
            topic=topic,
            author=actor,
            parent_id=parent_id,
            depth=depth,
            stance=stance,
            body=body,
            client_id=client_id,
        )
        events.topic_emit(topic, events.TOPIC_COMMENT, comment=comment.pk)
        return comment

    return idempotent(create, actor, client_id, model=Comment, owner="author")


def _locked_comment(actor: User, comment_id: int) -> Comment:
    comment = (
        Comment.objects.select_for_update()
        .select_related("topic__area")
        .filter(pk=comment_id)
        .first()
    )
    if comment is None or not topic_access(actor).may_read(comment.topic):
        raise NotFound(_("评论不存在。"))
    return comment


@transaction.atomic
def comment_report(*, actor: User, comment_id: int, reason: str = "") -> Comment:
    """Report a comment; once per person. Enough reports hide it pending review."""
    comment = _locked_comment(actor, comment_id)
    topic_access(actor).require_take_part(comment.topic)
    if comment.author_id == actor.pk:
        raise Conflict(_("不能举报自己的评论。"))
    reason = clean_text(reason, field="reason", label=_("举报理由"), maximum=200, required=False)
    try:
        with transaction.atomic():
            CommentReport.objects.create(comment=comment, user=actor, reason=reason)
    except IntegrityError:
        return comment  # reported before: counted once
    Comment.objects.filter(pk=comment.pk).update(report_count=F("report_count") + 1)
    comment.refresh_from_db(fields=["report_count"])
    limit = settings.CONSULTATION_REPORTS_TO_HIDE
    if comment.status == CommentStatus.VISIBLE and comment.report_count >= limit:
        text = _("被 %(n)d 人举报，待管理员审核") % {"n": comment.report_count}
        _moderate(comment, CommentStatus.PENDING, ModerationAction.AUTO_HIDE, None, text)
    return comment


def _moderate(comment: Comment, status: str, action: str, actor: User | None, reason: str):
    comment.status = status
    fields = ["status"]
    if action == ModerationAction.RESTORE:
        comment.report_count = 0  # earlier reporters cannot report again (one each)
        fields.append("report_count")
    comment.save(update_fields=fields)
    ModerationLog.objects.create(comment=comment, action=action, actor=actor, reason=reason)
    events.topic_emit(comment.topic, events.TOPIC_MODERATION, comment=comment.pk)


@transaction.atomic
def comment_hide(*, actor: User, comment_id: int, reason: str) -> Comment:
    comment = _locked_comment(actor, comment_id)
    topic_access(actor).require_manage(comment.topic)
    reason = clean_text(reason, field="reason", label=_("隐藏理由"), maximum=300)
    if comment.status == CommentStatus.HIDDEN:
        raise Conflict(_("该评论已被隐藏。"))
    _moderate(comment, CommentStatus.HIDDEN, ModerationAction.HIDE, actor, reason)
    return comment


@transaction.atomic
def comment_restore(*, actor: User, comment_id: int, reason: str) -> Comment:
    comment = _locked_comment(actor, comment_id)
    topic_access(actor).require_manage(comment.topic)
    reason = clean_text(reason, field="reason", label=_("恢复理由"), maximum=300)
    if comment.status == CommentStatus.VISIBLE:
        raise Conflict(_("该评论未被隐藏。"))
    _moderate(comment, CommentStatus.VISIBLE, ModerationAction.RESTORE, actor, reason)
    return comment


# --- amendments -------------------------------------------------------------------------


def amendment_propose(
    *,
    actor: User,
    topic_id: int,
    text: str,
    reason: str = "",
    client_id: uuid.UUID | None = None,
) -> tuple[Amendment, bool]:
    """A new text for the topic's description, proposed during collection."""
    topic = _topic_for_writing(actor, topic_id)
    if topic.status != TopicStatus.AGENDA or topic.phase != Phase.COLLECT:
        raise Conflict(_("只有征集阶段可以提出修改建议。"))
    text = clean_text(text, field="text", label=_("修改后的说明"), maximum=5000)
    reason = clean_text(reason, field="reason", label=_("修改理由"), maximum=500, required=False)
    if text == topic.description:
        raise InvalidInput(_("修改后的说明与原文相同。"), field="text")

    def create() -> Amendment:
        amendment = Amendment.objects.create(
            topic=topic, author=actor, text=text, reason=reason, client_id=client_id
        )
        events.topic_emit(
            topic, events.TOPIC_AMENDMENT, amendment=amendment.pk, amendment_status=amendment.status
        )
        return amendment

    return idempotent(create, actor, client_id, model=Amendment, owner="author")


def may_decide_amendments(actor: User, topic: Topic) -> bool:
    """The initiator answers the amendments to their topic; the managing staff too
    (a topic they opened for a resident who has no account)."""
    return topic.initiator_id == actor.pk or topic_access(actor).may_manage(topic)


@transaction.atomic
def amendment_decide(*, actor: User, amendment_id: int, accept: bool, answer: str) -> Amendment:
    """The initiator accepts (the text replaces the description) or declines (an answer
    is required), publicly."""
    amendment = Amendment.objects.select_related("topic").filter(pk=amendment_id).first()
    if amendment is None or not topic_access(actor).may_read(amendment.topic):
        raise NotFound(_("修改建议不存在。"))
    topic = locked_topic(amendment.topic_id)
    if not may_decide_amendments(actor, topic):
        raise Conflict(_("只有议题发起人可以回应修改建议。"))
    amendment = Amendment.objects.select_for_update().get(pk=amendment_id)
    if amendment.status != AmendmentStatus.PROPOSED:
        raise Conflict(_("该修改建议已回应。"))
    answer = clean_text(answer, field="answer", label=_("回应"), maximum=500, required=not accept)
    if accept:
        if topic.phase != Phase.COLLECT:
            raise Conflict(_("征集阶段已结束，不能再修改议题说明。"))
        amendment.replaced_text, topic.description = topic.description, amendment.text
        topic.save(update_fields=["description", "updated_at"])
    amendment.status = AmendmentStatus.ACCEPTED if accept else AmendmentStatus.DECLINED
    amendment.answer, amendment.decided_by, amendment.decided_at = answer, actor, timezone.now()
    amendment.save()
    events.topic_emit(
        topic, events.TOPIC_AMENDMENT, amendment=amendment.pk, amendment_status=amendment.status
    )
    return amendment

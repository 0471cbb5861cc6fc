"""Every write of the opinion map: add a statement, moderate it, vote on it. Each is one
transaction, checked by opinions.access, ending with its event (opinions.events).
The map itself is written by opinions.compute."""

import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from common.errors import Conflict, InvalidInput, NotFound
from common.personal_data import mask_free_text
from consultation.models import Topic
from opinions import events
from opinions.access import opinion_access
from opinions.models import STATEMENT_LENGTH, Choice, Moderation, Statement, StatementVote

REASON_LENGTH = 200


def statement_add(
    *, actor: User, topic_id: int, text: str, client_id: uuid.UUID | None = None
) -> tuple[Statement, bool]:
    """Add a statement to a topic's map: accepted at once when a moderator writes it,
    pending otherwise. ID and phone numbers typed into it are masked before it is kept
    (it is meant for everyone). Returns (statement, created); a `client_id` sent again
    returns the first statement."""
    topic = _topic(topic_id)
    access = opinion_access(actor)
    access.require_read(topic)
    access.require_contribute(topic)
    text = _checked_text(text)
    accepted = access.moderates(topic)
    try:
        with transaction.atomic():
            statement = Statement.objects.create(
                topic=topic, text=text, author=actor, client_id=client_id,
                state=Moderation.ACCEPTED if accepted else Moderation.PENDING,
                moderated_by=actor if accepted else None,
                moderated_at=timezone.now() if accepted else None,
            )  # fmt: skip
            events.statement_emit(statement)
    except IntegrityError:
        first = Statement.objects.filter(client_id=client_id, author=actor).first()
        if client_id is None:
            raise
        if first is None:  # someone else's key: refused, never theirs returned
            raise Conflict(_("该提交编号已被使用，请刷新页面后重试。"), field="client_id") from None
        return first, False
    return statement, True


@transaction.atomic
def statement_moderate(
    *, actor: User, statement_id: int, accept: bool, reason: str = ""
) -> Statement:
    """Accept a pending statement, or reject it with a reason its author is shown.
    Deciding again the same way changes nothing (a retried tap)."""
    statement = _locked_statement(statement_id)
    access = opinion_access(actor)
    if not access.may_see(statement):
        raise NotFound(_("观点不存在。"))
    access.require_moderate(statement.topic)
    wanted = Moderation.ACCEPTED if accept else Moderation.REJECTED
    if statement.state == wanted:
        return statement
    if statement.state != Moderation.PENDING:
        raise Conflict(_("该观点已审核过。"))
    reason = mask_free_text((reason or "").strip())
    if not accept and not reason:
        raise InvalidInput(_("请填写未通过的原因。"), field="reason")
    if len(reason) > REASON_LENGTH:
        raise InvalidInput(_("原因不能超过200字。"), field="reason")
    statement.state = wanted
    statement.reason = "" if accept else reason
    statement.moderated_by = actor
    statement.moderated_at = timezone.now()
    statement.save(update_fields=["state", "reason", "moderated_by", "moderated_at", "updated_at"])
    events.statement_emit(statement)
    return statement


def statement_vote(*, actor: User, statement_id: int, choice: int) -> StatementVote:
    """Agree (1), disagree (−1) or pass (0) on an accepted statement; voting again changes
    the vote, and the same vote sent twice is one vote (a database constraint)."""
    if choice not in Choice.values:
        raise InvalidInput(_("请选择同意、不同意或跳过。"), field="choice")
    statement = Statement.objects.select_related("topic__area").filter(pk=statement_id).first()
    access = opinion_access(actor)
    if statement is None or not access.may_see(statement):
        raise NotFound(_("观点不存在。"))
    access.require_contribute(statement.topic)
    if statement.state != Moderation.ACCEPTED:
        raise Conflict(_("该观点尚未通过审核，不能表态。"))
    for _attempt in range(2):
        try:
            with transaction.atomic():
                vote, _created = StatementVote.objects.update_or_create(
                    statement=statement, participant=actor, defaults={"choice": choice}
                )
            return vote
        except IntegrityError:
            # two taps raced to create the vote: the second updates the first one's row
            continue
    raise Conflict(_("表态未能保存，请重试。"))


def _topic(topic_id: int) -> Topic:
    topic = Topic.objects.select_related("area").filter(pk=topic_id).first()
    if topic is None:
        raise NotFound(_("议题不存在。"))
    return topic


def _locked_statement(statement_id: int) -> Statement:
    statement = (
        Statement.objects.select_for_update(of=("self",))
        .select_related("topic__area")
        .filter(pk=statement_id)
        .first()
    )
    if statement is None:
        raise NotFound(_("观点不存在。"))
    return statement


def _checked_text(text: str) -> str:
    text = " ".join((text or "").split())
    if not text:
        raise InvalidInput(_("请写下您的观点。"), field="text")
    if len(text) > STATEMENT_LENGTH:
        raise InvalidInput(_("观点不能超过140字。"), field="text")
    return mask_free_text(text)

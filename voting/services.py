"""Every write to a ballot: create, open, close, cast, change. Each is atomic; refusals
are InvalidInput (422), NotPermitted (403) or Conflict (409) with a Chinese message.

A cast writes the Vote (who, when: the one-vote constraints, and the audit record that
someone voted), the Choice (what, with the receipt's hash; linked to the Vote only on an
open ballot) and, on an open ballot, the live tally and its event. Meeting results are in
voting.services_meeting.
"""

import datetime as dt
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from common.errors import Conflict, DomainError, InvalidInput, NotPermitted
from consultation.models import Phase, Topic, TopicStatus
from infra.db import insert_together, next_id, one_statement_inserts
from infra.django_private import ReusedUpdate
from realtime.publish import send_after_commit
from voting import eligibility, events, receipts, tally
from voting.access import BallotAccess, ballot_access
from voting.messages import rules_message, selection_message
from voting.models import (
    Ballot,
    BallotLog,
    Channel,
    Choice,
    Eligibility,
    Kind,
    LogAction,
    Option,
    Vote,
)
from voting.outcome import close_outcome
from voting.rules import Base, Rules, share_named, validate_rules
from voting.tally import YES_NO_KEYS, BallotSpec, OptionSpec, SelectionError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OptionIn:
    label: str
    cost: int = 0


YES_NO_LABELS = {"yes": "赞成", "no": "反对", "abstain": "弃权"}


# --- create ------------------------------------------------------------------------------


@transaction.atomic
def ballot_create(
    *,
    actor: User,
    topic: Topic,
    kind: str,
    question: str,
    eligibility_rule: str,
    rules: Rules,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    options: Sequence[OptionIn] = (),
    secret: bool = True,
    allow_change: bool = True,
    channel: str = Channel.ONLINE,
    min_choices: int = 1,
    max_choices: int = 1,
    budget: int = 0,
    description: str = "",
    client_id: uuid.UUID | None = None,
) -> Ballot:
    """A ballot on `topic`, scheduled to open and close at the given times."""
    if client_id and (existing := Ballot.objects.filter(client_id=client_id).first()):
        return existing
    if not ballot_access(actor).may_create_for(topic):
        raise NotPermitted(_("您无权为该议题发起表决。"))
    if topic.status != TopicStatus.AGENDA or topic.phase == Phase.CLOSED:
        raise Conflict(_("只有已列入议程、尚未结束的议题可以发起表决。"))
    _check_shape(kind, channel, eligibility_rule, question, opens_at, closes_at)
    if kind == Kind.YES_NO:
        options = [OptionIn(YES_NO_LABELS[k]) for k in YES_NO_KEYS]
        min_choices = max_choices = 1
    elif kind in (Kind.SINGLE, Kind.RANKED):
        min_choices, max_choices = 1, len(options)
    spec = _spec_for(kind, options, min_choices, max_choices, budget)
    try:
        tally.validate_spec(spec)
        validate_rules(tally.Kind(kind), rules)
    except (SelectionError, ValueError) as refused:
        raise InvalidInput(_shape_message(refused)) from refused
    ballot = Ballot.objects.create(
        topic=topic, kind=kind, question=question.strip(), description=description.strip(),
        eligibility=eligibility_rule, channel=channel, secret=secret, allow_change=allow_change,
        min_choices=min_choices, max_choices=max_choices, budget=budget,
        rules=rules.to_json(), opens_at=opens_at, closes_at=closes_at,
        created_by=actor, client_id=client_id,
    )  # fmt: skip
    Option.objects.bulk_create(
        Option(ballot=ballot, position=i, label=o.label.strip(), cost=o.cost,
               code=YES_NO_KEYS[i] if kind == Kind.YES_NO else "")
        for i, o in enumerate(options)
    )  # fmt: skip
    return ballot


def _check_shape(kind, channel, rule, question, opens_at, closes_at) -> None:
    if kind not in Kind.values:
        raise InvalidInput(_("表决方式无效。"), field="kind")
    if rule not in Eligibility.values:
        raise InvalidInput(_("投票资格无效。"), field="eligibility")
    if channel not in Channel.values:
        raise InvalidInput(_("表决形式无效。"), field="channel")
    if channel == Channel.MEETING and kind in (Kind.RANKED, Kind.BUDGET):
        raise InvalidInput(_("排序选择和预算分配不能在会议上举手表决，请选择线上投票。"))
    if not question.strip():
        raise InvalidInput(_("请填写表决事项。"), field="question")
    if closes_at <= opens_at:
        raise InvalidInput(_("截止时间必须晚于开始时间。"), field="closes_at")


def _spec_for(kind, options, min_choices, max_choices, budget) -> BallotSpec:
    keys = YES_NO_KEYS if kind == Kind.YES_NO else [str(i) for i in range(len(options))]
    specs = tuple(OptionSpec(k, o.cost) for k, o in zip(keys, options, strict=True))
    return BallotSpec(tally.Kind(kind), specs, min_choices, max_choices, budget)


def _shape_message(refused: Exception) -> str:
    if isinstance(refused, SelectionError):
        return selection_message(refused)
    return rules_message(str(refused))


_options_cache: dict[tuple[int, float], list[Option]] = {}


def options_of(ballot: Ballot) -> list[Option]:
    """A ballot's options, read once per process: nothing changes them after the ballot
    is created (no service does, the admin shows them read-only), and a cast needs them
    for every vote. Keyed by id and creation time, so a reused id is a new entry. Their
    `votes` here are stale: count from the database, never from these."""
    key = (ballot.pk, ballot.created_at.timestamp())
    if key not in _options_cache:
        if len(_options_cache) > 512:
            _options_cache.clear()
        _options_cache[key] = list(ballot.options.all())
    return _options_cache[key]


def spec_of(ballot: Ballot, options: Sequence[Option] | None = None) -> BallotSpec:
    """The tally engine's view of a stored ballot."""
    options = list(ballot.options.all()) if options is None else options
    return BallotSpec(
        tally.Kind(ballot.kind),
        tuple(OptionSpec(o.key, o.cost) for o in options),
        ballot.min_choices,
        ballot.max_choices,
        ballot.budget,
    )


# --- open and close ----------------------------------------------------------------------


@transaction.atomic
def ballot_open(*, ballot: Ballot, actor: User | None = None) -> Ballot:
    """Open voting: by a manager (early, too: the ages are then counted at that day), or
    by the scheduler when `opens_at` has come (actor None)."""
    ballot = _locked(ballot)
    if actor is not None:
        ballot_access(actor).require_manage(ballot)
    if ballot.state != "scheduled":
        raise Conflict(_("该表决已经开始或已结束。"))
    now = timezone.now()
    if now >= ballot.closes_at:
        raise Conflict(_("该表决的截止时间已过，不能开始。"))
    ballot.opened_at = now
    ballot.opens_at = min(ballot.opens_at, now)
    ballot.save(update_fields=["opened_at", "opens_at", "updated_at"])
    BallotLog.objects.create(ballot=ballot, action=LogAction.OPENED, actor=actor)
    events.ballot_opened(ballot)
    return ballot


@transaction.atomic
def ballot_close(*, ballot: Ballot, actor: User | None = None, minutes: str = "") -> Ballot:
    """Close voting and compute the outcome (voting.outcome); by a manager, or by the
    scheduler when `closes_at` has come. A meeting's ballot closes when its result is
    signed off (voting.services_meeting)."""
    ballot = _locked(ballot)
    if actor is not None:
        ballot_access(actor).require_manage(ballot)
    if ballot.state != "open":
        raise Conflict(_("只有投票中的表决可以结束。"))
    if ballot.channel == Channel.MEETING:
        raise Conflict(_("会议表决在会议结果复核后自动结束。"))
    close_outcome(ballot, spec_of(ballot))
    if minutes.strip():
        ballot.minutes = minutes.strip()
    ballot.closed_at = timezone.now()
    ballot.save(update_fields=["closed_at", "outcome", "votes_cast", "minutes", "updated_at"])
    BallotLog.objects.create(ballot=ballot, action=LogAction.CLOSED, actor=actor)
    events.ballot_closed(ballot)
    return ballot


@transaction.atomic
def ballot_publish(
    *, actor: User, ballot: Ballot, minutes: str, publish_until: dt.date | None
) -> Ballot:
    """Record a closed ballot's minutes and the last day of its 公示 (managers)."""
    ballot = _locked(ballot)
    ballot_access(actor).require_manage(ballot)
    if ballot.closed_at is None:
        raise Conflict(_("表决结束后才能公示结果。"))
    if publish_until and publish_until < timezone.localdate(ballot.closed_at):
        raise InvalidInput(_("公示截止日期不能早于表决结束日期。"), field="publish_until")
    ballot.minutes, ballot.publish_until = minutes.strip(), publish_until
    ballot.save(update_fields=["minutes", "publish_until", "updated_at"])
    return ballot


def _locked(ballot: Ballot) -> Ballot:
    return Ballot.objects.select_for_update().select_related("topic__area").get(pk=ballot.pk)


def ballots_due(now: dt.datetime | None = None) -> tuple[int, int]:
    """Open the online ballots whose opening has come and close those whose closing has:
    the scheduler's job. Returns (opened, closed)."""
    now = now or timezone.now()
    online = Ballot.objects.filter(channel=Channel.ONLINE)
    opened = closed = 0
    for ballot in online.filter(opened_at__isnull=True, opens_at__lte=now, closes_at__gt=now):
        opened += _due(ballot_open, ballot)
    for ballot in online.filter(opened_at__isnull=False, closed_at__isnull=True,
                                closes_at__lte=now):  # fmt: skip
        closed += _due(ballot_close, ballot)
    return opened, closed


def _due(action, ballot: Ballot) -> int:
    """One ballot's opening or closing; one a manager moved meanwhile is skipped, and
    does not hold up the others."""
    try:
        action(ballot=ballot)
    except DomainError:
        log.info("ballot %s: already moved, skipped", ballot.pk)
        return 0
    return 1


# --- cast and change ---------------------------------------------------------------------


@dataclass(frozen=True)
class Cast:
    vote: Vote
    receipt: str | None  # None on a retry that did not send the code again
    created: bool


def ballot_cast(
    *,
    actor: User,
    ballot: Ballot,
    selection: Sequence[str],
    client_id: uuid.UUID,
    receipt: str = "",
    access: BallotAccess | None = None,
) -> Cast:
    """Cast `actor`'s vote; a retry with the same `client_id` returns the first one.

    `selection` names options by key (yes/no ballots: yes, no, abstain). `receipt` may be
    the client's own code (so a retry still knows it); otherwise one is made. `access`:
    the caller's policy for `actor`, when it already built it."""
    (access or ballot_access(actor)).require_read(ballot)
    try:
        _require_voting(ballot)
    except Conflict:
        # a phone retrying after the close: its vote, cast in time, is the answer
        earlier = Vote.objects.filter(client_id=client_id, user=actor, ballot=ballot).first()
        if earlier is None:
            raise
        return Cast(earlier, None, False)
    voter = eligibility.voter_for(actor, ballot)
    options = options_of(ballot)
    chosen = _validated(ballot, options, selection)
    code = receipts.normalise(receipt) if receipt else receipts.new_receipt()
    if code is None:
        raise InvalidInput(_("回执码格式不正确。"), field="receipt")
    try:
        vote = _write_cast(ballot, options, voter, actor, chosen, client_id, code)
    except IntegrityError:
        return _refused_or_retry(ballot, actor, voter, client_id, code)
    return Cast(vote, code, True)


@transaction.atomic
def _write_cast(ballot, options, voter, actor, chosen, client_id, code) -> Vote:
    """The Vote (which is also the audit record that this person voted, and when), the
    Choice, and on an open ballot the tally's event — one statement on PostgreSQL — then
    the live count, last, so its row locks are held for the shortest time."""
    household = voter.household_id if ballot.eligibility == Eligibility.HOUSEHOLD else None
    vote = Vote(ballot=ballot, resident_id=voter.pk, household_id=household, user=actor,
                client_id=client_id)  # fmt: skip
    together = one_statement_inserts()
    if together:
        vote.pk = next_id(Vote)  # the Choice refers to it in the same statement
    else:
        vote.save(force_insert=True)
    choice = Choice(ballot=ballot, vote=None if ballot.secret else vote,
                    selection=list(chosen), receipt=receipts.digest(code))  # fmt: skip
    delta = _delta(ballot, old=(), new=chosen)
    event = events.tally_event(ballot, delta=delta)
    rows = [choice, *([event] if event else [])]
    insert_together(*([vote, *rows] if together else rows))
    if event:
        send_after_commit(event)
        _move_tally(options, delta)
    return vote


def _refused_or_retry(ballot, actor, voter, client_id, code) -> Cast:
    """The insert hit a constraint: a retry of this cast, or a second vote."""
    retry = Vote.objects.filter(client_id=client_id).first()
    if retry is not None:
        if retry.user_id != actor.pk or retry.ballot_id != ballot.pk:
            raise Conflict(_("请求编号已被使用。"), field="client_id")
        known = Choice.objects.filter(ballot=ballot, receipt=receipts.digest(code)).exists()
        return Cast(retry, code if known else None, False)
    if Vote.objects.filter(ballot=ballot, resident_id=voter.pk).exists():
        raise Conflict(_("您已经投过票了。"))
    if ballot.eligibility == Eligibility.HOUSEHOLD:
        raise Conflict(_("您家已经有成员投过票了，每户只能投一票。"))
    raise Conflict(_("回执码已被使用，请重新提交。"), field="receipt")


@transaction.atomic
def ballot_change(
    *, actor: User, ballot: Ballot, selection: Sequence[str], receipt: str = ""
) -> Vote:
    """Replace `actor`'s choice while the ballot is open, where it allows changes. On a
    secret ballot the receipt code finds the ballot paper: nothing else links them."""
    ballot_access(actor).require_read(ballot)
    _require_voting(ballot)
    if not ballot.allow_change:
        raise Conflict(_("本次表决投票后不能修改。"))
    voter = eligibility.voter_for(actor, ballot)
    vote = Vote.objects.select_for_update().filter(ballot=ballot, resident_id=voter.pk).first()
    if vote is None:
        raise Conflict(_("您还没有投票。"))
    options = list(ballot.options.all())
    chosen = _validated(ballot, options, selection)
    choice = _own_choice(ballot, vote, receipt)
    old = tuple(choice.selection)
    choice.selection = list(chosen)
    choice.save(update_fields=["selection"])
    Vote.objects.filter(pk=vote.pk).update(changed_at=timezone.now(), changes=F("changes") + 1)
    BallotLog.objects.create(ballot=ballot, action=LogAction.CHANGED, actor=actor)
    delta = _delta(ballot, old=old, new=chosen)
    event = events.tally_event(ballot, delta=delta)
    if event and delta:
        event.save()
        send_after_commit(event)
        _move_tally(options, delta)
    return vote


def _own_choice(ballot: Ballot, vote: Vote, receipt: str) -> Choice:
    if not ballot.secret:
        return Choice.objects.select_for_update().get(vote=vote)
    code = receipts.normalise(receipt or "")
    if code is None:
        raise InvalidInput(_("无记名投票改票需要输入投票时获得的回执码。"), field="receipt")
    choice = (
        Choice.objects.select_for_update()
        .filter(ballot=ballot, receipt=receipts.digest(code))
        .first()
    )
    if choice is None:
        raise InvalidInput(_("回执码不正确。"), field="receipt")
    return choice


def _require_voting(ballot: Ballot) -> None:
    if ballot.channel == Channel.MEETING:
        raise Conflict(_("该事项在会议上表决，不接受线上投票。"))
    if not ballot.is_open or timezone.now() >= ballot.closes_at:
        raise Conflict(_("该表决当前不在投票时间内。"))


def _validated(ballot: Ballot, options: Sequence[Option], selection) -> tuple[str, ...]:
    if isinstance(selection, str) or not all(isinstance(k, str | int) for k in selection):
        raise InvalidInput(_("选择格式不正确。"), field="selection")
    try:
        return tally.validate(spec_of(ballot, options), [str(k) for k in selection])
    except SelectionError as refused:
        raise InvalidInput(selection_message(refused), field="selection") from refused


def _delta(ballot: Ballot, *, old, new) -> dict[str, int]:
    """How one vote moves the live count: ranked ballots count first preferences live
    (the rounds come at close)."""
    if ballot.kind == Kind.RANKED:
        old, new = old[:1], new[:1]
    return {k: v for k, v in tally.apply_delta({}, old, new).items() if v}


def _move_tally(options: Sequence[Option], delta: dict[str, int]) -> None:
    """Move the live count of an open ballot, one option row at a time in id order, so
    two changes in opposite directions always lock the rows in the same order (a single
    UPDATE of several rows locks them in scan order, which PostgreSQL does not fix)."""
    by_key = {o.key: o.pk for o in options}
    for option_id, step in sorted((by_key[k], v) for k, v in delta.items()):
        _move_one.run(option_id, step)


_move_one = ReusedUpdate(
    lambda option_id, step: (Option.objects.filter(pk=option_id), {"votes": F("votes") + step}),
    int,
    int,
)


def rules_from(*, quorum: str | None, threshold: str | None, base: str = "cast") -> Rules:
    """A rule set from a form's or a request's choices (share names as voting.rules reads
    them: more_than_half, two_thirds, three_quarters, percent:<n>; empty for none)."""
    try:
        return Rules(
            quorum=share_named(quorum) if quorum else None,
            threshold=share_named(threshold) if threshold else None,
            base=Base(base),
        )
    except ValueError as exc:
        raise InvalidInput(_("法定参与或通过比例的设置无效。"), field="rules") from exc

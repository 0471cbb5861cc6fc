"""A ballot taken at a meeting (show of hands or paper): staff enter the figures and the
attendance; a second, different manager signs them off, and only then is the ballot
closed with its outcome. The entry can be corrected until it is signed off."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from common.errors import Conflict, InvalidInput, NotPermitted
from voting import events
from voting.access import ballot_access
from voting.models import Ballot, BallotLog, Channel, Kind, LogAction, MeetingResult
from voting.outcome import meeting_outcome
from voting.services import spec_of


@transaction.atomic
def meeting_enter(
    *,
    actor: User,
    ballot: Ballot,
    method: str,
    held_on: dt.date,
    expected: int,
    attended: int,
    counts: dict[str, int],
    place: str = "",
    minutes: str = "",
) -> MeetingResult:
    """Record (or correct, until signed off) a meeting's result."""
    ballot = Ballot.objects.select_for_update().select_related("topic__area").get(pk=ballot.pk)
    ballot_access(actor).require_manage(ballot)
    if ballot.channel != Channel.MEETING or ballot.closed_at:
        raise Conflict(_("只有尚未结束的会议表决可以录入结果。"))
    spec = spec_of(ballot)
    counts = _checked_counts(ballot.kind, spec.keys, counts, expected, attended)
    values = {"method": method, "held_on": held_on, "place": place.strip(),
              "expected": expected, "attended": attended, "counts": counts,
              "minutes": minutes.strip(), "entered_by": actor}  # fmt: skip
    existing = MeetingResult.objects.filter(ballot=ballot).first()
    if existing and existing.signed_off_at:
        raise Conflict(_("会议结果已复核，不能再修改。"))
    result, _created = MeetingResult.objects.update_or_create(ballot=ballot, defaults=values)
    BallotLog.objects.create(ballot=ballot, action=LogAction.MEETING_ENTERED, actor=actor)
    return result


def _checked_counts(kind, keys, counts, expected, attended) -> dict[str, int]:
    if not 0 < attended <= expected:
        raise InvalidInput(_("实到人数须大于零且不超过应到人数。"), field="attended")
    clean = {}
    for key in keys:
        value = counts.get(key, 0)
        if not isinstance(value, int) or value < 0:
            raise InvalidInput(_("票数必须是非负整数。"), field="counts")
        clean[key] = value
    if set(counts) - set(keys):
        raise InvalidInput(_("所填选项不属于本次表决。"), field="counts")
    # One hand (or paper) per person present: a single answer adds up to at most those
    # present; on a multiple-choice ballot each option does.
    total = max(clean.values()) if kind == Kind.MULTIPLE else sum(clean.values())
    if total > attended:
        raise InvalidInput(_("票数合计不能超过实到人数。"), field="counts")
    return clean


@transaction.atomic
def meeting_sign_off(*, actor: User, ballot: Ballot) -> Ballot:
    """A second manager confirms the entered result; the ballot closes with its outcome."""
    ballot = Ballot.objects.select_for_update().select_related("topic__area").get(pk=ballot.pk)
    result = MeetingResult.objects.select_for_update().filter(ballot=ballot).first()
    if result is None:
        raise Conflict(_("尚未录入会议结果。"))
    access = ballot_access(actor)
    access.require_manage(ballot)
    if not access.may_sign_off(result):
        raise NotPermitted(_("会议结果须由录入人以外的另一名工作人员复核。"))
    if result.signed_off_at:
        raise Conflict(_("会议结果已复核。"))
    now = timezone.now()
    result.signed_off_by, result.signed_off_at = actor, now
    result.save(update_fields=["signed_off_by", "signed_off_at"])
    meeting_outcome(ballot, spec_of(ballot), attended=result.attended,
                    expected=result.expected, counts=result.counts)  # fmt: skip
    ballot.minutes = ballot.minutes or result.minutes
    ballot.opened_at = ballot.opened_at or now
    ballot.closed_at = now
    ballot.save()
    BallotLog.objects.create(ballot=ballot, action=LogAction.MEETING_SIGNED, actor=actor)
    events.ballot_closed(ballot)
    return ballot

"""Closing a ballot: the outcome with its arithmetic, opening and closing by date, and a
meeting's result counting only once a second staff member signs it off."""

import datetime as dt

import pytest
from django.utils import timezone

from common.errors import Conflict, InvalidInput, NotPermitted
from tests.factories import user_with_role
from tests.voting.conftest import COMMUNITY, cast, key, make_ballot, voter
from voting import services
from voting.models import Ballot, Option
from voting.rules import Rules, share_named
from voting.services_meeting import meeting_enter, meeting_sign_off

pytestmark = pytest.mark.django_db


def test_closing_computes_the_outcome_with_quorum_and_threshold(areas, topic, clerk):
    rules = Rules(quorum=share_named("more_than_half"), threshold=share_named("two_thirds"))
    ballot = make_ballot(topic, clerk, rules=rules)
    voters = [voter(areas) for _ in range(4)]  # 4 eligible; 3 vote: 2 yes of 3 = 2/3
    for user, choice in zip(voters, ("yes", "yes", "no"), strict=False):
        cast(user, ballot, choice)
    ballot = services.ballot_close(ballot=ballot, actor=clerk, minutes="业主大会表决")
    outcome = ballot.outcome
    assert (outcome["eligible"], outcome["cast"]) == (4, 3)
    assert outcome["quorum"]["needed"] == 3 and outcome["quorum"]["met"]
    assert outcome["threshold"]["needed"] == 2
    assert outcome["result"] == "passed"
    assert (ballot.votes_cast, ballot.minutes) == (3, "业主大会表决")
    assert dict(Option.objects.filter(ballot=ballot).values_list("code", "votes"))["yes"] == 2


def test_a_ranked_ballot_closes_with_its_rounds(areas, topic, clerk):
    ballot = make_ballot(
        topic, clerk, kind="ranked", rules=Rules(None, None),
        options=[services.OptionIn(x) for x in ("东门", "西门", "南门")],
    )  # fmt: skip
    a, b, c = (key(ballot, i) for i in range(3))
    for ranking in [(a, b)] * 2 + [(b, a)] * 2 + [(c, b)]:
        cast(voter(areas), ballot, *ranking)
    outcome = services.ballot_close(ballot=ballot, actor=clerk).outcome
    assert [r["eliminated"] for r in outcome["rounds"]] == [c, None]
    assert outcome["adopted"] == [b]


def test_ballots_open_and_close_by_their_dates(areas, topic, clerk):
    ballot = make_ballot(topic, clerk, open_now=False)
    assert services.ballots_due() == (1, 0)
    Ballot.objects.filter(pk=ballot.pk).update(closes_at=timezone.now())
    assert services.ballots_due() == (0, 1)
    ballot.refresh_from_db()
    assert ballot.state == "closed" and ballot.outcome["result"] == "failed"


def test_a_future_ballot_is_not_opened_early_by_the_job(areas, topic, clerk):
    ballot = make_ballot(topic, clerk, open_now=False)
    Ballot.objects.filter(pk=ballot.pk).update(opens_at=timezone.now() + dt.timedelta(hours=1))
    assert services.ballots_due() == (0, 0)


def meeting_ballot(topic, clerk):
    return make_ballot(topic, clerk, channel="meeting", open_now=False, secret=False)


def test_a_meeting_result_counts_only_once_another_staff_member_signs_it_off(areas, topic, clerk):
    ballot = meeting_ballot(topic, clerk)
    meeting_enter(actor=clerk, ballot=ballot, method="hands", held_on=dt.date(2026, 11, 30),
                  expected=60, attended=45, counts={"yes": 30, "no": 10, "abstain": 5},
                  minutes="居民代表会议，举手表决")  # fmt: skip
    ballot.refresh_from_db()
    assert ballot.outcome is None and ballot.closed_at is None
    with pytest.raises(NotPermitted, match="另一名工作人员"):
        meeting_sign_off(actor=clerk, ballot=ballot)
    second = user_with_role("clerk", areas[COMMUNITY])
    ballot = meeting_sign_off(actor=second, ballot=ballot)
    assert ballot.state == "closed"
    assert ballot.outcome["result"] == "passed"
    assert (ballot.outcome["eligible"], ballot.outcome["cast"]) == (60, 45)
    assert ballot.minutes == "居民代表会议，举手表决"


def test_a_meeting_result_with_more_votes_than_attendance_is_refused(areas, topic, clerk):
    ballot = meeting_ballot(topic, clerk)
    with pytest.raises(InvalidInput, match="不能超过实到人数"):
        meeting_enter(actor=clerk, ballot=ballot, method="paper", held_on=dt.date(2026, 11, 30),
                      expected=60, attended=20, counts={"yes": 15, "no": 10})  # fmt: skip


def test_a_meeting_ballot_takes_no_online_votes_and_no_early_close(areas, topic, clerk):
    ballot = meeting_ballot(topic, clerk)
    ballot = services.ballot_open(ballot=ballot, actor=clerk)
    with pytest.raises(Conflict, match="会议上表决"):
        cast(voter(areas), ballot, "yes")
    with pytest.raises(Conflict):
        services.ballot_close(ballot=ballot, actor=clerk)


def test_a_signed_off_result_cannot_be_changed(areas, topic, clerk):
    ballot = meeting_ballot(topic, clerk)
    values = dict(method="hands", held_on=dt.date(2026, 11, 30), expected=10, attended=8,
                  counts={"yes": 5, "no": 3})  # fmt: skip
    meeting_enter(actor=clerk, ballot=ballot, **values)
    meeting_sign_off(actor=user_with_role("clerk", areas[COMMUNITY]), ballot=ballot)
    with pytest.raises(Conflict):
        meeting_enter(actor=clerk, ballot=ballot, **values)


def test_a_secret_ballots_papers_are_rewritten_at_close_and_receipts_still_check(
    areas, topic, clerk
):
    from voting.models import Choice
    from voting.selectors import receipt_counted

    ballot = make_ballot(topic, clerk, secret=True)
    receipts = [cast(voter(areas), ballot, choice).receipt for choice in ("yes", "no", "yes")]
    before = set(Choice.objects.filter(ballot=ballot).values_list("pk", flat=True))
    ballot = services.ballot_close(ballot=ballot, actor=clerk)
    after = set(Choice.objects.filter(ballot=ballot).values_list("pk", flat=True))
    assert len(after) == 3 and not before & after
    assert all(receipt_counted(ballot=ballot, code=code) for code in receipts)
    assert ballot.outcome["counts"] == {"yes": 2, "no": 1, "abstain": 0}

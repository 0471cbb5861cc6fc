"""Casting and changing votes: the one-vote rules, idempotent retries, the live tally
of open ballots and the receipt of secret ones."""

import uuid

import pytest

from common.errors import Conflict, InvalidInput, NotPermitted
from tests.voting.conftest import cast, key, make_ballot, voter
from voting import receipts, services
from voting.models import BallotLog, Choice, Option, Vote

pytestmark = pytest.mark.django_db


def test_a_cast_records_who_voted_apart_from_what_they_chose(areas, topic, clerk):
    ballot = make_ballot(topic, clerk, secret=True)
    result = cast(voter(areas), ballot, "yes")
    choice = Choice.objects.get(ballot=ballot)
    assert choice.vote is None
    assert choice.selection == ["yes"]
    assert choice.receipt == receipts.digest(result.receipt)
    assert Vote.objects.filter(ballot=ballot).count() == 1
    assert not any(f.name in ("selection", "receipt") for f in Vote._meta.get_fields())


def test_a_retry_with_the_same_client_id_returns_the_first_vote(areas, topic, clerk):
    ballot = make_ballot(topic, clerk)
    user, client_id = voter(areas), uuid.uuid4()
    first = services.ballot_cast(actor=user, ballot=ballot, selection=["yes"], client_id=client_id)
    again = services.ballot_cast(
        actor=user, ballot=ballot, selection=["yes"], client_id=client_id, receipt=first.receipt
    )
    assert (again.vote.pk, again.created, again.receipt) == (first.vote.pk, False, first.receipt)
    assert Choice.objects.filter(ballot=ballot).count() == 1


def test_a_second_vote_by_the_same_person_is_refused(areas, topic, clerk):
    ballot = make_ballot(topic, clerk)
    user = voter(areas)
    cast(user, ballot, "yes")
    with pytest.raises(Conflict, match="已经投过票"):
        cast(user, ballot, "no")
    assert Choice.objects.filter(ballot=ballot).count() == 1


def test_a_client_supplied_receipt_is_kept_in_its_canonical_form(areas, topic, clerk):
    ballot = make_ballot(topic, clerk)
    result = cast(voter(areas), ballot, "no", receipt="abcd efgh jkmn")
    assert result.receipt == "ABCD-EFGH-JKMN"
    with pytest.raises(InvalidInput):
        cast(voter(areas), ballot, "no", receipt="short")


def test_an_open_ballot_keeps_a_live_tally(areas, topic, clerk):
    ballot = make_ballot(topic, clerk, secret=False)
    for choice in ("yes", "yes", "no"):
        cast(voter(areas), ballot, choice)
    assert dict(Option.objects.filter(ballot=ballot).values_list("code", "votes")) == {
        "yes": 2, "no": 1, "abstain": 0,
    }  # fmt: skip


def test_a_secret_ballot_keeps_no_running_count(areas, topic, clerk):
    ballot = make_ballot(topic, clerk, secret=True)
    cast(voter(areas), ballot, "yes")
    assert set(Option.objects.filter(ballot=ballot).values_list("votes", flat=True)) == {0}


def test_an_open_ballot_change_moves_the_tally(areas, topic, clerk):
    ballot = make_ballot(topic, clerk, secret=False)
    user = voter(areas)
    cast(user, ballot, "yes")
    services.ballot_change(actor=user, ballot=ballot, selection=["no"])
    assert dict(Option.objects.filter(ballot=ballot).values_list("code", "votes")) == {
        "yes": 0, "no": 1, "abstain": 0,
    }  # fmt: skip
    vote = Vote.objects.get(ballot=ballot)
    assert vote.changes == 1 and vote.changed_at is not None
    assert list(BallotLog.objects.filter(ballot=ballot).values_list("action", flat=True)) == [
        "opened", "changed",
    ]  # fmt: skip


def test_a_secret_ballot_change_needs_the_receipt(areas, topic, clerk):
    ballot = make_ballot(topic, clerk, secret=True)
    user = voter(areas)
    first = cast(user, ballot, "yes")
    with pytest.raises(InvalidInput, match="回执码"):
        services.ballot_change(actor=user, ballot=ballot, selection=["no"])
    with pytest.raises(InvalidInput, match="回执码不正确"):
        services.ballot_change(
            actor=user, ballot=ballot, selection=["no"], receipt=receipts.new_receipt()
        )
    services.ballot_change(actor=user, ballot=ballot, selection=["no"], receipt=first.receipt)
    assert Choice.objects.get(ballot=ballot).selection == ["no"]


def test_a_ballot_without_changes_refuses_a_change(areas, topic, clerk):
    ballot = make_ballot(topic, clerk, secret=False, allow_change=False)
    user = voter(areas)
    cast(user, ballot, "yes")
    with pytest.raises(Conflict, match="不能修改"):
        services.ballot_change(actor=user, ballot=ballot, selection=["no"])


def test_a_change_before_voting_is_refused(areas, topic, clerk):
    ballot = make_ballot(topic, clerk, secret=False)
    with pytest.raises(Conflict, match="还没有投票"):
        services.ballot_change(actor=voter(areas), ballot=ballot, selection=["no"])


def test_no_vote_before_opening_or_after_closing(areas, topic, clerk):
    ballot = make_ballot(topic, clerk, open_now=False)
    with pytest.raises(Conflict, match="不在投票时间"):
        cast(voter(areas), ballot, "yes")
    ballot = services.ballot_open(ballot=ballot, actor=clerk)
    services.ballot_close(ballot=ballot, actor=clerk)
    ballot.refresh_from_db()
    with pytest.raises(Conflict, match="不在投票时间"):
        cast(voter(areas), ballot, "yes")


def test_an_invalid_selection_is_refused_in_chinese(areas, topic, clerk):
    ballot = make_ballot(
        topic, clerk, kind="multiple", min_choices=2, max_choices=2,
        options=[services.OptionIn(x) for x in ("甲", "乙", "丙")],
    )  # fmt: skip
    with pytest.raises(InvalidInput, match="请选择2至2项"):
        cast(voter(areas), ballot, key(ballot, 0))


def test_a_budget_selection_over_the_budget_is_refused(areas, topic, clerk):
    ballot = make_ballot(
        topic, clerk, kind="budget", min_choices=1, max_choices=3, budget=100_000,
        rules=services.Rules(quorum=None, threshold=None),
        options=[services.OptionIn("座椅", 60_000), services.OptionIn("路灯", 40_000),
                 services.OptionIn("绿化", 30_000)],
    )  # fmt: skip
    with pytest.raises(InvalidInput, match="超出预算"):
        cast(voter(areas), ballot, key(ballot, 0), key(ballot, 1), key(ballot, 2))
    assert cast(voter(areas), ballot, key(ballot, 0), key(ballot, 1)).created


def test_only_managers_create_open_and_close(areas, topic, clerk):
    with pytest.raises(NotPermitted):
        make_ballot(topic, voter(areas), open_now=False)
    ballot = make_ballot(topic, clerk, open_now=False)
    with pytest.raises(NotPermitted):
        services.ballot_open(ballot=ballot, actor=voter(areas))


def test_only_a_topic_on_the_agenda_and_not_closed_takes_a_ballot(areas, topic, clerk):
    topic.status, topic.phase = "proposed", None
    topic.save()
    with pytest.raises(Conflict, match="已列入议程"):
        make_ballot(topic, clerk, open_now=False)
    topic.status, topic.phase = "agenda", "closed"
    topic.save()
    with pytest.raises(Conflict, match="已列入议程"):
        make_ballot(topic, clerk, open_now=False)

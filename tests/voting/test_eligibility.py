"""Who may vote, from the register: adults of the scope at the opening date; one vote
per household by any adult member; representatives by their term."""

import datetime as dt

import pytest

from common.errors import Conflict, NotFound, NotPermitted
from tests.factories import make_resident
from tests.voting.conftest import (
    GRID,
    NEXT_COMMUNITY_GRID,
    NEXT_GRID,
    cast,
    make_ballot,
    make_topic,
    member,
    moved_out,
    user_for,
    voter,
)
from voting.eligibility import adult_cutoff, eligible_count
from voting.models import Representative, Vote

pytestmark = pytest.mark.django_db


def household_with(areas, *borns: str):
    """A household in GRID whose head is an adult, plus members born on `borns`."""
    head = make_resident("310101001001001", name="户主")
    return head, [member(head.household, born=b) for b in borns]


def test_a_person_is_of_age_on_their_18th_birthday():
    assert adult_cutoff(dt.date(2026, 12, 1)) == dt.date(2008, 12, 1)
    assert adult_cutoff(dt.date(2028, 2, 29)) == dt.date(2010, 2, 28)


def test_a_minor_may_not_vote(areas, topic, clerk):
    ballot = make_ballot(topic, clerk)
    _head, (child,) = household_with(areas, "20150101")
    with pytest.raises(NotPermitted, match="年满18周岁"):
        cast(user_for(child, areas), ballot, "yes")


def test_age_is_counted_at_the_opening_date(areas, topic, clerk):
    ballot = make_ballot(topic, clerk)
    day = ballot.opening_date
    just_of_age = adult_cutoff(day).strftime("%Y%m%d")
    one_day_short = (adult_cutoff(day) + dt.timedelta(days=1)).strftime("%Y%m%d")
    _head, (of_age, short) = household_with(areas, just_of_age, one_day_short)
    assert cast(user_for(of_age, areas), ballot, "yes").created
    with pytest.raises(NotPermitted):
        cast(user_for(short, areas), ballot, "yes")


def test_a_moved_out_member_may_not_vote(areas, topic, clerk):
    ballot = make_ballot(topic, clerk)
    _head, (gone,) = household_with(areas, "19900101")
    user = user_for(gone, areas)
    moved_out(gone)
    with pytest.raises(NotPermitted, match="不在本地居住"):
        cast(user, ballot, "yes")


def test_a_resident_outside_the_topics_area_may_not_vote(areas, clerk):
    # A grid's topic: the next grid's residents read it (the community's record) but
    # do not vote on it; the next community's do not even find it.
    ballot = make_ballot(make_topic(areas, GRID), clerk)
    assert cast(voter(areas, GRID), ballot, "yes").created
    with pytest.raises(NotPermitted, match="本议题范围"):
        cast(voter(areas, NEXT_GRID), ballot, "yes")
    with pytest.raises(NotFound):
        cast(voter(areas, NEXT_COMMUNITY_GRID), ballot, "yes")


def test_a_user_without_a_register_link_may_not_vote(areas, topic, clerk):
    ballot = make_ballot(topic, clerk)
    with pytest.raises(NotPermitted, match="居民认证"):
        cast(clerk, ballot, "yes")


def test_a_household_votes_once_and_the_second_member_is_not_told_who(areas, topic, clerk):
    ballot = make_ballot(topic, clerk, eligibility_rule="household")
    head, (spouse,) = household_with(areas, "19880101")
    cast(user_for(head, areas, "户主"), ballot, "yes")
    with pytest.raises(Conflict) as refused:
        cast(user_for(spouse, areas, "配偶"), ballot, "no")
    assert str(refused.value) == "您家已经有成员投过票了，每户只能投一票。"
    assert "户主" not in str(refused.value)
    assert Vote.objects.filter(ballot=ballot).count() == 1


def test_household_ballots_count_households_with_an_adult(areas, topic, clerk):
    ballot = make_ballot(topic, clerk, eligibility_rule="household")
    household_with(areas, "19880101", "20150101")  # two adults and a child: one household
    head, _members = household_with(areas)
    moved_out(head)  # the only adult moved out: no vote
    _gone_head, (_child,) = household_with(areas, "20160101")
    moved_out(_gone_head)  # only a child left: no vote
    assert eligible_count(ballot) == 1


def test_person_ballots_count_present_adults(areas, topic, clerk):
    ballot = make_ballot(topic, clerk)
    household_with(areas, "19880101", "20150101")  # 2 adults, 1 minor
    head, _members = household_with(areas)
    moved_out(head)
    make_resident(NEXT_COMMUNITY_GRID)  # outside the topic's community
    assert eligible_count(ballot) == 2


def test_representative_ballots_admit_representatives_in_their_term(areas, topic, clerk):
    ballot = make_ballot(topic, clerk, eligibility_rule="representatives")
    rep, former, plain = (make_resident("310101001001001") for _ in range(3))
    day = ballot.opening_date
    Representative.objects.create(resident=rep, since=day - dt.timedelta(days=300),
                                  added_by=clerk)  # fmt: skip
    Representative.objects.create(resident=former, since=day - dt.timedelta(days=900),
                                  until=day - dt.timedelta(days=1), added_by=clerk)  # fmt: skip
    assert cast(user_for(rep, areas), ballot, "yes").created
    for other in (former, plain):
        with pytest.raises(NotPermitted, match="居民代表"):
            cast(user_for(other, areas), ballot, "yes")
    assert eligible_count(ballot) == 1

"""The inbox side of a ballot: when it opens, those who may vote on it hear of it (not a
minor, not the next community); when it closes, those who voted are pointed to the
results — and the texts carry no one's name."""

import pytest
from django.utils import translation

from tests.factories import make_resident
from tests.notifications.support import inbox_of, kinds, project
from tests.voting.conftest import (
    GRID,
    NEXT_COMMUNITY_GRID,
    cast,
    make_ballot,
    member,
    user_for,
    voter,
)
from voting import services


@pytest.mark.django_db
def test_voters_hear_of_the_opening_and_of_the_result(areas, topic, clerk):
    adult = voter(areas, name="李秀英")
    head = make_resident(GRID, name="户主")
    minor = user_for(member(head.household, born="20150101"), areas)
    outsider = voter(areas, NEXT_COMMUNITY_GRID)
    ballot = make_ballot(topic, clerk)  # asks 是否同意加装电梯
    project()
    assert kinds(adult) == ["ballot.opened"]
    assert kinds(minor) == [] and kinds(outsider) == [] and kinds(clerk) == []
    with translation.override("zh-hans"):  # an earlier test may leave English active
        note = inbox_of(adult)[0]
        assert note.text == "议题“加装电梯”开始表决：是否同意加装电梯"
    assert note.link == f"/voting/{ballot.pk}/"
    cast(adult, ballot, "yes")
    services.ballot_close(ballot=ballot, actor=clerk)
    project()
    assert kinds(adult) == ["ballot.opened", "ballot.closed"]
    closed = [n for n in inbox_of(adult) if n.link.endswith("/results/")]
    assert closed and "李秀英" not in closed[0].text

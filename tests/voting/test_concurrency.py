"""50 casts at once by the members of one household, on the real database: exactly one
vote, one ballot paper and (open ballot) one in the tally; every other cast is told the
household has voted."""

import threading
import uuid

import pytest
from django.db import connection

from common.errors import Conflict
from tests.factories import make_resident
from tests.voting.conftest import GRID, make_ballot, member, user_for
from voting import services
from voting.models import Choice, Option, Vote

CASTS = 50


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_casts_by_one_household_leave_exactly_one_vote(areas, topic, clerk):
    ballot = make_ballot(topic, clerk, eligibility_rule="household", secret=False)
    head = make_resident(GRID, name="户主")
    members = [head] + [member(head.household, born=f"19{70 + i}0101") for i in range(4)]
    users = [user_for(m, areas) for m in members]
    start = threading.Barrier(CASTS)
    created, refused, errors = [], [], []

    def attempt(n: int) -> None:
        try:
            start.wait()
            result = services.ballot_cast(
                actor=users[n % len(users)], ballot=ballot, selection=["yes"],
                client_id=uuid.uuid4(),
            )  # fmt: skip
            created.append(result.created)
        except Conflict as conflict:
            refused.append(str(conflict))
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(CASTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert created == [True]
    assert len(refused) == CASTS - 1
    assert set(refused) <= {"您家已经有成员投过票了，每户只能投一票。", "您已经投过票了。"}
    assert Vote.objects.filter(ballot=ballot).count() == 1
    assert Choice.objects.filter(ballot=ballot).count() == 1
    assert Option.objects.get(ballot=ballot, code="yes").votes == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_changes_leave_the_live_tally_equal_to_the_ballot_papers(areas, topic, clerk):
    from tests.voting.conftest import voter

    ballot = make_ballot(topic, clerk, secret=False)
    users = [voter(areas) for _ in range(4)]
    for user in users:
        services.ballot_cast(actor=user, ballot=ballot, selection=["yes"], client_id=uuid.uuid4())
    start = threading.Barrier(24)
    errors = []

    def change(n: int) -> None:
        try:
            start.wait()
            services.ballot_change(actor=users[n % 4], ballot=ballot,
                                   selection=[("no", "abstain", "yes")[n % 3]])  # fmt: skip
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=change, args=(n,)) for n in range(24)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    papers = [c.selection[0] for c in Choice.objects.filter(ballot=ballot)]
    live = dict(Option.objects.filter(ballot=ballot).values_list("code", "votes"))
    assert live == {k: papers.count(k) for k in ("yes", "no", "abstain")}
    assert sum(live.values()) == 4

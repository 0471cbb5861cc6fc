"""Taps that race, on the real database: twenty votes at once by one participant on one
statement leave one vote (the last word stands), and one statement sent twenty times at
once with its client_id is added once."""

import threading
import uuid

import pytest
from django.db import connection

from opinions import services
from opinions.models import Statement, StatementVote

TAPS = 20


def race(action) -> list[str]:
    start = threading.Barrier(TAPS)
    errors: list[str] = []

    def attempt(n: int) -> None:
        try:
            start.wait()
            action(n)
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(TAPS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.django_db(transaction=True)
def test_racing_votes_by_one_participant_leave_one_vote(seeded, cast):
    statement = seeded["accepted"][0]
    errors = race(
        lambda n: services.statement_vote(
            actor=cast["resident"], statement_id=statement.pk, choice=(1, -1, 0)[n % 3]
        )
    )
    assert errors == []
    votes = StatementVote.objects.filter(statement=statement, participant=cast["resident"])
    assert votes.count() == 1 and votes.get().choice in (1, -1, 0)


@pytest.mark.django_db(transaction=True)
def test_one_statement_sent_many_times_at_once_is_added_once(topic, cast):
    key = uuid.uuid4()
    errors = race(
        lambda n: services.statement_add(
            actor=cast["resident"], topic_id=topic.pk, text="电梯要有应急电源", client_id=key
        )
    )
    assert errors == []
    assert Statement.objects.filter(topic=topic, text="电梯要有应急电源").count() == 1

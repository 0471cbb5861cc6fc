import pytest
from django.db import connection, transaction

from common.db import next_id
from feedback.models import Category


def make(code: str, **fields) -> Category:
    return Category.objects.create(code=code, name=code, kind="component", **fields)


@pytest.mark.django_db
def test_next_id_gives_an_unused_id_and_the_insert_after_it_continues_past_it():
    with transaction.atomic():
        reserved = next_id(Category)
        make("01", pk=reserved)
        after = next_id(Category)
        auto = make("02")  # the database's own numbering goes on past the reserved id
    assert after > reserved
    assert auto.pk >= after
    with transaction.atomic():
        assert next_id(Category) > auto.pk


@pytest.mark.django_db(transaction=True)  # no test-wide transaction around it
def test_next_id_outside_a_transaction_runs_only_where_it_is_race_free():
    if connection.vendor == "sqlite":  # max + 1 is safe only under the write lock
        with pytest.raises(RuntimeError, match="write lock"):
            next_id(Category)
    else:  # a sequence needs no transaction
        assert next_id(Category) > 0

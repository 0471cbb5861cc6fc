import pytest
from django.db import connection, transaction

from common.db import ID_BLOCK, next_id
from feedback.models import Category


def make(code: str, **fields) -> Category:
    return Category.objects.create(code=code, name=code, kind="component", **fields)


@pytest.mark.django_db
def test_reserved_ids_are_never_handed_out_twice_nor_taken_by_the_database():
    with transaction.atomic():
        taken = []
        for n in range(ID_BLOCK + 3):  # past one PostgreSQL block
            pk = next_id(Category)
            make(f"{n:02d}", pk=pk)  # used at once, as a case report does
            taken.append(pk)
        auto = make("99")  # the database's own numbering
    assert len(set(taken)) == len(taken)
    assert auto.pk not in taken


@pytest.mark.django_db(transaction=True)  # no test-wide transaction around it
def test_next_id_outside_a_transaction_runs_only_where_it_is_race_free():
    if connection.vendor == "sqlite":  # max + 1 is safe only under the write lock
        with pytest.raises(RuntimeError, match="write lock"):
            next_id(Category)
    else:  # a sequence needs no transaction
        assert next_id(Category) > 0

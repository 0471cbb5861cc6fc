import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models.signals import post_save

from common.db import ID_BLOCK, insert_together, next_id, one_statement_inserts
from feedback.models import Category
from realtime.models import Event


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


def event(n: int, **fields) -> Event:
    return Event(area_code="310101001", kind="test", payload={"n": n}, **fields)


@pytest.mark.django_db
def test_rows_written_together_are_saved_in_one_statement_where_the_database_can(
    django_assert_num_queries,
):
    rows = [event(1), event(2)]
    # PostgreSQL: one statement, with a savepoint around it inside the test's transaction
    with django_assert_num_queries(3 if one_statement_inserts() else 2):
        insert_together(*rows)
    assert sorted(Event.objects.values_list("pk", flat=True)) == sorted(r.pk for r in rows)
    assert all(not r._state.adding and r.created_at is not None for r in rows)


@pytest.mark.django_db
def test_when_one_row_fails_none_of_them_is_saved():
    taken = Event.objects.create(area_code="310101001", kind="test", payload={})
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_together(event(1), event(2, pk=taken.pk))
    assert list(Event.objects.values_list("pk", flat=True)) == [taken.pk]


@pytest.mark.django_db
def test_a_model_with_save_receivers_is_saved_row_by_row_so_they_run():
    with transaction.atomic():
        parent = Category(pk=next_id(Category), code="01", name="公用设施", kind="component")
        child = Category(pk=next_id(Category), code="0101", name="上水井盖", kind="component",
                         parent=parent)  # fmt: skip
    seen = []

    def note(sender, instance, **kwargs) -> None:
        seen.append(instance.code)

    post_save.connect(note, sender=Category)
    try:
        insert_together(parent, child)
    finally:
        post_save.disconnect(note, sender=Category)
    assert seen == ["01", "0101"]
    assert Category.objects.get(code="0101").parent_id == parent.pk

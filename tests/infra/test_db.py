import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models.signals import post_save

from feedback.models import CaseEntry, Category
from infra.db import ID_BLOCK, insert_together, next_id, one_statement_inserts
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
    # PostgreSQL: one statement in the caller's transaction; elsewhere one INSERT per row
    with django_assert_num_queries(1 if one_statement_inserts() else 2):
        insert_together(*rows)
    assert sorted(Event.objects.values_list("pk", flat=True)) == sorted(r.pk for r in rows)
    assert all(not r._state.adding and r.created_at is not None for r in rows)


@pytest.mark.django_db
def test_with_the_speed_up_off_rows_are_saved_one_by_one_by_the_orm(
    settings, django_assert_num_queries
):
    settings.ONE_STATEMENT_INSERTS = False
    rows = [event(1), event(2)]
    with django_assert_num_queries(2):
        insert_together(*rows)
    assert Event.objects.count() == 2


@pytest.mark.django_db
def test_when_one_row_fails_none_of_them_is_saved():
    taken = Event.objects.create(area_code="310101001", kind="test", payload={})
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_together(event(1), event(2, pk=taken.pk))
    assert list(Event.objects.values_list("pk", flat=True)) == [taken.pk]


@pytest.mark.django_db(transaction=True)  # no test-wide transaction around it
def test_rows_are_written_together_only_inside_the_callers_transaction():
    with pytest.raises(RuntimeError, match=r"transaction\.atomic"):
        insert_together(event(1))
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_a_model_with_save_receivers_is_refused_on_every_database():
    # a receiver the one statement would skip: refused on SQLite too, where tests run
    def note(sender, instance, **kwargs) -> None: ...

    post_save.connect(note, sender=Event)
    try:
        with pytest.raises(TypeError, match="save receivers"):
            insert_together(event(1))
    finally:
        post_save.disconnect(note, sender=Event)
    assert not Event.objects.exists()


class RememberedEvent(Event):
    """An outbox row whose save() does more than insert: a statement would skip it."""

    class Meta:
        proxy = True
        app_label = "realtime"

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)


@pytest.mark.django_db
def test_a_model_whose_save_is_overridden_is_refused_unless_it_only_guards_updates():
    row = RememberedEvent(area_code="310101001", kind="test", payload={})
    with pytest.raises(TypeError, match="overridden"):
        insert_together(row)
    assert not Event.objects.exists()
    assert CaseEntry.save.insert_safe  # the timeline's save() only refuses updates

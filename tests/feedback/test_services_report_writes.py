"""A report writes its case, first timeline entry and outbox event in one transaction on
every database, and the one-statement speed-up (infra.db) writes exactly the rows the
plain ORM path writes."""

import uuid

import pytest
from django.db import connection

from feedback import photos, services
from feedback.models import Case, CaseEntry
from realtime.models import Event
from tests.factories import grid_centre
from tests.feedback.conftest import GRID
from tests.feedback.photos import image_bytes

ROW_NOISE = {"id", "case_id", "client_id", "number", "created_at", "updated_at", "at",
             "stage_started_at", "due_at"}  # fmt: skip
PAYLOAD_NOISE = {"case", "number", "due_at"}  # the id, and times taken at the write


def report(people, categories, *, with_photo: bool = False) -> Case:
    point = grid_centre(GRID)
    case, _ = services.case_report(
        actor=people["worker"],
        client_id=uuid.uuid4(),
        category=categories["stall"],
        description="人行道上有摊贩占道",
        lon=point.x,
        lat=point.y,
        photos=[photos.prepare(image_bytes("JPEG"), name="a.jpg")] if with_photo else [],
    )
    return case


def rows_written(case: Case) -> dict:
    """Every column of the report's rows, without ids and timestamps."""
    [case_row] = Case.objects.filter(pk=case.pk).values()
    [entry] = CaseEntry.objects.filter(case=case).values()
    [event] = Event.objects.filter(payload__case=case.pk).values()
    event["payload"] = {k: v for k, v in event["payload"].items() if k not in PAYLOAD_NOISE}
    return {
        name: {k: v for k, v in row.items() if k not in ROW_NOISE}
        for name, row in (("case", case_row), ("entry", entry), ("event", event))
    }


@pytest.mark.django_db
def test_the_one_statement_insert_writes_the_same_rows_as_the_plain_orm(
    people, categories, settings
):
    # given the same report made once through each path, on the same database
    settings.ONE_STATEMENT_INSERTS = False
    plain = rows_written(report(people, categories))
    settings.ONE_STATEMENT_INSERTS = True
    fast = rows_written(report(people, categories))
    # then every column of the case, its timeline entry and its event is the same
    assert fast == plain
    assert plain["case"]["state"] == "reported" and plain["event"]["kind"] == "case.report"


@pytest.mark.parametrize("with_photo", [False, True], ids=["no photo", "a photo"])
@pytest.mark.django_db(transaction=True)  # no test-wide transaction to hide a missing one
def test_every_write_of_a_report_is_inside_one_transaction(people, categories, with_photo):
    outside = []

    def note_writes_outside_a_transaction(execute, sql, params, many, context):
        writes = sql.lstrip().upper().startswith(("INSERT", "WITH", "UPDATE"))
        if writes and not connection.in_atomic_block:
            outside.append(sql[:60])
        return execute(sql, params, many, context)

    with connection.execute_wrapper(note_writes_outside_a_transaction):
        case = report(people, categories, with_photo=with_photo)
    assert Case.objects.filter(pk=case.pk).exists()
    assert outside == []

"""四议两公开 records, follow-up actions with updates and photos (EXIF stripped), a
feedback case opened from an action, and residents' ratings."""

import datetime as dt
import io

import pytest
from PIL import Image

from common.errors import Conflict, InvalidInput, NotFound, NotPermitted
from consultation import follow_up, phases
from consultation.models import ActionStatus, Phase, ProcedureStep
from feedback.models import Case, CategoryKind
from feedback.photos import prepare
from realtime.models import Event
from tests.consultation.conftest import GRID, open_topic


@pytest.fixture
def topic(areas, cast):
    return open_topic(cast["clerk"], areas[GRID], title="小区绿化改造", description="补种树木。")


def jpeg_with_gps() -> bytes:
    picture = Image.new("RGB", (60, 40), (30, 160, 60))
    exif = Image.Exif()
    exif[0x8825] = {2: (31.0, 14.0, 0.0), 4: (121.0, 28.0, 0.0)}  # GPS latitude/longitude
    out = io.BytesIO()
    picture.save(out, "JPEG", exif=exif)
    return out.getvalue()


@pytest.mark.django_db
def test_procedure_records_with_quorum(cast, topic):
    record = follow_up.procedure_record(
        actor=cast["clerk"],
        topic_id=topic.pk,
        step=ProcedureStep.REPRESENTATIVES,
        held_on=dt.date(2026, 5, 6),
        expected="居民代表 25 人",
        expected_count=25,
        attended="居民代表 19 人",
        attended_count=19,
        quorum=17,
        decision="通过",
        minutes="会议纪要……",
    )
    assert record.quorum_reached
    corrected = follow_up.procedure_record(
        actor=cast["clerk"],
        topic_id=topic.pk,
        step=ProcedureStep.REPRESENTATIVES,
        held_on=dt.date(2026, 5, 6),
        expected_count=25,
        attended_count=12,
        quorum=17,
    )
    assert corrected.pk == record.pk and not corrected.quorum_reached
    with pytest.raises(InvalidInput):
        follow_up.procedure_record(
            actor=cast["clerk"],
            topic_id=topic.pk,
            step=ProcedureStep.COMMITTEES,
            held_on=dt.date(2026, 5, 1),
            expected_count=5,
            attended_count=6,
        )
    with pytest.raises(InvalidInput):
        follow_up.procedure_record(
            actor=cast["clerk"], topic_id=topic.pk, step="vote", held_on=dt.date(2026, 5, 1)
        )
    with pytest.raises(NotPermitted):
        follow_up.procedure_record(
            actor=cast["grid_worker"],
            topic_id=topic.pk,
            step=ProcedureStep.COMMITTEES,
            held_on=dt.date(2026, 5, 1),
        )
    assert Event.objects.filter(kind="topic.procedure").count() == 2


@pytest.mark.django_db
def test_an_action_progresses_with_photos_without_exif(cast, topic):
    action = follow_up.action_create(
        actor=cast["clerk"],
        topic_id=topic.pk,
        title="补种香樟 12 棵",
        owner_name="物业公司",
        owner=cast["grid_worker"],
    )
    photo = prepare(jpeg_with_gps(), name="现场.jpg")
    update, created = follow_up.action_update(
        actor=cast["grid_worker"],
        action_id=action.pk,
        text="已种 6 棵",
        progress=50,
        photos=[photo, photo],
    )
    assert created and update.photos.count() == 1
    stored = Image.open(update.photos.get().image.open("rb"))
    assert not stored.getexif().get_ifd(0x8825)
    action.refresh_from_db()
    assert (action.progress, action.status) == (50, ActionStatus.IN_PROGRESS)
    follow_up.action_update(actor=cast["clerk"], action_id=action.pk, text="完成", progress=100)
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    with pytest.raises(InvalidInput):
        follow_up.action_update(actor=cast["clerk"], action_id=action.pk, text="x", progress=101)
    with pytest.raises(NotPermitted):
        follow_up.action_update(actor=cast["resident"], action_id=action.pk, text="x", progress=1)


@pytest.mark.django_db
def test_an_action_opens_a_linked_case_once(areas, cast, topic):
    from feedback.models import Category

    green = Category.objects.create(code="03", name="园林绿化", kind=CategoryKind.COMPONENT)
    category = Category.objects.create(
        code="0301", name="绿化损坏", kind=CategoryKind.COMPONENT, parent=green
    )
    action = follow_up.action_create(
        actor=cast["clerk"], topic_id=topic.pk, title="修复破损花坛", owner_name="城管"
    )
    with pytest.raises(InvalidInput):
        follow_up.action_open_case(
            actor=cast["clerk"],
            action_id=action.pk,
            category=category,
            description="花坛破损",
            grid_code="310101001001002",
        )
    case = follow_up.action_open_case(
        actor=cast["clerk"],
        action_id=action.pk,
        category=category,
        description="花坛破损",
        grid_code=GRID,
    )
    again = follow_up.action_open_case(
        actor=cast["clerk"],
        action_id=action.pk,
        category=category,
        description="花坛破损",
        grid_code=GRID,
    )
    action.refresh_from_db()
    assert action.case_id == case.pk == again.pk
    assert Case.objects.count() == 1 and case.area_code == GRID


@pytest.mark.django_db
def test_residents_rate_the_implementation_once(cast, topic):
    with pytest.raises(Conflict):
        follow_up.rating_set(actor=cast["resident"], topic_id=topic.pk, score=4)
    phases.phase_move(actor=cast["clerk"], topic_id=topic.pk, phase=Phase.FOLLOW_UP)
    follow_up.rating_set(actor=cast["resident"], topic_id=topic.pk, score=4, remark="及时")
    rating = follow_up.rating_set(actor=cast["resident"], topic_id=topic.pk, score=5)
    assert rating.score == 5 and topic.ratings.count() == 1
    with pytest.raises(InvalidInput):
        follow_up.rating_set(actor=cast["resident"], topic_id=topic.pk, score=6)
    with pytest.raises(Conflict):  # staff do not rate their own work
        follow_up.rating_set(actor=cast["clerk"], topic_id=topic.pk, score=5)
    with pytest.raises(NotFound):
        follow_up.rating_set(actor=cast["resident_next_street"], topic_id=topic.pk, score=1)

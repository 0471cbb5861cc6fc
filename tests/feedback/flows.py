"""Short paths through the workflow, so each test starts where its behaviour begins."""

import uuid

from feedback import services
from feedback.models import Case
from feedback.photos import prepare
from tests.factories import grid_centre
from tests.feedback.conftest import GRID
from tests.feedback.photos import image_bytes


def reported(people, categories, *, category="stall", reporter="resident", **kwargs) -> Case:
    point = grid_centre(GRID)
    case, _ = services.case_report(
        actor=people[reporter],
        client_id=uuid.uuid4(),
        category=categories[category],
        description="人行道上有摊贩占道",
        lon=point.x,
        lat=point.y,
        **kwargs,
    )
    return case


def registered(people, categories, **kwargs) -> Case:
    case = reported(people, categories, **kwargs)
    return services.case_register(actor=people["supervisor"], case_id=case.pk)


def dispatched(people, categories, **kwargs) -> Case:
    case = registered(people, categories, **kwargs)
    return services.case_dispatch(actor=people["supervisor"], case_id=case.pk)


def handled(people, categories, **kwargs) -> Case:
    case = dispatched(people, categories, **kwargs)
    return services.case_handle(actor=people["handler"], case_id=case.pk, note="已劝离摊贩")


def closed(people, categories, **kwargs) -> Case:
    case = handled(people, categories, **kwargs)
    return services.case_verify(actor=people["worker"], case_id=case.pk, passed=True)


def on_spot(people, categories) -> Case:
    """A case the grid worker reported and closed on the spot (即办), with photos."""
    photo = prepare(image_bytes("JPEG"), name="photo.jpg")
    case, _created = services.case_handle_on_spot(
        actor=people["worker"], client_id=uuid.uuid4(), category=categories["stall"],
        description="占道摆摊", lon=None, lat=None, grid_code=GRID, note="已劝离",
        before=[photo], after=[photo],
    )  # fmt: skip
    return case

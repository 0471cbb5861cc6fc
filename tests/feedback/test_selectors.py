import uuid

from django.contrib.gis.geos import Point

from feedback import selectors, services
from feedback.selectors import CaseFilters, metres_between
from tests.factories import grid_centre
from tests.feedback.conftest import GRID, NEIGHBOUR_GRID
from tests.feedback.flows import dispatched, registered, reported


def report_at(people, categories, point: Point, *, category="stall", reporter="resident"):
    case, _ = services.case_report(
        actor=people[reporter],
        client_id=uuid.uuid4(),
        category=categories[category],
        description="占道",
        lon=point.x,
        lat=point.y,
    )
    return case


def offset(point: Point, metres_east: float) -> Point:
    # one degree of longitude at 31.21°N is about 95.2 km
    return Point(point.x + metres_east / 95_230, point.y, srid=4326)


def test_open_cases_of_the_same_category_within_50_m_are_offered(people, categories):
    centre = grid_centre(GRID)
    near = report_at(people, categories, offset(centre, 30))
    report_at(people, categories, offset(centre, 80))  # too far
    report_at(people, categories, offset(centre, 10), category="manhole")  # other category
    found = selectors.duplicate_candidates(category=categories["stall"], lon=centre.x, lat=centre.y)
    assert [c.pk for c in found] == [near.pk]


def test_closed_cases_are_not_offered_as_duplicates(people, categories):
    centre = grid_centre(GRID)
    case = report_at(people, categories, centre)
    services.case_withdraw(actor=people["resident"], case_id=case.pk)
    assert (
        selectors.duplicate_candidates(category=categories["stall"], lon=centre.x, lat=centre.y)
        == []
    )


def test_haversine_distance_matches_a_known_figure():
    # 0.001° of latitude is 111.2 m anywhere
    assert abs(metres_between(121.4, 31.2, 121.4, 31.201) - 111.2) < 0.5


def test_a_supervisor_sees_the_cases_of_their_street_only(people, categories):
    mine = reported(people, categories)
    theirs = report_at(people, categories, grid_centre(NEIGHBOUR_GRID), reporter="neighbour_worker")
    seen = set(selectors.case_list(user=people["supervisor"]).values_list("pk", flat=True))
    assert mine.pk in seen and theirs.pk not in seen
    assert selectors.case_get_for_user(user=people["supervisor"], case_id=theirs.pk) is None


def test_a_handler_sees_what_was_dispatched_to_their_department(people, categories):
    case = dispatched(people, categories)
    assert list(selectors.handler_inbox(user=people["handler"])) == [case]
    assert list(selectors.handler_inbox(user=people["other_handler"])) == []
    assert selectors.case_get_for_user(user=people["other_handler"], case_id=case.pk) is None


def test_a_resident_sees_their_own_cases_not_their_neighbours(people, categories):
    mine = reported(people, categories)
    assert selectors.case_get_for_user(user=people["resident"], case_id=mine.pk) == mine
    assert selectors.case_get_for_user(user=people["other_resident"], case_id=mine.pk) is None


def test_public_cases_leave_out_sensitive_and_hidden_ones(people, categories):
    shown = registered(people, categories)
    registered(people, categories, category="dispute")
    hidden = registered(people, categories)
    services.case_hide(actor=people["supervisor"], case_id=hidden.pk, reason="不宜公开")
    public = list(selectors.public_cases(community_code=GRID[:12]))
    assert public == [shown]


def test_filters_combine(people, categories):
    reported(people, categories)
    manhole = reported(people, categories, category="manhole")
    found = selectors.case_list(
        user=people["supervisor"], filters=CaseFilters(category="02", state="reported")
    )
    assert list(found) == [manhole]

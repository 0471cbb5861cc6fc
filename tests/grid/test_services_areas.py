import pytest
from django.contrib.gis.geos import Point

from common.errors import InvalidInput
from grid import selectors, services
from grid.models import Area, AreaLevel
from tests.factories import X0, Y0, box


def test_area_save_derives_level_and_parent_from_code(areas):
    grid = Area.objects.get(code="310101001002001")
    assert grid.level == AreaLevel.GRID
    assert grid.parent.code == "310101001002"
    assert grid.parent.parent.parent.code == "310101"


def test_prefix_query_finds_everything_under_a_street(areas):
    under = Area.objects.filter(code__startswith="310101002").values_list("level", flat=True)
    assert sorted(under) == [2, 3, 3, 4, 4, 4, 4]


def test_area_save_again_updates_instead_of_duplicating(areas):
    # given an existing grid
    boundary = Area.objects.get(code="310101001001001").boundary
    # when it is saved again under a new name
    area, created = services.area_save(code="310101001001001", name="改名网格", boundary=boundary)
    # then it is the same row, renamed
    assert not created
    assert Area.objects.filter(code="310101001001001").count() == 1
    assert area.name == "改名网格"


def test_child_outside_its_parent_is_rejected(areas):
    with pytest.raises(InvalidInput, match="超出"):
        services.area_save(
            code="310101001001003", name="越界", boundary=box(X0 + 0.5, Y0, X0 + 0.51, Y0 + 0.01)
        )


def test_overlapping_grids_of_one_community_are_rejected(areas):
    with pytest.raises(InvalidInput, match="310101001001001"):
        services.area_save(
            code="310101001001003", name="重叠", boundary=box(X0, Y0, X0 + 0.01, Y0 + 0.01)
        )


def test_missing_parent_is_named_in_the_error(db):
    with pytest.raises(InvalidInput, match="310199"):
        services.area_save(code="310199001", name="孤儿街道", boundary=box(0, 0, 1, 1))


@pytest.mark.parametrize("code", ["31010", "3101010011", "31010a", ""])
def test_malformed_codes_are_rejected(db, code):
    with pytest.raises(InvalidInput):
        services.area_save(code=code, name="x", boundary=box(0, 0, 1, 1))


def test_point_inside_a_grid_finds_that_grid(areas):
    grid = selectors.grid_for_point(lon=X0 + 0.03, lat=Y0 + 0.03)
    assert grid.code == "310101001002002"


def test_point_on_a_shared_edge_resolves_to_the_lowest_code(areas):
    # x = X0 + 0.02 is the edge between grids 001 and 002 of community 310101001001
    grid = selectors.grid_for_point(lon=X0 + 0.02, lat=Y0 + 0.01)
    assert grid.code == "310101001001001"


def test_point_outside_every_grid_finds_nothing(areas):
    assert selectors.grid_for_point(lon=X0 - 1, lat=Y0) is None


def test_point_lookup_ignores_streets_and_communities(areas):
    point = Point(X0 + 0.001, Y0 + 0.001)
    assert selectors.grid_for_point(lon=point.x, lat=point.y).level == AreaLevel.GRID


def test_lookup_answers_the_same_whether_or_not_queries_are_logged(areas):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    points = [(X0 + 0.005 + 0.01 * i, Y0 + 0.005 + 0.01 * j) for i in range(8) for j in range(4)]
    fast = [selectors.grid_for_point(lon=x, lat=y).code for x, y in points]
    with CaptureQueriesContext(connection) as logged:
        watched = [selectors.grid_for_point(lon=x, lat=y).code for x, y in points]
    assert fast == watched
    assert len(logged.captured_queries) == len(points)  # visible when someone is counting
    assert len(set(fast)) == 8

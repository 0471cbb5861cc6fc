import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon

from grid.coverage import approx_square_metres, community_coverage
from grid.models import Area
from tests.factories import X0, Y0


def test_a_community_tiled_by_its_grids_is_complete(areas):
    report = community_coverage(Area.objects.get(code="310101001001"))
    assert report.grid_count == 2
    assert report.uncovered_share == pytest.approx(0.0, abs=1e-9)
    assert report.overlaps == []
    assert report.complete


def test_removing_a_grid_leaves_half_the_community_uncovered(areas):
    Area.objects.filter(code="310101001001002").delete()
    report = community_coverage(Area.objects.get(code="310101001001"))
    assert report.uncovered_share == pytest.approx(0.5, rel=1e-6)
    # the missing grid is 0.02° × 0.02° at 31.21°N: about 1.904 km × 2.226 km
    assert report.uncovered_square_metres == pytest.approx(1_904 * 2_226, rel=0.01)
    assert not report.complete


def test_overlapping_grids_are_listed_with_their_shared_area(areas):
    # given a grid stretched over its neighbour (written directly: the service refuses it)
    stretched = MultiPolygon(Polygon.from_bbox((X0, Y0, X0 + 0.03, Y0 + 0.02)), srid=4326)
    Area.objects.filter(code="310101001001001").update(boundary=stretched)
    # when
    report = community_coverage(Area.objects.get(code="310101001001"))
    # then the 0.01° × 0.02° strip they share is reported once
    assert [(o.first, o.second) for o in report.overlaps] == [
        ("310101001001001", "310101001001002")
    ]
    strip = Polygon.from_bbox((X0 + 0.02, Y0, X0 + 0.03, Y0 + 0.02))
    strip.srid = 4326
    assert report.overlaps[0].square_metres == pytest.approx(approx_square_metres(strip))

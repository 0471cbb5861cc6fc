"""Coordinate conversion against the reference pairs published by eviltransform
(javascript/test.js: WGS84 → GCJ-02, Shanghai, Shenzhen, Beijing) and coordtransform
(README: GCJ-02 ⇄ BD-09 at 116.404, 39.915)."""

import pytest

from maps import coords

# (wgs lat, wgs lon, gcj lat, gcj lon) from eviltransform
EVILTRANSFORM = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),
]


@pytest.mark.parametrize(("wlat", "wlon", "glat", "glon"), EVILTRANSFORM)
def test_wgs84_to_gcj02_matches_eviltransform(wlat, wlon, glat, glon):
    lon, lat = coords.wgs84_to_gcj02(wlon, wlat)
    assert (round(lon, 6), round(lat, 6)) == (round(glon, 6), round(glat, 6))


@pytest.mark.parametrize(("wlat", "wlon", "glat", "glon"), EVILTRANSFORM)
def test_gcj02_to_wgs84_comes_back_within_half_a_metre(wlat, wlon, glat, glon):
    lon, lat = coords.gcj02_to_wgs84(glon, glat)
    assert abs(lon - wlon) < 5e-6 and abs(lat - wlat) < 5e-6  # < 0.5 m


def test_gcj02_and_bd09_match_coordtransform():
    assert coords.gcj02_to_bd09(116.404, 39.915) == pytest.approx(
        (116.41036949371029, 39.92133699351021), abs=1e-12
    )
    assert coords.bd09_to_gcj02(116.404, 39.915) == pytest.approx(
        (116.39762729119315, 39.90865673957631), abs=1e-12
    )


def test_bd09_round_trip_and_outside_china_unchanged():
    lon, lat = coords.bd09_to_wgs84(*coords.wgs84_to_bd09(121.4737, 31.2304))
    # Baidu's published inverse is itself approximate: ~0.1 m off, far below GPS noise
    assert lon == pytest.approx(121.4737, abs=2e-6) and lat == pytest.approx(31.2304, abs=2e-6)
    assert coords.wgs84_to_gcj02(2.35, 48.85) == (2.35, 48.85)
    assert coords.to_wgs84(121.4, 31.2, "cgcs2000") == (121.4, 31.2)

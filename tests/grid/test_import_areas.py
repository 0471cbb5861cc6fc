import io

import pytest
from django.contrib.gis.geos import Point, Polygon
from django.core.management import CommandError, call_command, load_command_class

from grid.models import Area, AreaLevel
from tests.factories import DISTRICT, X0, Y0, box
from tests.grid.fixtures_gdal import (
    CGCS2000_GK_CM_120E,
    UTM_51N,
    area_features,
    area_tree,
    bow_tie,
    feature,
    ogr2ogr,
    write_geojson,
)

TOLERANCE = 1e-7  # degrees, about 1 cm


def import_areas(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_areas", *[str(arg) for arg in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def assert_same_boundary(imported, source) -> None:
    """Every vertex of each lies on the other's outline, within TOLERANCE."""
    for one, other in ((imported, source), (source, imported)):
        outline = other.boundary
        for polygon in one:
            for ring in polygon:
                assert max(outline.distance(Point(xy)) for xy in ring) < TOLERANCE


@pytest.fixture
def tree_geojson(tmp_path):
    return write_geojson(tmp_path / "areas.geojson", area_features(area_tree()))


def test_geojson_imports_the_whole_tree_with_parents_before_children(db, tree_geojson):
    # when a file listing grids before their communities is imported
    out, _err = import_areas(tree_geojson)
    # then every level is there and linked to its parent
    assert "新建 15，更新 0，拒绝 0" in out
    assert Area.objects.filter(level=AreaLevel.GRID).count() == 8
    grid = Area.objects.get(code="310101002001002")
    assert grid.parent.code == "310101002001"
    assert grid.name == "第2-1-2网格"


def test_shapefile_in_cgcs2000_gauss_kruger_is_transformed_back_to_wgs84(db, tree_geojson):
    # given a shapefile in metres on CGCS2000 / 3-degree Gauss-Kruger CM 120E
    shapefile = ogr2ogr(
        tree_geojson,
        tree_geojson.with_suffix(".shp"),
        driver="ESRI Shapefile",
        srid=CGCS2000_GK_CM_120E,
    )
    assert "Gauss_Kruger" in shapefile.with_suffix(".prj").read_text()
    # when it is imported
    out, _err = import_areas(shapefile)
    # then the boundaries are the source's, in degrees, to the centimetre
    assert "新建 15，更新 0，拒绝 0" in out
    for code, (name, source) in area_tree().items():
        area = Area.objects.get(code=code)
        assert area.name == name
        assert area.boundary.srid == 4326
        assert_same_boundary(area.boundary, source)


def test_geopackage_in_utm_with_a_named_layer_imports_the_same_boundaries(db, tree_geojson):
    geopackage = ogr2ogr(
        tree_geojson, tree_geojson.with_suffix(".gpkg"), driver="GPKG", srid=UTM_51N, layer="网格"
    )
    out, _err = import_areas(geopackage, "--layer", "网格")
    assert "新建 15" in out
    district = Area.objects.get(code=DISTRICT)
    assert_same_boundary(district.boundary, area_tree()[DISTRICT][1])


def test_shapefile_without_prj_needs_the_srid_option(db, tree_geojson):
    # given a Gauss-Kruger shapefile whose .prj got lost
    shapefile = ogr2ogr(
        tree_geojson,
        tree_geojson.with_suffix(".shp"),
        driver="ESRI Shapefile",
        srid=CGCS2000_GK_CM_120E,
    )
    shapefile.with_suffix(".prj").unlink()
    # then it is refused without --srid, and imported with it
    with pytest.raises(CommandError, match="--srid"):
        import_areas(shapefile)
    out, _err = import_areas(shapefile, "--srid", CGCS2000_GK_CM_120E)
    assert "新建 15" in out
    grid = Area.objects.get(code="310101001001001")
    assert_same_boundary(grid.boundary, area_tree()["310101001001001"][1])


def test_attribute_mapping_reads_other_field_names_and_numeric_codes(db, tmp_path):
    # given a shapefile whose codes are numbers in a field called BM, names in MC
    features = [
        feature({"BM": int(code), "MC": name}, boundary)
        for code, (name, boundary) in area_tree().items()
    ]
    source = write_geojson(tmp_path / "numeric.geojson", features)
    shapefile = ogr2ogr(source, tmp_path / "numeric.shp", driver="ESRI Shapefile")
    # when it is imported with the field options
    out, _err = import_areas(shapefile, "--code-field", "BM", "--name-field", "MC")
    # then the codes are digit strings again
    assert "新建 15" in out
    assert Area.objects.get(code="310101001001001").name == "第1-1-1网格"


def test_reimport_updates_names_without_duplicating(db, tmp_path, tree_geojson):
    # given an imported tree
    import_areas(tree_geojson)
    # when the same file comes again with one grid renamed
    tree = area_tree()
    tree["310101001001001"] = ("改名网格", tree["310101001001001"][1])
    renamed = write_geojson(tmp_path / "renamed.geojson", area_features(tree))
    out, _err = import_areas(renamed)
    # then nothing is created and the name is updated
    assert "新建 0，更新 15，拒绝 0" in out
    assert Area.objects.count() == 15
    assert Area.objects.get(code="310101001001001").name == "改名网格"


def test_bow_tie_boundary_is_repaired_into_two_triangles(db, tmp_path):
    # given a grid drawn as a self-intersecting bow tie inside its community
    tree = area_tree()
    tree["310101001001001"] = ("蝴蝶网格", bow_tie(X0, Y0, X0 + 0.02, Y0 + 0.02))
    assert not tree["310101001001001"][1].valid
    source = write_geojson(tmp_path / "bowtie.geojson", area_features(tree))
    # when it is imported
    out, _err = import_areas(source)
    # then it is kept, made valid, and covers the two triangles (half its box)
    assert "拒绝 0" in out
    grid = Area.objects.get(code="310101001001001")
    assert grid.boundary.valid
    assert len(grid.boundary) == 2
    assert grid.boundary.area == pytest.approx(0.02 * 0.02 / 2)


def test_unusable_features_are_rejected_with_fid_and_reason_and_the_rest_imported(db, tmp_path):
    # given a grid outside its community and a grid overlapping a sibling
    tree = area_tree()
    tree["310101001001003"] = ("越界网格", box(X0 + 0.5, Y0, X0 + 0.51, Y0 + 0.01))
    tree["310101001001004"] = ("重叠网格", box(X0, Y0, X0 + 0.01, Y0 + 0.01))
    source = write_geojson(tmp_path / "bad.geojson", area_features(tree))
    fids = {code: fid for fid, code in enumerate(tree)}
    # when the file is imported
    out, _err = import_areas(source)
    # then both are reported by FID, code and reason, and the other 15 are saved
    assert f"FID {fids['310101001001003']} [310101001001003]：边界超出了上级区域的范围" in out
    assert f"FID {fids['310101001001004']} [310101001001004]：网格与同社区的网格" in out
    assert "新建 15，更新 0，拒绝 2" in out
    assert not Area.objects.filter(code__in=["310101001001003", "310101001001004"]).exists()


def test_feature_without_geometry_or_with_a_bad_code_is_rejected(db, tmp_path):
    tree = area_tree()
    features = [
        *area_features(tree),
        feature({"code": "310101001001009", "name": "无边界"}, None),
        feature({"code": "3101010", "name": "坏编码"}, box(X0, Y0, X0 + 0.001, Y0 + 0.001)),
    ]
    out, _err = import_areas(write_geojson(tmp_path / "odd.geojson", features))
    assert "FID 15 [310101001001009]：缺少几何图形" in out
    assert "FID 16 [3101010]：区域编码长度应为" in out
    assert "新建 15，更新 0，拒绝 2" in out


def test_children_of_a_rejected_parent_are_rejected_as_orphans(db, tmp_path):
    # given a community that sticks out of its street
    tree = area_tree()
    tree["310101001001"] = ("越界社区", box(X0, Y0, X0 + 0.2, Y0 + 0.02))
    out, _err = import_areas(write_geojson(tmp_path / "orphans.geojson", area_features(tree)))
    # then its two grids cannot find their parent
    assert out.count("上级区域 310101001001 不存在") == 2
    assert "拒绝 3" in out


def test_duplicate_codes_in_one_file_are_rejected_after_the_first(db, tmp_path):
    features = area_features(area_tree())
    features.append(feature({"code": DISTRICT, "name": "重复"}, box(X0, Y0, X0 + 1, Y0 + 1)))
    out, _err = import_areas(write_geojson(tmp_path / "dup.geojson", features))
    assert "FID 15 [310101]：编码与 FID 14 重复" in out
    assert Area.objects.get(code=DISTRICT).name == "示范区"


def test_dry_run_reports_without_writing(db, tree_geojson):
    out, _err = import_areas(tree_geojson, "--dry-run")
    assert "新建 15，更新 0，拒绝 0" in out
    assert "试运行" in out
    assert Area.objects.count() == 0


def test_progress_bar_goes_to_stderr(db, tree_geojson):
    _out, err = import_areas(tree_geojson)
    assert "导入区域" in err
    assert "15/15" in err


def test_missing_code_field_is_refused_with_the_available_fields(db, tree_geojson):
    with pytest.raises(CommandError, match=r"没有字段 bm；可用字段：code, name"):
        import_areas(tree_geojson, "--code-field", "bm")


def test_missing_file_is_refused(db, tmp_path):
    with pytest.raises(CommandError, match="文件不存在"):
        import_areas(tmp_path / "nowhere.shp")


def test_file_gdal_cannot_read_is_refused(db, tmp_path):
    junk = tmp_path / "junk.geojson"
    junk.write_text("not geojson at all")
    with pytest.raises(CommandError, match="无法读取文件"):
        import_areas(junk)


def test_unknown_layer_is_refused_with_the_layer_names(db, tree_geojson):
    geopackage = ogr2ogr(
        tree_geojson, tree_geojson.with_suffix(".gpkg"), driver="GPKG", layer="boundaries"
    )
    with pytest.raises(CommandError, match="可用图层：boundaries"):
        import_areas(geopackage, "--layer", "grids")


def test_three_dimensional_boundaries_are_flattened(db, tmp_path):
    tree = area_tree()
    name, flat = tree[DISTRICT]
    ring = [(x, y, 4.5) for x, y in flat[0][0]]
    tree[DISTRICT] = (name, Polygon(ring, srid=4326))
    out, _err = import_areas(write_geojson(tmp_path / "z.geojson", area_features(tree)))
    assert "新建 15，更新 0，拒绝 0" in out
    district = Area.objects.get(code=DISTRICT)
    assert not district.boundary.hasz
    assert_same_boundary(district.boundary, flat)


def test_help_lists_the_mapping_options():
    command = load_command_class("grid", "import_areas")
    text = command.create_parser("manage.py", "import_areas").format_help()
    assert all(option in text for option in ("--layer", "--code-field", "--srid", "--dry-run"))

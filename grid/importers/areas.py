"""Import area boundaries (district → street → community → grid) from GIS files.

Reads anything GDAL reads (GeoJSON, Shapefile, GeoPackage…), transforms every geometry
to EPSG:4326 and saves each feature through `grid.services.area_save`, which derives the
level and the parent from the code and upserts by code, so a re-import is idempotent.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.contrib.gis.gdal import (
    CoordTransform,
    DataSource,
    GDALException,
    SpatialReference,
    SRSException,
)
from django.contrib.gis.gdal.feature import Feature
from django.contrib.gis.gdal.layer import Layer
from django.contrib.gis.geos import GEOSException, GEOSGeometry
from django.db import transaction
from django.utils.translation import gettext as _

from common.errors import InvalidInput
from grid import services
from grid.importers.result import ImportResult, Rejection, UnreadableFile
from grid.importers.transactions import batches, rolled_back_if
from grid.models import Area

WGS84 = 4326
NAME_MAX_LENGTH = Area._meta.get_field("name").max_length


@dataclass(frozen=True)
class AreaFeature:
    """One feature as read from the file: its boundary in EPSG:4326, or why it has none."""

    fid: int
    code: str
    name: str
    boundary: GEOSGeometry | None
    problem: str = ""


def read_area_features(
    path: str | Path,
    *,
    layer: str | None = None,
    code_field: str = "code",
    name_field: str = "name",
    srid: int | None = None,
) -> list[AreaFeature]:
    """Read every feature of one layer; refuse the file if it cannot be used at all.

    `srid` gives the CRS of a file that declares none (a shapefile without .prj); it is
    an integer, never a user-supplied string, because GDAL < 3.9 lets SRS strings open
    files and URLs (gis.W001).
    """
    source = _open(path)
    chosen = _choose_layer(source, layer)
    for wanted in (code_field, name_field):
        if wanted not in chosen.fields:
            raise UnreadableFile(
                _("图层 %(layer)s 中没有字段 %(field)s；可用字段：%(fields)s")
                % {"layer": chosen.name, "field": wanted, "fields": ", ".join(chosen.fields)}
            )
    transform = _transform_to_wgs84(chosen, srid)
    return [_read_feature(feature, transform, code_field, name_field) for feature in chosen]


def _open(path: str | Path) -> DataSource:
    # Only an existing local path reaches GDAL: no /vsicurl/ or other virtual paths.
    local = Path(path)
    if not local.exists():
        raise UnreadableFile(_("文件不存在：%(path)s") % {"path": path})
    try:
        return DataSource(local.resolve())
    except GDALException as exc:
        raise UnreadableFile(
            _("无法读取文件 %(path)s：不是 GDAL 支持的矢量格式。") % {"path": path}
        ) from exc


def _choose_layer(source: DataSource, name: str | None) -> Layer:
    layers = list(source)
    names = [layer.name for layer in layers]
    if name is not None:
        if name not in names:
            raise UnreadableFile(
                _("文件中没有图层 %(layer)s；可用图层：%(layers)s")
                % {"layer": name, "layers": ", ".join(names)}
            )
        return layers[names.index(name)]
    if len(layers) != 1:
        raise UnreadableFile(
            _("文件有 %(count)d 个图层，请用 --layer 指定其一：%(layers)s")
            % {"count": len(layers), "layers": ", ".join(names)}
        )
    return layers[0]


def _transform_to_wgs84(layer: Layer, srid: int | None) -> CoordTransform:
    try:
        source_srs = SpatialReference(srid) if srid is not None else layer.srs
    except (GDALException, SRSException) as exc:
        raise UnreadableFile(_("未知的坐标系 EPSG:%(srid)s") % {"srid": srid}) from exc
    if source_srs is None:
        raise UnreadableFile(
            _("图层 %(layer)s 没有坐标系信息，请用 --srid 指定（例如 4490 或 4549）。")
            % {"layer": layer.name}
        )
    return CoordTransform(source_srs, SpatialReference(WGS84))


def _read_feature(
    feature: Feature, transform: CoordTransform, code_field: str, name_field: str
) -> AreaFeature:
    code = _as_code(feature.get(code_field))
    name = str(feature.get(name_field) or "").strip()
    try:
        geometry = feature.geom
        geometry.set_3d(False)
        geometry.set_measured(False)
        geometry.transform(transform)
        boundary = GEOSGeometry(geometry.wkb, srid=WGS84)
    except (GDALException, GEOSException):
        return AreaFeature(feature.fid, code, name, None, _("缺少几何图形或无法转换坐标。"))
    return AreaFeature(feature.fid, code, name, boundary)


def _as_code(value) -> str:
    # Shapefiles often hold codes as numbers: 310101001 arrives as 310101001.0.
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value if value is not None else "").strip()


def import_areas(
    features: Iterable[AreaFeature],
    *,
    dry_run: bool = False,
    progress: Callable[[list[AreaFeature]], Iterable[AreaFeature]] = iter,
) -> ImportResult:
    """Save the features, parents before children; each feature stands or falls alone."""
    ordered = sorted(features, key=lambda f: (len(f.code), f.code, f.fid))
    result = ImportResult()
    with rolled_back_if(dry_run):
        for batch in batches(_with_duplicates_flagged(progress(ordered))):
            with transaction.atomic():
                for feature, problem in batch:
                    _import_one(feature, problem, result)
    return result


def _with_duplicates_flagged(
    features: Iterable[AreaFeature],
) -> Iterator[tuple[AreaFeature, str]]:
    first_fid: dict[str, int] = {}
    for feature in features:
        problem = feature.problem
        if not problem and feature.code in first_fid:
            problem = _("编码与 FID %(fid)d 重复。") % {"fid": first_fid[feature.code]}
        first_fid.setdefault(feature.code, feature.fid)
        yield feature, problem


def _import_one(feature: AreaFeature, problem: str, result: ImportResult) -> None:
    problem = problem or _problem_with_attributes(feature)
    if not problem:
        try:
            _area, created = services.area_save(
                code=feature.code, name=feature.name, boundary=feature.boundary
            )
        except InvalidInput as exc:
            problem = exc.message
        except GEOSException:
            problem = _("几何图形无效，无法修复。")
    if problem:
        result.rejected.append(Rejection(f"FID {feature.fid}", feature.code or "-", problem))
    else:
        (result.created if created else result.updated).append(feature.code)


def _problem_with_attributes(feature: AreaFeature) -> str:
    if not feature.code:
        return _("缺少编码。")
    if not feature.name:
        return _("缺少名称。")
    if len(feature.name) > NAME_MAX_LENGTH:
        return _("名称超过 %(max)d 个字符。") % {"max": NAME_MAX_LENGTH}
    return ""

"""Checks on area codes, boundaries and ID numbers, shared by services and importers."""

import datetime as dt

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Polygon
from django.utils.translation import gettext as _
from stdnum.cn import ric
from stdnum.exceptions import InvalidChecksum, InvalidComponent, ValidationError

from common.errors import InvalidInput
from grid.models import CODE_LENGTH, AreaLevel, Gender


def level_for_code(code: str) -> AreaLevel:
    if not code.isdigit():
        raise InvalidInput(_("区域编码只能包含数字：%(code)s") % {"code": code}, field="code")
    for level, length in CODE_LENGTH.items():
        if len(code) == length:
            return AreaLevel(level)
    raise InvalidInput(
        _("区域编码长度应为 6、9、12 或 15 位：%(code)s") % {"code": code}, field="code"
    )


def parent_code_of(code: str) -> str | None:
    level = level_for_code(code)
    if level == AreaLevel.DISTRICT:
        return None
    return code[: CODE_LENGTH[AreaLevel(level - 1)]]


def as_multipolygon(geom: GEOSGeometry) -> MultiPolygon:
    """Repair an invalid boundary where GEOS can, and return it as a MultiPolygon."""
    if not geom.valid:
        geom = geom.make_valid()
    if geom.geom_type == "GeometryCollection":
        polygons = [g for g in geom if g.geom_type in ("Polygon", "MultiPolygon")]
        geom = polygons[0] if len(polygons) == 1 else MultiPolygon(*_flatten(polygons))
    if isinstance(geom, Polygon):
        geom = MultiPolygon(geom)
    if not isinstance(geom, MultiPolygon) or geom.empty or geom.area == 0:
        raise InvalidInput(_("边界必须是有面积的多边形。"), field="boundary")
    geom.srid = geom.srid or 4326
    return geom


def _flatten(geoms: list[GEOSGeometry]) -> list[Polygon]:
    flat: list[Polygon] = []
    for geom in geoms:
        flat.extend(geom if isinstance(geom, MultiPolygon) else [geom])
    return flat


def check_within(child: GEOSGeometry, parent: GEOSGeometry) -> None:
    tolerance = settings.GRID_CONTAINMENT_TOLERANCE
    outside = child.difference(parent.buffer(tolerance))
    if not outside.empty and outside.area > tolerance**2:
        raise InvalidInput(_("边界超出了上级区域的范围。"), field="boundary")


def validate_id_number(value: str) -> str:
    """Return the normalised GB 11643 number, or refuse it with the reason."""
    number = ric.compact(value or "")
    try:
        return ric.validate(number)
    except InvalidChecksum as exc:
        raise InvalidInput(_("身份证号校验位不正确。"), field="id_number") from exc
    except InvalidComponent as exc:
        raise InvalidInput(_("身份证号中的出生日期无效。"), field="id_number") from exc
    except ValidationError as exc:
        raise InvalidInput(_("身份证号应为 18 位。"), field="id_number") from exc


def facts_from_id_number(number: str) -> tuple[dt.date, str]:
    """Birth date and gender as GB 11643 encodes them (17th digit odd: male)."""
    gender = Gender.MALE if int(number[16]) % 2 else Gender.FEMALE
    return ric.get_birth_date(number), gender

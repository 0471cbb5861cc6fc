"""Import a household register: one row per resident, as community offices keep it.

Buildings resolve to grids by location (`services.building_save`), households are keyed
by building and room, residents by the keyed hash of their ID number, so importing the
same file twice changes nothing. A row with errors is reported and skipped; every other
row is saved on its own.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache

from django.contrib.gis.geos import Point
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from common.errors import InvalidInput
from common.personal_data import keyed_hash, mask_id_number, mask_phone
from common.phone import normalise_phone
from grid import services, validation
from grid.importers.result import ImportResult, Rejection, UnreadableFile
from grid.importers.transactions import batches, rolled_back_if
from grid.models import Building, Relation, Resident, SpecialGroup

# Canonical key → the Chinese header first (used in reports), then accepted aliases.
COLUMNS: dict[str, tuple[str, ...]] = {
    "address": ("楼栋地址", "address", "地址"),
    "lon": ("经度", "lon", "lng", "longitude"),
    "lat": ("纬度", "lat", "latitude"),
    "building_name": ("楼栋名称", "building_name"),
    "room": ("门牌", "room", "门牌号", "单元/门牌"),
    "name": ("姓名", "name"),
    "id_number": ("身份证号", "id_number", "身份证号码", "公民身份号码"),
    "relation": ("与户主关系", "relation"),
    "phone": ("电话", "phone", "联系电话", "手机号"),
    "special_groups": ("特殊人群", "special_groups"),
}
OPTIONAL_COLUMNS = ("building_name", "phone", "special_groups")
REQUIRED_COLUMNS = tuple(key for key in COLUMNS if key not in OPTIONAL_COLUMNS)
HEADER_SEARCH_ROWS = 10
RELATION_ALIASES = {
    "本人": Relation.SELF,
    "妻": Relation.SPOUSE,
    "夫": Relation.SPOUSE,
    "妻子": Relation.SPOUSE,
    "丈夫": Relation.SPOUSE,
    "子": Relation.CHILD,
    "女": Relation.CHILD,
    "儿子": Relation.CHILD,
    "女儿": Relation.CHILD,
    "父亲": Relation.PARENT,
    "母亲": Relation.PARENT,
    "孙子": Relation.GRANDCHILD,
    "孙女": Relation.GRANDCHILD,
}
LIST_SEPARATORS = re.compile(r"[,，、;；/\s]+")
LOCATION_COLUMN = "经度/纬度"
LONG_DIGITS = re.compile(r"\d{6,}")


@dataclass(frozen=True)
class HouseholdRow:
    """One data row: its number as Excel shows it and its cells by canonical key."""

    number: int
    cells: dict[str, str]


@dataclass(frozen=True)
class ResidentRecord:
    """A row that passed every per-cell check, ready to save."""

    address: str
    location: Point
    building_name: str
    room: str
    name: str
    id_number: str
    relation: str
    phone: str
    special_groups: tuple[str, ...] = field(default=())


def household_rows(rows: list[tuple[int, list[str]]]) -> list[HouseholdRow]:
    """Find the header row (office sheets often put a title above it), map its columns to
    canonical keys and return the rows below; refuse a file lacking a required column."""
    candidates = [
        (position, _column_index(cells))
        for position, (_number, cells) in enumerate(rows[:HEADER_SEARCH_ROWS])
    ]
    position, index = max(candidates, key=lambda candidate: (len(candidate[1]), -candidate[0]))
    missing = [COLUMNS[key][0] for key in REQUIRED_COLUMNS if key not in index]
    if missing:
        raise UnreadableFile(
            _("缺少必需的列：%(missing)s；第 %(row)d 行的列：%(found)s")
            % {
                "missing": "、".join(missing),
                "row": rows[position][0],
                "found": "、".join(_header_preview(rows[position][1])),
            }
        )
    return [
        HouseholdRow(number, {key: cells[i] if i < len(cells) else "" for key, i in index.items()})
        for number, cells in rows[position + 1 :]
    ]


def _header_preview(cells: list[str]) -> list[str]:
    # A file without a header shows a data row here: hide what may be ID numbers or phones.
    return [_shown(cell) for cell in cells]


def _shown(text: str) -> str:
    """A cell as it may appear in a report: shifted columns can put an ID number or a
    phone anywhere, so long digit runs are masked wherever they turn up."""
    if not LONG_DIGITS.search(text):
        return text
    return mask_phone(text) if len(text) <= 11 else mask_id_number(text)


def _column_index(header: list[str]) -> dict[str, int]:
    normalised = [cell.strip().lower() for cell in header]
    index = {}
    for key, names in COLUMNS.items():
        found = [i for i, cell in enumerate(normalised) if cell in names]
        if found:
            index[key] = found[0]
    return index


def import_households(
    rows: Iterable[HouseholdRow],
    *,
    dry_run: bool = False,
    progress: Callable[[list[HouseholdRow]], Iterable[HouseholdRow]] = iter,
) -> ImportResult:
    """Save every good row (each all or nothing) and report the others.

    `created` and `updated` list the rows ("第 N 行") whose resident was new or known.
    """
    result = ImportResult()
    buildings: dict[str, Building] = {}
    first_row_of: dict[str, int] = {}
    with rolled_back_if(dry_run):
        for batch in batches(progress(list(rows))):
            with transaction.atomic():
                for row in batch:
                    _import_row(row, buildings, first_row_of, result)
    return result


def _import_row(
    row: HouseholdRow,
    buildings: dict[str, Building],
    first_row_of: dict[str, int],
    result: ImportResult,
) -> None:
    record, rejections = parse_row(row)
    if record is not None:
        rejections = _duplicate_in_file(row, record, first_row_of)
    if record is not None and not rejections:
        rejections = _save_row(row, record, buildings, result)
    result.rejected.extend(rejections)


def _duplicate_in_file(
    row: HouseholdRow, record: ResidentRecord, first_row_of: dict[str, int]
) -> list[Rejection]:
    first = first_row_of.setdefault(keyed_hash(record.id_number), row.number)
    if first == row.number:
        return []
    reason = _("身份证号 %(masked)s 与第 %(first)d 行重复。") % {
        "masked": mask_id_number(record.id_number),
        "first": first,
    }
    return [_rejection(row, "id_number", reason)]


def parse_row(row: HouseholdRow) -> tuple[ResidentRecord | None, list[Rejection]]:
    """Check every cell of the row; a row with any bad cell yields no record."""
    values: dict[str, object] = {}
    rejections = []
    for key, parse in CELL_PARSERS.items():
        try:
            values[key] = parse(row.cells.get(key, ""))
        except InvalidInput as exc:
            rejections.append(_rejection(row, key, exc.message))
    if rejections:
        return None, rejections
    location = Point(values.pop("lon"), values.pop("lat"), srid=4326)
    return ResidentRecord(location=location, **values), []


def _text(text: str, *, max_length: int, required: bool = True) -> str:
    if required and not text:
        raise InvalidInput(_("不能为空。"))
    if len(text) > max_length:
        raise InvalidInput(_("超过 %(max)d 个字符。") % {"max": max_length})
    return text


def _coordinate(text: str, *, limit: float) -> float:
    try:
        value = float(text)
    except ValueError as exc:
        raise InvalidInput(_("不是有效的数字：%(value)s") % {"value": _shown(text)}) from exc
    if not -limit <= value <= limit:
        raise InvalidInput(
            _("超出范围（±%(limit)d）：%(value)s") % {"limit": limit, "value": _shown(text)}
        )
    return value


def _id_number(text: str) -> str:
    if not text:
        raise InvalidInput(_("不能为空。"))
    try:
        return validation.validate_id_number(text)
    except InvalidInput as exc:
        raise InvalidInput(f"{exc.message}（{mask_id_number(text)}）") from exc


def _phone(text: str) -> str:
    if not text:
        return ""
    try:
        return normalise_phone(text)
    except InvalidInput as exc:
        raise InvalidInput(f"{exc.message}（{mask_phone(text)}）") from exc


def _relation(text: str) -> str:
    relation = _choice_lookup(Relation).get(text) or RELATION_ALIASES.get(text)
    if relation is None:
        raise InvalidInput(
            _("无法识别的关系：%(value)s；可填：%(labels)s")
            % {"value": _shown(text), "labels": "、".join(_labels(Relation))}
        )
    return relation


def _special_groups(text: str) -> tuple[str, ...]:
    kinds = []
    for item in filter(None, LIST_SEPARATORS.split(text)):
        kind = _choice_lookup(SpecialGroup).get(item)
        if kind is None:
            raise InvalidInput(
                _("无法识别的特殊人群类别：%(value)s；可填：%(labels)s")
                % {"value": _shown(item), "labels": "、".join(_labels(SpecialGroup))}
            )
        kinds.append(kind)
    return tuple(dict.fromkeys(kinds))


@cache
def _choice_lookup(choices: type[Relation] | type[SpecialGroup]) -> dict[str, str]:
    """Chinese label or code → code, whatever language is active."""
    lookup = {value: value for value in choices.values}
    lookup.update(
        {label: value for label, value in zip(_labels(choices), choices.values, strict=True)}
    )
    return lookup


def _labels(choices: type[Relation] | type[SpecialGroup]) -> list[str]:
    with translation.override(None):  # the msgids are the Chinese labels
        return [str(label) for label in choices.labels]


CELL_PARSERS: dict[str, Callable[[str], object]] = {
    "address": lambda text: _text(text, max_length=200),
    "lon": lambda text: _coordinate(text, limit=180),
    "lat": lambda text: _coordinate(text, limit=90),
    "building_name": lambda text: _text(text, max_length=100, required=False),
    "room": lambda text: _text(text, max_length=50),
    "name": lambda text: _text(text, max_length=50),
    "id_number": _id_number,
    "relation": _relation,
    "phone": _phone,
    "special_groups": _special_groups,
}

# The service's error field → the column the operator fixes; no field means the location.
SERVICE_FIELD_COLUMNS = {"id_number": "id_number", "phone": "phone", "relation": "relation"}


def _save_row(
    row: HouseholdRow, record: ResidentRecord, buildings: dict[str, Building], result: ImportResult
) -> list[Rejection]:
    try:
        with transaction.atomic():
            building, created = _save(record, buildings.get(record.address))
    except InvalidInput as exc:
        return [_rejection(row, SERVICE_FIELD_COLUMNS.get(exc.field or "", ""), exc.message)]
    except IntegrityError:
        return [_rejection(row, "relation", _("同一户只能有一位在住的户主。"))]
    # Cached only once the row committed: a rolled-back building must not be reused.
    buildings.setdefault(record.address, building)
    (result.created if created else result.updated).append(_row_label(row))
    return []


def _save(record: ResidentRecord, building: Building | None) -> tuple[Building, bool]:
    if building is None:
        building = services.building_save(
            address=record.address, location=record.location, name=record.building_name
        )
    household = services.household_save(building=building, room=record.room)
    known = Resident.objects.filter(id_number_hash=keyed_hash(record.id_number)).exists()
    resident = services.resident_save(
        household=household,
        name=record.name,
        id_number=record.id_number,
        relation=record.relation,
        phone=record.phone,
    )
    for kind in record.special_groups:
        services.special_group_add(resident=resident, kind=kind)
    return building, not known


def _row_label(row: HouseholdRow) -> str:
    return _("第 %(row)d 行") % {"row": row.number}


def _rejection(row: HouseholdRow, key: str, reason: str) -> Rejection:
    column = COLUMNS[key][0] if key in COLUMNS else LOCATION_COLUMN
    return Rejection(_row_label(row), column, reason)

"""导出 Excel: a filtered case list as an .xlsx, without personal data.

The reporter is left out entirely; phone and ID numbers a reporter typed into the free
text are masked, because a spreadsheet travels further than the platform's own pages.
"""

import io

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from common.personal_data import mask_free_text
from feedback.models import OPEN_STATES, Case

# A spreadsheet runs a cell starting with one of these as a formula (or DDE) once it is
# typed in again or saved as CSV.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _headers() -> list[str]:
    return [
        _("编号"),
        _("类别编码"),
        _("类别"),
        _("状态"),
        _("来源"),
        _("优先级"),
        _("网格编码"),
        _("网格"),
        _("地址"),
        _("描述"),
        _("责任部门"),
        _("上报时间"),
        _("本环节时限"),
        _("是否超期"),
        _("督办次数"),
        _("即办"),
        _("重开次数"),
        _("结案时间"),
        _("评价"),
    ]


def _local(value):
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def _row(case: Case, now) -> list:
    overdue = case.state in OPEN_STATES and case.due_at is not None and case.due_at < now
    return [
        case.number,
        case.category.code,
        case.category.name,
        case.get_state_display(),
        case.get_source_display(),
        case.get_priority_display(),
        case.area_code,
        case.grid.full_name,
        mask_free_text(case.address),
        mask_free_text(case.description),
        case.department.name if case.department_id else "",
        _local(case.created_at),
        _local(case.due_at),
        _("是") if overdue else _("否"),
        case.escalation_level,
        _("是") if case.handled_on_spot else _("否"),
        case.reopen_count,
        _local(case.closed_at),
        case.get_rating_display(),
    ]


def _cell(sheet, value):
    """Text that could start a formula stays text: stored as a string, not as a formula,
    and quote-prefixed so Excel keeps it text when the cell is edited; its characters are
    left as written."""
    if not (isinstance(value, str) and value.startswith(FORMULA_START)):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def cases_workbook(cases: QuerySet[Case]) -> bytes:
    """The cases, in the list's order, as .xlsx bytes (streamed row by row)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("事件清单"))
    bold = Font(bold=True)
    header = []
    for title in _headers():
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    now = timezone.now()
    for case in cases.iterator(chunk_size=2000):
        sheet.append([_cell(sheet, value) for value in _row(case, now)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

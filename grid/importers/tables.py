"""Read a spreadsheet (.xlsx) or a CSV file as numbered rows of text cells.

Row numbers are the ones the operator sees when the file is opened in Excel: the header
is row 1 (or the sheet row it sits on), so an error report points at the right line.
"""

import codecs
import csv
import io
from collections.abc import Iterator
from pathlib import Path

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from grid.importers.result import UnreadableFile

Row = tuple[int, list[str]]
CSV_DELIMITERS = (",", "\t", ";")


def read_table(path: str | Path, *, sheet: str | None = None) -> list[Row]:
    """The numbered, non-empty rows of the file, header and title rows included."""
    local = Path(path)
    if not local.is_file():
        raise UnreadableFile(_("文件不存在：%(path)s") % {"path": path})
    suffix = local.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        rows = _xlsx_rows(local, sheet)
    elif suffix in (".csv", ".txt"):
        rows = _csv_rows(local)
    else:
        raise UnreadableFile(_("只支持 .xlsx 和 .csv 文件：%(path)s") % {"path": path})
    rows = [(number, cells) for number, cells in rows if any(cells)]
    if not rows:
        raise UnreadableFile(_("文件中没有数据：%(path)s") % {"path": path})
    return rows


def _xlsx_rows(path: Path, sheet: str | None) -> Iterator[Row]:
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError) as exc:
        raise UnreadableFile(_("无法读取 Excel 文件：%(path)s") % {"path": path}) from exc
    if sheet is not None and sheet not in workbook.sheetnames:
        raise UnreadableFile(
            _("工作簿中没有工作表 %(sheet)s；可用工作表：%(sheets)s")
            % {"sheet": sheet, "sheets": ", ".join(workbook.sheetnames)}
        )
    worksheet = workbook[sheet] if sheet is not None else workbook.worksheets[0]
    for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
        yield number, [_cell_text(value) for value in values]
    workbook.close()


def _cell_text(value: object) -> str:
    # Excel stores digits typed without a leading ' as numbers: 101 arrives as 101.0.
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


def _csv_rows(path: Path) -> Iterator[Row]:
    text = _decode(path.read_bytes(), path)
    first_line = text.split("\n", 1)[0]
    delimiter = max(CSV_DELIMITERS, key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    for number, values in enumerate(reader, start=1):
        yield number, [value.strip() for value in values]


def _decode(data: bytes, path: Path) -> str:
    """UTF-8 with or without BOM, UTF-16 with BOM, else GBK (Excel on Chinese Windows)."""
    if data.startswith(codecs.BOM_UTF8):
        candidates = ("utf-8-sig",)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ("utf-16",)
    else:
        candidates = ("utf-8", "gb18030")  # GB 18030 is a superset of GBK and GB 2312
    for encoding in candidates:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile(_("无法识别文件编码，请另存为 UTF-8 或 GBK：%(path)s") % {"path": path})

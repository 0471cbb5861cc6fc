"""Attachments are recognised by their content: PDF, images, Word and Excel, nothing else,
and never a file whose extension says something its content does not."""

import io
import zipfile

import openpyxl
import pytest

from common.errors import InvalidInput
from notices.attachments import MAX_BYTES, OLE2, clean_name, prepare
from tests.notices.conftest import PDF, png_bytes

OOXML = "application/vnd.openxmlformats-officedocument"


def xlsx_bytes() -> bytes:
    book = openpyxl.Workbook()
    book.active["A1"] = "值班表"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def docx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "content_type"),
    [
        (PDF, "通知.pdf", "application/pdf"),
        (png_bytes(), "现场.PNG", "image/png"),
        (xlsx_bytes(), "值班表.xlsx", f"{OOXML}.spreadsheetml.sheet"),
        (docx_bytes(), "通知.docx", f"{OOXML}.wordprocessingml.document"),
        (OLE2 + b"\0" * 100, "旧表格.xls", "application/vnd.ms-excel"),
        (OLE2 + b"\0" * 100, "旧文档.doc", "application/msword"),
    ],
)  # fmt: skip
def test_pdf_images_word_and_excel_are_accepted_with_the_type_of_their_content(
    data, name, content_type
):
    prepared = prepare(data, name=name)
    assert (prepared.name, prepared.content_type) == (name, content_type)
    if not content_type.startswith("image/"):  # pictures are saved again, see below
        assert prepared.data == data


def jpeg_with_gps() -> bytes:
    from PIL import Image

    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (31.0, 12.0, 30.0), 3: "E", 4: (121.0, 24.0, 10.0)}  # GPS
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 80, 30)).save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_a_photo_loses_its_exif_and_gps_before_it_is_kept():
    from PIL import Image

    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the phone's position
    prepared = prepare(original, name="现场.jpg")
    kept = Image.open(io.BytesIO(prepared.data))
    assert (kept.format, kept.size) == ("JPEG", (64, 48))
    assert dict(kept.getexif()) == {}
    assert b"PhoneMaker" not in prepared.data


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"MZ\x90\x00" + b"\0" * 60, "setup.exe"),
        (b"<svg onload=alert(1)>", "logo.svg"),
        (b"<html><script>alert(1)</script>", "通知.pdf"),  # a page calling itself a PDF
        (PDF, "通知.docx"),  # the extension says something else
        (zipfile.ZipFile.__doc__.encode(), "readme.txt"),
        (xlsx_bytes(), "值班表.docx"),
        (OLE2 + b"\0" * 100, "宏.ppt"),
    ],
)
def test_other_files_and_mismatched_extensions_are_refused_in_chinese(data, name):
    with pytest.raises(InvalidInput, match="类型不支持") as refusal:
        prepare(data, name=name)
    assert refusal.value.field == "attachments" and name in refusal.value.message


def test_a_file_past_the_size_limit_is_refused_with_the_limit():
    with pytest.raises(InvalidInput, match="超过 10 MB"):
        prepare(PDF + b"\0" * MAX_BYTES, name="大文件.pdf")


def test_an_empty_file_is_refused():
    with pytest.raises(InvalidInput, match="空文件"):
        prepare(b"", name="空.pdf")


def test_a_name_loses_its_folders_and_is_cut_with_its_extension_kept():
    assert clean_name("C:\\Users\\办公室\\通知.pdf") == "通知.pdf"
    assert clean_name("../../etc/passwd.pdf") == "passwd.pdf"
    long = clean_name("长" * 300 + ".xlsx")
    assert len(long) == 200 and long.endswith(".xlsx")

"""Files attached to a notice: PDF, images, Word and Excel, recognised by their content.

The name a browser sends proves nothing, so each file is identified by its first bytes
(and, for the Office formats, by the parts inside the package); the extension must agree
with what the content is, and the type a download is served with is the one found here,
never the one the browser claimed.

Photos are saved again without their metadata: a phone's EXIF carries where and when it
was taken (GPS) and the device, which a notice to a whole area must not publish.
"""

import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from common.errors import InvalidInput

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 5
NAME_LENGTH = 200
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container of .doc and .xls

# kind → (content type, extensions allowed for it)
KINDS = {
    "pdf": ("application/pdf", {".pdf"}),
    "jpeg": ("image/jpeg", {".jpg", ".jpeg"}),
    "png": ("image/png", {".png"}),
    "gif": ("image/gif", {".gif"}),
    "webp": ("image/webp", {".webp"}),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        {".docx"},
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", {".xlsx"}),
    "doc": ("application/msword", {".doc"}),
    "xls": ("application/vnd.ms-excel", {".xls"}),
}


@dataclass(frozen=True)
class PreparedAttachment:
    data: bytes
    name: str
    content_type: str

    @property
    def size(self) -> int:
        return len(self.data)


def prepare(data: bytes, *, name: str) -> PreparedAttachment:
    """Check one uploaded file; InvalidInput naming the file and the reason otherwise."""
    name = clean_name(name)
    if len(data) > MAX_BYTES:
        raise InvalidInput(
            _("附件 %(name)s 超过 %(mb)d MB。") % {"name": name, "mb": MAX_BYTES // 2**20},
            field="attachments",
        )
    if not data:
        raise InvalidInput(_("附件 %(name)s 是空文件。") % {"name": name}, field="attachments")
    kind = _kind(data, PurePosixPath(name).suffix.lower())
    content_type, extensions = KINDS.get(kind, ("", set()))
    if PurePosixPath(name).suffix.lower() not in extensions:
        raise InvalidInput(
            _("附件 %(name)s 的类型不支持（支持 PDF、图片、Word、Excel），或扩展名与内容不符。")
            % {"name": name},
            field="attachments",
        )
    if kind in REENCODED:
        data = _without_metadata(data, kind, name)
    return PreparedAttachment(data=data, name=name, content_type=content_type)


REENCODED = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}  # a GIF carries no EXIF


def _without_metadata(data: bytes, kind: str, name: str) -> bytes:
    """The picture alone, turned upright as the phone meant it, with no EXIF, GPS or text
    chunks."""
    try:
        picture = Image.open(io.BytesIO(data))
        picture.load()
        picture = ImageOps.exif_transpose(picture)
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise InvalidInput(
            _("附件 %(name)s 不是可识别的图片。") % {"name": name}, field="attachments"
        ) from exc
    if kind == "jpeg" and picture.mode not in ("RGB", "L"):
        picture = picture.convert("RGB")
    out = io.BytesIO()
    options = {"quality": 90} if kind in ("jpeg", "webp") else {}
    picture.save(out, REENCODED[kind], **options)
    return out.getvalue()


def clean_name(name: str) -> str:
    """The file's own name, without any folder a browser sent, cut to fit the column
    with its extension kept."""
    name = PurePosixPath(name.replace("\\", "/")).name.strip() or "file"
    if len(name) <= NAME_LENGTH:
        return name
    suffix = PurePosixPath(name).suffix[:10]
    return name[: NAME_LENGTH - len(suffix)] + suffix


def _kind(data: bytes, suffix: str) -> str:
    head = data[:16]
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"PK\x03\x04"):
        return _office_package(data)
    if head.startswith(OLE2):
        # .doc and .xls share the container; telling them apart would mean parsing it,
        # and either is served as a download, so the extension names which it is.
        return {".doc": "doc", ".xls": "xls"}.get(suffix, "")
    return ""


def _office_package(data: bytes) -> str:
    """docx or xlsx by the part that makes it one; only the directory is read, nothing
    is decompressed."""
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, ValueError):
        return ""
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return ""

"""Photos from phones: recognised by content, size-capped, re-encoded without EXIF.

Re-encoding drops every metadata block (GPS above all) and anything smuggled after the
image data; the orientation tag is applied first so the picture stays upright.
"""

import hashlib
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener

from common.errors import InvalidInput

register_heif_opener()

MAX_BYTES = 12 * 1024 * 1024
# A phone's full-resolution photo is 12 MP (4032 × 3024); 50 MP sensors save 12 MP unless
# told otherwise. Decoding costs memory and CPU by pixels, not bytes: a 30 kB PNG can hold
# 40 MP. Pillow refuses twice its own limit by itself (DecompressionBombError) and we
# refuse past MAX_PIXELS before decoding.
MAX_PIXELS = 25_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
MAX_EDGE = 2048
THUMB_EDGE = 320
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "HEIF", "MPO"}
MAX_PHOTOS = 9


@dataclass(frozen=True)
class PreparedPhoto:
    image: bytes
    thumbnail: bytes
    width: int
    height: int
    digest: str  # SHA-256 of the file as uploaded: a retried upload is recognised by it


def prepare(data: bytes, *, name: str = "") -> PreparedPhoto:
    """Check and re-encode one uploaded photo; InvalidInput with the reason otherwise."""
    if len(data) > MAX_BYTES:
        raise InvalidInput(
            _("照片 %(name)s 超过 %(mb)d MB。") % {"name": name, "mb": MAX_BYTES // 2**20},
            field="photos",
        )
    picture = _open(data, name)
    picture = ImageOps.exif_transpose(picture).convert("RGB")
    picture.thumbnail((MAX_EDGE, MAX_EDGE))
    thumb = picture.copy()
    thumb.thumbnail((THUMB_EDGE, THUMB_EDGE))
    digest = hashlib.sha256(data).hexdigest()
    return PreparedPhoto(_jpeg(picture), _jpeg(thumb), picture.width, picture.height, digest)


def _open(data: bytes, name: str) -> Image.Image:
    try:
        picture = Image.open(io.BytesIO(data))
        if picture.format not in ACCEPTED_FORMATS:
            raise UnidentifiedImageError(picture.format)
        if picture.width * picture.height > MAX_PIXELS:
            raise InvalidInput(_("照片 %(name)s 像素过多。") % {"name": name}, field="photos")
        # A JPEG decodes straight at the smallest scale (1/2, 1/4, 1/8) still at least
        # MAX_EDGE: a quarter or less of the work and memory of a full decode.
        picture.draft("RGB", (MAX_EDGE, MAX_EDGE))
        picture.load()
    except Image.DecompressionBombError as exc:
        raise InvalidInput(_("照片 %(name)s 像素过多。") % {"name": name}, field="photos") from exc
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise InvalidInput(
            _("文件 %(name)s 不是可识别的照片（支持 JPEG、PNG、WebP、HEIC）。") % {"name": name},
            field="photos",
        ) from exc
    return picture


def _jpeg(picture: Image.Image) -> bytes:
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue()

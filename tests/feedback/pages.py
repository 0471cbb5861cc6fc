"""What the page tests share: a filled-in report form and real photo uploads."""

import uuid
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import grid_centre
from tests.feedback.conftest import GRID
from tests.feedback.photos import image_bytes


def report_data(category, **overrides) -> dict:
    """The report form as a phone posts it: a point at the centre of GRID."""
    point = grid_centre(GRID)
    data = {
        "client_id": str(uuid.uuid4()),
        "category": str(category.pk),
        "description": "小区门口井盖松动，晚上看不清",
        "lon": f"{point.x:.7f}",
        "lat": f"{point.y:.7f}",
        "address": "",
        "grid_code": "",
    }
    return data | overrides


def jpeg(name: str = "photo.jpg") -> SimpleUploadedFile:
    """A small JPEG whose pixels differ by name: the same file twice is stored once."""
    size = (64 + zlib.crc32(name.encode()) % 64, 48)
    return SimpleUploadedFile(name, image_bytes("JPEG", size=size), content_type="image/jpeg")


def not_a_photo(name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 not an image", content_type="image/jpeg")

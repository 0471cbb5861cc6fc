"""Real image files made with Pillow, as a phone would send them."""

import io

from PIL import Image


def jpeg_with_gps(size=(800, 600)) -> bytes:
    picture = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° to display
    gps = {1: "N", 2: (31.0, 12.0, 30.0), 3: "E", 4: (121.0, 24.0, 10.0)}
    exif[0x8825] = gps
    out = io.BytesIO()
    picture.save(out, "JPEG", exif=exif)
    return out.getvalue()


def image_bytes(fmt: str, size=(64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 10)).save(out, fmt)
    return out.getvalue()


def heic_bytes(size=(64, 48)) -> bytes:
    from pillow_heif import from_pillow

    out = io.BytesIO()
    from_pillow(Image.new("RGB", size, (10, 10, 200))).save(out, quality=80)
    return out.getvalue()

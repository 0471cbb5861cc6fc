import io
import uuid

import pytest
from PIL import Image

from common.errors import InvalidInput
from feedback import photos, services
from feedback.models import CasePhoto, CaseState
from tests.factories import grid_centre
from tests.feedback.conftest import GRID
from tests.feedback.photos import heic_bytes, image_bytes, jpeg_with_gps


def test_gps_and_every_exif_tag_are_removed_and_orientation_applied():
    prepared = photos.prepare(jpeg_with_gps(), name="a.jpg")
    shown = Image.open(io.BytesIO(prepared.image))
    assert dict(shown.getexif()) == {}
    assert (prepared.width, prepared.height) == (600, 800)  # rotated upright


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "JPEG"])
def test_common_formats_are_accepted_and_re_encoded_as_jpeg(fmt):
    prepared = photos.prepare(image_bytes(fmt), name=f"x.{fmt.lower()}")
    assert Image.open(io.BytesIO(prepared.image)).format == "JPEG"
    assert Image.open(io.BytesIO(prepared.thumbnail)).size[0] <= photos.THUMB_EDGE


def test_heic_from_an_iphone_is_accepted():
    prepared = photos.prepare(heic_bytes(), name="IMG_0001.HEIC")
    assert (prepared.width, prepared.height) == (64, 48)


def test_a_file_is_judged_by_content_not_by_its_name():
    with pytest.raises(InvalidInput, match="不是可识别的照片"):
        photos.prepare(b"%PDF-1.4 not a photo", name="photo.jpg")


def test_a_gif_is_refused_even_though_pillow_reads_it():
    with pytest.raises(InvalidInput):
        photos.prepare(image_bytes("GIF"), name="anim.gif")


def test_an_oversized_file_is_refused_before_decoding(settings):
    with pytest.raises(InvalidInput, match="超过"):
        photos.prepare(b"\xff" * (photos.MAX_BYTES + 1), name="big.jpg")


def test_a_truncated_jpeg_is_refused():
    with pytest.raises(InvalidInput):
        photos.prepare(jpeg_with_gps()[:300], name="cut.jpg")


def test_on_the_spot_handling_reports_and_closes_with_both_photos(people, categories):
    point = grid_centre(GRID)
    before = [photos.prepare(image_bytes("JPEG"))]
    after = [photos.prepare(image_bytes("PNG"))]
    case, created = services.case_handle_on_spot(
        actor=people["worker"],
        client_id=uuid.uuid4(),
        category=categories["stall"],
        description="占道",
        lon=point.x,
        lat=point.y,
        note="当场劝离",
        before=before,
        after=after,
    )
    assert created and case.state == CaseState.CLOSED and case.handled_on_spot
    assert list(case.timeline.values_list("action", flat=True)) == ["report", "on_spot"]
    assert sorted(CasePhoto.objects.filter(case=case).values_list("stage", flat=True)) == [
        "after",
        "before",
    ]


def test_on_the_spot_handling_without_an_after_photo_is_refused(people, categories):
    point = grid_centre(GRID)
    with pytest.raises(InvalidInput, match="照片"):
        services.case_handle_on_spot(
            actor=people["worker"],
            client_id=uuid.uuid4(),
            category=categories["stall"],
            description="占道",
            lon=point.x,
            lat=point.y,
            note="x",
            before=[photos.prepare(image_bytes("JPEG"))],
            after=[],
        )


@pytest.mark.parametrize("size", [(6000, 4400), (10000, 6000)])
def test_a_small_file_with_too_many_pixels_is_refused_before_decoding(size):
    # a few kB of PNG that would decode to 26 or 60 megapixels
    out = io.BytesIO()
    Image.new("1", size).save(out, "PNG")
    assert len(out.getvalue()) < 100_000
    with pytest.raises(InvalidInput, match="像素过多"):
        photos.prepare(out.getvalue(), name="bomb.png")


def test_a_large_jpeg_is_decoded_at_a_reduced_scale_and_still_fills_the_edge():
    out = io.BytesIO()
    Image.new("RGB", (4032, 3024), "olive").save(out, "JPEG")
    prepared = photos.prepare(out.getvalue(), name="phone.jpg")
    assert (prepared.width, prepared.height) == (2048, 1536)

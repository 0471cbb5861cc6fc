"""Case photos for whoever may read the case, and the duplicate hints the report form
asks for while a report is being written."""

import math

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from common.personal_data import mask_free_text
from feedback import selectors
from feedback.access import case_access
from feedback.models import CasePhoto, Category


@login_required
def case_photo(request: HttpRequest, pk: int, photo_pk: int, size: str) -> FileResponse:
    """A case photo for whoever may read the case (or its public version)."""
    case = selectors.case_get_for_user(user=request.user, case_id=pk) or selectors.public_case_get(
        user=request.user, case_id=pk
    )
    photo = CasePhoto.objects.filter(case=case, pk=photo_pk).first() if case else None
    if photo is None:
        raise Http404
    image = photo.thumbnail if size == "thumb" else photo.image
    response = FileResponse(image.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
def duplicate_suggestions(request: HttpRequest) -> JsonResponse:
    """Open cases of the same category near a point, before a report is sent: the ones the
    user may open, and public ones of the communities they read."""
    try:
        category = Category.objects.get(pk=int(request.GET["category"]))
        lon, lat = float(request.GET["lon"]), float(request.GET["lat"])
    except (KeyError, ValueError, Category.DoesNotExist):
        return JsonResponse({"cases": []}, status=422)
    if not on_the_globe(lon, lat):
        message = _("经纬度无效：经度应在 -180 到 180 之间，纬度应在 -90 到 90 之间。")
        return JsonResponse({"cases": [], "message": message}, status=422)
    found = selectors.duplicate_hints(user=request.user, category=category, lon=lon, lat=lat)
    reads = case_access(request.user).reads_free_text_of
    rows = [
        {
            "number": c.number,
            "state": c.get_state_display(),
            "created": timezone.localtime(c.created_at).strftime("%Y-%m-%d %H:%M"),
            "description": (c.description if reads(c) else mask_free_text(c.description))[:60],
            "metres": round(selectors.metres_between(lon, lat, c.location.x, c.location.y)),
        }
        for c in found
    ]
    return JsonResponse({"cases": rows[:5]})


def on_the_globe(lon: float, lat: float) -> bool:
    return math.isfinite(lon) and math.isfinite(lat) and abs(lon) <= 180 and abs(lat) <= 90

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def area_map(request: HttpRequest) -> HttpResponse:
    context = {"basemap_url": settings.BASEMAP_TILE_URL}
    return render(request, "maps/area_map.html", context)

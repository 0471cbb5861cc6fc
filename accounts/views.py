from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def home(request: HttpRequest) -> HttpResponse:
    roles = request.user.roles.select_related("area", "department")
    return render(request, "accounts/home.html", {"roles": roles})

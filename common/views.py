"""Error pages in Chinese (English through the catalogue). Under /api/ and /open311/
the same errors answer problem+json (common/middleware.py converts /api/ answers)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.utils.translation import gettext as _

from common.problem import error_text, problem_response, wants_problem


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _page(request, 400, "400.html")


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _page(request, 403, "403.html")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _page(request, 404, "404.html")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Django's CSRF refusal is an English page; ours says what to do."""
    detail = _("页面已过期或来源不明，请刷新页面后重新提交。")
    if wants_problem(request.path):
        return problem_response(403, detail)
    return render(request, "403.html", {"detail": detail}, status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    """500. The project's handler500 is infra.busy.server_error, which answers 503
    instead when the failure was a busy database and hands every other failure here."""
    if wants_problem(request.path):
        return problem_response(500)
    # Rendered without the request: the failure may be the session or the database
    # that the context processors would touch again.
    title, detail = error_text(500)
    html = loader.render_to_string("error_plain.html", {"title": title, "detail": detail})
    return HttpResponse(html, status=500)


def _page(request: HttpRequest, status: int, template: str) -> HttpResponse:
    if wants_problem(request.path):
        return problem_response(status)
    return render(request, template, status=status)


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers and feed readers ask /favicon.ico whatever the page says; it is our mark."""
    return redirect(static("common/favicon.svg"), permanent=True)

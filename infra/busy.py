"""A database too busy to take a write: recognised on both backends, answered with 503."""

import sys

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from common import views as error_pages
from common.problem import problem_response, wants_problem

RETRY_AFTER_SECONDS = 1
# Fields never written back into the page that offers to send the form again.
UNKEPT_FIELDS = ("csrfmiddlewaretoken", "password", "otp", "token")
LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's lock_timeout / NOWAIT


def is_database_busy(exc: BaseException) -> bool:
    """SQLite's "database is locked" / "database table is locked" after its busy
    timeout, or PostgreSQL's lock timeout. Any other database failure is a fault."""
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    return "locked" in str(exc) or getattr(cause, "sqlstate", None) == LOCK_NOT_AVAILABLE


def busy_response(request: HttpRequest) -> HttpResponse:
    if wants_problem(request.path):
        response = problem_response(503)
    else:
        context = {"kept": kept_fields(request), "action": request.get_full_path()}
        response = render(request, "503.html", context, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def kept_fields(request: HttpRequest) -> list[tuple[str, str]]:
    """What the user typed, to send again from the 503 page (files cannot be kept,
    passwords and codes are not written back into a page)."""
    if request.method != "POST":
        return []
    return [
        (name, value)
        for name, values in request.POST.lists()
        if not any(word in name.lower() for word in UNKEPT_FIELDS)
        for value in values
    ]


def server_error(request: HttpRequest) -> HttpResponse:
    """The project's handler500: 503 when what failed was a write that found the database
    busy outside a view (a session saved on the way out), else common's 500 page. Django
    calls it inside its `except`."""
    if is_database_busy(sys.exc_info()[1]):
        return busy_response(request)
    return error_pages.server_error(request)


class DatabaseBusyMiddleware:
    """A write that waited out SQLite's busy timeout (or PostgreSQL's lock timeout) is
    overload, not a fault: the client is told to retry, and a page keeps what was typed.
    The API has its own handler (config/api.py); this covers pages, login and Open311."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not is_database_busy(exception):
            return None
        return busy_response(request)

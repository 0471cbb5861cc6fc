"""Answers around the views: a busy database is 503 on every write path, and every error
under /api/ is problem+json."""

from django.http import HttpRequest, HttpResponse

from common import busy
from common.problem import PROBLEM_TYPE, problem_response


class DatabaseBusyMiddleware:
    """A write that waited out SQLite's busy timeout (or PostgreSQL's lock timeout) is
    overload, not a fault: the client is told to retry, and a page keeps what was typed.
    The API has its own handler (config/api.py); this covers pages, login and Open311."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not busy.is_database_busy(exception):
            return None
        return busy.busy_response(request)


class ApiProblemMiddleware:
    """Whatever refuses an /api/ request (an unknown URL, a method ninja does not route,
    Django's own 400/403/500) answers problem+json in Chinese, never an HTML page."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code < 400 or not request.path.startswith("/api/"):
            return response
        if response.get("Content-Type", "").startswith((PROBLEM_TYPE, "application/json")):
            return response
        problem = problem_response(response.status_code)
        for header in ("Retry-After", "Allow", "WWW-Authenticate"):
            if header in response:
                problem[header] = response[header]
        return problem

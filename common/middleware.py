"""Every error under /api/ is problem+json (the busy database: infra/busy.py); the
language a page speaks."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from common.problem import PROBLEM_TYPE, problem_response


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


class PageLocaleMiddleware(LocaleMiddleware):
    """Pages speak zh-Hans to everyone until the user picks a language in the header
    (remembered in the language cookie); a browser's Accept-Language is not a choice.
    Machine clients (/api/, /open311/) still negotiate by Accept-Language."""

    machine_prefixes = ("/api/", "/open311/")

    def process_request(self, request: HttpRequest) -> None:
        if request.path.startswith(self.machine_prefixes):
            return super().process_request(request)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

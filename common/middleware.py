"""Every error under /api/ is problem+json (the busy database: infra/busy.py)."""

from django.http import HttpRequest, HttpResponse

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

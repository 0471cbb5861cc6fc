"""API authentication: the web's session (with CSRF) or a phone's bearer token."""

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from accounts.tokens import token_user


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = token_user(token)
        if user is not None:
            request.user = user
        return user


api_auth = [SessionAuth(csrf=True), BearerToken()]

"""Token issue for phones: username and password in, bearer token out."""

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from accounts.tokens import token_issue
from common.errors import DomainError

router = Router(tags=["auth"])


class TokenIn(Schema):
    username: str
    password: str
    label: str = ""


class TokenOut(Schema):
    token: str


class BadCredentials(DomainError):
    status = 401


@router.post("/token", response=TokenOut, auth=None)
def token_create(request: HttpRequest, payload: TokenIn) -> dict:
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        raise BadCredentials(_("用户名或密码不正确。"))
    return {"token": token_issue(user=user, label=payload.label)}

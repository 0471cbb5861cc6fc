"""Tokens for phones: username (or phone) and password in, bearer token out."""

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Router, Schema, Status
from pydantic import Field

from accounts.auth import bearer_auth
from accounts.tokens import token_issue, token_revoke
from common.api_types import Text, problems
from common.errors import DomainError

router = Router(tags=["auth"])


class TokenIn(Schema):
    username: Text = Field(min_length=1, max_length=150, description="用户名或手机号")
    password: Text = Field(min_length=1, max_length=128)
    label: Text = Field("", max_length=100, description="设备名称，便于日后吊销")


class TokenOut(Schema):
    token: str = Field(description="只显示这一次；请求时放在 Authorization: Bearer 后面")


class BadCredentials(DomainError):
    status = 401
    title = gettext_lazy("登录失败")


@router.post(
    "/token",
    response={200: TokenOut, **problems(401, 422)},
    auth=None,
    summary="换取令牌",
    description="手机端用用户名（或手机号）和密码换取 Bearer 令牌。",
)
def token_create(request: HttpRequest, payload: TokenIn) -> dict:
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        raise BadCredentials(_("用户名或密码不正确。"))
    return {"token": token_issue(user=user, label=payload.label)}


@router.delete(
    "/token",
    response={204: None, **problems(401)},
    auth=bearer_auth,
    summary="吊销令牌",
    description="吊销本次请求所带的 Bearer 令牌（手机退出登录）。",
)
def token_delete(request: HttpRequest):
    token_revoke(key=request.headers["Authorization"].split(" ", 1)[1].strip())
    return Status(204, None)

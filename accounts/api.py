"""Tokens for phones: username (or phone) and password in, bearer token out; a user's
list of their tokens, and revoking any of them."""

import datetime as dt

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Router, Schema, Status
from pydantic import Field

from accounts import two_factor
from accounts.auth import bearer_auth
from accounts.models import User
from accounts.tokens import token_issue, token_list, token_revoke, token_revoke_own
from common.api_types import Text, problems
from common.errors import DomainError, NotFound, NotPermitted

router = Router(tags=["auth"])


class TokenIn(Schema):
    username: Text = Field(min_length=1, max_length=150, description="用户名或手机号")
    password: Text = Field(min_length=1, max_length=128)
    label: Text = Field("", max_length=100, description="设备名称，便于日后吊销")
    otp: Text = Field("", max_length=10, description="动态口令（指挥中心、管理员等账号必填）")


class TokenOut(Schema):
    token: str = Field(description="只显示这一次；请求时放在 Authorization: Bearer 后面")


class TokenInfoOut(Schema):
    id: int
    label: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    expires_at: dt.datetime


class BadCredentials(DomainError):
    status = 401
    title = gettext_lazy("登录失败")


@router.post(
    "/token",
    response={200: TokenOut, **problems(401, 403, 422, 429)},
    auth=None,
    summary="换取令牌",
    description=(
        "手机端用用户名（或手机号）和密码换取 Bearer 令牌；需要动态口令的账号同时提供 otp。"
        "连续输错密码会被暂时锁定（429，带 Retry-After）。"
    ),
)
def token_create(request: HttpRequest, payload: TokenIn) -> dict:
    # A locked-out account also gets None here; axes' middleware then answers 429.
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        raise BadCredentials(_("用户名或密码不正确。"))
    _check_second_factor(request, user, payload.otp)
    return {"token": token_issue(user=user, label=payload.label)}


def _check_second_factor(request: HttpRequest, user: User, code: str) -> None:
    if not two_factor.second_factor_required(user):
        return
    if not two_factor.has_device(user):
        raise NotPermitted(_("您的账号需要动态口令，请先在网页上登录并绑定动态口令。"))
    if not code.strip():
        raise BadCredentials(_("请输入动态口令。"), field="otp")
    if not two_factor.code_check(user=user, code=code, request=request):
        raise BadCredentials(_("动态口令不正确或已过期。"), field="otp")


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


@router.get(
    "/tokens",
    response={200: list[TokenInfoOut], **problems(401)},
    summary="我的令牌",
    description="本人仍有效的令牌：设备名称、签发、最近使用和到期时间（不含令牌本身）。",
)
def tokens_mine(request: HttpRequest):
    return list(token_list(user=request.user))


@router.delete(
    "/tokens/{token_id}",
    response={204: None, **problems(401, 404)},
    summary="吊销我的某个令牌",
    description="吊销本人的一个令牌，例如丢失的手机上的。",
)
def tokens_revoke(request: HttpRequest, token_id: int):
    if token_revoke_own(user=request.user, token_id=token_id) is None:
        raise NotFound(_("令牌不存在或已吊销。"))
    return Status(204, None)

"""Pages of sign-in security: log out (recorded), two-factor enrolment and verification,
and the user's own API tokens."""

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.audit import security_log
from accounts.forms import StackedForm
from accounts.models import SecurityEventKind
from accounts.tokens import token_list, token_revoke_own
from realtime.publish import end_session


class LogoutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated:
            security_log(kind=SecurityEventKind.LOGOUT, user=request.user, request=request)
        session_key = request.session.session_key
        response = super().post(request, *args, **kwargs)
        if session_key:  # the sockets opened under this session close now
            end_session(session_key)
        return response


class CodeForm(StackedForm):
    code = forms.CharField(
        label=gettext_lazy("动态口令"),
        max_length=10,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
    )


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "accounts:home"


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    """After the password: the current code of the user's authenticator app."""
    user = request.user
    if not two_factor.second_factor_required(user) or user.is_verified():
        return redirect(_next_url(request))
    if not two_factor.has_device(user):
        return redirect("accounts:otp_setup")
    form = CodeForm(request.POST or None)
    if form.is_valid():
        if two_factor.code_check(user=user, code=form.cleaned_data["code"], request=request):
            return redirect(_next_url(request))
        form.add_error("code", _("动态口令不正确或已过期，请重新输入。"))
    context = {"form": form, "next": _next_url(request)}
    return render(request, "accounts/otp_verify.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Enrolment: a new secret as QR code and text, confirmed with its first code."""
    user = request.user
    if not two_factor.second_factor_required(user) or two_factor.has_device(user):
        return redirect("accounts:otp_verify")
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid() and two_factor.enrolment_confirm(
            user=user, code=form.cleaned_data["code"], request=request
        ):
            return redirect(_next_url(request))
        form.add_error("code", _("动态口令不正确，请核对手机时间后重新输入。"))
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    else:
        device = None
    device = device or two_factor.enrolment_start(user=user)
    context = {
        "form": form,
        "next": _next_url(request),
        "qr_svg": two_factor.device_qr_svg(device),
        "secret": two_factor.device_secret(device),
    }
    return render(request, "accounts/otp_setup.html", context)


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    """The user's phones and systems that hold a token, each revocable."""
    return render(request, "accounts/tokens.html", {"tokens": token_list(user=request.user)})


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token_revoke_own(user=request.user, token_id=pk)  # already gone: the list says so
    return redirect("accounts:tokens")

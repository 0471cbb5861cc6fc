"""Pages of resident self-registration and of its review by community staff."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django_ratelimit.core import is_ratelimited

from accounts import services as otp
from accounts.models import RegistrationRequest, RegistrationStatus
from common.errors import DomainError
from common.personal_data import decrypt, encrypt, mask_id_number, mask_phone
from common.phone import normalise_phone
from grid.validation import validate_id_number
from registration import selectors, services
from registration.forms import (
    ApproveForm,
    IdNumberSearchForm,
    PhoneForm,
    RegisterForm,
    RejectForm,
    add_domain_error,
)

# The phone waits in the session between the two steps; sessions are stored in the
# database, so it waits encrypted like every other copy of it.
SESSION_PHONE = "registration_phone"


def _session_phone(request: HttpRequest) -> str:
    token = request.session.get(SESSION_PHONE)
    return decrypt(token) if token else ""


def _client_ip(group: str, request: HttpRequest) -> str:
    # Behind a unix socket REMOTE_ADDR may be empty: those clients share one budget
    # rather than getting none.
    return request.META.get("REMOTE_ADDR") or "unknown"


def _over_limit(request: HttpRequest, group: str, rate: str) -> bool:
    """Count one more `group` action from the client's IP; true past `rate`."""
    return is_ratelimited(request, group=group, key=_client_ip, rate=rate, increment=True)


def _too_many(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/too_many_requests.html", status=429)


def register(request: HttpRequest) -> HttpResponse:
    """Step 1. Every accepted phone gets the same answer and goes on to step 2; whether it
    is already registered is told only to the phone itself, by SMS."""
    if request.user.is_authenticated:
        return redirect("accounts:home")
    form = PhoneForm(request.POST or None, initial={"phone": _session_phone(request)})
    if request.method == "POST" and form.is_valid():
        if _over_limit(request, "register-sms", settings.REGISTRATION_SMS_RATE):
            return _too_many(request)
        try:
            otp.otp_send(phone=form.cleaned_data["phone"])
        except DomainError as error:
            add_domain_error(form, error)
            status = 429 if error.status == 429 else 200
            return render(request, "accounts/register.html", {"form": form}, status=status)
        phone = normalise_phone(form.cleaned_data["phone"])
        request.session[SESSION_PHONE] = encrypt(phone)
        return redirect("accounts:register_verify")
    return render(request, "accounts/register.html", {"form": form})


def register_verify(request: HttpRequest) -> HttpResponse:
    phone = _session_phone(request)
    if not phone:
        return redirect("accounts:register")
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Each submission may look a name and ID number up in the household records.
        if _over_limit(request, "register-lookup", settings.REGISTRATION_LOOKUP_RATE):
            return _too_many(request)
        try:
            user = services.resident_register(phone=phone, **form.cleaned_data_for_service())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            del request.session[SESSION_PHONE]
            # The lockout backend guards passwords; a registration signs in by its code.
            login(request, user, backend="accounts.backends.PhoneOrUsernameBackend")
            if user.resident_id is not None:
                return redirect("accounts:home")
            return redirect("accounts:register_status")
    context = {"form": form, "masked_phone": mask_phone(phone), "phone": phone}
    return render(request, "accounts/register_verify.html", context)


@login_required
def register_status(request: HttpRequest) -> HttpResponse:
    registration = selectors.registration_request_of(user=request.user)
    return render(request, "accounts/register_status.html", {"registration": registration})


@login_required
def registration_list(request: HttpRequest) -> HttpResponse:
    if not selectors.can_review_registrations(request.user):
        raise PermissionDenied
    status = request.GET.get("status", RegistrationStatus.PENDING)
    if status not in RegistrationStatus.values:
        status = RegistrationStatus.PENDING
    requests = selectors.registration_request_list(user=request.user, status=status)
    context = {"requests": requests, "status": status, "statuses": RegistrationStatus.choices}
    return render(request, "accounts/registration_list.html", context)


@login_required
def registration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    registration = selectors.registration_request_get_for_user(user=request.user, request_id=pk)
    if registration is None:
        raise Http404
    approve_form, reject_form = ApproveForm(), RejectForm()
    action = request.POST.get("action")
    if request.method == "POST" and action != "search":
        form = ApproveForm(request.POST) if action == "approve" else RejectForm(request.POST)
        if _decide(request, registration, form, action):
            return redirect("accounts:registration_list")
        approve_form, reject_form = (
            (form, reject_form) if action == "approve" else (approve_form, form)
        )
    context = {
        "registration": registration,
        "masked_id_number": mask_id_number(registration.id_number),
        "approve_form": approve_form,
        "reject_form": reject_form,
        **_candidates(request, registration),
    }
    return render(request, "accounts/registration_detail.html", context)


def _decide(request: HttpRequest, registration: RegistrationRequest, form, action: str) -> bool:
    if not form.is_valid():
        return False
    try:
        if action == "approve":
            services.registration_approve(
                actor=request.user,
                request_id=registration.pk,
                resident_id=form.cleaned_data["resident"],
                note=form.cleaned_data["note"],
            )
            messages.success(
                request, _("已通过 %(name)s 的注册申请。") % {"name": registration.name}
            )
        else:
            services.registration_reject(
                actor=request.user, request_id=registration.pk, note=form.cleaned_data["note"]
            )
            messages.success(
                request, _("已驳回 %(name)s 的注册申请。") % {"name": registration.name}
            )
    except DomainError as error:
        add_domain_error(form, error)
        return False
    return True


def _candidates(request: HttpRequest, registration: RegistrationRequest) -> dict:
    """The records the request might be. The search by ID number is a POST, so a full ID
    number never lands in a URL, a browser history or an access log."""
    searching = request.method == "POST" and request.POST.get("action") == "search"
    search = IdNumberSearchForm(request.POST if searching else None)
    id_number = ""
    if search.is_valid() and search.cleaned_data["id_number"]:
        try:
            id_number = validate_id_number(search.cleaned_data["id_number"])
        except DomainError as error:
            add_domain_error(search, error)
            return {"search": search, "candidates": []}
    if registration.status != RegistrationStatus.PENDING:
        return {"search": search, "candidates": []}
    residents = selectors.registration_candidates(
        user=request.user, registration=registration, id_number=id_number
    )
    candidates = [(resident, mask_id_number(resident.id_number)) for resident in residents]
    return {"search": search, "candidates": candidates}

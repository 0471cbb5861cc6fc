"""The case detail and the actions on it, all from the table of feedback.workflow: which
forms a viewer is offered, the panels they sit in, and one POST view per transition that
runs its service and puts a refusal back on the form."""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Department, Role, RoleAssignment, User
from common.errors import DomainError
from feedback import forms as case_forms
from feedback import selectors, services
from feedback.access import is_reporter
from feedback.context_processors import case_home_url
from feedback.models import OPEN_STATES, Case, CaseState
from feedback.routing import department_for
from feedback.schemas import viewer_of
from feedback.views.access import case_or_404, role_required
from feedback.views.pages import page
from feedback.views.presenters import reporter_label, timeline
from feedback.workflow import CASE_ACTIONS, REPORTER, Transition

# where a form's fields are named otherwise than its service's arguments
_ARGUMENTS: dict[str, Callable[[dict], dict]] = {
    "merge": lambda data: {"master_id": data["master"], "note": data["note"]},
    "withdraw": lambda data: {"reason": data["note"]},
}


# --- the forms --------------------------------------------------------------------------------


def dispatch_choices(case: Case) -> tuple[list[Department], list, Department | None]:
    """Departments serving the case's area, their handlers, and the routed default."""
    departments = [
        d
        for d in Department.objects.select_related("area").order_by("code")
        if case.area_code.startswith(d.area.code)
    ]
    handlers = [
        (a.user, a.department.name)
        for a in RoleAssignment.objects.filter(role=Role.HANDLER, department__in=departments)
        .select_related("user", "department")
        .order_by("department__code", "user__username")
    ]
    return departments, handlers, department_for(case.category, case.area_code)


def merge_candidates(user: User, case: Case) -> list[Case]:
    if case.location is not None:
        found = selectors.duplicate_candidates(
            category=case.category, lon=case.location.x, lat=case.location.y, exclude_id=case.pk
        )
        return [c for c in found if selectors.case_get_for_user(user=user, case_id=c.pk)]
    same_grid = selectors.case_list(
        user=user, filters=selectors.CaseFilters(category=case.category.code, area=case.area_code)
    )
    return list(same_grid.filter(state__in=OPEN_STATES).exclude(pk=case.pk)[:10])


def _form(transition: Transition, user: User, case: Case, data=None, files=None) -> forms.Form:
    """The transition's form for this case, bound to `data` or (without it) blank."""
    if transition.name == "dispatch":
        departments, handlers, routed = dispatch_choices(case)
        initial = {"department": routed.pk if routed else None}
        return case_forms.DispatchForm(
            data, departments=departments, handlers=handlers, initial=initial
        )
    if transition.name == "merge":
        return case_forms.MergeForm(data, candidates=merge_candidates(user, case))
    if transition.name == "hide" and data is None:  # the one choice left is the other one
        return case_forms.HideForm(initial={"hidden": "0" if case.hidden else "1"})
    return getattr(case_forms, transition.form)(data, files)


def _offered(transition: Transition, user: User, case: Case, roles: set[str]) -> bool:
    if transition.actors == (REPORTER,):
        may = is_reporter(user, case)
    else:
        may = bool(roles & set(transition.actors))
    if not may or not transition.starts_from(case.state):
        return False
    return transition.offered is None or transition.offered(case)


def action_forms(user: User, case: Case, roles: set[str]) -> dict:
    """Unbound forms for every action the viewer may take on the case now."""
    return {t.name: _form(t, user, case) for t in CASE_ACTIONS if _offered(t, user, case, roles)}


def action_panels(case: Case, found: dict) -> list[dict]:
    panels = []
    for transition in CASE_ACTIONS:
        if transition.name not in found:
            continue
        button = transition.button
        if transition.name == "hide":
            button = _("恢复显示") if case.hidden else _("屏蔽（不在公开页显示）")
        panels.append(
            {
                "name": transition.name,
                "form": found[transition.name],
                "title": transition.title,
                "button": button,
                "url": reverse(f"feedback:{transition.name}", args=[case.pk]),
                "danger": transition.danger,
            }
        )
    return panels


# --- the detail and the action views ------------------------------------------------------------


def render_detail(
    request: HttpRequest, case: Case, bound: dict | None = None, status: int = 200
) -> HttpResponse:
    access = viewer_of(request)
    roles = access.roles_over(case)
    reveal = access.sees_reporter_of(case)
    found = action_forms(request.user, case, roles) | (bound or {})
    context = {
        "case": case,
        "roles": roles,
        "reveal_reporter": reveal,
        "reporter": reporter_label(case) if reveal else None,
        "timeline": timeline(case, reveal, access),
        "actions": action_panels(case, found),
        "overdue": case.is_open and case.due_at is not None and case.due_at < timezone.now(),
        "last_send_back": case.timeline.filter(action="send_back").order_by("-seq").first()
        if access.reads_notes_of(case) and case.state == CaseState.REGISTERED
        else None,
    }
    return page(request, "feedback/case_detail.html", context, status=status)


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_detail(request, case_or_404(request, pk))


def act(
    request: HttpRequest,
    case: Case,
    name: str,
    form,
    perform: Callable[[dict], object],
    success: str,
) -> HttpResponse:
    """Run one action from the detail page: redirect on success; on a refusal, the detail
    again with the message next to the form, the typed text kept, and the 4xx status."""
    if not form.is_valid():
        return render_detail(request, case, {name: form}, status=422)
    try:
        perform(form.cleaned_data)
    except DomainError as exc:
        form.add_domain_error(exc)
        fresh = selectors.case_get_for_user(user=request.user, case_id=case.pk) or case
        return render_detail(request, fresh, {name: form}, status=exc.status)
    messages.success(request, success)
    if selectors.case_get_for_user(user=request.user, case_id=case.pk) is None:
        # the action took the case out of the user's sight (a handler's send-back): the
        # confirmation goes with them to their own list instead of a 404
        return redirect(case_home_url(request.user))
    return redirect("feedback:detail", pk=case.pk)


def action_view(transition: Transition) -> Callable[[HttpRequest, int], HttpResponse]:
    """The page's POST view of one transition (`/<pk>/<slug>/`): the reporter's need a
    sign-in, the others one of the transition's roles; the service decides the rest."""
    service = services.transition_service(transition.name)
    arguments = _ARGUMENTS.get(transition.name, dict)
    gate = login_required if transition.actors == (REPORTER,) else role_required(*transition.actors)

    def view(request: HttpRequest, pk: int) -> HttpResponse:
        case = case_or_404(request, pk)
        form = _form(transition, request.user, case, request.POST, request.FILES)
        return act(
            request,
            case,
            transition.name,
            form,
            lambda data: service(actor=request.user, case_id=case.pk, **arguments(data)),
            transition.success,
        )

    view.__name__ = view.__qualname__ = transition.name
    return require_POST(gate(view))

"""What every role's case pages share: access checks, the case detail with the actions the
viewer may take, the action runner that turns a service's refusal into an inline message,
scoped photos and the duplicate suggestions."""

import datetime as dt
import math
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from accounts.models import Department, Role, RoleAssignment, User
from accounts.scope import code_prefix_q
from common.errors import DomainError
from common.personal_data import mask_free_text
from feedback import forms as case_forms
from feedback import selectors
from feedback.access import REPORTING_ROLES, SUPERVISING_ROLES, case_access
from feedback.models import OPEN_STATES, Case, CasePhoto, CaseState, Category, Rating
from feedback.routing import department_for
from feedback.schemas import viewer_of
from grid.models import Area, AreaLevel

PAGE_SIZE = 30
SUPERVISING = SUPERVISING_ROLES
REPORTING = REPORTING_ROLES

ACTION_LABELS = {
    "report": pgettext_lazy("timeline", "上报"),
    "register": pgettext_lazy("timeline", "立案"),
    "reject": pgettext_lazy("timeline", "不予立案"),
    "dispatch": pgettext_lazy("timeline", "派遣"),
    "merge": pgettext_lazy("timeline", "合并为重复事件"),
    "absorb": pgettext_lazy("timeline", "合并重复事件"),
    "hide": pgettext_lazy("timeline", "屏蔽"),
    "unhide": pgettext_lazy("timeline", "恢复显示"),
    "handle": pgettext_lazy("timeline", "处置"),
    "send_back": pgettext_lazy("timeline", "退回重派"),
    "verify_pass": pgettext_lazy("timeline", "核查通过，结案"),
    "verify_fail": pgettext_lazy("timeline", "核查不通过"),
    "on_spot": pgettext_lazy("timeline", "即办结案"),
    "withdraw": pgettext_lazy("timeline", "撤回"),
    "reopen": pgettext_lazy("timeline", "重新办理"),
    "rate": pgettext_lazy("timeline", "评价"),
    "escalate": pgettext_lazy("timeline", "超期督办"),
}
ROLE_LABELS = {**dict(Role.choices), "system": gettext_lazy("系统")}


# --- access -------------------------------------------------------------------------------


def forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "feedback/error.html", {"message": message}, status=403)


def role_required(*roles: str) -> Callable:
    """Log in first; then one of `roles` (a superuser passes) or a 403 page in Chinese."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not case_access(request.user).holds(*roles):
                return forbidden(request, _("您的角色不能使用此页面。"))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def case_or_404(request: HttpRequest, pk: int) -> Case:
    case = selectors.case_get_for_user(user=request.user, case_id=pk)
    if case is None:
        raise Http404(_("事件不存在或不在您的管辖范围内。"))
    return case


def report_grids(user: User):
    """Grids the user may report in, for the no-GPS picker."""
    grids = Area.objects.filter(level=AreaLevel.GRID).defer("boundary").order_by("code")
    if user.is_superuser:
        return grids
    return grids.filter(code_prefix_q("code", case_access(user).codes(REPORTING)))


def case_nav(user: User) -> list[tuple[str, str]]:
    """The case pages of the user's roles, for the sub-navigation."""
    links = []
    holds = case_access(user).holds
    if holds(*REPORTING):
        links += [("feedback:report", _("我要上报")), ("feedback:mine", _("我的上报"))]
    if holds(Role.RESIDENT):
        links.append(("feedback:public", _("社区公开事件")))
    if holds(Role.GRID_WORKER):
        links += [
            ("feedback:on_spot", _("即办")),
            ("feedback:verify_queue", _("待核查")),
            ("feedback:grid_cases", _("本网格事件")),
        ]
    if holds(Role.HANDLER):
        links.append(("feedback:inbox", _("待处置")))
    if holds(*SUPERVISING):
        links += [
            ("feedback:queue", _("待立案/派遣")),
            ("feedback:escalations", _("督办")),
            ("feedback:supervise", _("全部事件")),
        ]
    return [(reverse(name), label) for name, label in links]


def page_of(request: HttpRequest, cases, size: int = PAGE_SIZE) -> Page:
    """The page of `cases` the request asks for (`?page=`; out of range gives the last)."""
    return Paginator(cases, size).get_page(request.GET.get("page"))


def page(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    context = {"case_nav": case_nav(request.user), "now": timezone.now(), **context}
    return render(request, template, context, status=status)


# --- the case detail ----------------------------------------------------------------------


def reporter_label(case: Case) -> str:
    if case.reporter_name:
        return case.reporter_name
    return str(case.reporter) if case.reporter_id else _("未知")


def timeline(case: Case, reveal_reporter: bool) -> list[dict]:
    entries = case.timeline.select_related("actor").prefetch_related("photos").order_by("seq")
    rows = []
    for entry in entries:
        hide_actor = entry.actor_id == case.reporter_id and not reveal_reporter
        rows.append(
            {
                "entry": entry,
                "label": ACTION_LABELS.get(entry.action, entry.action),
                "role": ROLE_LABELS.get(entry.actor_role, ""),
                "actor": _("反映人") if hide_actor else (entry.actor or ""),
                "to_state": CaseState(entry.to_state).label if _moved(entry) else "",
                "extra": _entry_extra(entry),
                "rating": dict(Rating.choices).get(entry.data.get("rating", "")),
                "photos": list(entry.photos.all()),
            }
        )
    return rows


def _moved(entry) -> bool:
    return bool(entry.to_state) and (entry.action == "report" or bool(entry.from_state))


def _entry_extra(entry) -> str:
    """The one fact an entry's data adds: where it went, what it merged."""
    data = entry.data
    if entry.action == "dispatch":
        department = Department.objects.filter(pk=data.get("department")).first()
        return _("派往 %(name)s") % {"name": department.name} if department else ""
    if entry.action == "merge":
        return _("并入 %(number)s") % {"number": data.get("master_number", "")}
    if entry.action == "absorb":
        return _("并入重复事件 %(number)s") % {"number": data.get("duplicate_number", "")}
    if entry.action == "escalate":
        return _("第 %(level)s 次督办，超期 %(hours)s 小时") % {
            "level": data.get("level", ""),
            "hours": data.get("overdue_hours", ""),
        }
    return ""


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


def can_reopen(case: Case) -> bool:
    window = dt.timedelta(days=settings.CASE_REOPEN_DAYS)
    return case.state == CaseState.CLOSED and (
        case.closed_at is None or timezone.now() - case.closed_at <= window
    )


def action_forms(user: User, case: Case, roles: set[str]) -> dict:
    """Unbound forms for every action the viewer may take on the case now."""
    found: dict = {}
    if case.reporter_id == user.pk:
        found |= _reporter_forms(case)
    if roles & set(SUPERVISING):
        found |= _supervisor_forms(user, case)
    if Role.HANDLER in roles and case.state == CaseState.DISPATCHED:
        found |= {"handle": case_forms.HandleForm(), "send_back": case_forms.ReasonForm()}
    if Role.GRID_WORKER in roles and case.state == CaseState.HANDLED:
        found["verify"] = case_forms.VerifyForm()
    return found


def _reporter_forms(case: Case) -> dict:
    found: dict = {}
    if case.state in (CaseState.REPORTED, CaseState.REGISTERED):
        found["withdraw"] = case_forms.NoteForm()
    if case.state == CaseState.CLOSED and not case.rating:
        found["rate"] = case_forms.RateForm()
    if can_reopen(case):
        found["reopen"] = case_forms.ReasonForm()
    return found


def _supervisor_forms(user: User, case: Case) -> dict:
    found: dict = {"hide": case_forms.HideForm(initial={"hidden": "0" if case.hidden else "1"})}
    if case.state == CaseState.REPORTED:
        found |= {"register": case_forms.NoteForm(), "reject": case_forms.ReasonForm()}
    if case.state == CaseState.REGISTERED:
        found["dispatch"] = dispatch_form(case)
    if case.state in (CaseState.REPORTED, CaseState.REGISTERED):
        found["merge"] = case_forms.MergeForm(candidates=merge_candidates(user, case))
    return found


def dispatch_form(case: Case, data=None) -> case_forms.DispatchForm:
    departments, handlers, routed = dispatch_choices(case)
    return case_forms.DispatchForm(
        data,
        departments=departments,
        handlers=handlers,
        initial={"department": routed.pk if routed else None},
    )


# name → (title, button); the order is the order on the page
ACTIONS = {
    "register": (gettext_lazy("立案"), gettext_lazy("立案")),
    "dispatch": (gettext_lazy("派遣"), gettext_lazy("派遣")),
    "handle": (gettext_lazy("处置反馈"), gettext_lazy("提交处置结果")),
    "verify": (gettext_lazy("核查"), gettext_lazy("提交核查结果")),
    "rate": (gettext_lazy("评价办理结果"), gettext_lazy("提交评价")),
    "reopen": (gettext_lazy("对结果不满意？申请重新办理"), gettext_lazy("重新办理")),
    "merge": (gettext_lazy("合并为重复事件"), gettext_lazy("合并")),
    "reject": (gettext_lazy("不予立案"), gettext_lazy("不予立案")),
    "send_back": (gettext_lazy("不属本部门？退回重派"), gettext_lazy("退回")),
    "withdraw": (gettext_lazy("撤回上报"), gettext_lazy("撤回")),
    "hide": (gettext_lazy("内容管理"), gettext_lazy("提交")),
}


def action_panels(case: Case, forms: dict) -> list[dict]:
    panels = []
    for name, (title, button) in ACTIONS.items():
        if name not in forms:
            continue
        if name == "hide":
            button = _("恢复显示") if case.hidden else _("屏蔽（不在公开页显示）")
        panels.append(
            {
                "name": name,
                "form": forms[name],
                "title": title,
                "button": button,
                "url": reverse(f"feedback:{name}", args=[case.pk]),
                "danger": name in ("reject", "withdraw", "send_back"),
            }
        )
    return panels


def render_detail(request: HttpRequest, case: Case, bound: dict | None = None, status=200):
    access = viewer_of(request)
    roles = access.roles_over(case)
    reveal = access.sees_reporter_of(case)
    forms = action_forms(request.user, case, roles) | (bound or {})
    context = {
        "case": case,
        "roles": roles,
        "reveal_reporter": reveal,
        "reporter": reporter_label(case) if reveal else None,
        "timeline": timeline(case, reveal),
        "actions": action_panels(case, forms),
        "overdue": case.is_open and case.due_at is not None and case.due_at < timezone.now(),
        "last_send_back": case.timeline.filter(action="send_back").order_by("-seq").first()
        if case.state == CaseState.REGISTERED
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
    return redirect("feedback:detail", pk=case.pk)


# --- photos and duplicate suggestions ------------------------------------------------------


@login_required
def case_photo(request: HttpRequest, pk: int, photo_pk: int, size: str) -> FileResponse:
    """A case photo for whoever may read the case (or its public version)."""
    case = selectors.case_get_for_user(user=request.user, case_id=pk) or selectors.public_case_get(
        user=request.user, case_id=pk
    )
    photo = CasePhoto.objects.filter(case=case, pk=photo_pk).first() if case else None
    if photo is None:
        raise Http404
    image = photo.thumbnail if size == "thumb" else photo.image
    response = FileResponse(image.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
def duplicate_suggestions(request: HttpRequest) -> JsonResponse:
    """Open cases of the same category near a point, before a report is sent: the ones the
    user may open, and public ones of the communities they read."""
    try:
        category = Category.objects.get(pk=int(request.GET["category"]))
        lon, lat = float(request.GET["lon"]), float(request.GET["lat"])
    except (KeyError, ValueError, Category.DoesNotExist):
        return JsonResponse({"cases": []}, status=422)
    if not on_the_globe(lon, lat):
        message = _("经纬度无效：经度应在 -180 到 180 之间，纬度应在 -90 到 90 之间。")
        return JsonResponse({"cases": [], "message": message}, status=422)
    found = selectors.duplicate_hints(user=request.user, category=category, lon=lon, lat=lat)
    reads = case_access(request.user).reads_free_text_of
    rows = [
        {
            "number": c.number,
            "state": c.get_state_display(),
            "created": timezone.localtime(c.created_at).strftime("%Y-%m-%d %H:%M"),
            "description": (c.description if reads(c) else mask_free_text(c.description))[:60],
            "metres": round(selectors.metres_between(lon, lat, c.location.x, c.location.y)),
        }
        for c in found
    ]
    return JsonResponse({"cases": rows[:5]})


def on_the_globe(lon: float, lat: float) -> bool:
    return math.isfinite(lon) and math.isfinite(lat) and abs(lon) <= 180 and abs(lat) <= 90

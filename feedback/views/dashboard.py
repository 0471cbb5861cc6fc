"""The command center's KPI page (/cases/dashboard/): the figures of feedback.kpi for an
area of the supervisor's scope and a period, against the period before, and the child
areas ranked by the three rates. Every number links to the case list of its cases."""

from urllib.parse import urlencode

from django import forms
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from accounts.models import Department
from feedback import kpi
from feedback.access import SUPERVISING_ROLES
from feedback.models import Category
from feedback.views.access import filter_areas, role_required
from feedback.views.pages import page

MAX_DAYS = 366


class DashboardForm(forms.Form):
    area = forms.ChoiceField(label=gettext_lazy("区域"), required=False)
    category = forms.ChoiceField(label=gettext_lazy("类别"), required=False)
    department = forms.TypedChoiceField(
        label=gettext_lazy("责任部门"), required=False, coerce=int, empty_value=None
    )
    date_from = forms.DateField(
        label=gettext_lazy("上报日期从"), required=False, widget=forms.DateInput({"type": "date"})
    )
    date_to = forms.DateField(
        label=gettext_lazy("至"), required=False, widget=forms.DateInput({"type": "date"})
    )
    rank = forms.ChoiceField(label=gettext_lazy("排名依据"), required=False)

    def __init__(self, *args, areas=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        indent = "　"
        self.fields["area"].choices = [(a.code, f"{indent * (a.level - 1)}{a.name}") for a in areas]
        categories = Category.objects.filter(active=True).order_by("code")
        self.fields["category"].choices = [("", gettext_lazy("全部"))] + [
            (c.code, f"{indent if c.parent_id else ''}{c.name}") for c in categories
        ]
        departments = Department.objects.order_by("code").values_list("pk", "name")
        self.fields["department"].choices = [("", gettext_lazy("全部")), *departments]
        self.fields["rank"].choices = [(key, kpi.KPI[key].label) for key in kpi.RANKED]

    def clean(self) -> dict:
        data = super().clean()
        today = timezone.localdate()
        start = data.get("date_from") or today.replace(day=1)
        end = data.get("date_to") or today
        if start > end:
            raise forms.ValidationError(_("开始日期不能晚于结束日期。"))
        if (end - start).days + 1 > MAX_DAYS:
            raise forms.ValidationError(_("统计期间最长 %(n)d 天。") % {"n": MAX_DAYS})
        data["period"] = kpi.Period(start, end)
        return data


@require_GET
@role_required(*SUPERVISING_ROLES)
def dashboard(request: HttpRequest) -> HttpResponse:
    areas = list(filter_areas(request.user))
    data = request.GET.copy()
    if areas and not data.get("area"):
        data["area"] = areas[0].code  # the top of the user's scope
    form = DashboardForm(data, areas=areas)
    if not areas or not form.is_valid():
        return page(request, "feedback/dashboard.html", {"form": form}, status=400)
    clean = form.cleaned_data
    selection = kpi.Selection(clean["area"], clean["category"], clean["department"])
    rank_by = clean["rank"] or "resolution_rate"
    board = kpi.dashboard(
        user=request.user, selection=selection, period=clean["period"], rank_by=rank_by
    )
    context = {
        "form": form,
        "board": board,
        "cards": _cards(board.current, selection, board.period),
        "compared": _compared(board, selection),
        "ranking": _ranking(board, board.ranking, _area_of(selection), rank_by),
        "departments": _ranking(board, board.departments, _department_of(selection), rank_by),
        "rank_by": kpi.KPI[rank_by],
        "definitions": kpi.KPIS,
    }
    return page(request, "feedback/dashboard.html", context)


def case_list_url(selection: kpi.Selection, period: kpi.Period, kpi_set: str) -> str:
    query = urlencode(kpi.list_params(selection, period, kpi_set))
    return f"{reverse('feedback:supervise')}?{query}"


def _card(figure: kpi.Figure, selection: kpi.Selection, period: kpi.Period) -> dict:
    k = figure.kpi
    return {
        "figure": figure,
        "text": display(figure),
        "p90": _hours(figure.p90),
        "link": case_list_url(selection, period, k.numerator),
        "denominator_link": case_list_url(selection, period, k.denominator)
        if k.denominator
        else "",
    }


def _cards(figures: dict[str, kpi.Figure], selection, period) -> list[dict]:
    return [_card(figure, selection, period) for figure in figures.values()]


def _compared(board: kpi.Dashboard, selection: kpi.Selection) -> list[dict]:
    rows = []
    for key, now in board.current.items():
        before = board.before[key]
        rows.append(
            {
                "now": _card(now, selection, board.period),
                "before": _card(before, selection, board.previous),
                "change": _change(now, before),
            }
        )
    return rows


def _area_of(selection: kpi.Selection):
    return lambda area: kpi.Selection(area.code, selection.category, selection.department)


def _department_of(selection: kpi.Selection):
    return lambda department: kpi.Selection(selection.area, selection.category, department.pk)


def _ranking(board: kpi.Dashboard, rows_in: list[kpi.Ranked], narrow, rank_by: str) -> list:
    """Table rows: each subject's figures, linked with the selection narrowed to it."""
    rows = []
    for place, ranked in enumerate(rows_in, start=1):
        child = narrow(ranked.subject)
        rows.append(
            {
                "place": place,
                "subject": ranked.subject,
                "received": _card(ranked.figures["received"], child, board.period),
                "rates": [_card(ranked.figures[k], child, board.period) for k in kpi.RANKED],
                "dashboard": _dashboard_url(child, board.period, rank_by),
            }
        )
    return rows


def _dashboard_url(selection: kpi.Selection, period: kpi.Period, rank_by: str) -> str:
    params = {
        "area": selection.area,
        "category": selection.category,
        "department": selection.department or "",
        "date_from": period.start.isoformat(),
        "date_to": period.end.isoformat(),
        "rank": rank_by,
    }
    query = urlencode({k: v for k, v in params.items() if v})
    return f"{reverse('feedback:dashboard')}?{query}"


def display(figure: kpi.Figure) -> str:
    """A count as is, a rate in per cent with one decimal, hours with one decimal."""
    if figure.value is None:
        return "—"
    if figure.kpi.kind in (kpi.RATE, kpi.STAGES):
        return f"{figure.value * 100:.1f}%"
    if figure.kpi.kind == kpi.HOURS:
        return _hours(figure.value)
    return str(figure.value)


def _hours(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _change(now: kpi.Figure, before: kpi.Figure) -> str:
    if now.value is None or before.value is None:
        return "—"
    delta = now.value - before.value
    if now.kpi.kind in (kpi.RATE, kpi.STAGES):
        return f"{delta * 100:+.1f}"
    if now.kpi.kind == kpi.HOURS:
        return f"{delta:+.1f}"
    return f"{delta:+d}"

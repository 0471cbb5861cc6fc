"""Forms of the case pages: they parse and check the shape of the input; the rules of the
workflow stay in feedback.services, whose errors the views put back on these forms."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Department
from common.errors import DomainError, InvalidInput
from feedback import case_sets
from feedback import photos as photo_rules
from feedback.models import CaseState, Category, Rating
from feedback.selectors import CaseFilters
from maps.coords import COORD_SYSTEMS, to_wgs84


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos in one input; each is checked and re-encoded by feedback.photos."""

    widget = MultiplePhotoInput(attrs={"accept": "image/*", "capture": "environment"})

    def clean(self, data, initial=None) -> list[photo_rules.PreparedPhoto]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not files and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if len(files) > photo_rules.MAX_PHOTOS:
            raise forms.ValidationError(
                _("最多上传 %(n)d 张照片。") % {"n": photo_rules.MAX_PHOTOS}, code="too_many"
            )
        prepared = []
        for upload in files:
            try:
                prepared.append(photo_rules.prepare(upload.read(), name=upload.name))
            except InvalidInput as exc:
                raise forms.ValidationError(exc.message, code="photo") from exc
        return prepared


class DomainErrorMixin:
    """Put a service's refusal on the field it names, or on the whole form."""

    def add_domain_error(self, exc: DomainError) -> None:
        field = exc.field if exc.field in self.fields else None
        self.add_error(field, exc.message)


def category_choices() -> list:
    """Leaf categories grouped under their parent: the two-level picker as <optgroup>s."""
    leaves = (
        Category.objects.filter(active=True, parent__isnull=False)
        .select_related("parent")
        .order_by("parent__code", "code")
    )
    groups: dict[str, list] = {}
    for leaf in leaves:
        label = f"{leaf.parent.get_kind_display()} · {leaf.parent.name}"
        groups.setdefault(label, []).append((leaf.pk, leaf.name))
    return [("", _("请选择问题类别")), *groups.items()]


class ReportForm(DomainErrorMixin, forms.Form):
    client_id = forms.UUIDField(widget=forms.HiddenInput)
    category = forms.TypedChoiceField(label=_("问题类别"), coerce=int)
    description = forms.CharField(
        label=_("问题描述"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": _("请描述问题的情况和位置")}),
    )
    lon = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-180, max_value=180)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-90, max_value=90)
    # the system the page's lon/lat are in (a GCJ-02 basemap, a WeChat position)
    coord_system = forms.ChoiceField(
        choices=[(name, name) for name in COORD_SYSTEMS], required=False, widget=forms.HiddenInput
    )
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    grid_code = forms.ChoiceField(label=_("所在网格"), required=False)
    photos = PhotosField(label=_("照片"), required=False)
    anonymous = forms.BooleanField(
        label=_("匿名反映（姓名不对公众和职能部门显示）"), required=False
    )

    def __init__(self, *args, grids=(), on_behalf: bool = False, **kwargs) -> None:
        kwargs.setdefault("initial", {"client_id": uuid.uuid4()})
        super().__init__(*args, **kwargs)
        if on_behalf:
            # a window clerk reports for the person at the counter: who it is goes on the
            # case as its reporter, and anonymity is that person's choice, not the clerk's
            del self.fields["anonymous"]
            self.fields["reporter_name"] = forms.CharField(
                label=_("代为反映的居民姓名"), max_length=50
            )
        self.fields["category"].choices = category_choices()
        self.fields["grid_code"].choices = [("", _("不选（已在地图上标注）"))] + [
            (g.code, g.name) for g in grids
        ]

    def clean(self) -> dict:
        data = super().clean()
        has_point = data.get("lon") is not None and data.get("lat") is not None
        if not has_point and not data.get("grid_code"):
            raise forms.ValidationError(_("请在地图上点选位置，或填写地址并选择所在网格。"))
        if not has_point and not data.get("address", "").strip():
            self.add_error("address", _("没有地图位置时请填写地址。"))
        if has_point:  # stored as WGS84: converted before the grid lookup
            system = data.get("coord_system") or "wgs84"
            data["lon"], data["lat"] = to_wgs84(data["lon"], data["lat"], system)
        return data

    def category_object(self) -> Category:
        return Category.objects.select_related("parent").get(pk=self.cleaned_data["category"])

    def report_fields(self) -> dict:
        """The case_report arguments the form collects: what, where and the retry key.
        A map position wins over a chosen grid."""
        data = self.cleaned_data
        return {
            "client_id": data["client_id"],
            "category": self.category_object(),
            "description": data["description"],
            "lon": data["lon"],
            "lat": data["lat"],
            "grid_code": "" if data["lon"] is not None else data["grid_code"],
            "address": data["address"],
        }


class OnSpotForm(ReportForm):
    """即办: the report plus what was done, with photos before and after."""

    photos = None
    before = PhotosField(label=_("处置前照片"))
    after = PhotosField(label=_("处置后照片"))
    note = forms.CharField(
        label=_("处置情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    anonymous = None


class NoteForm(DomainErrorMixin, forms.Form):
    note = forms.CharField(
        label=_("说明"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(DomainErrorMixin, forms.Form):
    reason = forms.CharField(
        label=_("理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class HandleForm(DomainErrorMixin, forms.Form):
    note = forms.CharField(
        label=_("处置情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    photos = PhotosField(label=_("处置后照片"), required=False)


class VerifyForm(DomainErrorMixin, forms.Form):
    passed = forms.TypedChoiceField(
        label=_("核查结果"),
        choices=[("1", _("通过，结案")), ("0", _("不通过，退回处置"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("核查说明"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RateForm(DomainErrorMixin, forms.Form):
    rating = forms.ChoiceField(label=_("评价"), choices=Rating.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("意见"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DispatchForm(DomainErrorMixin, forms.Form):
    department = forms.TypedChoiceField(label=_("派遣部门"), coerce=int)
    assignee = forms.TypedChoiceField(
        label=_("承办人（可选）"), coerce=int, required=False, empty_value=None
    )
    note = forms.CharField(label=_("派遣说明"), max_length=2000, required=False)

    def __init__(self, *args, departments=(), handlers=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.departments = {d.pk: d for d in departments}
        self.handlers = {user.pk: user for user, _label in handlers}
        self.fields["department"].choices = [(d.pk, d.name) for d in departments]
        self.fields["assignee"].choices = [("", _("不指定"))] + [
            (user.pk, f"{label} · {user}") for user, label in handlers
        ]

    def clean_department(self):
        return self.departments[self.cleaned_data["department"]]

    def clean_assignee(self):
        pk = self.cleaned_data["assignee"]
        return self.handlers[pk] if pk is not None else None


class MergeForm(DomainErrorMixin, forms.Form):
    master = forms.TypedChoiceField(label=_("合并到"), coerce=int, widget=forms.RadioSelect)
    note = forms.CharField(label=_("说明"), max_length=2000, required=False)

    def __init__(self, *args, candidates=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["master"].choices = [
            (c.pk, f"{c.number} · {c.get_state_display()} · {c.description[:30]}")
            for c in candidates
        ]


class HideForm(ReasonForm):
    hidden = forms.TypedChoiceField(
        choices=[("1", _("屏蔽")), ("0", _("恢复显示"))],
        coerce=lambda value: value == "1",
        widget=forms.HiddenInput,
    )


class TriState(forms.TypedChoiceField):
    def __init__(self, label, yes, no) -> None:
        super().__init__(
            label=label,
            required=False,
            choices=[("", _("全部")), ("1", yes), ("0", no)],
            coerce=lambda value: value == "1",
            empty_value=None,
        )


class CaseFilterForm(forms.Form):
    """The supervisor's list filters, as GET parameters (the export reads the same)."""

    state = forms.ChoiceField(label=_("状态"), required=False)
    category = forms.ChoiceField(label=_("类别"), required=False)
    area = forms.ChoiceField(label=_("区域/网格"), required=False)
    overdue = TriState(_("超期"), _("已超期"), _("未超期"))
    escalated = TriState(_("督办"), _("已督办"), _("未督办"))
    created_from = forms.DateField(
        label=_("上报日期从"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    created_to = forms.DateField(
        label=_("至"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    search = forms.CharField(label=_("编号或描述"), required=False, max_length=50)
    department = forms.TypedChoiceField(
        label=_("责任部门"), required=False, coerce=int, empty_value=None
    )
    # the cases behind a figure of the command center (feedback.kpi)
    kpi = forms.ChoiceField(label=_("指标"), required=False)

    def __init__(self, *args, areas=(), only: tuple[str, ...] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if only:  # a list page offers the filters that make sense on it
            for name in [n for n in self.fields if n not in only]:
                del self.fields[name]
        if "state" in self.fields:
            self.fields["state"].choices = [("", _("全部")), *CaseState.choices]
        categories = Category.objects.filter(active=True).order_by("code")
        self.fields["category"].choices = [("", _("全部"))] + [
            (c.code, f"{'　' if c.parent_id else ''}{c.name}") for c in categories
        ]
        if "area" in self.fields:
            self.fields["area"].choices = [("", _("全部"))] + [
                (a.code, f"{'　' * (a.level - 1)}{a.name}") for a in areas
            ]
        if "department" in self.fields:
            departments = Department.objects.order_by("code").values_list("pk", "name")
            self.fields["department"].choices = [("", _("全部")), *departments]
        if "kpi" in self.fields:
            sets = [(name, case_sets.LABELS[name]) for name in case_sets.NAMES]
            self.fields["kpi"].choices = [("", _("全部")), *sets]

    def filters(self) -> CaseFilters:
        """The valid filters; a malformed parameter is dropped, never widens the scope."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return CaseFilters(**{k: v for k, v in data.items() if v not in ("", None)})

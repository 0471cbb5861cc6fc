"""Forms of the notice pages: they parse the input and check its shape; the rules stay in
notices.services, whose refusals the views put back on these forms."""

import datetime as dt
import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.errors import DomainError, InvalidInput
from grid.models import Area, AreaLevel
from notices import attachments as attachment_rules
from notices.services import BODY_LENGTH, TITLE_LENGTH


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


ACCEPT = ".pdf,.jpg,.jpeg,.png,.gif,.webp,.doc,.docx,.xls,.xlsx"


class AttachmentsField(forms.FileField):
    """Several files in one input, each checked by notices.attachments."""

    widget = MultipleFileInput(attrs={"accept": ACCEPT})

    def clean(self, data, initial=None) -> list[attachment_rules.PreparedAttachment]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > attachment_rules.MAX_FILES:
            raise forms.ValidationError(
                _("每条通知最多 %(n)d 个附件。") % {"n": attachment_rules.MAX_FILES}
            )
        prepared = []
        for upload in files:
            # one byte past the cap is enough to refuse a file without reading all of it
            data = upload.read(attachment_rules.MAX_BYTES + 1)
            try:
                prepared.append(attachment_rules.prepare(data, name=upload.name or ""))
            except InvalidInput as exc:
                raise forms.ValidationError(exc.message) from exc
        return prepared


def area_label(area: Area) -> str:
    """A grid's own name (第一网格) is unique only within its community."""
    if area.level == AreaLevel.GRID and area.parent is not None:
        return f"{area.parent.name} {area.name}"
    return area.name


class NoticeEditForm(forms.Form):
    title = forms.CharField(
        label=_("标题"),
        max_length=TITLE_LENGTH,
        error_messages={"required": _("请填写标题。")},
    )
    body = forms.CharField(
        label=_("正文"),
        max_length=BODY_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("请填写正文。")},
    )
    expires_on = forms.DateField(
        label=_("有效期至（含当天，不填则一直有效）"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("请填写有效的日期，如 2026-07-01。")},
    )
    pinned = forms.BooleanField(label=_("置顶"), required=False)
    attachments = AttachmentsField(label=_("附件"), required=False)

    def clean_expires_on(self) -> dt.date | None:
        day = self.cleaned_data.get("expires_on")
        if day is not None and day < timezone.localdate():
            raise forms.ValidationError(_("有效期不能早于今天。"))
        return day

    def expires_at(self) -> dt.datetime | None:
        """The midnight after the last day, local time: the notice shows all that day."""
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time())
        return timezone.make_aware(midnight)

    def notice_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "body": data["body"],
            "pinned": data["pinned"],
            "expires_at": self.expires_at(),
            "attachments": data["attachments"],
        }

    def add_domain_error(self, exc: DomainError) -> None:
        """Put a service's refusal on the field it names, or on the whole form."""
        self.add_error(exc.field if exc.field in self.fields else None, exc.message)


class NoticeForm(NoticeEditForm):
    # The retry key travels in a hidden field nobody sees, so it never fails the form:
    # a missing or mangled one is replaced (that send is then not recognised as a retry).
    client_id = forms.CharField(required=False, widget=forms.HiddenInput)
    area = forms.ChoiceField(
        label=_("发布范围"),
        error_messages={
            "required": _("请选择发布范围。"),
            "invalid_choice": _("请从列表中选择发布范围。"),
        },
    )
    field_order = ["client_id", "area", "title", "body", "expires_on", "pinned", "attachments"]

    def __init__(self, *args, areas=(), **kwargs) -> None:
        kwargs.setdefault("initial", {"client_id": uuid.uuid4()})
        super().__init__(*args, **kwargs)
        choices = [(a.code, area_label(a)) for a in areas]
        if len(choices) != 1:
            choices = [("", _("请选择发布范围")), *choices]
        self.fields["area"].choices = choices

    def clean_client_id(self) -> uuid.UUID:
        try:
            return uuid.UUID(self.cleaned_data.get("client_id") or "")
        except ValueError:
            return uuid.uuid4()

    def notice_fields(self) -> dict:
        data = self.cleaned_data
        return {
            **super().notice_fields(),
            "client_id": data["client_id"],
            "area_code": data["area"],
        }

"""The preferences page's form: it parses the input; the rules stay in the service."""

from django import forms
from django.utils.translation import gettext_lazy as _

from common.errors import DomainError


class PreferenceForm(forms.Form):
    outside = forms.BooleanField(label=_("接收短信提醒（如事件结案后请您评价）"), required=False)
    quiet_start = forms.TimeField(
        label=_("免打扰开始"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("请输入有效的时间，如 22:00。")},
    )
    quiet_end = forms.TimeField(
        label=_("免打扰结束"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("请输入有效的时间，如 08:00。")},
    )

    def add_domain_error(self, exc: DomainError) -> None:
        self.add_error(exc.field if exc.field in self.fields else None, exc.message)

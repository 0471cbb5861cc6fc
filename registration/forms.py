"""Forms of the registration pages: they parse input; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import StackedForm
from common.errors import DomainError
from grid.models import Area, AreaLevel


def add_domain_error(form: forms.Form, error: DomainError) -> None:
    """Show a service's refusal next to the field it names, else above the form."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


class PhoneForm(StackedForm):
    phone = forms.CharField(
        label=_("手机号"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )


class CommunityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Area) -> str:
        return f"{obj.parent.name} · {obj.name}"


class RegisterForm(StackedForm):
    code = forms.CharField(
        label=_("短信验证码"),
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(label=_("身份证号"), max_length=20)
    password = forms.CharField(
        label=_("设置密码"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password_again = forms.CharField(
        label=_("再次输入密码"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    community = CommunityChoiceField(
        label=_("所在社区"),
        queryset=Area.objects.filter(level=AreaLevel.COMMUNITY)
        .select_related("parent")
        .defer("boundary", "parent__boundary")
        .order_by("code"),
        required=False,
        empty_label=_("请选择"),
    )
    address = forms.CharField(label=_("住址"), max_length=200, required=False)

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("password") != cleaned.get("password_again"):
            self.add_error("password_again", _("两次输入的密码不一致。"))
        return cleaned

    def cleaned_data_for_service(self) -> dict:
        """The keyword arguments of registration.services.resident_register, less the phone."""
        fields = ("code", "name", "id_number", "password", "community", "address")
        return {field: self.cleaned_data[field] for field in fields}


class IdNumberSearchForm(StackedForm):
    id_number = forms.CharField(label=_("按身份证号查找居民档案"), max_length=20, required=False)


class ApproveForm(StackedForm):
    resident = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("审核意见"), max_length=200, required=False)


class RejectForm(StackedForm):
    note = forms.CharField(
        label=_("驳回理由"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

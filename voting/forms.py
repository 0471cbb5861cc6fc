"""The staff form that sets up a ballot: its kind, who votes, the options (one a line; a
budget option as 名称|费用), the rules and the dates. Sent twice, it makes one ballot."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from voting.models import Channel, Eligibility, Kind
from voting.services import OptionIn

SHARES = [
    ("more_than_half", _lazy("过半数")),
    ("two_thirds", _lazy("三分之二以上（含）")),
    ("three_quarters", _lazy("四分之三以上（含）")),
]
QUORUMS = [("", _lazy("不设")), *SHARES, ("percent", _lazy("不少于下面的百分比"))]
THRESHOLDS = [*SHARES, ("", _lazy("不设比例（得票最多者）"))]
BASES = [("cast", _lazy("参与表决者")), ("eligible", _lazy("全体有投票资格者"))]
LOCAL = "%Y-%m-%dT%H:%M"
LOCAL_INPUT = {"type": "datetime-local"}


class BallotForm(forms.Form):
    kind = forms.ChoiceField(label=_lazy("表决方式"), choices=Kind.choices)
    question = forms.CharField(label=_lazy("表决事项"), max_length=200)
    description = forms.CharField(label=_lazy("说明"), required=False, widget=forms.Textarea)
    eligibility = forms.ChoiceField(label=_lazy("投票资格"), choices=Eligibility.choices)
    channel = forms.ChoiceField(label=_lazy("形式"), choices=Channel.choices)
    secret = forms.BooleanField(label=_lazy("无记名投票"), required=False, initial=True)
    allow_change = forms.BooleanField(label=_lazy("截止前可改票"), required=False, initial=True)
    options = forms.CharField(
        label=_lazy("选项（每行一个；预算分配写“名称|费用”）"), required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )  # fmt: skip
    min_choices = forms.IntegerField(label=_lazy("至少选"), min_value=1, initial=1)
    max_choices = forms.IntegerField(label=_lazy("至多选"), min_value=1, initial=1)
    budget = forms.IntegerField(label=_lazy("预算（元）"), min_value=0, initial=0)
    quorum = forms.ChoiceField(label=_lazy("法定参与"), choices=QUORUMS, required=False)
    quorum_percent = forms.IntegerField(
        label=_lazy("百分比"), min_value=1, max_value=100, required=False
    )
    threshold = forms.ChoiceField(label=_lazy("通过比例"), choices=THRESHOLDS, required=False)
    base = forms.ChoiceField(label=_lazy("比例的基数"), choices=BASES)
    opens_at = forms.DateTimeField(
        label=_lazy("开始时间"), input_formats=[LOCAL], widget=forms.DateTimeInput(LOCAL_INPUT)
    )
    closes_at = forms.DateTimeField(
        label=_lazy("截止时间"), input_formats=[LOCAL], widget=forms.DateTimeInput(LOCAL_INPUT)
    )
    client_id = forms.UUIDField(widget=forms.HiddenInput)

    def clean_options(self) -> list[OptionIn]:
        parsed = []
        for line in self.cleaned_data["options"].splitlines():
            label, _sep, cost = line.partition("|")
            if not label.strip():
                continue
            if cost.strip() and not cost.strip().isdigit():
                raise forms.ValidationError(_("费用须为整数（元），例如：路灯|40000"))
            parsed.append(OptionIn(label.strip(), int(cost.strip() or 0)))
        return parsed

    def quorum_name(self) -> str:
        quorum = self.cleaned_data.get("quorum") or ""
        if quorum == "percent":
            return f"percent:{self.cleaned_data.get('quorum_percent') or 0}"
        return quorum

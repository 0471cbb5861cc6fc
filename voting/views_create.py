"""发起表决: the staff page that sets up a ballot on a topic they manage."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from common.errors import DomainError
from consultation.access import topic_access
from consultation.models import Topic
from voting import services
from voting.forms import BallotForm


@login_required
def ballot_new(request: HttpRequest, topic_pk: int) -> HttpResponse:
    access = topic_access(request.user)
    topic = Topic.objects.filter(access.readable_q(), pk=topic_pk).first()
    if topic is None or not access.may_manage(topic):
        raise Http404(_("议题不存在或您无权发起表决。"))
    if request.method != "POST":
        initial = {"client_id": uuid.uuid4(), "secret": True, "allow_change": True,
                   "threshold": "more_than_half"}  # fmt: skip
        form = BallotForm(initial=initial)
        return _page(request, topic, form)
    form = BallotForm(request.POST)
    if not form.is_valid():
        return _page(request, topic, form, status=422)
    data = form.cleaned_data
    try:
        ballot = services.ballot_create(
            actor=request.user, topic=topic, kind=data["kind"], question=data["question"],
            description=data["description"], eligibility_rule=data["eligibility"],
            channel=data["channel"], secret=data["secret"], allow_change=data["allow_change"],
            options=data["options"], min_choices=data["min_choices"],
            max_choices=data["max_choices"], budget=data["budget"],
            rules=services.rules_from(quorum=form.quorum_name(), threshold=data["threshold"],
                                      base=data["base"]),
            opens_at=data["opens_at"], closes_at=data["closes_at"], client_id=data["client_id"],
        )  # fmt: skip
    except DomainError as exc:
        form.add_error(None, exc.message)
        return _page(request, topic, form, status=exc.status)
    messages.success(request, _("表决已设置，到开始时间自动开放投票。"))
    return redirect("voting:ballot", pk=ballot.pk)


def _page(request: HttpRequest, topic: Topic, form: BallotForm, status: int = 200):
    return render(request, "voting/form.html", {"topic": topic, "form": form}, status=status)

"""The inbox pages: the list, marking read, opening what a notification is about, and
the outside-channel preferences. Every page shows the signed-in user's own only."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.errors import DomainError, NotFound
from common.personal_data import mask_phone
from notifications import selectors, services
from notifications.forms import PreferenceForm
from notifications.outbound import preferences as saved_preferences

PAGE_SIZE = 20


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    rows = selectors.notification_list(user=request.user)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    unread = selectors.unread_count(user=request.user)
    return render(request, "notifications/inbox.html", {"page": page, "unread": unread})


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.notification_mark_read(user=request.user, notification_id=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    messages.success(request, _("已标为已读。"))
    return _back_to_list(request)


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.notification_mark_all_read(user=request.user)
    if count:
        messages.success(request, _("已将 %(n)d 条消息标为已读。") % {"n": count})
    else:
        messages.info(request, _("没有未读消息。"))
    return redirect("notifications:inbox")


@login_required
@require_GET
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notification's link: it counts as read once opened."""
    try:
        notification = services.notification_mark_read(user=request.user, notification_id=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if notification.link and url_has_allowed_host_and_scheme(notification.link, allowed_hosts=None):
        return redirect(notification.link)
    return redirect("notifications:inbox")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    pref = saved_preferences({request.user.pk})[request.user.pk]
    form = PreferenceForm(
        request.POST if request.method == "POST" else None,
        initial={
            "outside": pref.outside,
            "quiet_start": pref.quiet_start,
            "quiet_end": pref.quiet_end,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.preference_save(user=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("提醒设置已保存。"))
            return redirect("notifications:settings")
    phone = mask_phone(request.user.phone) if request.user.phone else ""
    status = 422 if form.errors else 200
    return render(
        request, "notifications/settings.html", {"form": form, "phone": phone}, status=status
    )


def _back_to_list(request: HttpRequest) -> HttpResponse:
    """Back to the page of the list the button was on."""
    page = request.POST.get("page", "")
    url = reverse("notifications:inbox")
    return redirect(f"{url}?page={page}" if page.isdigit() else url)

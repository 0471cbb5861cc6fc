"""The notice pages: the list of a user's notices, publishing, one notice with its
attachments, editing and withdrawing. Every answer comes from notices.access, through
the selectors and the services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.errors import DomainError
from notices import attachments as attachment_rules
from notices import selectors, services
from notices.access import notice_access
from notices.downloads import attachment_response
from notices.forms import NoticeEditForm, NoticeForm
from notices.models import Notice
from notices.presenters import notice_views

PAGE_SIZE = 20


@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    """For everyone: the live notices of their areas; for publishers also the ones they
    manage that expired or were withdrawn."""
    page = Paginator(selectors.notice_list(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "items": notice_views(page.object_list, request.user),
        "may_publish": notice_access(request.user).may_publish,
    }
    return render(request, "notices/list.html", context)


@login_required
def notice_new(request: HttpRequest) -> HttpResponse:
    """发布通知. A form sent twice publishes once (its client_id)."""
    if not notice_access(request.user).may_publish:
        return _refused(request, _("您的角色不能发布通知。"))
    areas = selectors.publish_areas(user=request.user)
    if request.method != "POST":
        return _form_page(request, NoticeForm(areas=areas))
    form = NoticeForm(request.POST, request.FILES, areas=areas)
    if not form.is_valid():
        return _form_page(request, form, status=422)
    try:
        notice, _created = services.notice_publish(actor=request.user, **form.notice_fields())
    except DomainError as exc:
        form.add_domain_error(exc)
        return _form_page(request, form, status=exc.status)
    messages.success(request, _("通知已发布。"))
    return redirect("notices:detail", pk=notice.pk)


@login_required
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _readable(request, pk)
    context = {
        "notice": notice,
        "view": notice_views([notice], request.user)[0],
        "attachments": list(notice.attachments.all()),
    }
    return render(request, "notices/detail.html", context)


@login_required
def notice_edit(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _readable(request, pk)
    if not notice_access(request.user).manages(notice):
        return _refused(request, _("只有该区域的工作人员可以修改或撤回此通知。"))
    if request.method != "POST":
        initial = {
            "title": notice.title,
            "body": notice.body,
            "pinned": notice.pinned,
            "expires_on": notice.last_day,
        }
        return _form_page(request, NoticeEditForm(initial=initial), notice=notice)
    form = NoticeEditForm(request.POST, request.FILES)
    if not form.is_valid():
        return _form_page(request, form, notice=notice, status=422)
    try:
        services.notice_edit(actor=request.user, notice_id=notice.pk, **form.notice_fields())
    except DomainError as exc:
        form.add_domain_error(exc)
        return _form_page(request, form, notice=notice, status=exc.status)
    messages.success(request, _("通知已更新。"))
    return redirect("notices:detail", pk=notice.pk)


@login_required
@require_POST
def notice_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.notice_withdraw(actor=request.user, notice_id=pk)
    except DomainError as exc:
        if exc.status == 404:
            raise Http404(exc.message) from exc
        return _refused(request, exc.message, status=exc.status)
    messages.success(request, _("通知已撤回，居民将不再看到它。"))
    return redirect("notices:detail", pk=pk)


@login_required
def notice_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    """An attachment for whoever may read its notice; anyone else gets 404, as for a
    file that does not exist. Images open in the page, other files download."""
    attachment = selectors.attachment_get_for_user(
        user=request.user, notice_id=pk, attachment_id=attachment_pk
    )
    if attachment is None:
        raise Http404(_("附件不存在或您无权查看。"))
    return attachment_response(attachment)


def _readable(request: HttpRequest, pk: int) -> Notice:
    notice = selectors.notice_get_for_user(user=request.user, notice_id=pk)
    if notice is None:
        raise Http404(_("通知不存在或已不在发布期内。"))
    return notice


def _form_page(request, form, *, notice: Notice | None = None, status: int = 200) -> HttpResponse:
    context = {
        "form": form,
        "notice": notice,
        "files_dropped": bool(form.errors and request.FILES),
        "max_mb": attachment_rules.MAX_BYTES // 2**20,
        "max_files": attachment_rules.MAX_FILES,
    }
    return render(request, "notices/form.html", context, status=status)


def _refused(request: HttpRequest, message: str, status: int = 403) -> HttpResponse:
    return render(request, "notices/error.html", {"message": message}, status=status)

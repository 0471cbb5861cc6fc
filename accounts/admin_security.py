"""Admin of the security audit log: read-only, scoped by area; and the role admin's writes
recorded in it."""

from django.contrib import admin
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest

from accounts.audit import security_log
from accounts.models import Role, RoleAssignment, SecurityEvent, SecurityEventKind
from accounts.roles import role_remove
from accounts.scope import code_prefix_q, forget_roles_on_commit, scope_codes
from common.admin import ReadOnlyAdminMixin


def security_events_in_scope(user) -> QuerySet[SecurityEvent]:
    """Superusers see every event; an administrator of an area sees the events of users
    holding a role under that area (not failures for names that match no account)."""
    events = SecurityEvent.objects.select_related("user")
    if user.is_superuser:
        return events
    codes = scope_codes(user, [Role.ADMIN])
    in_area = RoleAssignment.objects.filter(
        code_prefix_q("area__code", codes), user=OuterRef("user")
    )
    return events.filter(Exists(in_area))


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "kind", "username", "ip_address", "details")
    list_filter = ("kind",)
    search_fields = ("username", "ip_address")
    date_hierarchy = "created_at"
    fields = ("created_at", "kind", "user", "username", "ip_address", "user_agent", "details")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[SecurityEvent]:
        return security_events_in_scope(request.user)


def log_role(request: HttpRequest, assignment: RoleAssignment, kind: SecurityEventKind) -> None:
    security_log(
        kind=kind,
        user=assignment.user,
        request=request,
        role=assignment.role,
        area=assignment.area.code,
        by=request.user.get_username(),
    )


class RoleChangesLogged:
    """For the admins that write RoleAssignment rows (the role admin, the user admin's
    inline): every grant and removal goes to the security log, and the users' memoised
    roles are forgotten once the change commits. An edited assignment is logged as the
    old one removed and the new one granted."""

    def save_model(self, request, obj, form, change) -> None:
        before = _stored(obj) if isinstance(obj, RoleAssignment) else None
        super().save_model(request, obj, form, change)
        if isinstance(obj, RoleAssignment):
            _log_change(request, before, obj)
            forget_roles_on_commit(obj.user_id, *([before.user_id] if before else []))

    def delete_model(self, request, obj) -> None:
        if isinstance(obj, RoleAssignment):
            role_remove(assignment=obj, by=request.user, request=request)
        else:
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        if queryset.model is not RoleAssignment:
            return super().delete_queryset(request, queryset)
        for assignment in queryset.select_related("user", "area"):
            role_remove(assignment=assignment, by=request.user, request=request)
        return None

    def save_formset(self, request, form, formset, change) -> None:
        if formset.model is not RoleAssignment:
            return super().save_formset(request, form, formset, change)
        before = {f.instance.pk: _stored(f.instance) for f in formset.forms if f.instance.pk}
        for assignment in formset.save():
            _log_change(request, before.get(assignment.pk), assignment)
        for assignment in formset.deleted_objects:
            log_role(request, assignment, SecurityEventKind.ROLE_REMOVED)
        forget_roles_on_commit(form.instance.pk)  # the inline's rows are all this user's
        return None


def _stored(assignment: RoleAssignment) -> RoleAssignment | None:
    if assignment.pk is None:
        return None
    return RoleAssignment.objects.select_related("user", "area").filter(pk=assignment.pk).first()


def _log_change(request, before: RoleAssignment | None, after: RoleAssignment) -> None:
    unchanged = before is not None and (before.user_id, before.role, before.area_id) == (
        after.user_id,
        after.role,
        after.area_id,
    )
    if unchanged:
        return
    if before is not None:
        log_role(request, before, SecurityEventKind.ROLE_REMOVED)
    log_role(request, after, SecurityEventKind.ROLE_GRANTED)

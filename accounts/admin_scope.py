"""The Django admin scoped by area, so a district administrator can be made staff safely.

A staff user who is not a superuser sees, changes and deletes only the rows under the
area codes of their administrator roles (`accounts.scope`), chooses foreign keys only
among such rows, and cannot save a row that ends up outside them (the admin's change form
runs in one transaction, so the refusal undoes the save). Superusers are unchanged.
A model says where its area code is through AREA_PATHS.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest

from accounts.models import Role
from accounts.scope import code_prefix_q, scope_codes

# model label → path from the model to an area code
AREA_PATHS = {
    "grid.area": "code",
    "grid.building": "grid__code",
    "grid.household": "building__grid__code",
    "grid.resident": "household__building__grid__code",
    "grid.specialgroupmembership": "resident__household__building__grid__code",
    "grid.personaldatareveal": "resident__household__building__grid__code",
    "accounts.user": "roles__area__code",
    "accounts.roleassignment": "area__code",
    "accounts.department": "area__code",
    "accounts.registrationrequest": "community__code",
    "accounts.apitoken": "user__roles__area__code",
    "feedback.case": "area_code",
    "notices.notice": "area__code",
}


def admin_codes(request: HttpRequest) -> list[str] | None:
    """The area codes the admin user administers; None for a superuser (no limit)."""
    if request.user.is_superuser:
        return None
    return scope_codes(request.user, (Role.ADMIN,))


def scoped(queryset: QuerySet, codes: list[str] | None) -> QuerySet:
    """The rows of `queryset` under `codes`. A subquery on the primary key, not a join:
    a user with two roles in scope must be one row, not two."""
    if codes is None:
        return queryset
    path = AREA_PATHS[queryset.model._meta.label_lower]
    inside = queryset.model._default_manager.filter(code_prefix_q(path, codes))
    if queryset.model._meta.label_lower == "accounts.user":
        inside = inside.exclude(is_superuser=True)  # an operator is no district's to edit
    return queryset.filter(pk__in=inside.values("pk"))


def _scoped_choices(db_field, request: HttpRequest, kwargs: dict) -> dict:
    codes = admin_codes(request)
    related = db_field.related_model
    if codes is not None and related._meta.label_lower in AREA_PATHS:
        base = kwargs.get("queryset", related._default_manager.all())
        kwargs["queryset"] = scoped(base, codes)
    return kwargs


class AreaScopedAdmin:
    """ModelAdmin mixin: rows, objects, choices and saves limited to the user's areas."""

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return scoped(super().get_queryset(request), admin_codes(request))

    def get_object(self, request: HttpRequest, object_id: str, from_field=None) -> Model:
        # Out of scope and missing answer alike, 404: the id is no existence oracle, and
        # Django's own answer for a missing object (a redirect) is not an error status.
        obj = super().get_object(request, object_id, from_field)
        if obj is None and admin_codes(request) is not None:
            raise Http404
        return obj

    def _covers(self, request: HttpRequest, obj: Model | None) -> bool:
        codes = admin_codes(request)
        if obj is None or codes is None or obj.pk is None:
            return True
        return scoped(self.model._default_manager.filter(pk=obj.pk), codes).exists()

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return super().has_view_permission(request, obj) and self._covers(request, obj)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return super().has_change_permission(request, obj) and self._covers(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and self._covers(request, obj)

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        kwargs = _scoped_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_related(self, request: HttpRequest, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        if not self._covers(request, form.instance):
            raise PermissionDenied


class AreaScopedInline:
    """InlineModelAdmin mixin: the inline's rows and choices limited to the user's areas
    (a user's roles in another district are neither shown nor editable)."""

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return scoped(super().get_queryset(request), admin_codes(request))

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        kwargs = _scoped_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class PlatformWideAdmin:
    """ModelAdmin mixin for settings of the whole platform (categories, the calendar):
    staff read them, only superusers change them."""

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return request.user.is_superuser and super().has_add_permission(request, *args)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser and super().has_delete_permission(request, obj)

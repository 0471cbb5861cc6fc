"""Admin for accounts: users with their roles, departments, registration requests and
API tokens. Phones show masked; token hashes and ID numbers never show at all."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.admin_scope import AreaScopedAdmin, AreaScopedInline
from accounts.admin_security import RoleChangesLogged
from accounts.models import ApiToken, Department, RegistrationRequest, RoleAssignment, User
from accounts.tokens import forget_token_on_commit, forget_user_on_commit
from common.admin import ForgetsOnCommit
from common.personal_data import mask_id_number, mask_phone

PLATFORM_PERMISSION_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")


class RoleAssignmentInline(AreaScopedInline, admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    fields = ("role", "area", "department")
    autocomplete_fields = ("area",)
    extra = 0


@admin.register(User)
class UserAdmin(AreaScopedAdmin, RoleChangesLogged, ForgetsOnCommit, DjangoUserAdmin):
    list_display = ("username", "display_name", "phone_masked", "is_staff", "is_active")
    search_fields = ("username", "display_name")
    readonly_fields = ("phone_masked", "last_login", "date_joined")
    raw_id_fields = ("resident",)
    inlines = [RoleAssignmentInline]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("display_name", "phone_masked", "resident")}),
        (
            _("权限"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("重要日期"), {"fields": ("last_login", "date_joined")}),
    )

    @admin.display(description=_("电话"))
    def phone_masked(self, obj) -> str:
        return mask_phone(obj.phone) if obj.phone else "—"

    def forget_on_commit(self, rows: list[User]) -> None:
        forget_user_on_commit(*(user.pk for user in rows))

    def get_readonly_fields(self, request, obj=None):
        # A district administrator manages accounts and their roles in the district, never
        # Django's own permissions: those would lift them (or anyone) out of their scope.
        fields = super().get_readonly_fields(request, obj)
        if request.user.is_superuser:
            return fields
        return (*fields, *PLATFORM_PERMISSION_FIELDS)


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(AreaScopedAdmin, RoleChangesLogged, admin.ModelAdmin):
    list_display = ("user", "role", "area", "department")
    list_filter = ("role",)
    search_fields = ("user__username", "user__display_name", "area__code", "area__name")
    autocomplete_fields = ("user", "area", "department")
    list_select_related = ("user", "area", "department")

    def get_queryset(self, request):
        return super().get_queryset(request).defer("area__boundary")


@admin.register(Department)
class DepartmentAdmin(AreaScopedAdmin, admin.ModelAdmin):
    list_display = ("code", "name", "area")
    search_fields = ("code", "name")
    autocomplete_fields = ("area",)
    list_select_related = ("area",)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by services only (registration, token issue): staff may look."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(RegistrationRequest)
class RegistrationRequestAdmin(AreaScopedAdmin, ReadOnlyAdmin):
    list_display = ("name", "id_number_masked", "community", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("name", "address")
    fields = (
        "user",
        "name",
        "id_number_masked",
        "community",
        "address",
        "status",
        "decided_by",
        "decided_at",
        "decision_note",
        "created_at",
    )
    readonly_fields = fields
    list_select_related = ("community",)

    @admin.display(description=_("身份证号"))
    def id_number_masked(self, obj) -> str:
        return mask_id_number(obj.id_number) if obj.id_number else "—"

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(AreaScopedAdmin, ForgetsOnCommit, ReadOnlyAdmin):
    list_display = ("user", "label", "created_at", "last_used_at", "expires_at", "revoked_at")
    fields = ("user", "label", "created_at", "last_used_at", "expires_at", "revoked_at")
    readonly_fields = fields
    search_fields = ("user__username", "label")
    list_select_related = ("user",)

    def forget_on_commit(self, rows: list[ApiToken]) -> None:
        forget_token_on_commit(*(token.key_hash for token in rows))


admin.site.site_header = _("共治管理后台")
admin.site.site_title = _("共治管理后台")
admin.site.index_title = _("数据与账号管理")

import accounts.admin_sign_in  # noqa: E402, F401  (registers the sign-in packages under Chinese names)

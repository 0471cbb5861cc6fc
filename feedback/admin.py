from django.contrib import admin
from leaflet.admin import LeafletGeoAdmin

from accounts.admin_scope import AreaScopedAdmin, PlatformWideAdmin
from common.admin import ForgetsOnCommit, ReadOnlyAdminMixin
from feedback.catalog import forget_categories_on_commit
from feedback.deadlines import forget_calendar_overrides_on_commit
from feedback.models import CalendarOverride, Case, CaseEntry, Category, CategoryRoute


class CategoryRouteInline(admin.TabularInline):
    model = CategoryRoute
    extra = 0
    autocomplete_fields = ["area", "department"]


@admin.register(Category)
class CategoryAdmin(PlatformWideAdmin, ForgetsOnCommit, admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "kind",
        "parent",
        "department",
        "register_hours",
        "handle_days",
        "sensitive",
        "active",
    ]
    list_filter = ["kind", "sensitive", "active"]
    search_fields = ["code", "name"]
    inlines = [CategoryRouteInline]

    def forget_on_commit(self, rows: list[Category]) -> None:
        forget_categories_on_commit(*(category.code for category in rows))


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(PlatformWideAdmin, ForgetsOnCommit, admin.ModelAdmin):
    list_display = ["date", "is_workday", "note"]

    def forget_on_commit(self, rows: list[CalendarOverride]) -> None:
        forget_calendar_overrides_on_commit()


class CaseEntryInline(admin.TabularInline):
    """The timeline is append-only: shown, never edited here."""

    model = CaseEntry
    extra = 0
    can_delete = False
    fields = ["seq", "at", "action", "actor", "actor_role", "from_state", "to_state", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(AreaScopedAdmin, ReadOnlyAdminMixin, LeafletGeoAdmin):
    """Read-only: every change to a case goes through the workflow, so it is timelined."""

    list_display = ["number", "category", "state", "area_code", "department", "due_at"]
    list_filter = ["state", "source", "handled_on_spot", "hidden"]
    search_fields = ["number"]
    inlines = [CaseEntryInline]

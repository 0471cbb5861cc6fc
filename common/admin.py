"""Admin pieces shared by the apps."""

from django.http import HttpRequest


class ReadOnlyAdminMixin:
    """An admin that shows and never writes: records that only services may change
    (a case goes through its workflow) or nobody may (the audit trail)."""

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

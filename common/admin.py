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


class ForgetsOnCommit:
    """ModelAdmin mixin for rows kept in a memo cache: after an admin save or delete
    commits, `forget_on_commit(rows)` forgets them, the stored row as well as the saved
    one (a changed key, such as a category's code, leaves no old entry behind)."""

    def forget_on_commit(self, rows: list) -> None:
        raise NotImplementedError

    def save_model(self, request: HttpRequest, obj, form, change) -> None:
        stored = self.model._default_manager.filter(pk=obj.pk).first() if obj.pk else None
        super().save_model(request, obj, form, change)
        self.forget_on_commit([row for row in (stored, obj) if row is not None])

    def delete_model(self, request: HttpRequest, obj) -> None:
        self.forget_on_commit([obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset) -> None:
        self.forget_on_commit(list(queryset))
        super().delete_queryset(request, queryset)

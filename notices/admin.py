"""Notices in the admin: read-only and scoped by area. Publishing, editing and
withdrawing go through notices.services, which write the events screens depend on."""

from django.contrib import admin

from accounts.admin_scope import AreaScopedAdmin
from common.admin import ReadOnlyAdminMixin
from notices.models import Notice, NoticeAttachment


class NoticeAttachmentInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = NoticeAttachment
    extra = 0
    fields = ["original_name", "content_type", "size", "created_at"]
    readonly_fields = fields


@admin.register(Notice)
class NoticeAdmin(AreaScopedAdmin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "area", "pinned", "published_at", "expires_at", "withdrawn_at"]
    list_filter = ["pinned"]
    search_fields = ["title"]
    date_hierarchy = "published_at"
    inlines = [NoticeAttachmentInline]

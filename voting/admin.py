"""The admin: ballots and their options read-only (a ballot changes only through the
services), the representatives' roster kept here, meeting results read-only. Votes and
ballot papers are not in the admin at all: on a secret ballot nothing links them, and
no screen should look as if it could."""

from django.contrib import admin

from voting.models import Ballot, MeetingResult, Option, Representative


class OptionInline(admin.TabularInline):
    model = Option
    fields = ("position", "label", "cost")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Ballot)
class BallotAdmin(admin.ModelAdmin):
    list_display = ("question", "topic", "kind", "eligibility", "secret", "opens_at", "closed_at")
    list_filter = ("kind", "eligibility", "secret", "channel")
    fields = ("topic", "kind", "question", "eligibility", "channel", "secret", "allow_change",
              "rules", "opens_at", "closes_at", "opened_at", "closed_at", "outcome")  # fmt: skip
    readonly_fields = fields
    inlines = [OptionInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(MeetingResult)
class MeetingResultAdmin(admin.ModelAdmin):
    list_display = ("ballot", "held_on", "attended", "expected", "signed_off_at")
    fields = ("ballot", "method", "held_on", "place", "expected", "attended", "counts",
              "entered_by", "signed_off_by", "signed_off_at")  # fmt: skip
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Representative)
class RepresentativeAdmin(admin.ModelAdmin):
    list_display = ("resident", "since", "until")
    raw_id_fields = ("resident",)
    fields = ("resident", "since", "until")

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.added_by = request.user
        super().save_model(request, obj, form, change)

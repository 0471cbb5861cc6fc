"""Admin for the grid and the base data.

Boundaries are edited on a Leaflet map (django-leaflet's bundled assets, no CDN). Areas
and buildings are saved through the grid services, so the admin enforces what the
importers enforce. Personal data never appears in clear: the encrypted columns and their
hashes are left out of every form and list, and only masked values are shown.
"""

from django import forms
from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from leaflet.admin import LeafletGeoAdmin

from accounts.admin_scope import AreaScopedAdmin
from common.admin import ReadOnlyAdminMixin
from common.errors import InvalidInput
from common.personal_data import mask_id_number, mask_phone
from grid import services
from grid.access import age_band
from grid.models import (
    Area,
    Building,
    Household,
    PersonalDataReveal,
    Resident,
    SpecialGroup,
    SpecialGroupMembership,
)

# birth_date too: beside the masked ID number it would rebuild the number (grid.access)
PERSONAL_COLUMNS = ("id_number", "id_number_hash", "phone", "phone_hash", "birth_date")


class _DryRun(Exception):
    """Raised inside a transaction to roll back a trial save."""


def _check_through_service(form: forms.ModelForm, save) -> None:
    """Run the service's own checks by saving in a transaction that is always rolled
    back, and turn its refusal into a form error on the field it names."""
    try:
        with transaction.atomic():
            save()
            raise _DryRun
    except _DryRun:
        pass
    except InvalidInput as exc:
        field = exc.field if exc.field in form.fields else None
        form.add_error(field, exc.message)


class AreaForm(forms.ModelForm):
    class Meta:
        model = Area
        fields = ("code", "name", "boundary")

    def clean(self):
        data = super().clean()
        code = data.get("code") or (self.instance.code if self.instance.pk else None)
        if code and data.get("name") and data.get("boundary") and not self.errors:
            _check_through_service(
                self,
                lambda: services.area_save(code=code, name=data["name"], boundary=data["boundary"]),
            )
        return data


@admin.register(Area)
class AreaAdmin(AreaScopedAdmin, LeafletGeoAdmin):
    form = AreaForm
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")
    ordering = ("code",)
    readonly_fields = ("level", "parent")

    def get_readonly_fields(self, request, obj=None):
        # The code is the area's identity (re-imports update by code): fixed once saved.
        return ("code", *self.readonly_fields) if obj else self.readonly_fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("parent").defer("boundary")

    def save_model(self, request, obj, form, change):
        area, _created = services.area_save(code=obj.code, name=obj.name, boundary=obj.boundary)
        obj.pk, obj.level, obj.parent = area.pk, area.level, area.parent


class BuildingForm(forms.ModelForm):
    class Meta:
        model = Building
        fields = ("address", "name", "floors", "location", "footprint")

    def clean(self):
        data = super().clean()
        address = data.get("address") or self.instance.address
        if address and data.get("location") and not self.errors:
            _check_through_service(
                self, lambda: services.building_save(address=address, location=data["location"])
            )
        return data


@admin.register(Building)
class BuildingAdmin(AreaScopedAdmin, LeafletGeoAdmin):
    form = BuildingForm
    list_display = ("address", "name", "grid", "floors")
    search_fields = ("address", "name", "grid__code", "grid__name")
    readonly_fields = ("grid",)
    list_select_related = ("grid",)

    def get_readonly_fields(self, request, obj=None):
        # Buildings are keyed by address on re-import.
        return ("address", *self.readonly_fields) if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        building = services.building_save(
            address=obj.address, location=obj.location, name=obj.name, floors=obj.floors
        )
        if building.footprint != obj.footprint:
            building.footprint = obj.footprint
            building.save(update_fields=["footprint", "updated_at"])
        obj.pk, obj.grid = building.pk, building.grid


class MaskedPersonalData:
    """Read-only masked columns for models that carry an ID number and a phone."""

    @admin.display(description=_("身份证号"))
    def id_number_masked(self, obj) -> str:
        return mask_id_number(obj.id_number) if obj.id_number else "—"

    @admin.display(description=_("电话"))
    def phone_masked(self, obj) -> str:
        return mask_phone(obj.phone) if obj.phone else "—"

    @admin.display(description=_("年龄段"))
    def age(self, obj) -> str:
        return age_band(getattr(obj, "birth_date", None)) or "—"


class ResidentInline(MaskedPersonalData, admin.TabularInline):
    model = Resident
    fields = ("name", "relation", "status", "id_number_masked", "phone_masked")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Household)
class HouseholdAdmin(AreaScopedAdmin, admin.ModelAdmin):
    list_display = ("__str__", "room", "building")
    search_fields = ("building__address", "room")
    raw_id_fields = ("building",)
    list_select_related = ("building",)
    inlines = [ResidentInline]


@admin.register(Resident)
class ResidentAdmin(AreaScopedAdmin, MaskedPersonalData, admin.ModelAdmin):
    """Residents are added by import or registration (which validate and hash the ID
    number); here staff correct names, relations and status."""

    exclude = PERSONAL_COLUMNS
    list_display = ("name", "gender", "id_number_masked", "phone_masked", "relation", "status")
    list_filter = ("status", "gender", "relation")
    search_fields = ("name", "household__building__address")
    readonly_fields = ("id_number_masked", "phone_masked", "gender", "age")
    raw_id_fields = ("household",)
    list_select_related = ("household__building",)

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(SpecialGroupMembership)
class SpecialGroupMembershipAdmin(AreaScopedAdmin, admin.ModelAdmin):
    exclude = ("kind", "kind_hash")
    list_display = ("resident", "kind_label", "visit_every_days", "since")
    readonly_fields = ("resident", "kind_label")
    search_fields = ("resident__name",)
    list_select_related = ("resident",)

    @admin.display(description=pgettext_lazy("special group", "类别"))
    def kind_label(self, obj) -> str:
        return SpecialGroup(obj.kind).label if obj.kind in SpecialGroup.values else "—"

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(PersonalDataReveal)
class PersonalDataRevealAdmin(AreaScopedAdmin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """The audit trail: read only, for everyone."""

    list_display = ("at", "actor", "resident", "field", "reason")
    list_filter = ("field",)
    search_fields = ("actor__username", "resident__name", "reason")
    readonly_fields = ("at", "actor", "resident", "field", "reason")
    list_select_related = ("actor", "resident")

"""Admin for the unit tables: searchable, filterable, the succession shown read-only."""

from django.contrib import admin

from haicap.units.models import (
    Commune,
    CommuneSuccession,
    LegacyCommune,
    LegacyDistrict,
    LegacyProvince,
    Province,
    SourceDisagreement,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PredecessorInline(ReadOnlyInline):
    model = CommuneSuccession
    fk_name = "commune"
    fields = ["legacy_commune", "is_split", "is_default", "source", "legal_basis",
              "effective_date"]
    readonly_fields = fields


class SuccessorInline(ReadOnlyInline):
    model = CommuneSuccession
    fk_name = "legacy_commune"
    fields = ["commune", "is_split", "is_default", "source", "legal_basis", "effective_date"]
    readonly_fields = fields


class LegacyProvinceInline(ReadOnlyInline):
    model = LegacyProvince
    fields = ["code", "name", "source", "legal_basis", "effective_date"]
    readonly_fields = fields


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind"]
    list_filter = ["kind"]
    search_fields = ["code", "name", "codename"]
    inlines = [LegacyProvinceInline]


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "province"]
    list_filter = ["kind", "province"]
    search_fields = ["code", "name", "codename"]
    list_select_related = ["province"]
    inlines = [PredecessorInline]


@admin.register(LegacyProvince)
class LegacyProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "successor", "effective_date"]
    list_filter = ["successor"]
    search_fields = ["code", "name"]
    list_select_related = ["successor"]


@admin.register(LegacyDistrict)
class LegacyDistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "province", "successor"]
    list_filter = ["kind", "province"]
    search_fields = ["code", "name"]
    list_select_related = ["province", "successor"]


@admin.register(LegacyCommune)
class LegacyCommuneAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "district"]
    list_filter = ["kind", "district__province"]
    search_fields = ["code", "name"]
    list_select_related = ["district"]
    inlines = [SuccessorInline]


@admin.register(CommuneSuccession)
class CommuneSuccessionAdmin(admin.ModelAdmin):
    list_display = ["legacy_commune", "commune", "is_split", "is_default", "effective_date"]
    list_filter = ["is_split", "is_default", "commune__province"]
    search_fields = ["legacy_commune__name", "commune__name", "legacy_commune__code",
                     "commune__code"]
    list_select_related = ["legacy_commune", "commune"]
    raw_id_fields = ["legacy_commune", "commune"]


@admin.register(SourceDisagreement)
class SourceDisagreementAdmin(admin.ModelAdmin):
    list_display = ["subject", "code", "field", "first_value", "second_value"]
    list_filter = ["subject", "field"]
    search_fields = ["code", "first_value", "second_value"]

"""Master data in the admin: sources, their trust and survivorship rules may be edited there;
everything a run or an import writes, and the stewards' decisions, are read-only (they change
through the verbs, each with its audit row)."""

from django.contrib import admin

from haicap.mdm.models import (
    Batch,
    FieldOverride,
    GoldenRecord,
    Mapping,
    MatchRun,
    PairDecision,
    QualityReport,
    Source,
    SurvivorshipRule,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "province", "system", "legacy_province", "trust")
    list_filter = ("province", "system")
    search_fields = ("code", "name")


@admin.register(SurvivorshipRule)
class SurvivorshipRuleAdmin(admin.ModelAdmin):
    list_display = ("province", "field", "criteria")
    list_filter = ("province",)


@admin.register(Mapping)
class MappingAdmin(ReadOnlyAdmin):
    list_display = ("source", "version", "kind", "key_column", "created_by", "created_at")
    list_select_related = ("source", "created_by")


@admin.register(Batch)
class BatchAdmin(ReadOnlyAdmin):
    list_display = ("pk", "source", "format", "origin", "rows_read", "rows_imported",
                    "rows_bad", "imported_at")
    list_filter = ("format",)
    list_select_related = ("source",)


@admin.register(MatchRun)
class MatchRunAdmin(ReadOnlyAdmin):
    list_display = ("pk", "province", "status", "started_at", "finished_at", "started_by")
    list_filter = ("status", "province")
    exclude = ("model",)


@admin.register(GoldenRecord)
class GoldenRecordAdmin(ReadOnlyAdmin):
    list_display = ("golden_id", "full_name", "birth_date", "national_id", "members",
                    "retired_into")
    search_fields = ("golden_id", "national_id")
    show_full_result_count = False


@admin.register(PairDecision)
class PairDecisionAdmin(ReadOnlyAdmin):
    list_display = ("record_a", "record_b", "verdict", "action", "decided_by", "decided_at",
                    "is_current")
    list_filter = ("verdict", "action", "is_current")
    list_select_related = ("decided_by",)


@admin.register(FieldOverride)
class FieldOverrideAdmin(ReadOnlyAdmin):
    list_display = ("golden", "field", "value", "decided_by", "decided_at")
    list_select_related = ("decided_by",)


@admin.register(QualityReport)
class QualityReportAdmin(ReadOnlyAdmin):
    list_display = ("run", "source", "records")
    list_select_related = ("source",)

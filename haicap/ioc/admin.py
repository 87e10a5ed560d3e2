"""Facts are derived data: the admin shows them read-only (`haicap ioc rebuild` remakes them)."""

from django.contrib import admin

from haicap.ioc.models import DailyFact, DossierFact, MonthlyFact, Watermark


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DossierFact)
class DossierFactAdmin(ReadOnlyAdmin):
    list_display = ("dossier_id", "office_id", "procedure_id", "channel", "status",
                    "submitted_day", "finished_day", "on_time", "late", "supplements",
                    "extensions")
    list_filter = ("status", "channel", "late")


@admin.register(DailyFact)
class DailyFactAdmin(ReadOnlyAdmin):
    list_display = ("day", "office_id", "procedure_id", "channel", "submitted", "received",
                    "finished", "on_time", "late")
    list_filter = ("channel",)
    date_hierarchy = "day"


@admin.register(MonthlyFact)
class MonthlyFactAdmin(ReadOnlyAdmin):
    list_display = ("month", "office_id", "procedure_id", "channel", "submitted", "received",
                    "finished", "on_time", "late")
    list_filter = ("channel",)
    date_hierarchy = "month"


@admin.register(Watermark)
class WatermarkAdmin(ReadOnlyAdmin):
    list_display = ("name", "event_id", "updated_at")

"""Admin of the calendar: an administrator's edit becomes source "admin" and survives reloads."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from haicap.worktime import services
from haicap.worktime.models import CalendarDay


class YearFilter(admin.SimpleListFilter):
    title = _("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = CalendarDay.objects.dates("date", "year", order="DESC")
        return [(str(day.year), str(day.year)) for day in years]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(date__year=int(self.value()))
        return queryset


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "weekday", "kind", "name", "legal_basis", "source"]
    list_filter = [YearFilter, "kind", "source"]
    search_fields = ["name", "legal_basis", "notes"]
    date_hierarchy = "date"
    fields = ["date", "kind", "name", "legal_basis", "notes", "source", "updated_at"]
    readonly_fields = ["source", "updated_at"]

    @admin.display(description=_("weekday"))
    def weekday(self, obj: CalendarDay) -> str:
        return [_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"),
                _("Saturday"), _("Sunday")][obj.date.weekday()]

    def save_model(self, request, obj, form, change):
        services.save_calendar_day(obj, changed_fields=list(form.changed_data))

    def has_delete_permission(self, request, obj=None):
        # A shipped row would come back on the next reload: change its kind instead.
        if obj is not None and obj.source != CalendarDay.Source.ADMIN:
            return False
        return super().has_delete_permission(request, obj)

    def delete_model(self, request, obj):
        services.delete_calendar_day(obj)

    def delete_queryset(self, request, queryset):
        for day in queryset.filter(source=CalendarDay.Source.ADMIN):
            services.delete_calendar_day(day)

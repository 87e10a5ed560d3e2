"""Administrators set up each centre's service groups and counters here; tickets are read-only
(they change only through the services, at the kiosk and the counters)."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from haicap.tickets.models import Counter, ServiceGroup, Ticket


@admin.register(ServiceGroup)
class ServiceGroupAdmin(admin.ModelAdmin):
    list_display = ("office", "prefix", "name", "position", "is_active")
    list_filter = ("is_active", "office__kind")
    search_fields = ("name", "office__name", "office__code")
    list_select_related = ("office",)


class CounterForm(forms.ModelForm):
    class Meta:
        model = Counter
        fields = ("office", "number", "groups", "is_active")

    def clean(self):
        cleaned = super().clean()
        office, groups = cleaned.get("office"), cleaned.get("groups") or []
        if office is not None and any(group.office_id != office.pk for group in groups):
            raise forms.ValidationError(_("A counter serves only its own centre's groups."))
        return cleaned


@admin.register(Counter)
class CounterAdmin(admin.ModelAdmin):
    form = CounterForm
    list_display = ("office", "number", "is_active")
    list_filter = ("is_active", "office__kind")
    search_fields = ("office__name", "office__code")
    filter_horizontal = ("groups",)
    list_select_related = ("office",)


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = ("day", "office", "label", "group", "status", "taken_at", "first_called_at",
                    "counter", "finished_at")
    list_filter = ("status", "day", "office__kind")
    search_fields = ("office__name", "office__code")
    list_select_related = ("office", "group", "counter")
    readonly_fields = [field.name for field in Ticket._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

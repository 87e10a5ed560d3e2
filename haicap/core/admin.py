"""Django admin, in Vietnamese through verbose names. Every admin write is audited."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from haicap.core import audit
from haicap.core.models import AuditEntry, Office, User


class AuditedAdmin(admin.ModelAdmin):
    """Appends an audit entry for each save and delete made through the admin."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changes = {field: str(form.cleaned_data.get(field)) for field in form.changed_data}
        audit.record("admin.change" if change else "admin.add", obj, summary=str(obj)[:255],
                     changes=changes)

    def delete_model(self, request, obj):
        audit.record("admin.delete", obj, summary=str(obj)[:255])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            audit.record("admin.delete", obj, summary=str(obj)[:255])
        super().delete_queryset(request, queryset)


@admin.register(Office)
class OfficeAdmin(AuditedAdmin):
    list_display = ["code", "name", "kind", "province", "commune"]
    list_filter = ["kind", "province"]
    search_fields = ["code", "name"]
    raw_id_fields = ["commune"]


@admin.register(User)
class HaicapUserAdmin(AuditedAdmin, UserAdmin):
    list_display = ["username", "full_name", "role", "office", "national_id", "is_active"]
    list_filter = ["role", "is_active", "office__kind"]
    search_fields = ["username", "full_name", "search_name", "national_id", "phone"]
    raw_id_fields = ["office", "residence_commune"]
    fieldsets = UserAdmin.fieldsets + (
        (_("Role and unit"), {"fields": ["role", "office"]}),
        (_("Citizen"), {"fields": ["full_name", "national_id", "date_of_birth", "gender",
                                   "phone", "address_street", "residence_commune"]}),
    )


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "object_type", "object_id", "summary", "ip_address"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor", "object_id", "summary", "request_id"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

from django.contrib import admin

from haicap.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "dossier_code", "kind", "channel", "address", "recipient",
                    "status", "attempts", "error_code", "sandbox")
    list_filter = ("status", "channel", "kind", "sandbox")
    search_fields = ("dossier_code", "address")
    raw_id_fields = ("recipient",)
    readonly_fields = [field.name for field in Notification._meta.fields]

    def has_add_permission(self, request):
        return False

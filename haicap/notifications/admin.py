from django.contrib import admin

from haicap.notifications import webhooks
from haicap.notifications.models import Notification, WebhookDelivery, WebhookSubscription


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


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    list_display = ("partner", "url", "is_active", "created_at")
    list_filter = ("is_active",)
    readonly_fields = ("secret", "created_at")

    def save_model(self, request, obj, form, change):
        if not obj.secret:
            obj.secret = webhooks.new_secret()
        super().save_model(request, obj, form, change)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "subscription", "status", "attempts", "response_status",
                    "error_code")
    list_filter = ("status",)
    readonly_fields = [field.name for field in WebhookDelivery._meta.fields]

    def has_add_permission(self, request):
        return False

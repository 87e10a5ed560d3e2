from django.contrib import admin

from haicap.national_portal.models import FeedCursor, FeedItem, SandboxReceipt


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by the feed only: read here, changed through its services."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FeedItem)
class FeedItemAdmin(ReadOnlyAdmin):
    list_display = ("event_at", "dossier", "national_status", "status", "attempts", "sent_at",
                    "acknowledged_at", "error_code", "sandbox")
    list_filter = ("status", "national_status", "sandbox")
    search_fields = ("dossier__code",)
    raw_id_fields = ("event", "dossier")


@admin.register(FeedCursor)
class FeedCursorAdmin(ReadOnlyAdmin):
    list_display = ("name", "position")


@admin.register(SandboxReceipt)
class SandboxReceiptAdmin(ReadOnlyAdmin):
    list_display = ("received_at", "key", "dossier_code", "national_status", "accepted", "code")
    list_filter = ("accepted", "code")
    search_fields = ("key", "dossier_code")

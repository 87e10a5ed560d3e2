from django.contrib import admin

from haicap.documents.models import StoredFile


@admin.register(StoredFile)
class StoredFileAdmin(admin.ModelAdmin):
    """Read-only: files change only through the documents services (audited)."""

    list_display = ("filename", "content_type", "size", "scan_status", "client", "created_at",
                    "document")
    list_filter = ("scan_status", "content_type")
    search_fields = ("filename", "sha256", "client")
    list_select_related = ("document",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

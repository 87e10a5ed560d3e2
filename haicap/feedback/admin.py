from django.contrib import admin

from haicap.feedback.models import Complaint, Rating


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    """Read-only: a rating changes only through `rate_dossier` (which logs the event)."""

    list_display = ("dossier", "score", "reason", "via", "rated_at", "changed_at")
    list_filter = ("score", "via", "reason")
    search_fields = ("dossier__code",)
    readonly_fields = [field.name for field in Rating._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    """Read-only: complaints are answered on the officers' page (`answer_complaint`)."""

    list_display = ("dossier", "category", "status", "office", "via", "filed_at",
                    "answered_at")
    list_filter = ("status", "category", "via")
    search_fields = ("dossier__code",)
    readonly_fields = [field.name for field in Complaint._meta.fields]

    def has_add_permission(self, request):
        return False

from django.contrib import admin

from haicap.opendata.models import Dataset, Distribution, Release


class DistributionInline(admin.TabularInline):
    model = Distribution
    extra = 0
    can_delete = False
    readonly_fields = ["format", "path", "size", "sha256"]


@admin.register(Dataset)
class DatasetAdmin(admin.ModelAdmin):
    list_display = ["slug", "title", "theme", "update_frequency", "modified"]
    list_filter = ["theme", "update_frequency"]
    search_fields = ["slug", "title"]
    readonly_fields = ["current_release", "issued", "modified"]


@admin.register(Release)
class ReleaseAdmin(admin.ModelAdmin):
    list_display = ["dataset", "generated_at", "row_count"]
    list_filter = ["dataset"]
    readonly_fields = ["dataset", "generated_at", "row_count", "columns", "content_sha256",
                       "folder"]
    inlines = [DistributionInline]

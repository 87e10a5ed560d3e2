"""Admin: browse procedures and their versions. Versions are read-only: the YAML is the source,
`haicap catalog load` publishes, and a published version never changes."""

import json

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from haicap.catalog.models import Procedure, ProcedureVersion


class VersionInline(admin.TabularInline):
    model = ProcedureVersion
    fields = ["number", "status", "checksum", "source_file", "published_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    ordering = ["-number"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "field", "level", "executing_unit", "full_online",
                    "deadline_value", "deadline_unit", "active", "current_version"]
    list_filter = ["field", "level", "executing_unit", "full_online", "active"]
    search_fields = ["code", "name", "search_name"]
    list_select_related = ["current_version"]
    readonly_fields = [field.name for field in Procedure._meta.fields]
    inlines = [VersionInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(admin.ModelAdmin):
    list_display = ["procedure", "number", "status", "published_at", "source_file"]
    list_filter = ["status", "procedure__field"]
    search_fields = ["procedure__code", "procedure__name"]
    list_select_related = ["procedure"]
    fields = ["procedure", "number", "status", "checksum", "source_file", "created_at",
              "published_at", "pretty_definition"]
    readonly_fields = fields

    @admin.display(description=_("definition"))
    def pretty_definition(self, version: ProcedureVersion) -> str:
        return format_html("<pre>{}</pre>",
                           json.dumps(version.definition, ensure_ascii=False, indent=2))

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # view-only: published versions never change

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

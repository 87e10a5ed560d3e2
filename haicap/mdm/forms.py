"""The steward's forms: a new source, what to import (a file or a database table), the mapping
of the source's columns to the canonical fields, a decision, a field override. They check
shape only; the verbs (`services`, `review`, `tasks`) check the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from haicap.mdm.models import EntityKind, SystemKind, Verdict
from haicap.mdm.review import OVERRIDABLE
from haicap.mdm.selectors import FIELD_LABELS
from haicap.mdm.sources import CANONICAL_FIELDS
from haicap.units.models import LegacyProvince, Province

# A file over this size is imported with `haicap mdm import` on the server instead.
MAX_UPLOAD_BYTES = 100 * 1024 * 1024


class SourceForm(forms.Form):
    code = forms.SlugField(label=_("Source code"), max_length=40,
                           help_text=_("Short and unique, e.g. qna-motcua-2019; it prefixes "
                                       "every record key."))
    name = forms.CharField(label=_("Name"), max_length=200)
    system = forms.ChoiceField(label=_("System"), choices=SystemKind.choices)
    legacy_province = forms.ModelChoiceField(label=_("Old province"), required=False,
                                             queryset=LegacyProvince.objects.none())
    trust = forms.IntegerField(label=_("Trust (0–100)"), min_value=0, max_value=100, initial=50,
                               help_text=_("A value from a more trusted source wins in the "
                                           "golden record."))
    province = forms.ModelChoiceField(label=_("Province"), queryset=Province.objects.all())

    def __init__(self, *args, province_id: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        legacy = LegacyProvince.objects.order_by("name")
        if province_id is not None:
            del self.fields["province"]
            legacy = legacy.filter(successor_id=province_id)
        self.fields["legacy_province"].queryset = legacy


class ImportForm(forms.Form):
    """A CSV or Excel file, or a PostgreSQL / MariaDB connection string and a table."""

    file = forms.FileField(label=_("CSV or Excel file"), required=False)
    database_url = forms.CharField(
        label=_("Connection string"), required=False, max_length=500,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false",
                                      "placeholder": "postgres://user:password@host/db"}),
        help_text=_("postgres://… or mysql://… (MariaDB); read only."))
    table = forms.CharField(label=_("Table"), required=False, max_length=120,
                            widget=forms.TextInput(attrs={"spellcheck": "false"}))

    def clean(self):
        data = super().clean()
        upload, url, table = data.get("file"), data.get("database_url"), data.get("table")
        if upload and url:
            raise forms.ValidationError(_("Give a file or a database, not both."))
        if not upload and not url:
            raise forms.ValidationError(_("Give a file or a database connection string."))
        if url and not table:
            self.add_error("table", _("Name the table to read."))
        if upload and upload.size > MAX_UPLOAD_BYTES:
            self.add_error("file", _("The file is larger than 100 MB; import it with the "
                                     "command on the server."))
        return data


class MappingForm(forms.Form):
    """Which source column fills each canonical field, and which column is the row's key."""

    kind = forms.ChoiceField(label=_("Entity"), choices=EntityKind.choices,
                             initial=EntityKind.PERSON)
    key_column = forms.ChoiceField(label=_("Key column"),
                                   help_text=_("The source's own id of the row; it must be "
                                               "unique and stay the same in later exports."))

    def __init__(self, *args, columns: list[str], kind: str = EntityKind.PERSON, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— not in this source —"))] + [(name, name) for name in columns]
        self.fields["key_column"].choices = [(name, name) for name in columns]
        self.kind = kind
        for name in CANONICAL_FIELDS[EntityKind(kind)]:
            self.fields[f"map_{name}"] = forms.ChoiceField(
                label=FIELD_LABELS.get(name, name), choices=choices, required=False)

    def canonical_fields(self):
        return [self[f"map_{name}"] for name in CANONICAL_FIELDS[EntityKind(self.kind)]]

    def columns(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(f"map_{name}", "")
                for name in CANONICAL_FIELDS[EntityKind(self.kind)]
                if self.cleaned_data.get(f"map_{name}")}

    @staticmethod
    def initial_for(key_column: str, columns: dict[str, str], kind: str) -> dict:
        return {"kind": kind, "key_column": key_column,
                **{f"map_{name}": column for name, column in columns.items()}}


class DecisionForm(forms.Form):
    verdict = forms.ChoiceField(label=_("Decision"), choices=Verdict.choices,
                                widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class BulkDecisionForm(forms.Form):
    pairs = forms.TypedMultipleChoiceField(coerce=int, choices=())
    verdict = forms.ChoiceField(label=_("Decision"), choices=Verdict.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any ids: the verb checks each one is in the steward's queue.
        self.fields["pairs"].valid_value = lambda value: str(value).isdigit()


class SplitForm(forms.Form):
    record_key = forms.CharField(max_length=160)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class OverrideForm(forms.Form):
    field = forms.ChoiceField(label=_("Data field"),
                              choices=[(name, FIELD_LABELS.get(name, name))
                                       for name in OVERRIDABLE])
    value = forms.CharField(label=_("Value"), required=False, max_length=300,
                            help_text=_("Dates as dd/mm/yyyy; gender as Nam or Nữ; a commune "
                                        "by its code."))
    note = forms.CharField(label=_("Reason"), required=False, max_length=300)


class RunForm(forms.Form):
    province = forms.ModelChoiceField(label=_("Province"), queryset=Province.objects.all(),
                                      required=False)
    retrain = forms.BooleanField(label=_("Train the model again"), required=False,
                                 help_text=_("Otherwise the last run's saved model is used."))

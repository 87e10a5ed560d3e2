"""Forms of the officer workspace: queue filters, an action on a dossier, the applicant at the
counter. The e-form itself is validated by the catalogue's `validate_submission`."""

from django import forms
from django.utils.translation import gettext_lazy as _

from haicap.dossiers import actions
from haicap.dossiers.models import Status
from haicap.workspace.selectors import DUE_SOON, LATE, QueueFilters


class QueueFilterForm(forms.Form):
    q = forms.CharField(label=_("Dossier code or applicant's name"), required=False,
                        max_length=100)
    procedure = forms.ChoiceField(label=_("Procedure"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses")), *Status.choices])
    due = forms.ChoiceField(label=_("Deadline"), required=False,
                            choices=[("", _("All")), (DUE_SOON, _("Due soon")),
                                     (LATE, _("Late"))])

    def __init__(self, data, *, procedures, unit: bool):
        super().__init__(data)
        self.unit = unit
        self.fields["procedure"].choices = [("", _("All procedures"))] + [
            (code, f"{code} · {name}") for code, name in procedures]

    def filters(self) -> QueueFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return QueueFilters(unit=self.unit, procedure=data.get("procedure", ""),
                            status=data.get("status", ""), due=data.get("due", ""),
                            query=data.get("q", ""))


class ActionForm(forms.Form):
    action = forms.ChoiceField(choices=[(key, key) for key in actions.ALL])
    lock_version = forms.IntegerField(min_value=0)
    task = forms.IntegerField(required=False)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))
    new_due_at = forms.DateTimeField(label=_("New appointment"), required=False,
                                     input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"])

    def clean(self):
        data = super().clean()
        action = actions.ALL.get(data.get("action", ""))
        if action is not None and action.reason and not (data.get("reason") or "").strip():
            self.add_error("reason", _("A reason is required."))
        if action is not None and action.new_date and not data.get("new_due_at"):
            self.add_error("new_due_at", _("Give the new appointment."))
        return data


class ApplicantForm(forms.Form):
    """The applicant at the counter; the e-form's own fields come from the catalogue."""

    prefix = "applicant"  # the e-form has fields named applicant_…: keep the names apart

    id_number = forms.CharField(
        label=_("CCCD or tax code"), max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off",
                                     "autofocus": True}))
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    phone = forms.CharField(label=_("Phone"), max_length=15, required=False,
                                      widget=forms.TextInput(attrs={"inputmode": "tel"}))
    address = forms.CharField(
        label=_("Address"), max_length=500,
        help_text=_("House number and street, commune or ward, province. Any address in the "
                    "province: the dossier goes to the competent unit."))

from django import forms
from django.utils.translation import gettext_lazy as _

from haicap.core.errors import InvalidInput
from haicap.core.validation import normalize_phone


class ResidentContactForm(forms.Form):
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    address_street = forms.CharField(
        label=_("House number, street, village"), max_length=255, required=False
    )

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if not phone:
            return ""
        try:
            return normalize_phone(phone)
        except InvalidInput as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from exc


class SandboxSignInForm(forms.Form):
    national_id = forms.CharField(
        label=_("Personal identification number"), min_length=12, max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    passcode = forms.CharField(
        label=_("Passcode"), max_length=6,
        widget=forms.PasswordInput(attrs={"inputmode": "numeric"}),
    )

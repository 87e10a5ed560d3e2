from django import forms
from django.utils.translation import gettext_lazy as _

from haicap.units.address import MAX_LENGTH

PAGE_LIMIT = 50


class AddressBatchForm(forms.Form):
    addresses = forms.CharField(
        label=_("Addresses, one per line"),
        help_text=_("Old or new addresses, with or without tone marks; up to %(limit)d lines.")
        % {"limit": PAGE_LIMIT},
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false",
                                     "aria-describedby": "id_addresses_help"}),
    )

    def clean_addresses(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["addresses"].splitlines()]
        lines = [line for line in lines if line]
        if not lines:
            raise forms.ValidationError(_("Enter at least one address."), code="empty")
        if len(lines) > PAGE_LIMIT:
            raise forms.ValidationError(
                _("At most %(limit)d addresses at a time; you entered %(count)d.")
                % {"limit": PAGE_LIMIT, "count": len(lines)}, code="too_many")
        too_long = [number for number, line in enumerate(lines, 1) if len(line) > MAX_LENGTH]
        if too_long:
            raise forms.ValidationError(
                _("Lines %(lines)s are longer than %(max)d characters.")
                % {"lines": ", ".join(map(str, too_long)), "max": MAX_LENGTH}, code="too_long")
        return lines

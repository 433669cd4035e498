from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .errors import ApplicationError


def apply_error(form: forms.Form, exc: ApplicationError) -> None:
    """Show an application error on the form: on the named field where there is one."""
    if exc.errors:
        for e in exc.errors:
            target = e.field if e.field in form.fields else None
            form.add_error(target, e.text())
        return
    target = exc.field if exc.field in form.fields else None
    form.add_error(target, exc.message)


class DecisionForm(forms.Form):
    """The decision behind a restructuring: number, dates, issuer."""

    number = forms.CharField(label=_("Số quyết định"), max_length=60)
    signed_on = forms.DateField(label=_("Ngày ký"), widget=forms.DateInput(attrs={"type": "date"}))
    effective_on = forms.DateField(label=_("Ngày hiệu lực"), widget=forms.DateInput(attrs={"type": "date"}))
    issuer_name = forms.CharField(label=_("Cơ quan ban hành"), max_length=255, required=False)
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def decision(self):
        from partyorg.organizations.services import DecisionInput

        d = self.cleaned_data
        return DecisionInput(number=d["number"], signed_on=d["signed_on"], effective_on=d["effective_on"],
                             issuer_name=d.get("issuer_name", ""), note=d.get("note", ""))

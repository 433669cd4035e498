"""Form fields naming organizations the way commission staff do: by the code printed in the tree
(e.g. ``CB-THON1``), or by the number shown in its address. The field only turns the text into an id;
the service that uses it checks the actor's scope, and both "no such code" and "outside your scope"
read the same, so a form never tells whether an organization exists elsewhere."""
from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext, gettext_lazy

from .models import Organization

NOT_FOUND = gettext_lazy("Không tìm thấy tổ chức “%(ref)s” trong phạm vi quản lý của bạn.")
HELP = gettext_lazy("Mã tổ chức (như trên cây tổ chức) hoặc số hiệu (ID).")


def resolve_org_ref(ref: str) -> int | None:
    ref = ref.strip()
    if not ref:
        return None
    pk = Organization.objects.filter(code__iexact=ref).values_list("pk", flat=True).first()
    if pk is None and ref.isdigit():
        pk = Organization.objects.filter(pk=int(ref)).values_list("pk", flat=True).first()
    return pk


class OrganizationRefField(forms.CharField):
    """One organization by code or id; cleans to the id (int) or None when empty and not required."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 60)
        kwargs.setdefault("help_text", HELP)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("list", "org-choices")
        self.widget.attrs.setdefault("autocomplete", "off")

    def clean(self, value: Any) -> int | None:  # type: ignore[override]
        text = super().clean(value)
        if not text:
            return None
        pk = resolve_org_ref(text)
        if pk is None:
            raise forms.ValidationError(gettext(NOT_FOUND) % {"ref": text})
        return pk


class OrganizationRefsField(forms.CharField):
    """Several organizations by code or id, separated by commas, semicolons or spaces; cleans to ids."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", HELP)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> list[int]:  # type: ignore[override]
        text = super().clean(value) or ""
        ids: list[int] = []
        for ref in (r for r in re.split(r"[,;\s]+", text) if r):
            pk = resolve_org_ref(ref)
            if pk is None:
                raise forms.ValidationError(gettext(NOT_FOUND) % {"ref": ref})
            if pk not in ids:
                ids.append(pk)
        return ids

"""``{{ obj|tr:"label" }}``: ``obj.label_en`` in English (when not empty), else ``obj.label_vi``; for the
Vietnamese + English pairs the domain package returns (periods, indicators, rule-set names...)."""
from __future__ import annotations

from typing import Any

from django import template

from partyorg.core.i18n import pick

register = template.Library()


@register.filter
def tr(obj: Any, name: str) -> str:
    vi = getattr(obj, f"{name}_vi", "")
    en = getattr(obj, f"{name}_en", "")
    return pick(vi or "", en or "")

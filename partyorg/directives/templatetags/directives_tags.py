"""Template helpers of the directives pages: the compliance bar (an inline SVG, printable, no script)."""
from __future__ import annotations

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from partyorg.core.i18n import english
from partyorg.domain.directives import STATUS_LABELS, RequirementStatus

register = template.Library()

# Order and colour of the DI-5 statuses in a bar.
BAR = [
    (RequirementStatus.SUBMITTED_ON_TIME, "#2e7d32"),
    (RequirementStatus.SUBMITTED_LATE, "#9e9d24"),
    (RequirementStatus.RETURNED, "#6a1b9a"),
    (RequirementStatus.OVERDUE, "#c62828"),
    (RequirementStatus.PENDING, "#b0bec5"),
]


# The tooltips of the segments, escaped once (the bar is drawn for hundreds of rows on one page):
# the Vietnamese [0] and the English [1] label of each status.
_TITLES = [{status: escape(STATUS_LABELS[status][i]) for status, _c in BAR} for i in (0, 1)]


@register.simple_tag
def compliance_bar(counts, width: int = 240, height: int = 14):
    """A stacked bar of one subtree's statuses, with a text alternative ("2/3 đã nộp")."""
    total = counts.addressed
    if not total:
        return ""
    titles = _TITLES[1 if english() else 0]
    x = 0
    rects = []
    for status, colour in BAR:
        n = counts.by_status.get(status, 0)
        if not n:
            continue
        w = width * n // total if status is not BAR[-1][0] else width - x
        rects.append(f'<rect x="{x}" y="0" width="{max(w, 1)}" height="{height}" fill="{colour}">'
                     f"<title>{titles[status]}: {n}</title></rect>")
        x += w
    label = escape(_("%(summary)s đã nộp") % {"summary": counts.summary.label})
    return mark_safe(  # noqa: S308 - every interpolated value is an int, a constant colour or escaped text
        f'<svg class="bar" role="img" aria-label="{label}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" preserveAspectRatio="none">{"".join(rects)}</svg>')


@register.filter
def status_class(status) -> str:
    """CSS class of a DI-5 status (a StatusResult or a RequirementStatus)."""
    value = getattr(getattr(status, "status", status), "value", "")
    return f"st-{value}"


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None

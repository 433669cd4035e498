"""Small template filters of the rating pages."""
from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

register = template.Library()


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def tenths(value: int | None) -> str:
    """Integer tenths of a point as Vietnamese decimal text: 925 -> "92,5"."""
    if value is None:
        return ""
    whole, frac = divmod(int(value), 10)
    return f"{whole}" if frac == 0 else f"{whole},{frac}"


@register.filter
def permille_pct(value: int | None) -> str:
    """Integer permille as a percentage with one decimal: 333 -> "33,3%"."""
    if value is None:
        return ""
    whole, frac = divmod(int(value), 10)
    return f"{whole},{frac}%"


@register.filter
def subject_link(r: Any) -> str:
    if r.member_id is not None:
        return reverse("appraisal:member_subject", args=[r.period_label, r.member_id])
    return reverse("appraisal:unit_subject", args=[r.period_label, r.unit_id, r.body])


LABELS_VI = {
    # classification status (AR-28)
    "rated": "xác định theo quy tắc", "candidate": "ứng viên xuất sắc, chờ tỷ lệ (AR-33)",
    "gap": "chưa khớp khung điểm và điều kiện (AR-29)", "mitigation_pending": "chờ xem xét tình tiết (AR-25)",
    "not_reviewed": "không kiểm điểm",
    # flags
    "quota_required": "chờ tỷ lệ", "reduced_period": "thời gian công tác giảm (AR-9)", "quota_cut": "cắt theo tỷ lệ",
    "qd124_leader_conditions_unconfigured": "điều kiện QĐ 124 chưa cấu hình (AR-73)",
    "linkage_capped": "giới hạn theo liên kết (AR-43)",
    # trigger mitigation states
    "none": "đang áp dụng", "pending": "chờ cấp có thẩm quyền", "set_aside": "không áp dụng",
    "confirmed": "giữ nguyên",
    # follow-ups of a re-rating (AR-68)
    "quota_rechecked": "đã kiểm tra lại tỷ lệ", "parent_organization_flagged_for_review": "tổ chức đảng cần xem lại",
    "leader_unit_trigger_flagged_for_review": "cán bộ phụ trách cần xem lại",
    "emulation_eligibility_recheck": "rà soát thi đua, khen thưởng",
    "planning_trigger_recheck": "rà soát quy hoạch (CA-14)", "statistics_superseded": "điều chỉnh số liệu đã báo cáo",
    "group_over_quota": "nhóm vượt tỷ lệ",
    # outcomes and claims
    "confirm_kht": "giữ mức Không hoàn thành", "force_majeure": "bất khả kháng",
    "self_detected_remedied": "tự phát hiện, khắc phục", "proactive_reported_remedied": "chủ động báo cáo, khắc phục",
}


@register.filter
def vi(code: Any) -> str:
    """Vietnamese label of a stored code (status, flag, follow-up...), the code itself when unknown."""
    text = str(code or "")
    return LABELS_VI.get(text, text)


@register.filter
def pct(ratio_text: str) -> str:
    """ "0.20" -> "20%"."""
    try:
        return f"{round(float(ratio_text) * 100)}%"
    except (TypeError, ValueError):
        return str(ratio_text)

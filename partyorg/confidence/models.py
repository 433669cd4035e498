"""Confidence rating votes (lấy phiếu tín nhiệm): conferences, rated persons, counting committee,
consequence cases (spec ``confidence-votes.md``).

The rules live in :mod:`partyorg.domain.confidence`; these tables only keep what the services decided.
Ballots are NOT stored here: a conference owns one box of the shared secret-ballot app
(:mod:`partyorg.ballots`), whose participation rows are the roster (convened, present, issued) and whose
ballot papers are what was voted. The counted figures copied here come from the domain tally over the
frozen papers of that box.
"""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    """The §4 lifecycle of a rating conference (values = ``domain.confidence.ConferenceState``)."""

    PLANNED = "PLANNED", _("Lập kế hoạch")
    PREPARING = "PREPARING", _("Chuẩn bị")
    DOSSIERS_SENT = "DOSSIERS_SENT", _("Đã gửi hồ sơ")
    OPENED = "OPENED", _("Khai mạc hội nghị")
    POSTPONED = "POSTPONED", _("Hoãn")
    VOTING = "VOTING", _("Đang bỏ phiếu")
    COUNTED = "COUNTED", _("Đã kiểm phiếu")
    REPORTED = "REPORTED", _("Đã báo cáo")
    CLOSED = "CLOSED", _("Kết thúc")
    CANCELLED = "CANCELLED", _("Hủy")


class BodyKind(models.TextChoices):
    PARTY = "party", _("Đảng, hệ thống chính trị")
    ASSEMBLY = "assembly", _("Quốc hội, HĐND bầu hoặc phê chuẩn")


class RuleSetChoice(models.TextChoices):
    QD262_2014 = "QD262-2014", _("Quy định 262-QĐ/TW (2014)")
    QD96_2023 = "QD96-2023", _("Quy định 96-QĐ/TW (2023)")
    NQ96_2023_QH15 = "NQ96-2023-QH15", _("Nghị quyết 96/2023/QH15")


class Publication(models.TextChoices):
    """Who may see the individual result rows besides the office and the managing authority (CV-46)."""

    RESTRICTED = "restricted", _("Người được lấy phiếu nhận kết quả của mình; không công khai rộng")
    VOTERS = "voters", _("Người tham gia hội nghị được xem kết quả sau khi báo cáo")
    PUBLIC = "public", _("Công khai (NQ 96/2023)")


class Conference(models.Model):
    """One rating conference: one voter group rating a list of persons under one rule set."""

    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, db_index=True)
    title = models.CharField(_("Tên hội nghị"), max_length=300)
    body_kind = models.CharField(_("Loại chức danh"), max_length=10, choices=BodyKind.choices,
                                 default=BodyKind.PARTY)
    voting_body = models.CharField(_("Thành phần tham gia lấy phiếu"), max_length=300)
    voter_group = models.CharField(_("Nhóm (theo Phụ lục 1)"), max_length=200, blank=True)
    place = models.CharField(_("Địa điểm"), max_length=200, blank=True)
    term_label = models.CharField(_("Nhiệm kỳ"), max_length=40, blank=True)
    term_start = models.DateField(_("Ngày bắt đầu nhiệm kỳ"), null=True, blank=True)
    vote_date = models.DateField(_("Ngày lấy phiếu"))
    rule_set = models.CharField(_("Bộ quy tắc"), max_length=20, choices=RuleSetChoice.choices)
    rule_set_explicit = models.BooleanField(default=False)
    rule_set_rules = models.JSONField(default=list)
    warnings = models.JSONField(default=list)          # [{"code", "rule", "message_vi", "message_en"}]
    settings_overrides = models.JSONField(default=dict)
    settings_frozen = models.JSONField(null=True, blank=True)   # CV-5: the effective settings at VOTING
    defaults_applied = models.JSONField(default=list)  # CV-1: [{"point", "parameter", "value", "standard"}]
    publication = models.CharField(_("Công khai kết quả"), max_length=12, choices=Publication.choices,
                                   default=Publication.RESTRICTED)
    state = models.CharField(max_length=14, choices=State.choices, default=State.PLANNED)
    state_times = models.JSONField(default=dict)       # state -> ISO time it was entered
    status_note = models.CharField(max_length=300, blank=True)
    box = models.ForeignKey("ballots.BallotBox", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    box_round = models.PositiveSmallIntegerField(default=0)
    milestones = models.JSONField(default=dict)        # CV-20 milestone -> ISO date done
    # Counting (copied from the domain tally at VOTING -> COUNTED).
    convened = models.PositiveIntegerField(null=True, blank=True)
    present = models.PositiveIntegerField(null=True, blank=True)
    issued = models.PositiveIntegerField(null=True, blank=True)
    collected = models.PositiveIntegerField(null=True, blank=True)
    whole_ballot_invalid = models.PositiveIntegerField(null=True, blank=True)
    quorum = models.JSONField(default=dict)
    result_rules = models.JSONField(default=list)
    frozen_hash = models.CharField(max_length=64, blank=True)
    counted_on = models.DateField(null=True, blank=True)
    minutes_signatories = models.JSONField(default=list)
    sealed = models.BooleanField(default=False)
    # Report to the managing authority (CV-35, CV-46).
    report_recipient = models.CharField(_("Cấp có thẩm quyền nhận báo cáo"), max_length=300, blank=True)
    report_number = models.CharField(_("Số báo cáo"), max_length=60, blank=True)
    report_date = models.DateField(_("Ngày báo cáo"), null=True, blank=True)
    informed_on = models.DateField(_("Ngày thông báo cho người được lấy phiếu"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-vote_date", "-id"]

    def __str__(self) -> str:
        return self.title


class SubjectSource(models.TextChoices):
    REGISTRY = "registry", _("Từ danh sách chức vụ")
    MANUAL = "manual", _("Bổ sung thủ công")


class Subject(models.Model):
    """A rated person of one conference: ballot row, exemption, dossier and result row."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="subjects")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    full_name = models.CharField(max_length=120)
    positions = models.JSONField(default=list)         # titles, in the organiser's order (CV-10, CV-23)
    position_ids = models.JSONField(default=list)
    managing_authority = models.ForeignKey("organizations.Organization", null=True, blank=True,
                                           on_delete=models.PROTECT, related_name="+")
    order = models.PositiveIntegerField(default=0)
    source = models.CharField(max_length=10, choices=SubjectSource.choices, default=SubjectSource.REGISTRY)
    removed = models.BooleanField(default=False)
    adjust_reason = models.CharField(_("Lý do điều chỉnh"), max_length=300, blank=True)
    # Exemption facts (CV-7, CV-8) and the decision.
    retirement_notice = models.BooleanField(_("Đã có thông báo nghỉ hưu"), default=False)
    appointed_on = models.DateField(_("Ngày hiệu lực bổ nhiệm"), null=True, blank=True)
    elected_on = models.DateField(_("Ngày được bầu"), null=True, blank=True)
    serious_illness = models.BooleanField(_("Bệnh hiểm nghèo có xác nhận y tế"), default=False)
    months_off = models.PositiveSmallIntegerField(_("Số tháng liên tục không điều hành công việc"), default=0)
    exempt = models.BooleanField(default=False)
    exemption_reasons = models.JSONField(default=list)
    exemption_rules = models.JSONField(default=list)
    place = models.PositiveSmallIntegerField(default=1)   # CV-9: 1 or 2
    other_places = models.PositiveSmallIntegerField(default=0)
    # Dossier (CV-19, CV-20).
    self_assessment_on = models.DateField(_("Ngày nhận báo cáo tự đánh giá"), null=True, blank=True)
    declaration_ref = models.CharField(_("Bản kê khai tài sản, thu nhập (số, ngày)"), max_length=120, blank=True)
    declaration_signed_declarant = models.BooleanField(_("Người kê khai đã ký"), default=False)
    declaration_signed_receiver = models.BooleanField(_("Người nhận đã ký"), default=False)
    points_raised = models.BooleanField(_("Có vấn đề cần giải trình"), default=False)
    questions = models.TextField(_("Câu hỏi, vấn đề được nêu"), blank=True)
    explanation_on = models.DateField(_("Ngày nhận báo cáo giải trình"), null=True, blank=True)
    dossier_note = models.TextField(_("Ghi chú hồ sơ"), blank=True)
    # Result row (CV-27..CV-34).
    valid = models.PositiveIntegerField(null=True, blank=True)
    invalid = models.PositiveIntegerField(null=True, blank=True)
    high = models.PositiveIntegerField(null=True, blank=True)
    medium = models.PositiveIntegerField(null=True, blank=True)
    low = models.PositiveIntegerField(null=True, blank=True)
    high_pct = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    medium_pct = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    low_pct = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    band = models.CharField(max_length=12, blank=True)
    consequences = models.JSONField(default=list)
    result_rules = models.JSONField(default=list)
    case = models.ForeignKey("ConsequenceCase", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="subjects")

    class Meta:
        ordering = ["conference_id", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["conference", "member"], name="cv_subject_once")]

    def __str__(self) -> str:
        return self.full_name

    @property
    def on_ballot(self) -> bool:
        return not self.removed and not self.exempt

    @property
    def position_text(self) -> str:
        return "; ".join(self.positions)


class CommitteeMember(models.Model):
    """A member of the counting committee (ban kiểm phiếu); never a rated person of the conference."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="committee")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    full_name = models.CharField(max_length=120)
    is_head = models.BooleanField(default=False)

    class Meta:
        ordering = ["-is_head", "id"]
        constraints = [models.UniqueConstraint(fields=["conference", "member"], name="cv_committee_once")]

    def __str__(self) -> str:
        return self.full_name


class CaseState(models.TextChoices):
    OPEN = "OPEN", _("Đang xử lý")
    PLANNING_REMOVED = "PLANNING_REMOVED", _("Đã đưa ra khỏi quy hoạch")
    DECIDED = "DECIDED", _("Đã quyết định")
    CONSIDERED = "CONSIDERED", _("Đã xem xét")
    RESIGNED = "RESIGNED", _("Đã từ chức")
    NO_CONFIDENCE_VOTE = "NO_CONFIDENCE_VOTE", _("Đã bỏ phiếu tín nhiệm")
    DISMISSAL_SUBMITTED = "DISMISSAL_SUBMITTED", _("Đã trình miễn nhiệm")
    DISMISSED = "DISMISSED", _("Đã miễn nhiệm")
    RETAINED = "RETAINED", _("Tiếp tục giữ chức vụ")
    CLOSED = "CLOSED", _("Kết thúc")


class ConsequenceCase(models.Model):
    """One follow-up case per person with a band other than NONE (CV-44), for the managing authority.

    A cadre rated in two places under QD96 has one case holding both results (CV-38). The fields mirror
    ``domain.confidence.ConsequenceCase``; every change goes through the domain ``record_*`` functions.
    """

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    full_name = models.CharField(max_length=120)
    conference = models.ForeignKey(Conference, on_delete=models.PROTECT, related_name="cases")
    org_path = models.CharField(max_length=255, db_index=True)
    authority = models.ForeignKey("organizations.Organization", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    authority_path = models.CharField(max_length=255, blank=True, db_index=True)
    cycle_year = models.PositiveSmallIntegerField()
    rule_set = models.CharField(max_length=20)
    results = models.JSONField(default=list)        # [{"place", "band", "subject_id", "conference_id"}]
    consequences = models.JSONField(default=list)   # stable codes (domain Consequence)
    level = models.CharField(max_length=12, blank=True)
    state = models.CharField(max_length=20, choices=CaseState.choices, default=CaseState.OPEN)
    planning_hold = models.BooleanField(default=False)
    level_decision = models.JSONField(null=True, blank=True)      # {"number", "decided_on"}
    removal_decision = models.JSONField(null=True, blank=True)
    option = models.CharField(max_length=30, blank=True)
    decision = models.JSONField(null=True, blank=True)
    new_post = models.CharField(max_length=200, blank=True)
    planning_removed = models.BooleanField(null=True, blank=True)
    no_confidence_vote = models.JSONField(null=True, blank=True)  # {"issued", "collected", "no_confidence"}
    opened_on = models.DateField()
    due_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    rules = models.JSONField(default=list)
    defaults_applied = models.JSONField(default=list)
    note = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["closed_on", "due_on", "id"]
        indexes = [models.Index(fields=["member", "cycle_year"], name="cv_case_member_year_idx")]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.rule_set}, {self.cycle_year})"

"""Annual review and quality rating (spec: annual-rating.md, rules AR-*).

Tables:

* ``CriteriaTemplate``: the criteria of the 100-point framework per issuing committee and subject type,
  versioned (AR-15); a cycle and each rating keep the version they used.
* ``RatingCycle``: one per organization and period (year, or quarter for KL 198 cadres), with its rule set
  frozen (AR-1), reference meeting date (AR-5) and deadlines (AR-61).
* ``Rating``: one per subject and period (AR-13, unique ``(period_label, subject_key)``): who, where, who
  decides, its peer group (AR-31), the self-assessment, the facts entered at appraisal and the workflow
  state (AR-54). ``org_path`` is the path of the unit where the subject is reviewed: scopes filter on it.
* ``RatingVersion``: the decided results, immutable (AR-67): a re-rating adds version n+1 and marks n
  cancelled; nothing else is ever updated.
* ``RatingDecision`` (the competent level's batch decision), ``ReRatingDecision`` (Mẫu 03),
  ``QuotaException`` (AR-34), ``DisciplineRecord`` (AR-49..AR-53), ``StatsReport`` (statistics sent up,
  superseded by later re-ratings, AR-68), ``RatingTally`` (per-unit counts for fast statistics, AR-69).
"""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RuleSetChoice(models.TextChoices):
    QD366 = "QD366-2025", _("Quy định 366-QĐ/TW, Hướng dẫn 43-HD/BTCTW")
    QD124 = "QD124-2023", _("Quy định 124-QĐ/TW, Hướng dẫn 25-HD/BTCTW")
    QD132 = "QD132-2018", _("Quy định 132-QĐ/TW (dữ liệu cũ)")


class SubjectTypeChoice(models.TextChoices):
    COLLECTIVE = "collective", _("Tập thể")
    LEADER_CENTRAL = "leader_central", _("Cán bộ thuộc diện Bộ Chính trị, Ban Bí thư quản lý")
    LEADER = "leader", _("Cán bộ lãnh đạo, quản lý")
    NON_LEADER = "non_leader", _("Đảng viên không giữ chức vụ lãnh đạo, quản lý")
    MEMBER_OUTSIDE = "member_outside", _("Đảng viên không làm việc trong hệ thống chính trị")


class Body(models.TextChoices):
    """Which collective of an organization is the subject ('' for an individual)."""

    NONE = "", _("Cá nhân")
    ORGANIZATION = "organization", _("Tổ chức đảng")
    COMMITTEE = "committee", _("Ban chấp hành / chi ủy")
    STANDING = "standing_committee", _("Ban thường vụ")
    LEADERSHIP = "leadership", _("Tập thể lãnh đạo, quản lý")


class State(models.TextChoices):
    """AR-54 states, as stored."""

    DRAFT = "draft", _("Chưa tự đánh giá")
    SELF_ASSESSED = "self_assessed", _("Đã tự đánh giá")
    APPRAISED = "appraised", _("Đã thẩm định, đề xuất")
    MITIGATION_PENDING = "mitigation_pending", _("Chờ cấp có thẩm quyền xem xét tình tiết")
    REVERIFICATION = "reverification", _("Đang thẩm tra, xác minh")
    DECIDED = "decided", _("Đã quyết định")
    ANNOUNCED = "announced", _("Đã thông báo")


class LevelChoice(models.TextChoices):
    EXCELLENT = "excellent", _("Hoàn thành xuất sắc nhiệm vụ")
    GOOD = "good", _("Hoàn thành tốt nhiệm vụ")
    COMPLETED = "completed", _("Hoàn thành nhiệm vụ")
    NOT_COMPLETED = "not_completed", _("Không hoàn thành nhiệm vụ")


LEVEL_CODES = {"excellent": "HTXS", "good": "HTT", "completed": "HT", "not_completed": "KHT"}


class Exclusion(models.TextChoices):
    NONE = "", _("Kiểm điểm")
    EXEMPT = "exempt", _("Được miễn công tác và sinh hoạt đảng")
    SUSPENDED = "suspended", _("Đang bị đình chỉ sinh hoạt đảng")
    UNDER_6_MONTHS = "admitted_under_6_months", _("Kết nạp chưa đủ 6 tháng")


class CriteriaTemplate(models.Model):
    """AR-15: the criteria of each group for one subject type, issued by a committee, versioned.

    ``criteria`` is a list of ``{"code", "group": "general"|"tasks", "max_x10", "title"}``. Rows are never
    edited: a change is a new version.
    """

    issuer = models.ForeignKey("organizations.Organization", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("Cấp ủy ban hành"))
    issuer_path = models.CharField(max_length=255, blank=True, default="")
    subject_type = models.CharField(max_length=20, choices=SubjectTypeChoice.choices)
    version = models.PositiveIntegerField()
    form = models.CharField(max_length=4)
    title = models.CharField(max_length=300)
    criteria = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["issuer_path", "subject_type", "-version"]
        constraints = [models.UniqueConstraint(fields=["issuer_path", "subject_type", "version"],
                                               name="appraisal_template_version_unique")]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"


class RatingCycle(models.Model):
    """A review and rating cycle of one organization's subtree for one period."""

    class Kind(models.TextChoices):
        ANNUAL = "annual", _("Cuối năm")
        QUARTERLY = "quarterly", _("Hằng quý (Kết luận 198-KL/TW)")

    class Status(models.TextChoices):
        OPEN = "open", _("Đang thực hiện")
        CLOSED = "closed", _("Đã kết thúc")

    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ANNUAL)
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField(null=True, blank=True)
    period_label = models.CharField(max_length=10)
    rule_set = models.CharField(max_length=12, choices=RuleSetChoice.choices)
    rule_set_trace = models.JSONField(default=dict)  # AR-1: rules and defaults that chose it
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    meeting_on = models.DateField(_("Ngày họp kiểm điểm (mốc tính 6 tháng)"))
    deadline_rating = models.DateField(_("Hạn hoàn thành xếp loại"))
    deadline_special = models.DateField(_("Hạn đối với đơn vị đặc thù"), null=True, blank=True)
    deadline_form04 = models.DateField(_("Hạn gửi Mẫu 04"), null=True, blank=True)
    deadline_state = models.DateField(_("Hạn xếp loại công chức, viên chức"), null=True, blank=True)
    special_unit = models.BooleanField(_("Đơn vị có chức năng đặc thù"), default=False)
    templates = models.JSONField(default=dict)  # subject_type -> CriteriaTemplate id (AR-15)
    generation = models.JSONField(default=dict)  # counts and skipped subjects at opening
    opened_at = models.DateTimeField(auto_now_add=True)
    opened_by_id = models.BigIntegerField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-year", "-quarter", "org_path"]
        constraints = [models.UniqueConstraint(fields=["organization", "period_label"],
                                               name="appraisal_cycle_org_period_unique")]
        indexes = [models.Index(fields=["period_label", "org_path"], name="appraisal_cycle_period_path",
                                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"])]

    def __str__(self) -> str:
        return f"{self.period_label} – {self.organization}"


class Rating(models.Model):
    """One subject of one period: identity, where it is reviewed, who decides, the self-assessment, the
    facts of the appraisal and the workflow state. The decided results are ``RatingVersion`` rows."""

    # foreign keys already covered by a composite index below carry no index of their own (fewer indexes
    # to maintain on a table of millions of rows that the workflow updates several times)
    cycle = models.ForeignKey(RatingCycle, on_delete=models.PROTECT, related_name="ratings", db_index=False)
    period_label = models.CharField(max_length=10)
    rule_set = models.CharField(max_length=12, choices=RuleSetChoice.choices)
    subject_key = models.CharField(max_length=60)
    member = models.ForeignKey("members.Member", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", db_index=False)
    unit = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    body = models.CharField(max_length=20, choices=Body.choices, blank=True, default="")
    name = models.CharField(max_length=300)
    sort_key = models.CharField(max_length=400, default="")
    org_path = models.CharField(max_length=255)
    subject_type = models.CharField(max_length=20, choices=SubjectTypeChoice.choices)
    collective_kind = models.CharField(max_length=40, blank=True, default="")
    role_class = models.CharField(max_length=80)
    decider = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+",
                                db_index=False)
    decider_path = models.CharField(max_length=255)
    peer_group = models.CharField(max_length=120)
    excluded = models.CharField(max_length=30, choices=Exclusion.choices, blank=True, default="")
    exclusion_trace = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    template = models.ForeignKey(CriteriaTemplate, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", db_index=False)
    # self-assessment (Mẫu 01, 2A, 2B, 2C)
    criteria_scores = models.JSONField(default=dict, blank=True)  # code -> tenths
    grades = models.JSONField(default=dict, blank=True)  # QD124: code -> grade, "task" -> grade
    assessed_level = models.CharField(max_length=16, blank=True, default="")  # QD132
    score_general_x10 = models.PositiveSmallIntegerField(null=True, blank=True)
    score_tasks_x10 = models.PositiveSmallIntegerField(null=True, blank=True)
    score_total_x10 = models.PositiveSmallIntegerField(null=True, blank=True)
    tasks_total = models.PositiveIntegerField(null=True, blank=True)
    tasks_done = models.PositiveIntegerField(null=True, blank=True)
    tasks_on_time = models.PositiveIntegerField(null=True, blank=True)
    tasks_exceeded = models.PositiveIntegerField(null=True, blank=True)
    shortcomings_found = models.PositiveSmallIntegerField(default=0)
    shortcomings_remedied = models.PositiveSmallIntegerField(default=0)
    self_level = models.CharField(max_length=16, choices=LevelChoice.choices, blank=True, default="")
    self_report = models.TextField(blank=True, default="")
    self_assessed_at = models.DateTimeField(null=True, blank=True)
    self_assessed_by_id = models.BigIntegerField(null=True, blank=True)
    report_shared_on = models.DateField(null=True, blank=True)  # AR-56: draft collective report sent
    review_meeting_on = models.DateField(null=True, blank=True)
    # facts recorded by the advisory body at appraisal
    findings = models.JSONField(default=list, blank=True)
    units_total = models.PositiveIntegerField(null=True, blank=True)
    units_not_completed = models.PositiveIntegerField(null=True, blank=True)
    socio_applicable = models.PositiveSmallIntegerField(null=True, blank=True)
    socio_failed = models.PositiveSmallIntegerField(null=True, blank=True)
    low_confidence = models.BooleanField(null=True, blank=True)
    low_confidence_source = models.CharField(max_length=300, blank=True, default="")
    sick_leave_days = models.PositiveSmallIntegerField(default=0)
    maternity_leave = models.BooleanField(default=False)
    cbccvc = models.BooleanField(default=False)  # cadre, civil servant or public employee (AR-40)
    state_level = models.CharField(max_length=16, choices=LevelChoice.choices, blank=True, default="")
    state_rated_on = models.DateField(null=True, blank=True)
    state_body = models.CharField(max_length=200, blank=True, default="")
    mitigations = models.JSONField(default=list, blank=True)
    concerns_raised = models.BooleanField(default=False)
    reverification_ref = models.CharField(max_length=200, blank=True, default="")
    reverified_on = models.DateField(null=True, blank=True)
    appraisal_note = models.TextField(blank=True, default="")
    # classification (AR-28) as of the last appraisal
    class_status = models.CharField(max_length=24, blank=True, default="")
    proposed = models.CharField(max_length=16, choices=LevelChoice.choices, blank=True, default="")
    band = models.CharField(max_length=16, blank=True, default="")
    flags = models.JSONField(default=list, blank=True)
    classification = models.JSONField(default=dict, blank=True)
    appraised_at = models.DateTimeField(null=True, blank=True)
    appraised_by_id = models.BigIntegerField(null=True, blank=True)
    # the current decided version (mirrors RatingVersion for lists and statistics)
    level = models.CharField(max_length=16, choices=LevelChoice.choices, blank=True, default="")
    current_version = models.PositiveSmallIntegerField(default=0)
    rerated = models.BooleanField(default=False)
    overridden = models.BooleanField(default=False)
    quota_cut = models.BooleanField(default=False)
    decided_late = models.BooleanField(default=False)
    announced_at = models.DateTimeField(null=True, blank=True)
    recipients = models.JSONField(default=list, blank=True)
    review_flag = models.CharField(max_length=300, blank=True, default="")  # AR-68: flagged, never changed
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sort_key", "id"]
        constraints = [models.UniqueConstraint(fields=["period_label", "subject_key"],
                                               name="appraisal_one_rating_per_subject_period")]
        indexes = [
            models.Index(fields=["period_label", "org_path"], name="appraisal_rating_path",
                         opclasses=["varchar_pattern_ops", "varchar_pattern_ops"]),
            models.Index(fields=["period_label", "peer_group"], name="appraisal_rating_group"),
            models.Index(fields=["period_label", "decider"], name="appraisal_rating_decider"),
            models.Index(fields=["cycle", "state"], name="appraisal_rating_cycle_state"),
            models.Index(fields=["member", "period_label"], name="appraisal_rating_member"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.period_label})"

    @property
    def is_collective(self) -> bool:
        return self.subject_type == SubjectTypeChoice.COLLECTIVE

    @property
    def level_code(self) -> str:
        return LEVEL_CODES.get(self.level, "")

    @property
    def proposed_code(self) -> str:
        return LEVEL_CODES.get(self.proposed, "")


class QuotaException(models.Model):
    """AR-34: a recorded decision raising the HTXS ratio to 20 < pct <= 25 for named peer groups."""

    decider = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    decider_path = models.CharField(max_length=255)
    period_label = models.CharField(max_length=10)
    rule_set = models.CharField(max_length=12, choices=RuleSetChoice.choices)
    number = models.CharField(max_length=60)
    signed_on = models.DateField()
    authority = models.CharField(max_length=200)
    reason = models.TextField()
    pct = models.PositiveSmallIntegerField()
    peer_groups = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-signed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.number} ({self.pct}%)"


class RatingDecision(models.Model):
    """A decision of the competent level recognising the results of a batch of subjects."""

    decider = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    decider_path = models.CharField(max_length=255)
    period_label = models.CharField(max_length=10)
    rule_set = models.CharField(max_length=12, choices=RuleSetChoice.choices)
    number = models.CharField(max_length=60)
    signed_on = models.DateField()
    place = models.CharField(max_length=100)
    signer_name = models.CharField(max_length=120)
    signer_title = models.CharField(max_length=120)
    on_behalf_of = models.CharField(max_length=120, blank=True, default="")
    exception = models.ForeignKey(QuotaException, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    late = models.BooleanField(default=False)
    trace = models.JSONField(default=dict)  # rules and defaults applied to the batch
    created_at = models.DateTimeField(auto_now_add=True)
    created_by_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-signed_on", "-id"]

    def __str__(self) -> str:
        return self.number


class ReRatingDecision(models.Model):
    """AR-66: a re-rating decision (Mẫu 03): number, date, authority, reason, ground."""

    rating = models.ForeignKey(Rating, on_delete=models.PROTECT, related_name="reratings")
    decider = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    number = models.CharField(max_length=60)
    signed_on = models.DateField()
    authority = models.CharField(max_length=200)
    reason = models.TextField()
    ground = models.CharField(max_length=20)
    place = models.CharField(max_length=100)
    signer_name = models.CharField(max_length=120)
    signer_title = models.CharField(max_length=120)
    old_level = models.CharField(max_length=16, choices=LevelChoice.choices)
    new_level = models.CharField(max_length=16, choices=LevelChoice.choices)
    follow_ups = models.JSONField(default=list)
    trace = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-signed_on", "-id"]

    def __str__(self) -> str:
        return self.number


class RatingVersion(models.Model):
    """AR-67: an immutable decided result. Only ``cancelled``/``cancelled_by``/``cancelled_at`` are ever
    written after creation, once, by a re-rating."""

    rating = models.ForeignKey(Rating, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField()
    rule_set = models.CharField(max_length=12, choices=RuleSetChoice.choices)
    level = models.CharField(max_length=16, choices=LevelChoice.choices)
    proposed = models.CharField(max_length=16, blank=True, default="")
    class_status = models.CharField(max_length=24, blank=True, default="")
    score_total_x10 = models.PositiveSmallIntegerField(null=True, blank=True)
    overridden = models.BooleanField(default=False)
    override_reason = models.TextField(blank=True, default="")
    quota_cut = models.BooleanField(default=False)
    facts = models.JSONField(default=dict)
    classification = models.JSONField(default=dict)
    decision = models.ForeignKey(RatingDecision, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="versions")
    rerating = models.ForeignKey(ReRatingDecision, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="versions")
    decided_on = models.DateField()
    decided_by_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled = models.BooleanField(default=False)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(ReRatingDecision, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="cancelled_versions")

    class Meta:
        ordering = ["rating_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["rating", "number"], name="appraisal_version_number_unique"),
            models.UniqueConstraint(fields=["rating"], condition=models.Q(cancelled=False),
                                    name="appraisal_one_active_version"),
        ]

    def __str__(self) -> str:
        return f"{self.rating_id} v{self.number} {self.level}"

    @property
    def level_code(self) -> str:
        return LEVEL_CODES.get(self.level, "")


class DisciplineForm(models.TextChoices):
    REPRIMAND = "reprimand", _("Khiển trách")
    WARNING = "warning", _("Cảnh cáo")
    REMOVAL_FROM_POST = "removal_from_post", _("Cách chức")
    EXPULSION = "expulsion", _("Khai trừ")
    DISSOLUTION = "dissolution", _("Giải tán")
    TEMPORARY_WORK_SUSPENSION = "temporary_work_suspension", _("Tạm đình chỉ công tác (không phải kỷ luật)")


class DisciplineRecord(models.Model):
    """AR-49: a disciplinary decision on a member or an organization. It counts in the period of its
    decision date (``counted_year``), once (AR-50: one row per decision and subject)."""

    member = models.ForeignKey("members.Member", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    organization = models.ForeignKey("organizations.Organization", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255)
    form = models.CharField(max_length=30, choices=DisciplineForm.choices)
    decision_number = models.CharField(max_length=60)
    authority = models.CharField(max_length=200, blank=True, default="")
    decision_date = models.DateField()
    act_date = models.DateField(null=True, blank=True)
    unit_at_act = models.ForeignKey("organizations.Organization", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    duty_related = models.BooleanField(default=True)
    related_to_functions = models.BooleanField(default=True)
    self_detected_remedied = models.BooleanField(default=False)
    effect_end = models.DateField(null=True, blank=True)
    counted_year = models.PositiveSmallIntegerField()
    note = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-decision_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["decision_number", "member"], condition=models.Q(member__isnull=False),
                                    name="appraisal_discipline_once_member"),
            models.UniqueConstraint(fields=["decision_number", "organization"],
                                    condition=models.Q(organization__isnull=False),
                                    name="appraisal_discipline_once_org"),
            models.CheckConstraint(condition=models.Q(member__isnull=False) | models.Q(organization__isnull=False),
                                   name="appraisal_discipline_has_subject"),
        ]
        indexes = [models.Index(fields=["org_path"], name="appraisal_discipline_path",
                                opclasses=["varchar_pattern_ops"])]

    def __str__(self) -> str:
        return f"{self.decision_number} {self.get_form_display()}"


class StatsReport(models.Model):
    """Statistics of a subtree and period sent up to the level above (AR-69); a later re-rating inside the
    subtree marks it superseded with a correction (AR-68)."""

    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255)
    period_label = models.CharField(max_length=10)
    totals = models.JSONField()
    sent_at = models.DateTimeField(auto_now_add=True)
    sent_by_id = models.BigIntegerField(null=True, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)
    superseded_note = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"{self.period_label} {self.org_path}"


class RatingTally(models.Model):
    """Counts of one unit's ratings of one period by subject type, peer group and category (a level, a
    not-reviewed reason, 'undecided', or a flag), recomputed with every change of the unit's ratings.
    Statistics of any subtree sum these rows with one indexed prefix match."""

    period_label = models.CharField(max_length=10)
    unit = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+")
    org_path = models.CharField(max_length=255)
    subject_type = models.CharField(max_length=20)
    peer_group = models.CharField(max_length=120)
    category = models.CharField(max_length=30)
    n = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["period_label", "org_path"], name="appraisal_tally_path",
                                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"]),
                   models.Index(fields=["period_label", "unit"], name="appraisal_tally_unit")]

    def __str__(self) -> str:
        return f"{self.period_label} {self.unit_id} {self.category}={self.n}"

"""Documents, dissemination conferences, implementation requirements, obstacles and periodic reports
(spec directives.md, DI-1..DI-10).

Every row that belongs to an organization copies that organization's materialized ``path``
(``owner_path``, ``host_path``, ``issuer_path``, ``org_path``...) so that a scope or a subtree is one
indexed prefix match, as for members. Statuses that depend on the date (pending / overdue, in force /
replaced) are not stored: the selectors ask the domain rules with ``today``.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from partyorg.domain.directives import (
    ConferenceMode,
    Deliverable,
    DocumentStatus,
    DocumentSystem,
    DocumentType,
    LinkKind,
    PeriodKind,
    RollupRule,
)


def _choices(enum, labels: dict) -> list[tuple[str, str]]:
    return [(member.value, labels[member]) for member in enum]


SYSTEM_CHOICES = _choices(DocumentSystem, {DocumentSystem.PARTY: _("Văn bản của Đảng"),
                                           DocumentSystem.STATE: _("Văn bản nhà nước")})
# The domain's Vietnamese names (DOCUMENT_TYPE_NAMES_VI, used in the documents themselves), translatable
# for the pages (tests/test_i18n.py checks that the Vietnamese labels are the domain's names).
TYPE_CHOICES = _choices(DocumentType, {
    DocumentType.RESOLUTION: pgettext_lazy("document type", "Nghị quyết"),
    DocumentType.REGULATION: pgettext_lazy("document type", "Quy định"),
    DocumentType.DECISION: pgettext_lazy("document type", "Quyết định"),
    DocumentType.DIRECTIVE: pgettext_lazy("document type", "Chỉ thị"),
    DocumentType.CONCLUSION: pgettext_lazy("document type", "Kết luận"),
    DocumentType.GUIDANCE: pgettext_lazy("document type", "Hướng dẫn"),
    DocumentType.PLAN: pgettext_lazy("document type", "Kế hoạch"),
    DocumentType.NOTICE: pgettext_lazy("document type", "Thông báo"),
    DocumentType.REPORT: pgettext_lazy("document type", "Báo cáo"),
    DocumentType.RULES: pgettext_lazy("document type", "Quy chế"),
    DocumentType.INSTRUCTION: pgettext_lazy("document type", "Thông tri"),
    DocumentType.SUBMISSION: pgettext_lazy("document type", "Tờ trình"),
    DocumentType.PROGRAMME: pgettext_lazy("document type", "Chương trình"),
    DocumentType.SCHEME: pgettext_lazy("document type", "Đề án"),
    DocumentType.MINUTES: pgettext_lazy("document type", "Biên bản"),
    DocumentType.OFFICIAL_LETTER: pgettext_lazy("document type", "Công văn"),
    DocumentType.DISPATCH: pgettext_lazy("document type", "Công điện"),
    DocumentType.DECREE: pgettext_lazy("document type", "Nghị định"),
    DocumentType.CIRCULAR: pgettext_lazy("document type", "Thông tư"),
    DocumentType.JOINT_CIRCULAR: pgettext_lazy("document type", "Thông tư liên tịch"),
    DocumentType.JOINT_RESOLUTION: pgettext_lazy("document type", "Nghị quyết liên tịch"),
    DocumentType.LAW: pgettext_lazy("document type", "Luật"),
    DocumentType.ORDINANCE: pgettext_lazy("document type", "Pháp lệnh"),
})
STATUS_LABELS = {
    DocumentStatus.IN_FORCE: _("Còn hiệu lực"),
    DocumentStatus.AMENDED: _("Đã được sửa đổi, bổ sung"),
    DocumentStatus.REPLACED: _("Đã bị thay thế"),
    DocumentStatus.EXPIRED: _("Hết hiệu lực"),
}
LINK_CHOICES = _choices(LinkKind, {
    LinkKind.REPLACES: _("Thay thế"),
    LinkKind.AMENDS: _("Sửa đổi, bổ sung"),
    LinkKind.GUIDES: _("Hướng dẫn"),
    LinkKind.IMPLEMENTS: _("Triển khai thực hiện"),
})
MODE_CHOICES = _choices(ConferenceMode, {
    ConferenceMode.IN_PERSON: _("Trực tiếp"),
    ConferenceMode.ONLINE: _("Trực tuyến"),
    ConferenceMode.HYBRID: _("Trực tiếp kết hợp trực tuyến"),
})
DELIVERABLE_CHOICES = _choices(Deliverable, {
    Deliverable.IMPLEMENTING_DOCUMENT: _("Văn bản cụ thể hóa, triển khai"),
    Deliverable.IMPLEMENTATION_PLAN: _("Kế hoạch thực hiện"),
    Deliverable.FOLLOW_UP_CONFERENCE: _("Hội nghị quán triệt, triển khai"),
    Deliverable.REPORT: _("Báo cáo"),
    Deliverable.REMEDIATION_PLAN: _("Kế hoạch khắc phục hạn chế, khuyết điểm"),
})
PERIOD_CHOICES = _choices(PeriodKind, {
    PeriodKind.QUARTER: _("Quý"),
    PeriodKind.HALF_YEAR: _("6 tháng"),
    PeriodKind.NINE_MONTHS: _("9 tháng"),
    PeriodKind.YEAR: _("Năm"),
})
ROLLUP_LABELS = {
    RollupRule.SUM: _("Cộng dồn"),
    RollupRule.COMPUTED: _("Tính từ chỉ tiêu khác"),
    RollupRule.NOT_ROLLED_UP: _("Không tổng hợp"),
}


class Document(models.Model):
    """A registered document (DI-1). ``owner`` is the organization whose register holds it; the
    register of an organization is visible to its subtree and to its ancestors."""

    owner = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    owner_path = models.CharField(max_length=255)
    system = models.CharField(_("Hệ thống văn bản"), max_length=10, choices=SYSTEM_CHOICES)
    doc_type = models.CharField(_("Loại văn bản"), max_length=30, choices=TYPE_CHOICES)
    number_symbol = models.CharField(_("Số, ký hiệu"), max_length=80)
    number = models.PositiveIntegerField(db_index=True)
    dedup_key = models.CharField(max_length=250, unique=True)
    issued_on = models.DateField(_("Ngày ban hành"))
    issuing_body = models.CharField(_("Cơ quan ban hành"), max_length=255)
    title = models.CharField(_("Trích yếu"), max_length=500)
    summary = models.TextField(_("Tóm tắt nội dung"), blank=True)
    effective_on = models.DateField(_("Ngày hiệu lực"), null=True, blank=True)
    expires_on = models.DateField(_("Ngày hết hiệu lực"), null=True, blank=True)
    search_text = models.CharField(max_length=1500, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_on", "-id"]
        indexes = [models.Index(fields=["owner_path"], name="doc_owner_path_idx",
                                opclasses=["varchar_pattern_ops"])]

    def __str__(self) -> str:
        return self.number_symbol


class DocumentLink(models.Model):
    """``source`` replaces / amends / guides / implements ``target`` (DI-1)."""

    source = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="links_out")
    target = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="links_in")
    kind = models.CharField(_("Quan hệ"), max_length=12, choices=LINK_CHOICES)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "target", "kind"], name="uniq_document_link")]

    def __str__(self) -> str:
        return f"{self.source_id} {self.kind} {self.target_id}"


class Conference(models.Model):
    """A dissemination conference (DI-3); an online one lists its bridge points."""

    host = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    host_path = models.CharField(max_length=255, db_index=True)
    title = models.CharField(_("Tên hội nghị"), max_length=300)
    held_at = models.DateTimeField(_("Thời gian"))
    mode = models.CharField(_("Hình thức"), max_length=12, choices=MODE_CHOICES)
    location = models.CharField(_("Địa điểm"), max_length=300, blank=True)
    chair = models.CharField(_("Chủ trì"), max_length=300)
    in_person_participants = models.PositiveIntegerField(_("Số người dự tại hội trường"), default=0)
    follows = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="follow_ups", verbose_name=_("Tiếp nối hội nghị"))
    documents = models.ManyToManyField(Document, related_name="conferences", verbose_name=_("Văn bản quán triệt"))
    notes = models.TextField(_("Ghi chú"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-held_at", "-id"]

    def __str__(self) -> str:
        return self.title


class BridgePoint(models.Model):
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="bridge_points")
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255)
    participants = models.PositiveIntegerField(_("Số người dự"), default=0)

    class Meta:
        ordering = ["org_path"]
        constraints = [models.UniqueConstraint(fields=["conference", "organization"], name="uniq_bridge_point")]

    def __str__(self) -> str:
        return f"{self.conference_id} @ {self.organization_id}: {self.participants}"


class Requirement(models.Model):
    """An implementation requirement (DI-4) issued by an organization to some of its subordinates."""

    issuer = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    issuer_path = models.CharField(max_length=255, db_index=True)
    title = models.CharField(_("Nội dung yêu cầu"), max_length=300)
    documents = models.ManyToManyField(Document, related_name="requirements", verbose_name=_("Văn bản"))
    deliverable = models.CharField(_("Sản phẩm phải nộp"), max_length=30, choices=DELIVERABLE_CHOICES)
    description = models.TextField(_("Hướng dẫn chi tiết"), blank=True)
    issued_on = models.DateField(_("Ngày giao"))
    deadline = models.DateField(_("Hạn nộp"))
    selection = models.JSONField(default=dict, blank=True)  # how the addressees were chosen (levels, types, ids)
    closed_on = models.DateField(_("Ngày kết thúc theo dõi"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return self.title


class AddresseeState(models.TextChoices):
    """Where the exchange stands (the date-dependent status comes from the domain, DI-5)."""

    OPEN = "open", _("Chưa nộp")
    SUBMITTED = "submitted", _("Đã nộp")
    RETURNED = "returned", _("Bị trả lại")


class Addressee(models.Model):
    """One addressed organization of a requirement, with its latest submission (DI-5)."""

    requirement = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="addressees")
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255)
    state = models.CharField(max_length=10, choices=AddresseeState.choices, default=AddresseeState.OPEN)
    submitted_on = models.DateField(null=True, blank=True)
    reference = models.CharField(max_length=400, blank=True)
    returned_on = models.DateField(null=True, blank=True)
    return_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["org_path"]
        constraints = [models.UniqueConstraint(fields=["requirement", "organization"], name="uniq_addressee")]
        indexes = [
            models.Index(fields=["requirement", "org_path"], name="addressee_req_path_idx",
                         opclasses=["int8_ops", "varchar_pattern_ops"]),   # subtree: LIKE 'path%'
            models.Index(fields=["requirement", "org_path"], name="addressee_req_order_idx"),  # pages in tree order
            models.Index(fields=["org_path", "state"], name="addressee_path_state_idx",
                         opclasses=["varchar_pattern_ops", "varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return f"{self.requirement_id} -> {self.organization_id} ({self.state})"


class Submission(models.Model):
    """A deliverable submitted by an addressed organization: its document, or the conference held."""

    addressee = models.ForeignKey(Addressee, on_delete=models.CASCADE, related_name="submissions")
    submitted_on = models.DateField(_("Ngày nộp"))
    document_number = models.CharField(_("Số, ký hiệu văn bản"), max_length=80, blank=True)
    document_date = models.DateField(_("Ngày văn bản"), null=True, blank=True)
    conference = models.ForeignKey(Conference, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("Hội nghị đã tổ chức"))
    note = models.TextField(_("Ghi chú"), blank=True)
    submitted_by_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    returned_on = models.DateField(null=True, blank=True)
    return_reason = models.TextField(blank=True)
    returned_by_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["submitted_on", "id"]

    def __str__(self) -> str:
        return f"{self.addressee_id}: {self.submitted_on}"


class Attachment(models.Model):
    """A PDF or DOCX stored in the database (every app server sees it; never a public path).
    It belongs to exactly one document, submission or conference, and is served only through the
    scoped download view."""

    document = models.ForeignKey(Document, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="attachments")
    submission = models.ForeignKey(Submission, null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="attachments")
    conference = models.ForeignKey(Conference, null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="attachments")
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField()
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(document__isnull=False, submission__isnull=True, conference__isnull=True)
                           | models.Q(document__isnull=True, submission__isnull=False, conference__isnull=True)
                           | models.Q(document__isnull=True, submission__isnull=True, conference__isnull=False)),
                name="attachment_one_owner"),
        ]

    def __str__(self) -> str:
        return self.filename


class Obstacle(models.Model):
    """An obstacle or recommendation (DI-7) about a document, sent to the issuer of a requirement or
    up the asker's chain; the answer may be shared with all addressed organizations."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="obstacles")
    requirement = models.ForeignKey(Requirement, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="obstacles")
    asker = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    asker_path = models.CharField(max_length=255, db_index=True)
    recipient = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    recipient_path = models.CharField(max_length=255, db_index=True)
    question = models.TextField(_("Khó khăn, vướng mắc, kiến nghị"))
    raised_on = models.DateField()
    raised_by_id = models.BigIntegerField(null=True, blank=True)
    answer = models.TextField(_("Trả lời"), blank=True)
    answered_on = models.DateField(null=True, blank=True)
    answered_by_id = models.BigIntegerField(null=True, blank=True)
    shared = models.BooleanField(_("Chia sẻ câu trả lời cho các tổ chức được giao"), default=False)

    class Meta:
        ordering = ["-raised_on", "-id"]

    def __str__(self) -> str:
        return self.question[:80]


class ReportTemplate(models.Model):
    """A periodic report template (DI-8): text sections and numeric indicators with rollup rules.

    ``sections``: ``[{"code", "title_vi", "title_en"}]``; ``indicators``: ``[{"code", "label_vi",
    "label_en", "rule", "formula", "source", "source_key"}]`` where ``formula`` is
    ``{"numerator": [[coefficient, code], ...], "denominator": [...], "scale": int}`` or null.
    ``reporting_types``: the organization types expected to report (empty: every organization except
    party cells and party groups)."""

    owner = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    owner_path = models.CharField(max_length=255, db_index=True)
    name = models.CharField(_("Tên mẫu báo cáo"), max_length=300)
    period_kind = models.CharField(_("Kỳ báo cáo"), max_length=12, choices=PERIOD_CHOICES)
    due_offset_days = models.IntegerField(_("Hạn nộp: số ngày sau khi hết kỳ"), default=0)
    reporting_types = models.JSONField(default=list, blank=True)
    sections = models.JSONField(default=list)
    indicators = models.JSONField(default=list)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["owner_path", "period_kind", "name"]
        constraints = [models.UniqueConstraint(fields=["owner", "name", "period_kind"], name="uniq_report_template")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_period_kind_display()})"


class ReportState(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    SUBMITTED = "submitted", _("Đã nộp")


class PeriodicReport(models.Model):
    """One organization's report for one period (DI-9). ``values``: indicator code -> int or null;
    ``texts``: section code -> text; ``sources``: indicator code -> where its value came from
    (``{"kind": "system" | "rollup" | "manual", "included": n, "expected": m}``)."""

    template = models.ForeignKey(ReportTemplate, on_delete=models.PROTECT, related_name="reports")
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255)
    year = models.PositiveSmallIntegerField()
    index = models.PositiveSmallIntegerField(default=1)
    due_on = models.DateField(_("Hạn nộp"))
    state = models.CharField(max_length=10, choices=ReportState.choices, default=ReportState.DRAFT)
    values = models.JSONField(default=dict, blank=True)
    texts = models.JSONField(default=dict, blank=True)
    sources = models.JSONField(default=dict, blank=True)
    submitted_on = models.DateField(null=True, blank=True)
    submitted_by_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "-index", "org_path"]
        constraints = [models.UniqueConstraint(fields=["template", "organization", "year", "index"],
                                               name="uniq_periodic_report")]
        indexes = [models.Index(fields=["template", "year", "index", "org_path"], name="report_period_path_idx",
                                opclasses=["int8_ops", "int2_ops", "int2_ops", "varchar_pattern_ops"])]

    def __str__(self) -> str:
        return f"{self.template_id}/{self.organization_id}/{self.year}-{self.index}"


class ReportEvent(models.Model):
    """Submissions and reopenings of a report, with who, when and why (DI-9)."""

    report = models.ForeignKey(PeriodicReport, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20)
    on = models.DateField()
    at = models.DateTimeField(auto_now_add=True)
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_repr = models.CharField(max_length=200, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.action} {self.on}"


class DigestSubscription(models.Model):
    """A user's choice to receive the e-mail digest of open items (DI-10)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    active = models.BooleanField(default=True)
    email = models.EmailField(_("Địa chỉ nhận"), blank=True)
    last_sent_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"digest {self.user_id} ({'on' if self.active else 'off'})"

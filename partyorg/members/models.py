from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    MALE = "M", _("Nam")
    FEMALE = "F", _("Nữ")


class MemberStatus(models.TextChoices):
    PROBATIONARY = "probationary", _("Dự bị")
    OFFICIAL = "official", _("Chính thức")
    EXEMPTED = "exempted", _("Miễn sinh hoạt")
    SUSPENDED = "suspended", _("Đình chỉ sinh hoạt")
    TRANSFERRED_OUT = "transferred_out", _("Đã chuyển đi")
    DECEASED = "deceased", _("Đã từ trần")
    EXPELLED = "expelled", _("Khai trừ / xóa tên")


ACTIVE_STATUSES = {MemberStatus.PROBATIONARY, MemberStatus.OFFICIAL, MemberStatus.EXEMPTED, MemberStatus.SUSPENDED}


class TheoryLevel(models.TextChoices):
    NONE = "", _("Chưa qua đào tạo")
    ELEMENTARY = "elementary", _("Sơ cấp")
    INTERMEDIATE = "intermediate", _("Trung cấp")
    ADVANCED = "advanced", _("Cao cấp")
    BACHELOR = "bachelor", _("Cử nhân")


class Member(models.Model):
    """A party member. ``cell`` is the one organization of official party activity;
    ``org_path`` copies its path so that a subtree's members are one indexed prefix match."""

    full_name = models.CharField(_("Họ và tên"), max_length=120)
    sort_key = models.CharField(max_length=200, db_index=True)
    search_text = models.CharField(max_length=300)
    date_of_birth = models.DateField(_("Ngày sinh"))
    gender = models.CharField(_("Giới tính"), max_length=1, choices=Gender.choices)
    ethnicity = models.CharField(_("Dân tộc"), max_length=50, default="Kinh")
    religion = models.CharField(_("Tôn giáo"), max_length=50, blank=True, default="Không")
    place_of_origin = models.CharField(_("Quê quán"), max_length=255, blank=True)
    citizen_id = models.CharField(_("Số CCCD"), max_length=12, unique=True)
    party_card_number = models.CharField(_("Số thẻ đảng viên"), max_length=20, unique=True, null=True, blank=True)
    admitted_on = models.DateField(_("Ngày vào Đảng"))
    official_on = models.DateField(_("Ngày chính thức"), null=True, blank=True)
    status = models.CharField(_("Tình trạng"), max_length=20, choices=MemberStatus.choices,
                              default=MemberStatus.PROBATIONARY)
    cell = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="members",
                             verbose_name=_("Chi bộ"))
    org_path = models.CharField(max_length=255)
    education_level = models.CharField(_("Trình độ học vấn / chuyên môn"), max_length=100, blank=True)
    theory_level = models.CharField(_("Trình độ lý luận chính trị"), max_length=20, choices=TheoryLevel.choices,
                                    blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sort_key", "id"]
        indexes = [
            models.Index(fields=["org_path", "sort_key"], name="member_path_sort_idx",
                         opclasses=["varchar_pattern_ops", "varchar_pattern_ops"]),
            models.Index(fields=["cell", "sort_key"], name="member_cell_sort_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name


class MemberStatusChange(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="status_history")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, choices=MemberStatus.choices)
    effective_on = models.DateField()
    reason = models.CharField(max_length=300, blank=True)
    decision_ref = models.CharField(max_length=100, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["effective_on", "id"]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.from_status} -> {self.to_status} ({self.effective_on})"


class ActivityKind(models.TextChoices):
    OFFICIAL = "official", _("Sinh hoạt chính thức")
    TEMPORARY = "temporary", _("Sinh hoạt tạm thời")


class ActivityRecord(models.Model):
    """Where a member has party activity, over time: one open OFFICIAL record at a time (the cell
    on the member row); TEMPORARY records are kept apart, as in the real transfer procedure."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="activity")
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=ActivityKind.choices)
    start_on = models.DateField()
    end_on = models.DateField(null=True, blank=True)
    decision_ref = models.CharField(_("Giấy giới thiệu / quyết định"), max_length=100, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["start_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["member"], condition=models.Q(kind="official", end_on__isnull=True),
                                    name="one_open_official_activity"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} @ {self.organization_id} ({self.kind})"


class HowObtained(models.TextChoices):
    ELECTED = "elected", _("Bầu")
    APPOINTED = "appointed", _("Bổ nhiệm")
    DESIGNATED = "designated", _("Chỉ định")


class PositionTitle(models.TextChoices):
    SECRETARY = "bi_thu", _("Bí thư")
    DEPUTY_SECRETARY = "pho_bi_thu", _("Phó Bí thư")
    STANDING_MEMBER = "uv_btv", _("Ủy viên Ban Thường vụ")
    COMMITTEE_MEMBER = "uv_bch", _("Ủy viên Ban Chấp hành")
    ORG_COMMISSION_HEAD = "truong_ban_to_chuc", _("Trưởng Ban Tổ chức")
    ORG_COMMISSION_DEPUTY = "pho_ban_to_chuc", _("Phó Trưởng Ban Tổ chức")
    INSPECTION_HEAD = "chu_nhiem_ubkt", _("Chủ nhiệm Ủy ban Kiểm tra")
    CELL_COMMITTEE_MEMBER = "chi_uy_vien", _("Chi ủy viên")
    GROUP_LEADER = "to_truong", _("Tổ trưởng tổ đảng")
    CHAIR_PEOPLES_COMMITTEE = "chu_tich_ubnd", _("Chủ tịch UBND")
    CHAIR_PEOPLES_COUNCIL = "chu_tich_hdnd", _("Chủ tịch HĐND")
    OTHER = "khac", _("Chức vụ khác")


LEADERSHIP_TITLES = {
    PositionTitle.SECRETARY, PositionTitle.DEPUTY_SECRETARY, PositionTitle.STANDING_MEMBER,
    PositionTitle.ORG_COMMISSION_HEAD, PositionTitle.ORG_COMMISSION_DEPUTY, PositionTitle.INSPECTION_HEAD,
    PositionTitle.CHAIR_PEOPLES_COMMITTEE, PositionTitle.CHAIR_PEOPLES_COUNCIL,
}


class Position(models.Model):
    """A position held by a member in an organization for a term (start_on .. end_on)."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="positions")
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT,
                                     related_name="positions")
    org_path = models.CharField(max_length=255, db_index=True)
    title = models.CharField(_("Chức vụ"), max_length=30, choices=PositionTitle.choices)
    title_text = models.CharField(_("Tên chức vụ"), max_length=200, blank=True)
    term_label = models.CharField(_("Nhiệm kỳ"), max_length=40, blank=True)
    start_on = models.DateField(_("Từ ngày"))
    end_on = models.DateField(_("Đến ngày"), null=True, blank=True)
    how_obtained = models.CharField(_("Hình thức"), max_length=12, choices=HowObtained.choices)
    managing_authority = models.ForeignKey("organizations.Organization", null=True, blank=True,
                                           on_delete=models.PROTECT, related_name="+",
                                           verbose_name=_("Cấp có thẩm quyền quản lý cán bộ"))
    decision_ref = models.CharField(_("Số quyết định"), max_length=100, blank=True)

    class Meta:
        ordering = ["organization_id", "title", "start_on"]

    def __str__(self) -> str:
        return f"{self.display_title} – {self.member}"

    @property
    def display_title(self) -> str:
        return self.title_text or self.get_title_display()

    @property
    def is_current(self) -> bool:
        return self.end_on is None


class CellStatusCount(models.Model):
    """How many members each cell has in each status, kept by database triggers on the member table
    (``members.counts``, migration 0003) in the same statement as every insert, update, delete or
    COPY of members, whatever code path made it. Counts per child of an organization and the home
    page's figures become sums over at most one row per (cell, status) instead of a scan of members."""

    cell = models.ForeignKey("organizations.Organization", on_delete=models.DO_NOTHING, db_constraint=False,
                             related_name="+")
    status = models.CharField(max_length=20)
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cell", "status"], name="cellcount_cell_status_uniq")]

    def __str__(self) -> str:
        return f"{self.cell_id}/{self.status}: {self.n}"


class LetterStatus(models.TextChoices):
    ISSUED = "issued", _("Đã cấp, chờ nơi nhận")
    RECEIVED = "received", _("Nơi nhận đã tiếp nhận")
    RETURNED = "returned", _("Nơi nhận trả lại")
    CANCELLED = "cancelled", _("Nơi cấp đã hủy")


class TransferLetter(models.Model):
    """An introduction letter for an official transfer of party activity to an organization outside the
    sending commission's scope (giấy giới thiệu chuyển sinh hoạt đảng chính thức): the sending side
    issues it (the member is "transferred out" meanwhile), the receiving side takes the member into one
    of its cells, or returns the letter. Read by the scopes of both ends (``from_path``, ``to_path``)."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="transfer_letters")
    from_cell = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    from_path = models.CharField(max_length=255, db_index=True)
    to_org = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    to_path = models.CharField(max_length=255, db_index=True)
    number = models.CharField(_("Số giấy giới thiệu"), max_length=100)
    issued_on = models.DateField(_("Ngày cấp"))
    note = models.CharField(_("Ghi chú"), max_length=300, blank=True)
    previous_status = models.CharField(max_length=20, choices=MemberStatus.choices)
    status = models.CharField(max_length=12, choices=LetterStatus.choices, default=LetterStatus.ISSUED)
    received_cell = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+",
                                      null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    close_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-issued_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["member"], condition=models.Q(status="issued"),
                                               name="one_open_transfer_letter")]

    def __str__(self) -> str:
        return f"{self.number} ({self.member_id})"

"""Congresses and in-party elections (spec party-elections.md, QĐ 244-QĐ/TW and 190-QĐ/TW).

A *congress* (đại hội chi bộ, đại hội đảng bộ, đại hội đại biểu, or the first conference of a new
committee) has a convened roll with attendance and the roll adjustments that give ``D`` (EL-36..38),
its bodies elected by show of hands (presidium, secretariat, credentials and counting committees,
EL-6), and its *election items* (one body or post each). An item moves through the states of spec §4
(``ItemState``), one service per transition; each VOTING→ANNOUNCED pass is a *round* with its own
secret-ballot box (``partyorg.ballots``) and its own counting minutes.

Every decision is taken by :mod:`partyorg.domain.elections`; the rows here only record the inputs,
the decisions and the rule IDs that produced them.
"""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from partyorg.domain import elections as el


class CongressState(models.TextChoices):
    PREPARING = "preparing", _("Chuẩn bị")
    IN_SESSION = "in_session", _("Đang họp")
    CLOSED = "closed", _("Đã bế mạc")


class VenueChoice(models.TextChoices):
    CELL_CONGRESS = el.Venue.CELL_CONGRESS.value, _("Đại hội chi bộ")
    ORGANISATION_CONGRESS = el.Venue.ORGANISATION_CONGRESS.value, _("Đại hội đảng bộ")
    EXECUTIVE_COMMITTEE_CONFERENCE = el.Venue.EXECUTIVE_COMMITTEE_CONFERENCE.value, _(
        "Hội nghị lần thứ nhất Ban Chấp hành")
    INSPECTION_COMMITTEE_CONFERENCE = el.Venue.INSPECTION_COMMITTEE_CONFERENCE.value, _(
        "Hội nghị Ủy ban Kiểm tra")


class KindChoice(models.TextChoices):
    MEMBERS = el.CongressKind.MEMBERS.value, _("Đại hội đảng viên")
    DELEGATES = el.CongressKind.DELEGATES.value, _("Đại hội đại biểu")
    COMMITTEE_CONFERENCE = el.CongressKind.COMMITTEE_CONFERENCE.value, _("Hội nghị cấp ủy")
    INSPECTION_CONFERENCE = el.CongressKind.INSPECTION_CONFERENCE.value, _("Hội nghị Ủy ban Kiểm tra")


class Congress(models.Model):
    """A congress or conference at which elections are held."""

    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("Tổ chức đảng"))
    org_path = models.CharField(max_length=255)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="conferences",
                               verbose_name=_("Đại hội bầu ra cấp ủy"))
    title = models.CharField(_("Tên đại hội / hội nghị"), max_length=300)
    venue = models.CharField(_("Loại hình"), max_length=40, choices=VenueChoice.choices)
    kind = models.CharField(_("Thành phần"), max_length=30, choices=KindChoice.choices)
    term_label = models.CharField(_("Nhiệm kỳ"), max_length=40)
    starts_on = models.DateField(_("Ngày khai mạc"))
    ends_on = models.DateField(_("Ngày bế mạc"), null=True, blank=True)
    has_standing_committee = models.BooleanField(_("Có Ban Thường vụ"), default=True)
    rule_set = models.CharField(_("Quy chế áp dụng"), max_length=20)  # EL-1, EL-2
    defaults_applied = models.JSONField(default=dict)  # EL-1: parameter -> shown value
    state = models.CharField(max_length=12, choices=CongressState.choices, default=CongressState.PREPARING)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["org_path"], name="congress_path_like_idx",
                                opclasses=["varchar_pattern_ops"])]

    def __str__(self) -> str:
        return self.title

    @property
    def venue_enum(self) -> el.Venue:
        return el.Venue(self.venue)

    @property
    def kind_enum(self) -> el.CongressKind:
        return el.CongressKind(self.kind)


class Standing(models.TextChoices):
    OFFICIAL = "official", _("Chính thức")
    ALTERNATE = "alternate", _("Dự khuyết")


DEDUCTION_LABELS = {
    el.Deduction.TEMPORARY_ELSEWHERE: _("Được giới thiệu sinh hoạt tạm thời ở đảng bộ khác"),
    el.Deduction.EXEMPTED_ABSENT: _("Miễn công tác và sinh hoạt đảng, vắng mặt"),
    el.Deduction.SUSPENDED_OR_PROSECUTED: _("Đình chỉ sinh hoạt đảng, bị truy tố, xét xử, tạm giam"),
    el.Deduction.ABSENT_APPROVED: _("Vắng mặt cả đại hội có lý do được chấp thuận"),
    el.Deduction.COMMITTEE_MEMBER_ABSENT: _("Cấp ủy viên triệu tập vắng mặt cả đại hội"),
    el.Deduction.DELEGATE_ABSENT_UNREPLACED: _("Đại biểu chính thức vắng mặt, không có dự khuyết thay"),
}
DeductionChoice = models.TextChoices("DeductionChoice", [(d.name, (d.value, DEDUCTION_LABELS[d]))
                                                         for d in el.Deduction])
# Deductions that only apply to someone absent for the whole congress (EL-36..EL-38).
ABSENCE_DEDUCTIONS = {el.Deduction.EXEMPTED_ABSENT.value, el.Deduction.ABSENT_APPROVED.value,
                      el.Deduction.COMMITTEE_MEMBER_ABSENT.value, el.Deduction.DELEGATE_ABSENT_UNREPLACED.value}
# Deductions that take away the right to vote at this congress.
NON_VOTING_DEDUCTIONS = {el.Deduction.TEMPORARY_ELSEWHERE.value, el.Deduction.SUSPENDED_OR_PROSECUTED.value}


class RollEntry(models.Model):
    """One person convened: an official member or delegate, or an alternate delegate; attendance and
    the adjustment (deduction) that takes them out of ``D``."""

    congress = models.ForeignKey(Congress, on_delete=models.CASCADE, related_name="roll")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    standing = models.CharField(max_length=10, choices=Standing.choices, default=Standing.OFFICIAL)
    exempted = models.BooleanField(default=False)  # miễn công tác và sinh hoạt đảng (EL-36)
    present = models.BooleanField(default=False)
    deduction = models.CharField(max_length=30, choices=DeductionChoice.choices, blank=True)
    deduction_reason = models.CharField(max_length=300, blank=True)
    replaces = models.OneToOneField("self", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="replaced_by")  # an alternate replacing an absent official

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["congress", "member"], name="uniq_roll_member")]

    def __str__(self) -> str:
        return f"{self.congress_id}:{self.member_id}"

    @property
    def votes_here(self) -> bool:
        """Entitled to a ballot at this congress."""
        if self.standing == Standing.ALTERNATE:
            return self.replaces_id is not None
        return self.deduction not in NON_VOTING_DEDUCTIONS


class BodyKind(models.TextChoices):
    PRESIDIUM = "presidium", _("Đoàn Chủ tịch")
    SECRETARIAT = "secretariat", _("Đoàn Thư ký")
    CREDENTIALS = "credentials", _("Ban Thẩm tra tư cách đại biểu")
    COUNTING = "counting", _("Ban Kiểm phiếu")


class CongressBody(models.Model):
    """A body of the congress elected by show of hands (EL-6), with the counts of the vote."""

    congress = models.ForeignKey(Congress, on_delete=models.CASCADE, related_name="bodies")
    kind = models.CharField(max_length=20, choices=BodyKind.choices)
    members = models.ManyToManyField("members.Member", related_name="+")
    head = models.ForeignKey("members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    agree = models.PositiveIntegerField()
    disagree = models.PositiveIntegerField(default=0)
    attending = models.PositiveIntegerField()
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["congress", "kind"], name="uniq_congress_body")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.congress_id})"


ITEM_KIND_LABELS = {
    el.ItemKind.CELL_COMMITTEE: _("Chi ủy"),
    el.ItemKind.PARTY_COMMITTEE: _("Ban Chấp hành (cấp ủy)"),
    el.ItemKind.STANDING_COMMITTEE: _("Ban Thường vụ"),
    el.ItemKind.SECRETARY: _("Bí thư"),
    el.ItemKind.DEPUTY_SECRETARY: _("Phó Bí thư"),
    el.ItemKind.INSPECTION_COMMITTEE: _("Ủy ban Kiểm tra"),
    el.ItemKind.INSPECTION_CHAIR: _("Chủ nhiệm Ủy ban Kiểm tra"),
    el.ItemKind.INSPECTION_DEPUTY_CHAIR: _("Phó Chủ nhiệm Ủy ban Kiểm tra"),
    el.ItemKind.DELEGATE_OFFICIAL: _("Đại biểu chính thức dự đại hội cấp trên"),
    el.ItemKind.DELEGATE_ALTERNATE: _("Đại biểu dự khuyết dự đại hội cấp trên"),
}
ItemKindChoice = models.TextChoices("ItemKindChoice", [(k.name, (k.value, ITEM_KIND_LABELS[k]))
                                                       for k in el.ItemKind])

ITEM_STATE_LABELS = {
    el.ItemState.DRAFT: _("Dự kiến"),
    el.ItemState.SEATS_FIXED: _("Đã biểu quyết số lượng"),
    el.ItemState.NOMINATING: _("Đang đề cử, ứng cử"),
    el.ItemState.LIST_PROPOSED: _("Đã lập danh sách"),
    el.ItemState.POLLING: _("Đang lấy phiếu thăm dò"),
    el.ItemState.LIST_APPROVED: _("Đã thông qua danh sách bầu cử"),
    el.ItemState.VOTING: _("Đang bỏ phiếu"),
    el.ItemState.COUNTED: _("Đã kiểm phiếu"),
    el.ItemState.ANNOUNCED: _("Đã công bố kết quả"),
    el.ItemState.TIE_REVOTE: _("Bầu lại giữa những người bằng phiếu"),
    el.ItemState.NEXT_ROUND_PENDING: _("Chờ đại hội quyết định bầu tiếp"),
    el.ItemState.CLOSED_UNFILLED: _("Kết thúc, chưa bầu đủ"),
    el.ItemState.SUBMITTED: _("Đã trình chuẩn y"),
    el.ItemState.APPROVED: _("Đã chuẩn y"),
    el.ItemState.PARTLY_APPROVED: _("Chuẩn y một phần"),
    el.ItemState.ANNULLED: _("Hủy kết quả"),
}
ItemStateChoice = models.TextChoices("ItemStateChoice", [(s.name, (s.value, ITEM_STATE_LABELS[s]))
                                                         for s in el.ItemState])


class SeatsSourceChoice(models.TextChoices):
    SHOW_OF_HANDS = el.SeatsSource.SHOW_OF_HANDS.value, _("Đại hội biểu quyết")
    ALLOCATED = el.SeatsSource.ALLOCATED.value, _("Cấp ủy cấp trên phân bổ")


class ElectionItem(models.Model):
    """One body or post elected at a congress (spec §4 lifecycle)."""

    congress = models.ForeignKey(Congress, on_delete=models.PROTECT, related_name="items")
    kind = models.CharField(_("Bầu"), max_length=30, choices=ItemKindChoice.choices)
    title = models.CharField(_("Tên"), max_length=200)
    state = models.CharField(max_length=20, choices=ItemStateChoice.choices, default=el.ItemState.DRAFT.value)
    seats = models.PositiveIntegerField(_("Số lượng cần bầu"), null=True, blank=True)
    seats_source = models.CharField(max_length=20, choices=SeatsSourceChoice.choices, blank=True)
    seats_agree = models.PositiveIntegerField(null=True, blank=True)
    seats_disagree = models.PositiveIntegerField(null=True, blank=True)
    seats_attending = models.PositiveIntegerField(null=True, blank=True)
    seats_decision_ref = models.CharField(max_length=100, blank=True)
    list_agree = models.PositiveIntegerField(null=True, blank=True)
    list_disagree = models.PositiveIntegerField(null=True, blank=True)
    list_attending = models.PositiveIntegerField(null=True, blank=True)
    list_warnings = models.JSONField(default=list)  # warnings the congress decided to override
    new_names_allowed = models.BooleanField(default=False)  # EL-41: the next round may add names
    submitted_on = models.DateField(null=True, blank=True)
    approving_body = models.CharField(max_length=255, blank=True)
    decision_ref = models.CharField(max_length=100, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    refused = models.JSONField(default=list)  # candidate ids the higher committee did not approve
    replaces = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="reelection")  # re-election of an annulled item

    class Meta:
        ordering = ["congress_id", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def kind_enum(self) -> el.ItemKind:
        return el.ItemKind(self.kind)

    @property
    def state_enum(self) -> el.ItemState:
        return el.ItemState(self.state)


class SourceChoice(models.TextChoices):
    CONVENING = el.NominationSource.CONVENING.value, _("Cấp ủy triệu tập giới thiệu")
    FLOOR = el.NominationSource.FLOOR.value, _("Đề cử tại đại hội")
    SELF = el.NominationSource.SELF.value, _("Ứng cử")


class Candidate(models.Model):
    """A name proposed for an item: from the convening committee's list, nominated from the floor or
    self-nominated (EL-12, EL-13); polled, withdrawn or admitted to the election list."""

    item = models.ForeignKey(ElectionItem, on_delete=models.CASCADE, related_name="candidates")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=12, choices=SourceChoice.choices)
    agree = models.PositiveIntegerField(null=True, blank=True)  # EL-13: agreeing to a floor/self nominee
    attending = models.PositiveIntegerField(null=True, blank=True)
    meets_standards = models.BooleanField(default=True)
    admitted = models.BooleanField(default=False)
    admission_rules = models.JSONField(default=list)
    poll_votes = models.PositiveIntegerField(null=True, blank=True)  # EL-14, EL-19
    withdrawn = models.BooleanField(default=False)
    withdrawal_reason = models.CharField(max_length=300, blank=True)
    from_round = models.PositiveIntegerField(default=1)  # a name added for a further round (EL-41)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["item", "member"], name="uniq_candidate_member")]

    def __str__(self) -> str:
        return f"{self.item_id}:{self.member_id}"

    @property
    def on_list(self) -> bool:
        return self.admitted and not self.withdrawn


class RoundKindChoice(models.TextChoices):
    NORMAL = el.RoundKind.NORMAL.value, _("Bầu lần đầu")
    TIE_REVOTE = el.RoundKind.TIE_REVOTE.value, _("Bầu lại giữa những người bằng phiếu")
    FURTHER = el.RoundKind.FURTHER.value, _("Bầu tiếp")
    RERUN = el.RoundKind.RERUN.value, _("Bỏ phiếu lại")


class RoundState(models.TextChoices):
    VOTING = "voting", _("Đang bỏ phiếu")
    COUNTED = "counted", _("Đã kiểm phiếu")
    ANNOUNCED = "announced", _("Đã công bố")


class Round(models.Model):
    """One VOTING→ANNOUNCED pass of an item: its ballot box, its count and its decision."""

    item = models.ForeignKey(ElectionItem, on_delete=models.PROTECT, related_name="rounds")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=12, choices=RoundKindChoice.choices)
    seats = models.PositiveIntegerField()
    candidate_ids = models.JSONField()  # Candidate pks in EL-27 order (the ballot rows)
    box = models.OneToOneField("ballots.BallotBox", on_delete=models.PROTECT, related_name="+")
    electronic = models.BooleanField(default=False)
    state = models.CharField(max_length=10, choices=RoundState.choices, default=RoundState.VOTING)
    issued = models.PositiveIntegerField(null=True, blank=True)
    collected = models.PositiveIntegerField(null=True, blank=True)
    valid = models.PositiveIntegerField(null=True, blank=True)
    invalid = models.PositiveIntegerField(null=True, blank=True)
    invalid_reasons = models.JSONField(default=dict)
    votes = models.JSONField(default=dict)  # candidate id -> votes
    roll = models.PositiveIntegerField(null=True, blank=True)  # D used (EL-35)
    roll_components = models.JSONField(default=dict)
    votes_needed = models.PositiveIntegerField(null=True, blank=True)
    rows = models.JSONField(default=list)  # per candidate: votes, percent, qualifies, elected, tied
    elected = models.JSONField(default=list)
    tie_revote = models.JSONField(default=list)
    next_step = models.CharField(max_length=20, blank=True)
    rules = models.JSONField(default=list)
    defaults = models.JSONField(default=dict)
    signed_by = models.CharField(max_length=500, blank=True)
    opened_at = models.DateTimeField(auto_now_add=True)
    counted_at = models.DateTimeField(null=True, blank=True)
    announced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["item_id", "number"]
        constraints = [models.UniqueConstraint(fields=["item", "number"], name="uniq_round_number")]

    def __str__(self) -> str:
        return f"{self.item} – lần {self.number}"

    @property
    def form(self) -> el.BallotForm:
        return el.ballot_form(self.seats, len(self.candidate_ids))

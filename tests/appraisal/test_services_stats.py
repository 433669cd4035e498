"""Statistics over a subtree and period (AR-69): counts, shares, not reviewed by reason, roll-ups, quota use,
re-ratings, reports sent up."""
from datetime import date

from partyorg.appraisal import selectors, services
from partyorg.appraisal.models import RatingTally
from partyorg.domain.rating import Level
from partyorg.members.services import member_change_status
from tests.appraisal.conftest import appraise, decide, open_cycle, rating_of, self_assess


def test_statistics_of_a_subtree(world):
    """AR-69: eligible, reviewed, not reviewed by reason, count and integer permille per level, undecided,
    per subject type, per direct child with the number of children, quota use per peer group (AR-33)."""
    staff = world.users["staff_c1"]
    member_change_status(actor=staff, member_id=world.members["m5"].pk, new_status="exempted",
                         effective_on=date(2025, 1, 1))
    open_cycle(staff, world.c1)
    rs = [appraise(staff, self_assess(staff, rating_of(world.members[k]), t)) for k, t in
          (("m1", 85), ("m2", 80), ("m3", 60))]
    decide(staff, world.c1, [(rs[0], "good"), (rs[1], "good"), (rs[2], "completed")])
    s = selectors.rating_stats(actor=staff, org_id=world.c1.pk, period_label="2025")
    ind = dict(s.by_type)["Đảng viên không giữ chức vụ lãnh đạo, quản lý"]
    assert (ind.eligible, ind.reviewed, ind.not_reviewed["exempt"], ind.undecided) == (5, 4, 1, 1)
    assert ind.levels[Level.GOOD] == 2 and ind.levels[Level.COMPLETED] == 1
    assert ind.permille_of_reviewed[Level.GOOD] == 500 and ind.permille_of_reviewed[Level.COMPLETED] == 250
    assert s.total.eligible == 5 + 4  # four collectives: C1 organization and committee, cells 1 and 2
    assert s.total.children == 3  # cell 1, cell 2 and C1's own collectives
    assert [o.name for o, _ in s.by_child] == ["Chi bộ Thôn Hai", "Chi bộ Thôn Một"]
    cell1 = {o.name: st for o, st in s.by_child}["Chi bộ Thôn Một"]
    assert cell1.levels[Level.GOOD] == 2 and cell1.levels[Level.COMPLETED] == 1
    group = next(g for g in s.groups if g.key == rs[0].peer_group)
    assert (group.htxs, group.htt, group.ratio_text, group.within) == (0, 2, "0.20", True)
    assert s.rule_sets == ["QD366-2025"]
    # the same numbers from the province, and nothing from the other province
    p1 = selectors.rating_stats(actor=world.users["staff_p1"], org_id=world.p1.pk, period_label="2025")
    assert p1.total.eligible == s.total.eligible
    bars = selectors.chart_bars(ind)
    assert [(b["code"], b["n"]) for b in bars] == [("HTXS", 0), ("HTT", 2), ("HT", 1), ("KHT", 0), ("Chưa QĐ", 1)]


def test_tallies_follow_every_change(world, cell1_cycle):
    """The per-unit tallies are recomputed in the transaction of each change (self-assessment, decision)."""
    staff = world.users["staff_c1"]
    cell = world.cell1

    def undecided() -> int:
        return sum(RatingTally.objects.filter(period_label="2025", unit=cell, category="undecided")
                   .values_list("n", flat=True))

    assert undecided() == 4
    r = appraise(staff, self_assess(staff, rating_of(world.members["m1"]), 80))
    decide(staff, world.c1, [(r, "good")])
    assert undecided() == 3
    assert RatingTally.objects.get(period_label="2025", unit=cell, category="good").n == 1
    services.tally_refresh("2025", None)  # a full rebuild gives the same rows
    assert undecided() == 3


def test_report_sent_up_is_recorded(world, cell1_cycle):
    staff = world.users["staff_c1"]
    rep = services.stats_send_up(actor=staff, org_id=world.cell1.pk, period_label="2025")
    assert rep.totals["total"]["eligible"] == 4 and rep.superseded_at is None

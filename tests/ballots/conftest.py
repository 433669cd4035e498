import pytest
from django.db import transaction

from partyorg.ballots import services
from partyorg.ballots.models import ElectronicRule

MARKS = [{"code": "H", "key": "1", "label": "Tín nhiệm cao"}, {"code": "M", "key": "2", "label": "Tín nhiệm"},
         {"code": "L", "key": "3", "label": "Tín nhiệm thấp"},
         {"code": "multi", "key": "9", "label": "Đánh nhiều ô", "paper_only": True}]
FLAGS = [{"code": "not_issued", "key": "x", "label": "Không phải phiếu do Ban kiểm phiếu phát"}]


def make_box(world, *, kind="test", items=("a", "b", "c"), rule=ElectronicRule.ONE_PER_ITEM, max_kept=None,
             members=None, present=None):
    with transaction.atomic():
        box = services.ballot_box_create(
            kind=kind, ref_id=f"{kind}-{len(items)}-{max_kept}", title="Hội nghị thử", org_path=world.cell1.path,
            items=[{"id": i, "label": f"Người {i.upper()}"} for i in items], mark_choices=MARKS if
            rule == ElectronicRule.ONE_PER_ITEM else [{"code": "K", "key": "1", "label": "Giữ"},
                                                      {"code": "X", "key": "0", "label": "Gạch"}],
            flag_choices=FLAGS, electronic_rule=rule, keep_code="K", max_kept=max_kept)
        members = members if members is not None else [world.members[k] for k in ("m1", "m2", "m3")]
        services.roster_set(box=box, member_ids=[m.pk for m in members])
        services.attendance_set(box=box, present_member_ids=[m.pk for m in (present or members)])
        services.ballot_box_open(box=box)
    return box


@pytest.fixture
def box(world):
    return make_box(world)

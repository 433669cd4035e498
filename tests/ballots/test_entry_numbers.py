"""Fast paper entry for long strike-through lists: the clerk types only the row numbers of the rows
that are not kept; every other row gets the box's keep code."""
import pytest

from partyorg.ballots import services
from partyorg.ballots.models import BallotBox, PaperEntry
from partyorg.core.errors import ApplicationError

from .conftest import make_box


@pytest.fixture
def long_box(world):
    return make_box(world, kind="el", items=tuple(f"c{i}" for i in range(1, 13)), rule="keep_at_most", max_kept=9)


def test_numbers_become_marks(world, long_box):
    assert services.numbers_entry_available(long_box)
    marks = services.marks_from_row_numbers(long_box, {"X": "3 12,7"})
    assert [k for k, v in marks.items() if v == "X"] == ["c3", "c7", "c12"]
    assert sum(1 for v in marks.values() if v == "K") == 9
    assert services.marks_from_row_numbers(long_box, {"X": ""}) == dict.fromkeys(long_box.item_ids, "K")


@pytest.mark.parametrize(("text", "needle"), [("13", "1 to 12"), ("0", "1 to 12"), ("3 3", "twice"), ("a", "'a'")])
def test_bad_numbers_name_the_field(world, long_box, text, needle):
    with pytest.raises(ApplicationError) as exc:
        services.marks_from_row_numbers(long_box, {"X": text})
    assert exc.value.errors[0].field == "n_X" and needle in exc.value.errors[0].message_en


def test_only_boxes_with_a_keep_code(world):
    box = make_box(world)  # one mark per row, no default mark
    assert not services.numbers_entry_available(box)


def test_entry_screen_numbers_mode(world, long_box, client):
    client.force_login(world.users["staff_p1"])
    page = client.get(f"/ballots/{long_box.pk}/entry/?mode=numbers").content.decode()
    assert 'name="n_X"' in page and 'data-width="2"' in page and 'name="m_c1"' not in page
    resp = client.post(f"/ballots/{long_box.pk}/entry/", {"mode": "numbers", "paper_no": "1", "n_X": "02 11 ",
                                                           "f_not_issued": "on"})
    assert resp.status_code == 200
    payload = PaperEntry.objects.get().payload
    assert payload["flags"] == ["not_issued"]
    assert [k for k, v in payload["marks"].items() if v == "X"] == ["c2", "c11"]
    # the same paper entered row by row by a second clerk matches
    client.force_login(world.users["staff_c1"])
    rows = {f"m_c{i}": ("0" if i in (2, 11) else "1") for i in range(1, 13)}
    client.post(f"/ballots/{long_box.pk}/entry/", {"paper_no": "1", "f_not_issued": "on", **rows})
    assert [s.state for s in services.paper_entry_status(BallotBox.objects.get(pk=long_box.pk))] == ["matched"]
    bad = client.post(f"/ballots/{long_box.pk}/entry/", {"mode": "numbers", "paper_no": "2", "n_X": "99"})
    assert "n_X" in bad.content.decode() and PaperEntry.objects.filter(paper_no=2).count() == 0

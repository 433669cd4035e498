from datetime import date

import pytest

from partyorg.domain import members as rules


@pytest.mark.parametrize("value,ok", [("001085012345", True), ("00108501234", False), ("0010850123456", False),
                                      ("00108501234a", False), ("", False)])
def test_citizen_id_is_12_digits(value, ok):
    assert (rules.check_citizen_id(value) is None) == ok


def test_official_date_must_follow_admission_by_the_probation():
    base = {"date_of_birth": date(1990, 1, 1), "admitted_on": date(2020, 5, 19), "today": date(2026, 11, 23)}
    assert rules.check_member_dates(**base, official_on=date(2021, 5, 19)) == []
    fields = [p.field for p in rules.check_member_dates(**base, official_on=date(2021, 5, 18))]
    assert fields == ["official_on"]
    assert [p.field for p in rules.check_member_dates(**base, official_on=date(2020, 5, 1))] == ["official_on"]


def test_admission_age_and_future_dates():
    probs = rules.check_member_dates(date_of_birth=date(2010, 1, 1), admitted_on=date(2027, 1, 1), official_on=None,
                                     today=date(2026, 11, 23))
    assert {p.field for p in probs} == {"admitted_on"}
    assert all(p.message_vi and p.message_en for p in probs)


def test_status_transitions():
    assert rules.check_status_transition("probationary", "official") is None
    assert rules.check_status_transition("deceased", "official") is not None
    assert rules.check_status_transition("official", "official") is not None


def test_add_months_clamps_to_month_end():
    assert rules.add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert rules.add_months(date(2023, 12, 15), 12) == date(2024, 12, 15)

"""State ratings that feed or cap the party rating (§2 AR-2, §13: AR-64, AR-65). Inputs, never computed
beyond the bands and caps below."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from .common import DEFAULTS, DefaultApplied, Defaults, Level, RatingInputError, Trace
from .scoring import band_of


class StateRuleSet(Enum):
    ND90_48 = "ND90_48"
    ND335 = "ND335"


class Employment(Enum):
    CIVIL_SERVANT = "civil_servant"  # công chức
    CADRE = "cadre"  # cán bộ
    PUBLIC_EMPLOYEE = "public_employee"  # viên chức


def state_ruleset_for(employment: Employment, year: int, *, defaults: Defaults = DEFAULTS) -> StateRuleSet:
    """AR-2: ND335 for civil servants from 2026; cadres and public employees keep ND90_48
    (`state_ruleset_map`)."""
    if employment is Employment.CIVIL_SERVANT and year >= defaults.nd335_from_year:
        return StateRuleSet.ND335
    return StateRuleSet.ND90_48


def nd335_level(total_x10: int, *, trigger: bool = False) -> Level:
    """AR-64: ND335 bands: >= 90 HTXS, 70-<90 HTT, 50-<70 HT, KHT below 50 or on its triggers."""
    if trigger:
        return Level.NOT_COMPLETED
    return band_of(total_x10)


@dataclass(frozen=True)
class StateCap:
    nd90_48_max: int | None
    nd335_max: int | None
    binding: int | None
    rules: tuple[str, ...]
    defaults_applied: tuple[DefaultApplied, ...]


def state_excellent_caps(
    *,
    party_htxs: int | None = None,
    party_rated: int | None = None,
    state_total: int | None = None,
    state_htt: int | None = None,
    nd335_exception_pct: int | None = None,
    defaults: Defaults = DEFAULTS,
) -> StateCap:
    """AR-65: state HTXS caps shown as warnings beside the party quota; the stricter binds.

    ND90_48: `x*party_rated <= party_htxs*state_total`, so `x_max = party_htxs*state_total // party_rated`.
    ND335: `5*x <= state_htt`, or `100*x <= pct*state_htt` with an exception up to `nd335_exception_max_pct`.
    """
    tr = Trace(defaults)
    tr.rule("AR-65")
    nd90: int | None = None
    if party_htxs is not None and party_rated and state_total is not None:
        nd90 = party_htxs * state_total // party_rated
    nd335: int | None = None
    if state_htt is not None:
        if nd335_exception_pct is None:
            nd335 = state_htt // 5
        else:
            tr.default("AR-65", "nd335_exception_max_pct")
            if not 20 < nd335_exception_pct <= defaults.nd335_exception_max_pct:
                raise RatingInputError(
                    "nd335_exception_pct", "vượt mức cho phép", "outside the allowed range"
                )
            nd335 = nd335_exception_pct * state_htt // 100
    caps = [c for c in (nd90, nd335) if c is not None]
    return StateCap(nd90, nd335, min(caps) if caps else None, tr.rules(), tr.defaults_applied())

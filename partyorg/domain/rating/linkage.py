"""Soft linkage rules: warnings beside a decision, never a block unless configured (§10: AR-44..AR-48)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from .common import DEFAULTS, DefaultApplied, Defaults, Level, Trace, count_levels


@dataclass(frozen=True)
class LinkageWarning:
    rule: str
    message_vi: str
    message_en: str


@dataclass(frozen=True)
class LinkageReport:
    warnings: tuple[LinkageWarning, ...]
    blocked: bool
    rules: tuple[str, ...]
    defaults_applied: tuple[DefaultApplied, ...]


class Gate(Enum):
    OFF = "off"
    WARN = "warn"
    BLOCK = "block"


def linkage_report(
    *,
    level: Level,
    led_unit_level: Level | None = None,
    state_level: Level | None = None,
    quarterly_levels: Iterable[Level] = (),
    residential_comment_recorded: bool | None = None,
    defaults: Defaults = DEFAULTS,
) -> LinkageReport:
    """Warnings for one decided (or proposed) level:

    - AR-44: a head's level above the level of the collective or unit the head leads.
    - AR-45: a member's party level above the same year's state rating.
    - AR-47: no comment from the party organization of the member's residence (`residential_comment`:
      off | warn | block; default off).
    - AR-48: a year-end level above every quarterly level of that year.
    """
    tr = Trace(defaults)
    warnings: list[LinkageWarning] = []
    blocked = False
    if led_unit_level is not None:
        tr.default("AR-44", "head_above_unit")
        if level.is_above(led_unit_level):
            warnings.append(
                LinkageWarning(
                    "AR-44",
                    "Mức xếp loại của người đứng đầu cao hơn mức của tập thể, đơn vị",
                    "The head's level is above the level of the unit they lead",
                )
            )
    if state_level is not None:
        tr.default("AR-45", "party_above_state")
        if level.is_above(state_level):
            warnings.append(
                LinkageWarning(
                    "AR-45",
                    "Mức xếp loại đảng viên cao hơn mức xếp loại công chức, viên chức",
                    "The party level is above the state rating of the same year",
                )
            )
    if residential_comment_recorded is not None:
        tr.default("AR-47", "residential_comment")
        gate = Gate(defaults.residential_comment)
        if not residential_comment_recorded and gate is not Gate.OFF:
            warnings.append(
                LinkageWarning(
                    "AR-47",
                    "Chưa có nhận xét của chi ủy nơi cư trú",
                    "No comment from the party organization of the residence",
                )
            )
            blocked = gate is Gate.BLOCK
    quarters = list(quarterly_levels)
    if quarters:
        tr.default("AR-48", "year_above_quarters")
        if all(level.is_above(q) for q in quarters):
            warnings.append(
                LinkageWarning(
                    "AR-48",
                    "Mức xếp loại cuối năm cao hơn mọi mức xếp loại quý",
                    "The year-end level is above every quarterly level",
                )
            )
    return LinkageReport(tuple(warnings), blocked, tr.rules(), tr.defaults_applied())


def level_distribution(levels: Iterable[Level]) -> dict[Level, int]:
    """AR-46: the distribution of members' levels shown on a party organization's decision (display only:
    no numeric link under QD124/QD366)."""
    return count_levels(levels)

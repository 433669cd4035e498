"""Ordering prerequisites of decisions and review meetings (§9: AR-38..AR-41)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum

from .common import DEFAULTS, DefaultApplied, Defaults, Level, Trace


class Edge(Enum):
    """Why `before` must be decided (or reviewed) before `after`."""

    LEADERSHIP_BEFORE_MEMBER = "leadership_collective_before_member"  # AR-38
    COMMITTEE_BEFORE_ORGANIZATION = "party_committee_before_party_organization"  # AR-38
    SUBORDINATE_BEFORE_ORGANIZATION = "subordinate_organization_before_party_organization"  # AR-38
    MEMBER_BEFORE_ORGANIZATION = "member_before_party_organization"  # AR-38
    AGENCY_COLLECTIVE_BEFORE_ORGANIZATION = "agency_collective_before_party_organization"  # AR-38, AR-41
    LOWER_BEFORE_UPPER = "lower_collective_before_upper"  # AR-38
    # review-meeting order (AR-39)
    COLLECTIVE_BEFORE_INDIVIDUALS = "collective_before_individuals"
    HEAD_BEFORE_DEPUTIES = "head_before_deputies_and_members"
    GOVERNMENT_COLLECTIVE_BEFORE_COMMITTEE = "government_collective_before_party_committee"
    LEADER_AT_CELL_BEFORE_COLLECTIVE = "leader_at_cell_before_leadership_collective"
    STATE_RATING_BEFORE_PARTY = "state_rating_before_party_rating"  # AR-40


@dataclass(frozen=True)
class Prerequisite:
    before: str
    after: str
    edge: Edge


@dataclass(frozen=True)
class PartyOrganization:
    committee: str | None = None
    subordinates: tuple[str, ...] = ()
    members: tuple[str, ...] = ()
    agency_collectives: tuple[str, ...] = ()  # agency/unit collective and leadership collective (AR-41)


def decision_edges(
    *,
    leadership_members: Mapping[str, Sequence[str]] | None = None,
    party_organizations: Mapping[str, PartyOrganization] | None = None,
    lower_collectives: Mapping[str, Sequence[str]] | None = None,
) -> list[Prerequisite]:
    """AR-38, AR-41: leadership collective before each of its members (head included); party committee,
    subordinate organizations, all members and the agency collectives before their party organization;
    lower-level collectives before upper-level ones."""
    edges: list[Prerequisite] = []
    for collective, members in (leadership_members or {}).items():
        edges += [Prerequisite(collective, m, Edge.LEADERSHIP_BEFORE_MEMBER) for m in members]
    for org, parts in (party_organizations or {}).items():
        if parts.committee is not None:
            edges.append(Prerequisite(parts.committee, org, Edge.COMMITTEE_BEFORE_ORGANIZATION))
        edges += [Prerequisite(s, org, Edge.SUBORDINATE_BEFORE_ORGANIZATION) for s in parts.subordinates]
        edges += [Prerequisite(m, org, Edge.MEMBER_BEFORE_ORGANIZATION) for m in parts.members]
        edges += [
            Prerequisite(a, org, Edge.AGENCY_COLLECTIVE_BEFORE_ORGANIZATION) for a in parts.agency_collectives
        ]
    for upper, lowers in (lower_collectives or {}).items():
        edges += [Prerequisite(low, upper, Edge.LOWER_BEFORE_UPPER) for low in lowers]
    return edges


@dataclass(frozen=True)
class DecisionGate:
    allowed: bool
    missing: tuple[Prerequisite, ...]
    warnings: tuple[str, ...]
    rules: tuple[str, ...]
    defaults_applied: tuple[DefaultApplied, ...]

    @property
    def missing_subjects(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p.before for p in self.missing))

    def message(self) -> tuple[str, str]:
        names = ", ".join(self.missing_subjects)
        return (f"Chưa xếp loại: {names}", f"Not yet decided: {names}")


def missing_prerequisites(
    subject: str, edges: Iterable[Prerequisite], decided: Collection[str]
) -> tuple[Prerequisite, ...]:
    """AR-38: the prerequisites of `subject` not yet decided, each naming the missing subject."""
    return tuple(p for p in edges if p.after == subject and p.before not in decided)


def decision_gate(
    subject: str,
    edges: Iterable[Prerequisite],
    decided: Collection[str],
    *,
    cbccvc_member: bool = False,
    state_rating_year: int | None = None,
    period_year: int | None = None,
    defaults: Defaults = DEFAULTS,
) -> DecisionGate:
    """AR-38/AR-41: reject while a prerequisite is undecided. AR-40: a CBCCVC member's party decision needs
    the state rating of the same year (`state_rating_required`: block | warn)."""
    tr = Trace(defaults)
    tr.rule("AR-38", "AR-41")
    missing = missing_prerequisites(subject, edges, decided)
    warnings: list[str] = []
    allowed = not missing
    if cbccvc_member:
        tr.default("AR-40", "state_rating_required")
        if state_rating_year is None or state_rating_year != period_year:
            if defaults.state_rating_required == "block":
                allowed = False
                missing += (Prerequisite(f"state_rating:{subject}", subject, Edge.STATE_RATING_BEFORE_PARTY),)
            else:
                warnings.append("state rating of the same year not recorded")
    return DecisionGate(allowed, missing, tuple(warnings), tr.rules(), tr.defaults_applied())


@dataclass(frozen=True)
class Meeting:
    subject: str
    held_on: dt.date
    sequence: int = 0  # order of meetings on the same day


def meeting_order_warnings(
    meetings: Sequence[Meeting], order: Iterable[Prerequisite]
) -> list[tuple[Prerequisite, str]]:
    """AR-39: review meetings out of the expected order give warnings, never a block.

    A warning when `after` was held before `before`, or `after` was held and `before` not yet."""
    when = {m.subject: (m.held_on, m.sequence) for m in meetings}
    out: list[tuple[Prerequisite, str]] = []
    for p in order:
        if p.after not in when:
            continue
        if p.before not in when:
            out.append((p, f"{p.after} reviewed before {p.before}, which is not reviewed yet"))
        elif when[p.before] > when[p.after]:
            out.append((p, f"{p.after} reviewed before {p.before}"))
    return out


def party_organization_panel(levels: Mapping[str, Level | None]) -> dict[str, int]:
    """AR-41, AR-46: what a party organization's decision shows: counts of its parts' levels, and how many
    are undecided. No numeric threshold under QD124/QD366 (display only)."""
    panel = {lv.value: 0 for lv in Level}
    panel["undecided"] = 0
    for level in levels.values():
        panel[level.value if level is not None else "undecided"] += 1
    return panel

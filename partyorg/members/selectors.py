"""Reads of members and positions through the actor's scope."""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import CharField, QuerySet, Sum, Value
from django.db.models.functions import Concat

from partyorg.core.scopes import get_for_write, get_in_scope, scope_for
from partyorg.domain import names
from partyorg.organizations.models import Organization

from .models import CellStatusCount, Member, Position


@dataclass
class MemberFilter:
    org_id: int | None = None
    query: str = ""
    status: str = ""
    gender: str = ""
    theory_level: str = ""


def member_qs(*, actor: Any, write: bool = False) -> QuerySet[Member]:
    return Member.objects.filter(scope_for(actor).member_q(write=write))


# PostgreSQL text search: the trigram index answers "which rows contain this term" by walking the
# posting lists of the term's trigrams, nationally; for common name parts ("nguyen", "van", "thi")
# those hold millions of entries. Reading the searched subtree through the org_path index and testing
# each row costs about GIN_ITEMS_PER_ROW posting entries per row (measured on the national data set,
# docs/performance.md). So a subtree of fewer than SEARCH_SCAN_BELOW members is scanned when the
# planner expects the terms' postings to cost more than the scan; rare terms keep the index.
SEARCH_SCAN_BELOW = 200_000
GIN_ITEMS_PER_ROW = 10
# A text search reads the ordered ids of at most this many matches once: page and count come from them.
SEARCH_EXACT_UP_TO = 10_000


def _estimated_rows(qs: QuerySet) -> int | None:
    """PostgreSQL's estimate of the rows of ``qs`` (one planning round trip), None elsewhere."""
    if connection.vendor != "postgresql":
        return None
    try:
        sql, params = qs.values("pk").query.sql_with_params()
    except EmptyResultSet:  # an empty scope (Q(pk__in=[])) compiles to no SQL at all: nothing to scan
        return 0
    with connection.cursor() as cur:
        cur.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cur.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def _scan_rather_than_index(qs: QuerySet[Member], terms: list[str]) -> bool:
    subtree = _estimated_rows(qs)
    if subtree is None or subtree >= SEARCH_SCAN_BELOW:
        return False
    indexed = [t for t in terms if len(t) >= 3]  # shorter terms have no trigram: the index cannot use them
    if not indexed:
        return True
    postings = sum(_estimated_rows(Member.objects.filter(search_text__contains=t)) or 0 for t in indexed)
    return postings > GIN_ITEMS_PER_ROW * subtree


def member_list(*, actor: Any, filters: MemberFilter | None = None) -> QuerySet[Member]:
    """Members in scope, filtered, in Vietnamese name order (given name first)."""
    f = filters or MemberFilter()
    if f.org_id:
        org = get_in_scope(Organization.objects, scope_for(actor).q("path"), pk=f.org_id)
        # The organization lies inside the scope, so its whole subtree does: one prefix test is enough
        # (repeating the scope's identical test made PostgreSQL square its selectivity and misplan).
        qs = Member.objects.filter(org_path__startswith=org.path)
    else:
        qs = member_qs(actor=actor)
    terms = names.search_terms(f.query)
    field = "search_text"
    if terms and _scan_rather_than_index(qs, terms):
        # The same test on an expression the trigram index does not cover: see SEARCH_SCAN_BELOW.
        qs = qs.alias(search_scan=Concat("search_text", Value(""), output_field=CharField()))
        field = "search_scan"
    for term in terms:
        qs = qs.filter(**{f"{field}__contains": term})
    if f.status:
        qs = qs.filter(status=f.status)
    if f.gender:
        qs = qs.filter(gender=f.gender)
    if f.theory_level:
        qs = qs.filter(theory_level=f.theory_level)
    return qs.select_related("cell").order_by("sort_key", "id")


class SearchResults(Sequence):
    """A text search evaluated once, for the paginator: the ordered ids of the first
    ``SEARCH_EXACT_UP_TO`` matches are read in one query; the count and the pages within them come
    from that list (each page then reads its 50 rows by id). A broader result counts and pages
    through the query itself, as a plain queryset would."""

    def __init__(self, qs: QuerySet[Member], exact_up_to: int = SEARCH_EXACT_UP_TO):
        self._qs = qs
        ids = _first_ids(qs, exact_up_to + 1)
        self._complete = len(ids) <= exact_up_to
        self._ids = ids[:exact_up_to]
        self._count: int | None = len(ids) if self._complete else None

    def count(self) -> int:
        if self._count is None:
            self._count = self._qs.count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, slice) and key.step is None and key.stop is not None and key.stop <= len(self._ids):
            ids = self._ids[key]
            rows = Member.objects.select_related("cell").in_bulk(ids)
            return [rows[i] for i in ids if i in rows]
        return self._qs[key]


def _first_ids(qs: QuerySet[Member], n: int) -> list[int]:
    """The ids of the first ``n`` matches. On PostgreSQL without sequential scans: both strategies of
    ``member_list`` read through an index (the subtree's ``org_path`` range or the trigram index), and
    the planner, which cannot estimate the LIKE terms, otherwise prices a parallel scan of the whole
    member table (5.5 M rows, 0.7 s) about level with the subtree's 157,000 rows (0.1–0.2 s)."""
    if connection.vendor != "postgresql":
        return list(qs.values_list("pk", flat=True)[:n])
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET LOCAL enable_seqscan = off")
        return list(qs.values_list("pk", flat=True)[:n])


def member_search_results(qs: QuerySet[Member]) -> SearchResults:
    return SearchResults(qs)


class CountedList:
    """A queryset with its count already known, for the paginator."""

    def __init__(self, qs: QuerySet[Member], count: int):
        self._qs, self._count = qs, count

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, key: Any) -> Any:
        return self._qs[key]


def member_page_source(*, actor: Any, filters: MemberFilter, qs: QuerySet[Member]) -> Any:
    """What the member list page paginates.

    * a text search: evaluated once (``SearchResults``);
    * an organization's whole list, or its members of one status: counted from the per-cell counts
      that triggers keep (``members.counts``): one row per cell and status of the subtree instead of
      every member. ``org_path`` copies the cell's path, so the count is the same;
    * anything else: the queryset itself.
    """
    f = filters
    if names.search_terms(f.query):
        return SearchResults(qs)
    if f.org_id and not (f.gender or f.theory_level):
        org = get_in_scope(Organization.objects, scope_for(actor).q("path"), pk=f.org_id)
        counts = CellStatusCount.objects.filter(cell__path__startswith=org.path)
        if f.status:
            counts = counts.filter(status=f.status)
        return CountedList(qs, counts.aggregate(total=Sum("n"))["total"] or 0)
    return qs


def member_get(*, actor: Any, member_id: int, write: bool = False) -> Member:
    scope, qs = scope_for(actor), Member.objects.select_related("cell")
    if write:
        return get_for_write(qs, scope.member_q(), scope.member_q(write=True), pk=member_id)
    return get_in_scope(qs, scope.member_q(), pk=member_id)


def position_list(*, actor: Any, org_id: int | None = None, current_only: bool = True) -> QuerySet[Position]:
    qs = Position.objects.filter(scope_for(actor).q("org_path")).select_related("member", "organization")
    if org_id:
        org = get_in_scope(Organization.objects, scope_for(actor).q("path"), pk=org_id)
        qs = qs.filter(org_path=org.path)
    if current_only:
        qs = qs.filter(end_on__isnull=True)
    return qs.order_by("organization__path", "title", "start_on")

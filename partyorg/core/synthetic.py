"""National-scale synthetic data: a whole party (about 53,000 organizations, 5.5 million members) for
benchmarks and load tests, generated deterministically from a seed.

Shape (after the 2025 reorganisation, when the district level was abolished):

    Central (root, "mô phỏng")
    ├── 34 provincial-level committees (28 provinces, 6 centrally-run cities) and up to 4 central
    │   blocs (Party agencies, Government, National Assembly, Front and mass organisations)
    │   ├── grassroots committees: communes and wards (about 57 %), agencies, schools, hospitals,
    │   │   enterprises, police and military units
    │   │   ├── cells (chi bộ trực thuộc), some with party groups (tổ đảng) below them
    │   │   └── a few partial committees (đảng bộ bộ phận) with cells below them
    │   └── grassroots cells (chi bộ cơ sở) directly under the provincial level
    Members belong to cells only; ``org_path`` copies the cell's path.

Members get realistic Vietnamese names (the lists of ``partyorg.core.demo``), valid unique 12-digit
citizen IDs (province code, century/gender digit, year of birth, six digits), dates that satisfy
the Statute rules checked by ``partyorg.domain.members`` and statuses (mostly official, some
probationary, exempted elderly members, a few suspended, transferred out, deceased, expelled).
The first members of each cell are its leaders: always official, of working age.

Writing: PostgreSQL gets ``COPY`` (psycopg 3) with explicit ids, inside one transaction; for a large
load the non-primary indexes and constraints of the big tables are dropped first and rebuilt after
(by sorting, which is much faster than row-by-row maintenance), then the tables are analysed (and
vacuumed when not inside an outer transaction, so that index-only scans work at once). Other
databases (SQLite: tests, small demos) get plain ``executemany`` inserts of the same rows.

Names come from small lists, so the sort key and search text of each distinct name are computed
once and reused: that keeps ``partyorg.domain.names`` out of the hot loop.
"""
from __future__ import annotations

import gc
import random
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connection, transaction

from partyorg.core.demo import COMMUNES, ETHNIC, FAMILY, FAMILY_W, GIVEN_F, GIVEN_M, MIDDLE_F, MIDDLE_M
from partyorg.domain import names
from partyorg.domain.tree import encode_segment

# (name, "tỉnh" | "thành phố", legacy citizen-ID province code, relative weight, formed by the 2025 merger)
PROVINCES: list[tuple[str, str, str, float, bool]] = [
    ("Hà Nội", "thành phố", "001", 9.0, False), ("Huế", "thành phố", "046", 1.9, False),
    ("Lai Châu", "tỉnh", "012", 0.9, False), ("Điện Biên", "tỉnh", "011", 1.1, False),
    ("Sơn La", "tỉnh", "014", 1.8, False), ("Lạng Sơn", "tỉnh", "020", 1.5, False),
    ("Quảng Ninh", "tỉnh", "022", 2.4, False), ("Thanh Hóa", "tỉnh", "038", 4.6, False),
    ("Nghệ An", "tỉnh", "040", 4.4, False), ("Hà Tĩnh", "tỉnh", "042", 2.2, False),
    ("Cao Bằng", "tỉnh", "004", 1.0, False), ("Tuyên Quang", "tỉnh", "008", 2.3, True),
    ("Lào Cai", "tỉnh", "010", 2.2, True), ("Thái Nguyên", "tỉnh", "019", 2.7, True),
    ("Phú Thọ", "tỉnh", "025", 4.6, True), ("Bắc Ninh", "tỉnh", "027", 3.9, True),
    ("Hưng Yên", "tỉnh", "033", 4.1, True), ("Hải Phòng", "thành phố", "031", 5.0, True),
    ("Ninh Bình", "tỉnh", "037", 4.8, True), ("Quảng Trị", "tỉnh", "045", 2.4, True),
    ("Đà Nẵng", "thành phố", "048", 3.0, True), ("Quảng Ngãi", "tỉnh", "051", 2.1, True),
    ("Gia Lai", "tỉnh", "064", 2.9, True), ("Khánh Hòa", "tỉnh", "056", 2.0, True),
    ("Lâm Đồng", "tỉnh", "068", 3.1, True), ("Đắk Lắk", "tỉnh", "066", 2.7, True),
    ("Hồ Chí Minh", "thành phố", "079", 8.0, True), ("Đồng Nai", "tỉnh", "075", 3.2, True),
    ("Tây Ninh", "tỉnh", "072", 2.6, True), ("Cần Thơ", "thành phố", "092", 2.9, True),
    ("Vĩnh Long", "tỉnh", "086", 3.0, True), ("Đồng Tháp", "tỉnh", "087", 2.9, True),
    ("Cà Mau", "tỉnh", "096", 1.8, True), ("An Giang", "tỉnh", "089", 3.1, True),
]
CENTRAL_BLOCS: list[tuple[str, str, float]] = [
    ("Đảng bộ các cơ quan Đảng Trung ương", "ĐU các cơ quan Đảng TW", 1.6),
    ("Đảng bộ Chính phủ", "ĐU Chính phủ", 3.2),
    ("Đảng bộ Quốc hội", "ĐU Quốc hội", 0.6),
    ("Đảng bộ Mặt trận Tổ quốc, các đoàn thể Trung ương", "ĐU MTTQ, các đoàn thể TW", 0.6),
]
_PLACE_A = ["Tân", "Phú", "Hòa", "An", "Bình", "Long", "Vĩnh", "Thạnh", "Đông", "Tây", "Nam", "Bắc", "Quang",
            "Minh", "Hưng", "Xuân", "Yên", "Thái", "Hợp", "Kim", "Đại", "Trung", "Phước", "Mỹ", "Cẩm", "Ngọc"]
_PLACE_B = ["Lập", "Thịnh", "Bình", "Phú", "Hòa", "Hưng", "Lộc", "Thành", "Sơn", "Hải", "Tiến", "Phong", "Khánh",
            "An", "Định", "Trường", "Thuận", "Long", "Lợi", "Tâm", "Giang", "Lâm"]
_AGENCIES = [  # grassroots committees of agencies, units and enterprises
    "Cơ quan Tỉnh ủy", "Văn phòng Ủy ban nhân dân", "Sở Y tế", "Sở Giáo dục và Đào tạo", "Sở Tài chính",
    "Sở Xây dựng", "Sở Nông nghiệp và Môi trường", "Sở Công Thương", "Sở Nội vụ", "Sở Văn hóa, Thể thao và Du lịch",
    "Bệnh viện Đa khoa", "Bệnh viện Sản Nhi", "Trường Đại học", "Trường Cao đẳng Nghề", "Trường Chính trị",
    "Công an", "Bộ Chỉ huy Quân sự", "Bộ Chỉ huy Bộ đội Biên phòng", "Thuế", "Kho bạc Nhà nước",
    "Ngân hàng Nhà nước Khu vực", "Tổng công ty Xây dựng", "Công ty Điện lực", "Công ty Cấp nước",
    "Công ty Môi trường Đô thị", "Báo và Phát thanh, Truyền hình", "Tòa án nhân dân", "Viện Kiểm sát nhân dân",
]
_CENTRAL_AGENCIES = [
    "Bộ Tài chính", "Bộ Công Thương", "Bộ Xây dựng", "Bộ Y tế", "Bộ Giáo dục và Đào tạo", "Bộ Nội vụ", "Bộ Tư pháp",
    "Bộ Khoa học và Công nghệ", "Bộ Ngoại giao", "Bộ Nông nghiệp và Môi trường", "Văn phòng Chính phủ",
    "Ngân hàng Nhà nước Việt Nam", "Tập đoàn Điện lực Việt Nam", "Tập đoàn Dầu khí Việt Nam", "Ban Tổ chức Trung ương",
    "Văn phòng Trung ương Đảng", "Báo Nhân Dân", "Tạp chí Cộng sản", "Văn phòng Quốc hội", "Hội Nông dân Việt Nam",
    "Trung ương Đoàn", "Tổng Liên đoàn Lao động Việt Nam", "Đại học Quốc gia Hà Nội", "Học viện Chính trị quốc gia",
]
_UNITS_COMMUNE = ["Trường Mầm non", "Trường Tiểu học", "Trường Trung học cơ sở", "Trạm Y tế", "Công an xã",
                  "Quân sự xã", "Cơ quan Đảng ủy", "Ủy ban nhân dân", "Mặt trận và các đoàn thể", "Hợp tác xã"]
_UNITS_AGENCY = ["Văn phòng", "Phòng Tổ chức - Hành chính", "Phòng Kế hoạch - Tài chính", "Phòng Nghiệp vụ 1",
                 "Phòng Nghiệp vụ 2", "Phòng Kiểm tra", "Trung tâm Dịch vụ", "Khoa Nội", "Khoa Ngoại", "Xưởng Sản xuất",
                 "Chi nhánh 1", "Chi nhánh 2", "Đội Công tác", "Ban Quản lý dự án"]
_EDUCATION = ["Trung học phổ thông", "Trung cấp", "Cao đẳng", "Đại học", "Đại học", "Đại học", "Thạc sĩ", "Tiến sĩ"]
_EDU_W = [22, 10, 8, 20, 15, 12, 11, 2]
_THEORY = ["", "elementary", "intermediate", "advanced", "bachelor"]
_THEORY_W = [18, 48, 26, 6, 2]
_RELIGIONS = ["Phật giáo", "Công giáo", "Tin lành", "Cao Đài", "Hòa Hảo"]
_CREATED = "2026-11-22 17:00:00"  # 2026-11-23 00:00 in Hanoi, in UTC
TODAY = date(2026, 11, 23)
LEADERS = 9  # the first members of each cell hold its positions: always official, of working age


class NotEmptyError(RuntimeError):
    pass


@dataclass
class Org:
    id: int
    name: str
    short_name: str
    code: str
    org_type: str
    parent: Org | None
    path: str
    depth: int
    top: int  # index of the provincial-level unit (into Generator.tops), -1 for the root
    established_on: date | None
    address: str = ""
    children: list[Org] = field(default_factory=list)
    weight: float = 1.0
    members: int = 0
    first_member_id: int = 0
    kind: str = ""  # commune | ward | agency (grassroots committees)

    def add(self, child: Org) -> Org:
        self.children.append(child)
        return child


@dataclass
class Report:
    organizations: int = 0
    members: int = 0
    positions: int = 0
    history_rows: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    root_id: int = 0
    tops: list[dict[str, Any]] = field(default_factory=list)
    database: str = ""

    @property
    def total_seconds(self) -> float:
        return round(sum(self.seconds.values()), 2)

    def as_dict(self) -> dict[str, Any]:
        return {"organizations": self.organizations, "members": self.members, "positions": self.positions,
                "history_rows": self.history_rows, "seconds": self.seconds, "total_seconds": self.total_seconds,
                "root_id": self.root_id, "tops": self.tops, "database": self.database}


def _largest_remainder(total: int, weights: list[float], minimum: int = 0) -> list[int]:
    """Split ``total`` into integers proportional to ``weights`` (each at least ``minimum`` if possible)."""
    n = len(weights)
    if n == 0:
        return []
    base = min(minimum, total // n)
    rest = total - base * n
    s = sum(weights) or 1.0
    raw = [rest * w / s for w in weights]
    out = [base + int(r) for r in raw]
    left = total - sum(out)
    order = sorted(range(n), key=lambda i: raw[i] - int(raw[i]), reverse=True)
    for i in order[:left]:
        out[i] += 1
    return out


class Generator:
    """Builds the tree in memory (53,000 nodes is small) and streams the member rows."""

    def __init__(self, *, members: int, orgs: int, seed: int = 20261123, today: date = TODAY,
                 id_base: dict[str, int] | None = None, root_segment: int = 1, code_prefix: str = "",
                 taken_citizen_ids: set[str] | None = None, taken_cards: set[str] | None = None,
                 null: Any = None):
        if orgs < 8:
            raise ValueError("at least 8 organizations are needed for the national shape")
        if members < 0:
            raise ValueError("members must be >= 0")
        self.n_members, self.n_orgs, self.seed, self.today = members, orgs, seed, today
        self.rng = random.Random(seed)
        self.ids = dict(id_base or {})
        self.root_segment, self.prefix = root_segment, code_prefix
        self.taken_cccd = taken_citizen_ids or set()
        self.taken_card = taken_cards or set()
        self.null = null
        self.orgs: list[Org] = []
        self.cells: list[Org] = []
        self.tops: list[Org] = []
        self.top_codes: list[str] = []  # citizen-ID province code per top unit
        self._name_cache: dict[str, tuple[str, str]] = {}

    # ------------------------------------------------------------------ tree
    def _next_id(self, table: str) -> int:
        self.ids[table] = self.ids.get(table, 0) + 1
        return self.ids[table]

    def _org(self, parent: Org | None, name: str, short: str, code: str, org_type: str, est: date | None,
             top: int, address: str = "") -> Org:
        if parent is None:
            path, depth = encode_segment(self.root_segment), 1
        else:
            path, depth = parent.path + encode_segment(len(parent.children) + 1), parent.depth + 1
        o = Org(self._next_id("org"), name, short, self.prefix + code, org_type, parent, path, depth, top, est,
                address)
        if parent is not None:
            parent.add(o)
        return o

    def _date(self, y0: int, y1: int) -> date:
        return date(self.rng.randint(y0, y1), self.rng.randint(1, 12), self.rng.randint(1, 28))

    def _place(self, used: set[str]) -> str:
        rng = self.rng
        for _ in range(50):
            a, b = rng.choice(_PLACE_A), rng.choice(_PLACE_B)
            if a != b and f"{a} {b}" not in used:
                used.add(f"{a} {b}")
                return f"{a} {b}"
        name = rng.choice(COMMUNES)
        n = 2
        while f"{name} {n}" in used:
            n += 1
        used.add(f"{name} {n}")
        return f"{name} {n}"

    def build_tree(self) -> list[Org]:
        rng = self.rng
        n_prov = min(len(PROVINCES), max(2, self.n_orgs // 1500))
        n_bloc = min(len(CENTRAL_BLOCS), self.n_orgs // 5000)
        root = self._org(None, "Ban Chấp hành Trung ương (mô phỏng)", "TW", "TW", "central", date(1930, 2, 3), -1)
        for i, (pname, kind, code, w, merged) in enumerate(PROVINCES[:n_prov]):
            est = date(2025, 7, 1) if merged else self._date(1945, 1960)
            o = self._org(root, f"Đảng bộ {kind} {pname}", f"{'Thành ủy' if kind == 'thành phố' else 'Tỉnh ủy'} "
                          f"{pname}", f"P{i + 1:02d}", "provincial", est, i, f"{kind.capitalize()} {pname}")
            o.weight = w
            self.tops.append(o)
            self.top_codes.append(code)
        for name, short, w in CENTRAL_BLOCS[:n_bloc]:
            i = len(self.tops)
            o = self._org(root, name, short, f"B{i - n_prov + 1:02d}", "provincial", date(2025, 2, 1), i, "Hà Nội")
            o.weight = w
            self.tops.append(o)
            self.top_codes.append("001")
        budget = self.n_orgs - 1 - len(self.tops)
        n_gc = max(len(self.tops), round(budget * 0.11))     # grassroots committees
        n_gcell = round(budget * 0.04)                       # grassroots cells under the provincial level
        n_partial = round(budget * 0.03)                     # partial committees
        n_group = round(budget * 0.06)                       # party groups
        n_cell = budget - n_gc - n_gcell - n_partial - n_group
        if n_cell < n_gc:  # tiny trees: one cell per committee at least
            n_group, n_partial = 0, 0
            n_cell = budget - n_gc - n_gcell
        weights = [t.weight for t in self.tops]
        gc_per_top = _largest_remainder(n_gc, weights, 1)
        gcell_per_top = _largest_remainder(n_gcell, weights)
        committees: list[Org] = []
        for t, top in enumerate(self.tops):
            used: set[str] = set()
            is_bloc = top.code.startswith(self.prefix + "B")
            n = gc_per_top[t]
            n_local = 0 if is_bloc else round(n * 0.57)
            for k in range(n):
                if k < n_local:
                    kind = "ward" if rng.random() < (0.45 if top.name.startswith("Đảng bộ thành phố") else 0.12) \
                        else "commune"
                    place = self._place(used)
                    label = "phường" if kind == "ward" else "xã"
                    o = self._org(top, f"Đảng bộ {label} {place}", f"ĐU {label} {place}", f"{top.code[len(self.prefix):]}"
                                  f"-X{k + 1:04d}", "grassroots_committee", date(2025, 7, 1), t,
                                  f"{label.capitalize()} {place}")
                    o.weight = rng.gammavariate(3.0, 1.0)
                else:
                    kind = "agency"
                    pool = _CENTRAL_AGENCIES if is_bloc else _AGENCIES
                    base = pool[(k - n_local) % len(pool)]
                    rep = (k - n_local) // len(pool)
                    agency = base if rep == 0 else f"{base} số {rep + 1}"
                    o = self._org(top, f"Đảng bộ {agency}", f"ĐU {agency}", f"{top.code[len(self.prefix):]}"
                                  f"-A{k - n_local + 1:04d}", "grassroots_committee", self._date(1960, 2020), t)
                    o.weight = rng.gammavariate(2.0, 1.0)
                o.kind = kind
                committees.append(o)
        # Cells, spread over the committees by weight (at least one each).
        cells_per = _largest_remainder(n_cell, [c.weight for c in committees], 1)
        for c, n in zip(committees, cells_per, strict=True):
            units = _UNITS_AGENCY if c.kind == "agency" else _UNITS_COMMUNE
            for k in range(n):
                if c.kind == "agency":
                    label = units[k] if k < len(units) else f"{units[k % len(units)]} {k // len(units) + 1}"
                elif k < len(units) // 2 or k >= n - len(units) // 2:
                    j = k if k < len(units) // 2 else len(units) // 2 + (n - 1 - k)
                    label = units[j % len(units)]
                else:
                    label = (f"Khu phố {k - len(units) // 2 + 1}" if c.kind == "ward"
                             else f"Thôn {k - len(units) // 2 + 1}")
                cell = self._org(c, f"Chi bộ {label}", "", f"{c.code[len(self.prefix):]}-C{k + 1:03d}", "cell",
                                 self._date(1975, 2025) if c.kind == "agency" else date(2025, 7, 1), c.top)
                cell.weight = rng.gammavariate(2.5, 1.0) * (0.8 if c.kind == "agency" else 1.0)
                self.cells.append(cell)
        # Partial committees: in the committees with the most cells, over some of their cells.
        big = sorted(committees, key=lambda c: len(c.children), reverse=True)
        for c in big[:n_partial]:
            if len(c.children) < 4:
                break
            take = c.children[-max(2, len(c.children) // 4):]
            del c.children[-len(take):]
            n = len([x for x in c.children if x.org_type == "partial_committee"]) + 1
            pc = self._org(c, f"Đảng bộ bộ phận Khối {n}", "", f"{c.code[len(self.prefix):]}-B{n:02d}",
                           "partial_committee", date(2025, 7, 1), c.top)
            for cell in take:
                cell.parent = None  # re-parented below
                pc.add(cell)
                cell.parent = pc
        # Grassroots cells directly under the provincial level.
        for t, top in enumerate(self.tops):
            for k in range(gcell_per_top[t]):
                pool = _CENTRAL_AGENCIES if top.code.startswith(self.prefix + "B") else _AGENCIES
                label = f"{pool[(k * 7) % len(pool)]} – đơn vị {k + 1}"
                cell = self._org(top, f"Chi bộ {label}", "", f"{top.code[len(self.prefix):]}-CS{k + 1:03d}",
                                 "grassroots_cell", self._date(1980, 2024), t)
                cell.weight = rng.gammavariate(2.0, 1.0) * 0.5
                self.cells.append(cell)
        # Re-number paths: the partial committees moved cells, so paths are assigned once, top-down.
        self._assign_paths(root)
        # Members per cell: the top unit's share by weight, then by the cell's own weight.
        by_top: list[list[Org]] = [[] for _ in self.tops]
        for cell in self.cells:
            by_top[cell.top].append(cell)
        m_per_top = _largest_remainder(self.n_members, [t.weight if by_top[i] else 0.0
                                                        for i, t in enumerate(self.tops)])
        for i, cells in enumerate(by_top):
            minimum = 6 if m_per_top[i] >= 6 * len(cells) else 0
            for cell, n in zip(cells, _largest_remainder(m_per_top[i], [c.weight for c in cells], minimum),
                               strict=True):
                cell.members = n
        # Party groups: under the larger cells.
        hosts = sorted((c for c in self.cells if c.org_type == "cell" and c.members >= 20),
                       key=lambda c: (-c.members, c.id))
        made = 0
        for cell in hosts:
            if made >= n_group:
                break
            for g in range(min(3, n_group - made, (cell.members - 6) // 8)):
                self._org(cell, f"Tổ đảng số {g + 1}", "", f"{cell.code[len(self.prefix):]}-T{g + 1}", "party_group",
                          cell.established_on, cell.top)
                made += 1
        self._assign_paths(root)
        self.orgs = []
        stack = [root]
        while stack:  # pre-order, children in order: the orgs come out in path order
            o = stack.pop()
            self.orgs.append(o)
            stack.extend(reversed(o.children))
        self.cells = [o for o in self.orgs if o.org_type in ("cell", "grassroots_cell")]
        return self.orgs

    def _assign_paths(self, root: Org) -> None:
        stack = [root]
        while stack:
            o = stack.pop()
            for i, c in enumerate(o.children, start=1):
                c.path, c.depth, c.parent = o.path + encode_segment(i), o.depth + 1, o
                stack.append(c)

    def org_rows(self) -> Iterator[tuple]:
        nul = self.null
        ck: dict[str, str] = {}
        for o in self.orgs:
            key = ck.get(o.name)
            if key is None:
                key = ck[o.name] = names.collation_key(o.name)[:400]
            yield (str(o.id), o.name, o.short_name, o.code, o.org_type, str(o.parent.id) if o.parent else nul,
                   o.path, str(o.depth), str(len(o.children)), key,
                   names.searchable(o.name, o.short_name, o.code)[:400], o.address,
                   o.established_on.isoformat() if o.established_on else nul, nul, nul)

    def version_rows(self) -> Iterator[tuple]:
        nul = self.null
        for o in self.orgs:
            yield (str(self._next_id("version")), str(o.id), o.name, o.short_name, o.org_type,
                   str(o.parent.id) if o.parent else nul,
                   o.established_on.isoformat() if o.established_on else nul, nul, nul)

    # ------------------------------------------------------------------ members
    def _name(self, full: str) -> tuple[str, str]:
        hit = self._name_cache.get(full)
        if hit is None:
            hit = self._name_cache[full] = (names.name_sort_key(full), names.searchable(full))
        return hit

    def member_chunks(self, chunk: int = 20_000) -> Iterator[list[tuple]]:
        """Rows of members_member (columns: MEMBER_COLUMNS) in cell (path) order, ``chunk`` at a time.

        The cyclic garbage collector is paused meanwhile: the rows make no cycles, and millions of
        short-lived tuples would otherwise trigger full collections over a growing heap.
        """
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            yield from self._member_chunks(chunk)
        finally:
            if was_enabled:
                gc.enable()

    def _member_chunks(self, chunk: int) -> Iterator[list[tuple]]:
        rng = self.rng
        rnd = rng.random
        nul = self.null
        today = self.today.toordinal()
        base_ord = date(1900, 1, 1).toordinal()
        iso = [date.fromordinal(base_ord + i).isoformat() for i in range(today - base_ord + 400)]
        fam = [f for f, w in zip(FAMILY, FAMILY_W, strict=True) for _ in range(w)]
        nf = len(fam)
        mid_m, mid_f = MIDDLE_M, MIDDLE_F
        mid2_m = [m for m in MIDDLE_M if m not in ("Văn", "Hữu")]
        mid2_f = [m for m in dict.fromkeys(MIDDLE_F) if m != "Thị"]
        eth = ETHNIC
        edu = [e for e, w in zip(_EDUCATION, _EDU_W, strict=True) for _ in range(w)]
        theory = [t for t, w in zip(_THEORY, _THEORY_W, strict=True) for _ in range(w)]
        created = _CREATED + ("+00" if nul == "\\N" else "")
        origins: list[list[str]] = []
        for t, top in enumerate(self.tops):
            label = top.address or "Hà Nội"
            local = random.Random(self.seed * 1000 + t)
            origins.append([f"Xã {local.choice(_PLACE_A)} {local.choice(_PLACE_B)}, {label}" for _ in range(60)])
        all_codes = [p[2] for p in PROVINCES]
        counters: dict[str, int] = {}
        salts: dict[str, int] = {}
        taken_cccd, taken_card = self.taken_cccd, self.taken_card
        card_k = 0
        card_salt = (self.seed * 7919) % 100_000_000
        mid = self.ids.get("member", 0)
        local = random.Random(self.seed + 1)
        age_at_admission = [6600 + int(local.gammavariate(2.0, 4.0) * 365.25) for _ in range(4096)]
        name_cache = self._name_cache
        namef = self._name
        out: list[tuple] = []
        for cell in self.cells:
            cell.first_member_id = mid + 1
            cid, cpath, top = str(cell.id), cell.path, cell.top
            pcode = self.top_codes[top]
            orig = origins[top]
            for j in range(cell.members):
                mid += 1
                male = rnd() < 0.62
                f = fam[int(rnd() * nf)]
                if male:
                    m1 = mid_m[int(rnd() * 12)]
                    given = GIVEN_M[int(rnd() * len(GIVEN_M))]
                    if rnd() < 0.10:
                        m2 = mid2_m[int(rnd() * len(mid2_m))]
                        full = f"{f} {m1} {m2} {given}" if m2 != m1 else f"{f} {m1} {given}"
                    else:
                        full = f"{f} {m1} {given}"
                else:
                    m1 = mid_f[int(rnd() * 12)]
                    given = GIVEN_F[int(rnd() * len(GIVEN_F))]
                    if rnd() < 0.25:
                        m2 = mid2_f[int(rnd() * len(mid2_f))]
                        full = f"{f} {m1} {m2} {given}" if m2 != m1 and m2 != given else f"{f} {m1} {given}"
                    else:
                        full = f"{f} {m1} {given}"
                keys = name_cache.get(full) or namef(full)
                # Dates (ordinals). Leaders (the first nine of a cell): official, aged 30..58.
                if j < LEADERS:
                    age = 30 * 365 + int(rnd() * 28 * 365)
                    dob = today - age
                    adm = dob + 6600 + int(rnd() * (age - 6600 - 800))
                    status = "official"
                else:
                    adm = today - 30 - int((rnd() ** 1.3) * 55 * 365.25)
                    dob = adm - age_at_admission[int(rnd() * 4096)]
                    if dob < base_ord + 9000:  # born before 1925: move the birth to 1925..1930
                        dob = base_ord + 9000 + int(rnd() * 1800)
                        adm = max(adm, dob + 6600)
                    status = ""
                off = adm + 366 + int(rnd() * 90)
                if off > today:
                    off_s = nul
                    status = "probationary"
                else:
                    off_s = iso[off - base_ord]
                    if not status:
                        r = rnd()
                        age_y = (today - dob) / 365.25
                        if r < 0.0008:
                            status = "expelled"
                        elif r < 0.0018:
                            status = "suspended"
                        elif r < 0.0058:
                            status = "transferred_out"
                        elif r < (0.0058 + (0.05 if age_y > 80 else 0.002)):
                            status = "deceased"
                        elif age_y >= 70 and r < 0.40:
                            status = "exempted"
                        else:
                            status = "official"
                # Citizen ID: birth province, century/gender digit, year of birth, six unique digits.
                dob_s = iso[dob - base_ord]
                yy = dob_s[2:4]
                gc = ("0" if male else "1") if dob_s[0] == "1" else ("2" if male else "3")
                bp = pcode if rnd() < 0.85 else all_codes[int(rnd() * len(all_codes))]
                prefix = bp + gc + yy
                c = counters.get(prefix, 0)
                salt = salts.get(prefix)
                if salt is None:
                    salt = salts[prefix] = zlib.crc32(f"{self.seed}:{prefix}".encode()) % 1_000_000
                while True:
                    cccd = f"{prefix}{(c * 387_403 + salt) % 1_000_000:06d}"
                    c += 1
                    if cccd not in taken_cccd:
                        break
                counters[prefix] = c
                if status != "probationary":
                    while True:
                        card = f"{(card_k * 7919 + card_salt) % 100_000_000:08d}"
                        card_k += 1
                        if card not in taken_card:
                            break
                    search = f"{keys[1]} {cccd} {card}"
                else:
                    card = nul
                    search = f"{keys[1]} {cccd}"
                theory_level = theory[int(rnd() * 100)] if j >= 2 else ("intermediate" if rnd() < 0.7 else "advanced")
                out.append((
                    str(mid), full, keys[0], search, dob_s, "M" if male else "F",
                    eth[int(rnd() * len(eth))], "Không" if rnd() < 0.9 else _RELIGIONS[int(rnd() * 5)],
                    orig[int(rnd() * 60)], cccd, card, iso[adm - base_ord], off_s, status, cid, cpath,
                    edu[int(rnd() * 100)], theory_level, created, created,
                ))
                if len(out) >= chunk:
                    yield out
                    out = []
        self.ids["member"] = mid
        if out:
            yield out

    # ------------------------------------------------------------------ positions
    def position_rows(self) -> Iterator[tuple]:
        """Secretary and deputy of every cell and committee, leaders of provincial units, group leaders.

        Committees take the leaders (members 2..5, always official) of the first cells of their subtree.
        """
        nul = self.null
        first_cells: dict[int, list[Org]] = {}
        for cell in self.cells:  # path order: the first cells of each ancestor's subtree come first
            a = cell.parent
            while a is not None:
                lst = first_cells.setdefault(a.id, [])
                if len(lst) < 3 and cell.members >= 6:
                    lst.append(cell)
                a = a.parent
        root = self.orgs[0]

        def row(member_id: int, org: Org, title: str, term: str, start: date, how: str,
                authority: Org | None) -> tuple:
            return (str(self._next_id("position")), str(member_id), str(org.id), org.path, title, "", term,
                    start.isoformat(), nul, how, str(authority.id) if authority else nul, "")

        for o in self.orgs:
            if o.org_type in ("cell", "grassroots_cell"):
                if o.members >= 2:
                    start = date(2025, 5, 10)
                    yield row(o.first_member_id, o, "bi_thu", "2025-2027", start, "elected", None)
                    yield row(o.first_member_id + 1, o, "pho_bi_thu", "2025-2027", start, "elected", None)
            elif o.org_type == "party_group":
                assert o.parent is not None
                k = int(o.name.rsplit(" ", 1)[1])
                if o.parent.members >= 6 + k:
                    yield row(o.parent.first_member_id + 5 + k, o, "to_truong", "2025-2027", date(2025, 6, 1),
                              "designated", None)
            elif o.org_type in ("grassroots_committee", "partial_committee"):
                cells = first_cells.get(o.id, [])
                if not cells:
                    continue
                designated = o.kind in ("commune", "ward") or o.org_type == "partial_committee"
                start = date(2025, 7, 1) if designated else date(2025, 5, 20)
                how = "designated" if designated else "elected"
                authority = self.tops[o.top] if o.top >= 0 else None
                yield row(cells[0].first_member_id + 2, o, "bi_thu", "2025-2030", start, how, authority)
                yield row(cells[0].first_member_id + 3, o, "pho_bi_thu", "2025-2030", start, how, authority)
            elif o.org_type == "provincial":
                cells = first_cells.get(o.id, [])
                titles = ["bi_thu", "pho_bi_thu", "pho_bi_thu", "truong_ban_to_chuc", "chu_nhiem_ubkt", "uv_btv"]
                picks = [c.first_member_id + k for k in (4, 5) for c in cells]
                for title, m in zip(titles, picks, strict=False):
                    yield row(m, o, title, "2025-2030", date(2025, 10, 15), "elected", root)


# ---------------------------------------------------------------------- writing

MEMBER_COLUMNS = ["id", "full_name", "sort_key", "search_text", "date_of_birth", "gender", "ethnicity", "religion",
                  "place_of_origin", "citizen_id", "party_card_number", "admitted_on", "official_on", "status",
                  "cell_id", "org_path", "education_level", "theory_level", "created_at", "updated_at"]
ORG_COLUMNS = ["id", "name", "short_name", "code", "org_type", "parent_id", "path", "depth", "children_seq",
               "sort_key", "search_text", "address", "established_on", "dissolved_on", "successor_id"]
VERSION_COLUMNS = ["id", "organization_id", "name", "short_name", "org_type", "parent_id", "valid_from", "valid_to",
                   "decision_id"]
POSITION_COLUMNS = ["id", "member_id", "organization_id", "org_path", "title", "title_text", "term_label",
                    "start_on", "end_on", "how_obtained", "managing_authority_id", "decision_ref"]
TABLES = {"org": "organizations_organization", "version": "organizations_organizationversion",
          "member": "members_member", "position": "members_position", "activity": "members_activityrecord",
          "statuschange": "members_memberstatuschange"}
HISTORY_NOTE = "Dữ liệu mô phỏng"


def _load(cur: Any, table: str, columns: list[str], chunks: Iterable[list[tuple]],
          on_chunk: Callable[[int], None] | None = None) -> int:
    """Write row chunks: PostgreSQL in ONE ``COPY`` whose data a background thread sends while the next
    chunk is being generated (psycopg's queued writer); other databases by ``executemany``."""
    n = 0
    if connection.vendor == "postgresql":
        from psycopg.copy import QueuedLibpqWriter

        raw = cur.cursor
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN", writer=QueuedLibpqWriter(raw)) as cp:
            for rows in chunks:
                cp.write(("\n".join(["\t".join(r) for r in rows]) + "\n").encode("utf-8"))
                n += len(rows)
                if on_chunk:
                    on_chunk(n)
        return n
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
    for rows in chunks:
        cur.executemany(sql, rows)
        n += len(rows)
        if on_chunk:
            on_chunk(n)
    return n


def _chunked(rows: Iterable[tuple], size: int = 20_000) -> Iterator[list[tuple]]:
    buf: list[tuple] = []
    for r in rows:
        buf.append(r)
        if len(buf) >= size:
            yield buf
            buf = []
    if buf:
        yield buf


class _SuspendedIndexes:
    """PostgreSQL: the non-primary indexes, unique and foreign-key constraints of a table, dropped
    before a bulk load and rebuilt after it from their saved definitions (a sort per index, much
    faster than maintaining them row by row).

    Unique constraints are rebuilt as unique indexes first and then attached (``ADD CONSTRAINT ...
    USING INDEX``), so that every index build takes only a SHARE lock and several can run at once.
    """

    def __init__(self, cur: Any, table: str):
        self.table = table
        cur.execute("""
            SELECT c.conname, pg_get_indexdef(c.conindid) FROM pg_constraint c
            WHERE c.conrelid = %s::regclass AND c.contype = 'u' ORDER BY c.conname""", [table])
        self.uniques: list[tuple[str, str]] = cur.fetchall()
        cur.execute("""
            SELECT c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c
            WHERE c.conrelid = %s::regclass AND c.contype = 'f' ORDER BY c.conname""", [table])
        self.foreign: list[tuple[str, str]] = cur.fetchall()
        cur.execute("""
            SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
            WHERE x.indrelid = %s::regclass AND NOT x.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid
                              AND c.conrelid = x.indrelid AND c.contype IN ('p', 'u', 'x'))
            ORDER BY i.relname""", [table])
        self.indexes: list[tuple[str, str]] = cur.fetchall()

    def drop(self, cur: Any) -> None:
        for name, _d in self.foreign + self.uniques:
            cur.execute(f'ALTER TABLE {self.table} DROP CONSTRAINT "{name}"')
        for name, _d in self.indexes:
            cur.execute(f'DROP INDEX "{name}"')

    def index_statements(self) -> list[tuple[str, str]]:
        """(name, CREATE INDEX ...): independent of each other, the slowest (GIN) first."""
        stmts = self.uniques + self.indexes
        return sorted(stmts, key=lambda s: (" gin " not in s[1].lower(), s[0]))

    def final_statements(self) -> list[tuple[str, str]]:
        """Attach the unique indexes as constraints, then validate the foreign keys (one join each)."""
        return ([(n, f'ALTER TABLE {self.table} ADD CONSTRAINT "{n}" UNIQUE USING INDEX "{n}"')
                 for n, _d in self.uniques]
                + [(n, f'ALTER TABLE {self.table} ADD CONSTRAINT "{n}" {d}') for n, d in self.foreign])


def _run_timed(cur: Any, name: str, sql: str, log: Callable[[str], None]) -> None:
    t0 = time.perf_counter()
    cur.execute(sql)
    log(f"  {name}: {time.perf_counter() - t0:.1f} s")


def _build_in_parallel(statements: list[tuple[str, str]], log: Callable[[str], None], workers: int) -> None:
    """Run independent CREATE INDEX statements on ``workers`` connections of their own (autocommit)."""
    import queue
    import threading

    from django.db import connections

    todo: queue.Queue[tuple[str, str]] = queue.Queue()
    for s in statements:
        todo.put(s)
    errors: list[BaseException] = []

    def work() -> None:
        conn = connections["default"]  # thread-local: a connection of this thread's own
        try:
            with conn.cursor() as cur:
                cur.execute("SET maintenance_work_mem = '1GB'")
                while not errors:
                    try:
                        name, sql = todo.get_nowait()
                    except queue.Empty:
                        return
                    _run_timed(cur, name, sql, log)
        except BaseException as exc:  # reported by the caller
            errors.append(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=work, daemon=True) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


def generate(*, members: int, orgs: int, seed: int = 20261123, today: date = TODAY, force: bool = False,
             append: bool = False, with_history: bool = False, suspend_indexes: bool | None = None,
             index_workers: int = 2, log: Callable[[str], None] = print) -> Report:
    """Generate the national data set into the default database. See the module docstring.

    ``suspend_indexes`` (PostgreSQL; default: when loading 200,000 members or more into a table that
    holds fewer): drop the indexes and constraints of the member tables for the load. Inside an
    outer transaction (tests) they are rebuilt in the same transaction; otherwise the data is
    committed first and the indexes are rebuilt on ``index_workers`` connections at once, then the
    constraints are attached and validated (if that step fails, the statements still to run are
    printed).
    """
    from partyorg.core.audit import audit_record
    from partyorg.members.models import Member
    from partyorg.organizations.models import Organization

    report = Report(database=connection.vendor)
    pg = connection.vendor == "postgresql"
    if Organization.objects.exists() or Member.objects.exists():
        if force:
            from django.core.management import call_command

            t0 = time.perf_counter()
            log("--force: emptying the database (manage.py flush)…")
            call_command("flush", interactive=False, verbosity=0)
            report.seconds["flush"] = round(time.perf_counter() - t0, 2)
        elif not append:
            raise NotEmptyError("The database already has organizations or members: use --append to add a "
                                "second national tree, or --force to empty the database first.")
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        ids = {}
        for key, table in TABLES.items():
            cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608 - constant names
            ids[key] = int(cur.fetchone()[0])
    taken_cccd: set[str] = set()
    taken_card: set[str] = set()
    root_segment, prefix = 1, ""
    if ids["org"]:
        tops = list(Organization.objects.filter(depth=1).values_list("path", flat=True))
        root_segment = max(int(p, 36) for p in tops) + 1 if tops else 1
        prefix = f"S{root_segment}-"
    if ids["member"]:
        taken_cccd = set(Member.objects.values_list("citizen_id", flat=True).iterator(chunk_size=50_000))
        taken_card = set(Member.objects.exclude(party_card_number=None)
                         .values_list("party_card_number", flat=True).iterator(chunk_size=50_000))
    gen = Generator(members=members, orgs=orgs, seed=seed, today=today, id_base=ids, root_segment=root_segment,
                    code_prefix=prefix, taken_citizen_ids=taken_cccd, taken_cards=taken_card,
                    null="\\N" if pg else None)
    tree = gen.build_tree()
    report.seconds["plan"] = round(time.perf_counter() - t0, 2)
    log(f"Tree planned: {len(tree):,} organizations, {len(gen.cells):,} cells, {members:,} members "
        f"({report.seconds['plan']:.1f} s)")
    if suspend_indexes is None:
        suspend_indexes = members >= 200_000 and members >= ids["member"]
    suspend_indexes = bool(suspend_indexes and pg)
    outer_atomic = connection.in_atomic_block
    big = ["member"] + (["activity", "statuschange"] if with_history else [])
    suspended: list[_SuspendedIndexes] = []
    with transaction.atomic(), connection.cursor() as cur:
        if pg:
            cur.execute("SET LOCAL maintenance_work_mem = '1GB'")
            cur.execute("SET LOCAL synchronous_commit = off")
        if suspend_indexes:
            # Before any write: ALTER TABLE is refused while deferred FK checks are pending.
            suspended = [_SuspendedIndexes(cur, TABLES[k]) for k in big]
            for s in suspended:
                s.drop(cur)
            log(f"Indexes and constraints of {', '.join(TABLES[k] for k in big)} dropped for the load")
        t0 = time.perf_counter()
        _load(cur, TABLES["org"], ORG_COLUMNS, _chunked(gen.org_rows()))
        _load(cur, TABLES["version"], VERSION_COLUMNS, _chunked(gen.version_rows()))
        report.seconds["organizations"] = round(time.perf_counter() - t0, 2)
        log(f"Organizations written ({report.seconds['organizations']:.1f} s)")
        t0 = time.perf_counter()
        step = max(members // 10, 100_000)
        marks = {"next": step}

        def progress(done: int) -> None:
            if done >= marks["next"]:
                el = time.perf_counter() - t0
                log(f"  members {done:>11,} / {members:,}  {el:7.1f} s  {done / el:,.0f} rows/s")
                while marks["next"] <= done:
                    marks["next"] += step

        done = _load(cur, TABLES["member"], MEMBER_COLUMNS, gen.member_chunks(), progress)
        report.seconds["members"] = round(time.perf_counter() - t0, 2)
        log(f"Members written: {done:,} in {report.seconds['members']:.1f} s "
            f"({done / max(report.seconds['members'], 1e-9):,.0f} rows/s)")
        t0 = time.perf_counter()
        n_positions = _load(cur, TABLES["position"], POSITION_COLUMNS, _chunked(gen.position_rows()))
        report.seconds["positions"] = round(time.perf_counter() - t0, 2)
        log(f"Positions written: {n_positions:,} ({report.seconds['positions']:.1f} s)")
        if with_history:
            # One open official activity record and one status record per member, as the file import
            # writes them: derived from the member rows inside the database.
            t0 = time.perf_counter()
            cur.execute(f"""
                INSERT INTO {TABLES['activity']} (member_id, organization_id, kind, start_on, end_on,
                                                   decision_ref, note)
                SELECT id, cell_id, 'official', admitted_on, NULL, '', %s FROM {TABLES['member']}
                WHERE id > %s ORDER BY id""", [HISTORY_NOTE, ids["member"]])  # noqa: S608
            cur.execute(f"""
                INSERT INTO {TABLES['statuschange']} (member_id, from_status, to_status, effective_on, reason,
                                                       decision_ref, recorded_at)
                SELECT id, '', status, admitted_on, %s, '', created_at FROM {TABLES['member']}
                WHERE id > %s ORDER BY id""", [HISTORY_NOTE, ids["member"]])  # noqa: S608
            report.history_rows = 2 * done
            report.seconds["history"] = round(time.perf_counter() - t0, 2)
            log(f"History written: {2 * done:,} rows ({report.seconds['history']:.1f} s)")
        if pg:
            for key, table in TABLES.items():
                if gen.ids.get(key, 0) > ids.get(key, 0):
                    cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)", [gen.ids[key]])
        if suspended and outer_atomic:
            t0 = time.perf_counter()
            log("Rebuilding indexes and constraints (in the transaction)…")
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # run the pending FK checks of the small tables
            for s in suspended:
                for name, sql in s.index_statements() + s.final_statements():
                    _run_timed(cur, name, sql, log)
            report.seconds["indexes"] = round(time.perf_counter() - t0, 2)
    if suspended and not outer_atomic:
        t0 = time.perf_counter()
        stmts = [st for s in suspended for st in s.index_statements()]
        final = [st for s in suspended for st in s.final_statements()]
        log(f"Data committed. Rebuilding {len(stmts)} indexes on {index_workers} connections…")
        try:
            _build_in_parallel(stmts, log, index_workers)
            with connection.cursor() as cur:
                for name, sql in final:
                    _run_timed(cur, name, sql, log)
        except BaseException:
            log("INDEX REBUILD FAILED. The data is committed; create the missing indexes with:\n"
                + "\n".join(f"  {sql};" for _n, sql in stmts + final))
            raise
        report.seconds["indexes"] = round(time.perf_counter() - t0, 2)
    if "indexes" in report.seconds:
        log(f"Indexes rebuilt ({report.seconds['indexes']:.1f} s)")
    report.organizations, report.members, report.positions = len(tree), done, n_positions
    report.root_id = tree[0].id
    per_top = [0] * len(gen.tops)
    for c in gen.cells:
        per_top[c.top] += c.members
    report.tops = [{"id": t.id, "code": t.code, "name": t.name, "path": t.path, "members": per_top[i]}
                   for i, t in enumerate(gen.tops)]
    t0 = time.perf_counter()
    tables = [TABLES[k] for k in ("org", "version", "member", "position")]
    if with_history:
        tables += [TABLES["activity"], TABLES["statuschange"]]
    with connection.cursor() as cur:
        if pg and not connection.in_atomic_block:
            for table in tables:  # VACUUM also sets the visibility map: index-only scans work at once
                cur.execute(f"VACUUM (ANALYZE) {table}")
        elif pg:
            for table in tables:
                cur.execute(f"ANALYZE {table}")
        else:
            cur.execute("ANALYZE")
    report.seconds["analyze"] = round(time.perf_counter() - t0, 2)
    log(f"{'VACUUM ANALYZE' if pg and not connection.in_atomic_block else 'ANALYZE'} "
        f"({report.seconds['analyze']:.1f} s)")
    with transaction.atomic():
        audit_record(actor=None, action="synthetic.generate", target_type="organizations.organization",
                     target_id=report.root_id, target_repr=tree[0].name, org_path=tree[0].path,
                     after={"seed": seed, "members_requested": members, "orgs_requested": orgs,
                            "with_history": with_history, "suspend_indexes": suspend_indexes,
                            **report.as_dict()})
    return report


__all__ = ["Generator", "NotEmptyError", "Report", "generate", "MEMBER_COLUMNS"]

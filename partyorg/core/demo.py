"""Demo data: a fictional province with communes, grassroots committees, cells, about 10,000 members
with realistic Vietnamese names, positions and one demo user per role. Deterministic (seeded)."""
from __future__ import annotations

import random
from datetime import date, timedelta

from django.db import transaction

from partyorg.accounts.models import Role, RoleGrant, User
from partyorg.core.audit import audit_record
from partyorg.members.models import HowObtained, Member, Position, PositionTitle
from partyorg.organizations.models import Organization, OrgType
from partyorg.organizations.services import DecisionInput, organization_create, organizations_merge

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
          "Dương", "Lý", "Đinh", "Trương", "Mai", "Lương", "Tạ", "Quách", "Đoàn", "Lâm"]
FAMILY_W = [38, 11, 9, 7, 5, 3, 3, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
MIDDLE_M = ["Văn", "Hữu", "Đức", "Minh", "Quốc", "Thanh", "Xuân", "Công", "Đình", "Ngọc", "Quang", "Tuấn"]
MIDDLE_F = ["Thị", "Thị", "Thị", "Ngọc", "Thanh", "Thu", "Hồng", "Kim", "Minh", "Phương", "Mai", "Diệu"]
GIVEN_M = ["An", "Anh", "Bình", "Cường", "Dũng", "Đạt", "Đức", "Giang", "Hải", "Hiếu", "Hùng", "Huy", "Khánh",
           "Khoa", "Long", "Lộc", "Mạnh", "Nam", "Nghĩa", "Phong", "Phúc", "Quân", "Quang", "Sơn", "Tài", "Thắng",
           "Thành", "Toàn", "Trung", "Tuấn", "Tùng", "Việt", "Vinh", "Ân", "Ánh", "Ẩn", "Định", "Ơn", "Ước"]
GIVEN_F = ["An", "Anh", "Ánh", "Bích", "Chi", "Dung", "Duyên", "Giang", "Hà", "Hạnh", "Hằng", "Hoa", "Hương",
           "Huyền", "Lan", "Liên", "Linh", "Loan", "Mai", "Nga", "Ngân", "Nhung", "Oanh", "Phương", "Quyên", "Thảo",
           "Thủy", "Trang", "Trâm", "Uyên", "Vân", "Yến", "Ái", "Ấn", "Đào"]
ETHNIC = ["Kinh"] * 17 + ["Tày", "Thái", "Mường", "Dao", "H'Mông", "Nùng"]
COMMUNES = ["Hòa Bình", "Tân Lập", "Đồng Tâm", "Phú Thịnh", "Quang Trung", "Thanh Sơn", "An Phú", "Bình Minh",
            "Đại Đồng", "Hưng Đạo", "Kim Sơn", "Long Hưng", "Minh Khai", "Nghĩa Trung", "Phong Châu", "Quyết Thắng",
            "Sơn Thủy", "Tiên Phong", "Trung Hòa", "Vĩnh Lộc", "Xuân Trường", "Yên Lạc", "Đông Hưng", "Cẩm Giang",
            "Hợp Thịnh", "Tam Đa", "Thạch Thất", "Vạn Xuân", "Ái Quốc", "Ân Thi", "Bắc Sơn", "Cao Phong"]
PASSWORD = "PartyOrg-demo-2026"
DEMO_USERS = [
    ("vanhanh", "Quản trị hệ thống", Role.OPERATOR, "root"),
    ("bantochuc", "Cán bộ Ban Tổ chức Tỉnh ủy", Role.STAFF, "province"),
    ("lanhdao", "Lãnh đạo Tỉnh ủy", Role.LEADER, "province"),
    ("canboxa", "Cán bộ tổ chức Đảng ủy xã", Role.STAFF, "commune"),
    ("bithu", "Bí thư chi bộ", Role.SECRETARY, "cell"),
    ("dangvien", "Đảng viên", Role.MEMBER, "member"),
]


def person(rng: random.Random) -> tuple[str, str]:
    gender = "M" if rng.random() < 0.62 else "F"
    fam = rng.choices(FAMILY, FAMILY_W)[0]
    if gender == "M":
        name = f"{fam} {rng.choice(MIDDLE_M)} {rng.choice(GIVEN_M)}"
    else:
        name = f"{fam} {rng.choice(MIDDLE_F)} {rng.choice(GIVEN_F)}"
    return name, gender


def member_rows(rng: random.Random, cells: list[Organization], per_cell: tuple[int, int], today: date,
                cccd_start: int) -> list[dict]:
    rows = []
    n = cccd_start
    for cell in cells:
        for _ in range(rng.randint(*per_cell)):
            name, gender = person(rng)
            dob = date(rng.randint(1950, 2001), rng.randint(1, 12), rng.randint(1, 28))
            admitted = dob + timedelta(days=365 * rng.randint(19, 40) + rng.randint(0, 300))
            if admitted > today - timedelta(days=30):
                admitted = today - timedelta(days=rng.randint(30, 300))
            official = admitted + timedelta(days=365 + rng.randint(0, 60))
            if official > today:
                official = None
            n += 1
            theory = rng.choices(["", "elementary", "intermediate", "advanced", "bachelor"], [20, 45, 25, 7, 3])[0]
            rows.append({
                "full_name": name, "date_of_birth": dob, "gender": gender, "ethnicity": rng.choice(ETHNIC),
                "religion": "Không" if rng.random() < 0.9 else rng.choice(["Phật giáo", "Công giáo"]),
                "place_of_origin": f"Xã {rng.choice(COMMUNES)}", "citizen_id": f"{n:012d}",
                "party_card_number": f"{n % 10**8:08d}" if official else None, "admitted_on": admitted,
                "official_on": official, "cell": cell,
                "education_level": rng.choice(["Trung học phổ thông", "Cao đẳng", "Đại học", "Thạc sĩ"]),
                "theory_level": theory,
            })
    return rows


@transaction.atomic
def load_demo(*, members_target: int = 10_000, today: date | None = None, stdout=None) -> dict:
    from django.utils import timezone

    from partyorg.imports.services import write_members

    today = today or timezone.localdate()
    rng = random.Random(20261123)  # noqa: S311 - demo data, not security
    if Organization.objects.exists():
        raise RuntimeError("Database already has organizations; demo data is loaded only into an empty database.")
    op = User.objects.create_user("vanhanh", password=PASSWORD, full_name="Quản trị hệ thống")
    # The operator needs a scope to create the root: bootstrap the root organization directly.
    from partyorg.domain.names import collation_key
    from partyorg.domain.tree import encode_segment
    from partyorg.organizations.models import OrganizationVersion

    root = Organization.objects.create(name="Ban Chấp hành Trung ương (mô phỏng)", short_name="TW", code="TW",
                                       org_type=OrgType.CENTRAL, path=encode_segment(1), depth=1,
                                       sort_key=collation_key("Ban Chấp hành Trung ương"), search_text="tw")
    OrganizationVersion.objects.create(organization=root, name=root.name, org_type=root.org_type)
    RoleGrant.objects.create(user=op, organization=root, role=Role.OPERATOR)
    audit_record(actor=op, action="demo.bootstrap", target=root, org_path=root.path)
    province = organization_create(actor=op, parent_id=root.pk, name="Đảng bộ tỉnh Sơn Hà", short_name="Tỉnh ủy Sơn Hà",
                                   code="SH", org_type=OrgType.PROVINCIAL, address="Thành phố Sơn Hà",
                                   established_on=date(1946, 3, 1))
    # Historical district-level committee, abolished with the 2025 reorganisation.
    district = organization_create(actor=op, parent_id=province.pk, name="Đảng bộ huyện Ngọc Lâm",
                                   code="SH-H01", org_type=OrgType.DISTRICT, established_on=date(1977, 1, 1))
    n_communes = max(4, min(len(COMMUNES), members_target // 330))
    communes = []
    for i in range(n_communes):
        parent = district if i < 3 else province
        communes.append(organization_create(
            actor=op, parent_id=parent.pk, name=f"Đảng bộ xã {COMMUNES[i]}", short_name=f"ĐU xã {COMMUNES[i]}",
            code=f"SH-X{i + 1:03d}", org_type=OrgType.GRASSROOTS_COMMITTEE, established_on=date(1950 + i, 1, 1)))
    agency = organization_create(actor=op, parent_id=province.pk, name="Đảng bộ Cơ quan Tỉnh ủy",
                                 code="SH-CQ", org_type=OrgType.GRASSROOTS_COMMITTEE)
    cells: list[Organization] = []
    villages = ["Thôn 1", "Thôn 2", "Thôn 3", "Thôn Đông", "Thôn Tây", "Xóm Mới", "Khu phố Chợ", "Trường Tiểu học",
                "Trạm Y tế", "Công an xã"]
    for ci, commune in enumerate(communes):
        for vi, v in enumerate(villages[: 6 + ci % 4]):
            cells.append(organization_create(actor=op, parent_id=commune.pk, name=f"Chi bộ {v}",
                                             code=f"{commune.code}-C{vi + 1:02d}", org_type=OrgType.CELL))
    for vi, v in enumerate(["Văn phòng Tỉnh ủy", "Ban Tổ chức Tỉnh ủy", "Ban Tuyên giáo và Dân vận", "Ủy ban Kiểm tra"]):
        cells.append(organization_create(actor=op, parent_id=agency.pk, name=f"Chi bộ {v}",
                                         code=f"SH-CQ-C{vi + 1:02d}", org_type=OrgType.CELL))
    per = max(5, members_target // len(cells))
    rows = member_rows(rng, cells, (int(per * 0.8), int(per * 1.2)), today, cccd_start=1_085_000_000)
    write_members(actor=op, rows=rows, job_id="demo")
    # The 2025 reorganisation: the district level is abolished and two communes merge into a new one.
    dec = DecisionInput(number="125-QĐ/TU", signed_on=date(2025, 6, 20), effective_on=date(2025, 7, 1),
                        issuer_id=province.pk, issuer_name="Ban Thường vụ Tỉnh ủy Sơn Hà",
                        note="Sắp xếp đơn vị hành chính, kết thúc hoạt động cấp huyện")
    merged = organizations_merge(actor=op, source_ids=[communes[0].pk, communes[1].pk], decision=dec, new_target={
        "parent_id": province.pk, "name": f"Đảng bộ xã {COMMUNES[0]} – {COMMUNES[1]}", "code": "SH-X-M01",
        "org_type": OrgType.GRASSROOTS_COMMITTEE})
    organizations_merge(actor=op, source_ids=[district.pk], target_id=province.pk, decision=dec)
    # Positions: secretary and deputy in each commune and cell; province leaders.
    members_by_cell: dict[int, list[Member]] = {}
    for m in Member.objects.order_by("id").only("id", "cell_id", "org_path"):
        members_by_cell.setdefault(m.cell_id, []).append(m)
    positions = []
    for cell in Organization.objects.filter(org_type=OrgType.CELL, dissolved_on__isnull=True):
        ms = members_by_cell.get(cell.pk, [])
        if len(ms) >= 2:
            positions.append(Position(member=ms[0], organization=cell, org_path=cell.path, title=PositionTitle.SECRETARY,
                                      start_on=date(2025, 5, 10), how_obtained=HowObtained.ELECTED,
                                      term_label="2025-2027"))
            positions.append(Position(member=ms[1], organization=cell, org_path=cell.path,
                                      title=PositionTitle.DEPUTY_SECRETARY, start_on=date(2025, 5, 10),
                                      how_obtained=HowObtained.ELECTED, term_label="2025-2027"))
    for commune in Organization.objects.filter(org_type=OrgType.GRASSROOTS_COMMITTEE, dissolved_on__isnull=True):
        leaders = [m for c in commune.children.all() for m in members_by_cell.get(c.pk, [])[2:4]]
        for title, m in zip([PositionTitle.SECRETARY, PositionTitle.DEPUTY_SECRETARY, PositionTitle.STANDING_MEMBER,
                             PositionTitle.ORG_COMMISSION_HEAD], leaders, strict=False):
            positions.append(Position(member=m, organization=commune, org_path=commune.path, title=title,
                                      start_on=date(2025, 8, 15), how_obtained=HowObtained.ELECTED,
                                      term_label="2025-2030", managing_authority=province))
    Position.objects.bulk_create(positions)
    # Demo users, one per role.
    some_cell = Organization.objects.filter(org_type=OrgType.CELL, dissolved_on__isnull=True,
                                            path__startswith=merged.path).order_by("path").first() or cells[-1]
    commune = some_cell.parent
    the_member = members_by_cell[some_cell.pk][-1]
    where = {"root": root, "province": province, "commune": commune, "cell": some_cell, "member": some_cell}
    users = [("vanhanh", PASSWORD, "operator", root.name)]
    for username, full, role, at in DEMO_USERS[1:]:
        u = User.objects.create_user(username, password=PASSWORD, full_name=full)
        if role == Role.MEMBER:
            u.member = the_member
            u.full_name = the_member.full_name
            u.save()
        RoleGrant.objects.create(user=u, organization=where[at], role=role)
        users.append((username, PASSWORD, role, where[at].name))
    audit_record(actor=op, action="demo.loaded", target=province, org_path=province.path,
                 after={"members": Member.objects.count(), "organizations": Organization.objects.count()})
    return {"users": users, "members": Member.objects.count(), "organizations": Organization.objects.count()}

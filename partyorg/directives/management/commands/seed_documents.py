"""Seed the document register (DI-1, DI-2) with the documents the rule modules are built on, with their
links, and the default periodic report templates (DI-8). Idempotent: what is registered is skipped.

The documents go into the register of the top organization (or ``--owner-code``); every organization
below reads that register. Titles are abridged; dates are those given in the specs.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from partyorg.core.errors import ApplicationError
from partyorg.core.scopes import Scope
from partyorg.directives import services
from partyorg.directives.models import Document, DocumentLink, ReportTemplate
from partyorg.organizations.models import Organization

BCT, BBT, BCH = "Bộ Chính trị", "Ban Bí thư", "Ban Chấp hành Trung ương Đảng"
BTC, VP = "Ban Tổ chức Trung ương", "Văn phòng Trung ương Đảng"

# (number and symbol, type or "" for the symbol's own, issued on, issuing body, title)
DOCUMENTS: list[tuple[str, str, date, str, str]] = [
    ("262-QĐ/TW", "regulation", date(2014, 10, 8), BCT,
     "Quy định về việc lấy phiếu tín nhiệm đối với thành viên lãnh đạo, quản lý trong hệ thống chính trị"),
    ("96-QĐ/TW", "regulation", date(2023, 2, 2), BCT,
     "Quy định về việc lấy phiếu tín nhiệm đối với cán bộ giữ chức vụ lãnh đạo, quản lý trong hệ thống chính trị"),
    ("96/2023/QH15", "resolution", date(2023, 6, 23), "Quốc hội",
     "Nghị quyết về việc lấy phiếu tín nhiệm, bỏ phiếu tín nhiệm đối với người giữ chức vụ do Quốc hội, "
     "Hội đồng nhân dân bầu hoặc phê chuẩn"),
    ("132-QĐ/TW", "regulation", date(2018, 3, 8), BCT,
     "Quy định về việc kiểm điểm và đánh giá, xếp loại chất lượng hằng năm đối với tập thể, cá nhân "
     "trong hệ thống chính trị"),
    ("124-QĐ/TW", "regulation", date(2023, 10, 4), BCT,
     "Quy định về kiểm điểm, đánh giá, xếp loại chất lượng hằng năm đối với tập thể, cá nhân "
     "trong hệ thống chính trị"),
    ("25-HD/BTCTW", "", date(2023, 11, 10), BTC,
     "Hướng dẫn một số nội dung về kiểm điểm, đánh giá, xếp loại chất lượng hằng năm đối với tập thể, "
     "cá nhân trong hệ thống chính trị"),
    ("366-QĐ/TW", "regulation", date(2025, 8, 30), BCT,
     "Quy định về kiểm điểm, đánh giá, xếp loại chất lượng đối với tập thể, cá nhân trong hệ thống chính trị"),
    ("43-HD/BTCTW", "", date(2025, 10, 31), BTC,
     "Hướng dẫn thực hiện Quy định số 366-QĐ/TW về kiểm điểm, đánh giá, xếp loại chất lượng"),
    ("10072-CV/BTCTW", "", date(2025, 11, 6), BTC,
     "Công văn về việc thực hiện kiểm điểm, đánh giá, xếp loại chất lượng năm 2025"),
    ("198-KL/TW", "", date(2025, 10, 8), BCT, "Kết luận về việc đánh giá cán bộ theo quý"),
    ("90/2020/NĐ-CP", "", date(2020, 8, 13), "Chính phủ",
     "Nghị định về đánh giá, xếp loại chất lượng cán bộ, công chức, viên chức"),
    ("48/2023/NĐ-CP", "", date(2023, 7, 17), "Chính phủ",
     "Nghị định sửa đổi, bổ sung một số điều của Nghị định số 90/2020/NĐ-CP"),
    ("335/2025/NĐ-CP", "", date(2025, 12, 21), "Chính phủ", "Nghị định về đánh giá, xếp loại chất lượng công chức"),
    ("244-QĐ/TW", "decision", date(2014, 6, 9), BCH, "Quyết định ban hành Quy chế bầu cử trong Đảng"),
    ("190-QĐ/TW", "decision", date(2024, 10, 10), BCH, "Quyết định ban hành Quy chế bầu cử trong Đảng"),
    ("04-HD/TW", "", date(2024, 12, 31), BBT, "Hướng dẫn thực hiện Quy chế bầu cử trong Đảng"),
    ("24-QĐ/TW", "regulation", date(2021, 7, 30), BCH, "Quy định thi hành Điều lệ Đảng"),
    ("21-NQ/TW", "", date(2022, 6, 16), BCH,
     "Nghị quyết về tăng cường củng cố, xây dựng tổ chức cơ sở đảng và nâng cao chất lượng đội ngũ đảng viên "
     "trong giai đoạn mới"),
    ("03-HD/TW", "", date(2022, 12, 27), BBT,
     "Hướng dẫn thí điểm sinh hoạt đảng trực tuyến và sinh hoạt theo tổ đảng"),
    ("50-CT/TW", "", date(2025, 7, 23), BBT, "Chỉ thị về sinh hoạt chi bộ"),
    ("50-QĐ/TW", "regulation", date(2021, 12, 27), BCT, "Quy định về công tác quy hoạch cán bộ"),
    ("16-HD/BTCTW", "", date(2022, 2, 15), BTC, "Hướng dẫn một số nội dung về công tác quy hoạch cán bộ"),
    ("21-HD/BTCTW", "", date(2022, 9, 20), BTC, "Hướng dẫn bổ sung về công tác quy hoạch cán bộ"),
    ("41-QĐ/TW", "regulation", date(2021, 11, 3), BCT, "Quy định về việc miễn nhiệm, từ chức đối với cán bộ"),
    ("80-QĐ/TW", "regulation", date(2022, 8, 18), BCT,
     "Quy định về phân cấp quản lý cán bộ và bổ nhiệm, giới thiệu cán bộ ứng cử"),
    ("148-QĐ/TW", "regulation", date(2024, 5, 23), BCT,
     "Quy định về thẩm quyền của người đứng đầu trong việc tạm đình chỉ công tác đối với cán bộ cấp dưới "
     "khi cần thiết hoặc khi có dấu hiệu vi phạm nghiêm trọng"),
    ("145-QĐ/TW", "regulation", date(2024, 5, 10), BCT,
     "Quy định về bồi dưỡng, cập nhật kiến thức, kỹ năng cho cán bộ lãnh đạo, quản lý"),
    ("377-QĐ/TW", "regulation", date(2025, 10, 8), BCT,
     "Quy định về phân cấp quản lý cán bộ và quy hoạch, bổ nhiệm, giới thiệu cán bộ ứng cử, tạm đình chỉ "
     "công tác, cho thôi giữ chức vụ, từ chức, miễn nhiệm, cách chức cán bộ"),
    ("45-HD/BTCTW", "", date(2025, 11, 21), BTC, "Hướng dẫn thực hiện Quy định số 377-QĐ/TW (kèm biểu mẫu)"),
    ("36-HD/VPTW", "", date(2018, 4, 3), VP, "Hướng dẫn thể thức và kỹ thuật trình bày văn bản của Đảng"),
]

# (source, kind, target)
LINKS: list[tuple[str, str, str]] = [
    ("96-QĐ/TW", "replaces", "262-QĐ/TW"),
    ("124-QĐ/TW", "replaces", "132-QĐ/TW"),
    ("366-QĐ/TW", "replaces", "124-QĐ/TW"),
    ("25-HD/BTCTW", "guides", "124-QĐ/TW"),
    ("43-HD/BTCTW", "guides", "366-QĐ/TW"),
    ("43-HD/BTCTW", "replaces", "25-HD/BTCTW"),
    ("10072-CV/BTCTW", "implements", "366-QĐ/TW"),
    ("48/2023/NĐ-CP", "amends", "90/2020/NĐ-CP"),
    ("190-QĐ/TW", "replaces", "244-QĐ/TW"),
    ("04-HD/TW", "guides", "190-QĐ/TW"),
    ("03-HD/TW", "implements", "24-QĐ/TW"),
    ("03-HD/TW", "implements", "21-NQ/TW"),
    ("16-HD/BTCTW", "guides", "50-QĐ/TW"),
    ("21-HD/BTCTW", "guides", "50-QĐ/TW"),
    ("377-QĐ/TW", "replaces", "50-QĐ/TW"),
    ("377-QĐ/TW", "replaces", "148-QĐ/TW"),
    ("377-QĐ/TW", "replaces", "80-QĐ/TW"),
    ("377-QĐ/TW", "replaces", "41-QĐ/TW"),
    ("45-HD/BTCTW", "guides", "377-QĐ/TW"),
]

SECTIONS = [
    {"code": "general", "title_vi": "Tình hình chung", "title_en": "General situation"},
    {"code": "results", "title_vi": "Kết quả thực hiện nhiệm vụ công tác tổ chức xây dựng Đảng",
     "title_en": "Results"},
    {"code": "limits", "title_vi": "Hạn chế, khó khăn, vướng mắc và nguyên nhân", "title_en": "Shortcomings"},
    {"code": "next", "title_vi": "Phương hướng, nhiệm vụ kỳ tới", "title_en": "Tasks for the next period"},
    {"code": "proposals", "title_vi": "Đề xuất, kiến nghị", "title_en": "Proposals"},
]


def _ind(code, label, rule="sum", source=None, formula=None):
    return {"code": code, "label_vi": label, "label_en": "", "rule": rule, "formula": formula,
            "source": "system" if source else "manual", "source_key": source}


INDICATORS = [
    _ind("admitted", "Số đảng viên mới kết nạp", source="members_admitted"),
    _ind("admission_target", "Chỉ tiêu kết nạp đảng viên của kỳ"),
    _ind("admission_rate", "Tỷ lệ hoàn thành chỉ tiêu kết nạp (%)", rule="computed",
         formula={"numerator": [[1, "admitted"]], "denominator": [[1, "admission_target"]], "scale": 100}),
    _ind("merged", "Số tổ chức đảng được hợp nhất, sáp nhập", source="organizations_merged"),
    _ind("conferences", "Số hội nghị quán triệt, triển khai đã tổ chức"),
    _ind("participants", "Số lượt cán bộ, đảng viên dự hội nghị quán triệt"),
    _ind("confidence_votes", "Số cuộc lấy phiếu tín nhiệm đã tiến hành", source="confidence_votes_held"),
    _ind("self_score", "Điểm tự đánh giá của cấp ủy", rule="not_rolled_up"),
]
ANNUAL_EXTRA = [
    _ind("rated_excellent", "Đảng viên hoàn thành xuất sắc nhiệm vụ", source="members_by_rating:excellent"),
    _ind("rated_good", "Đảng viên hoàn thành tốt nhiệm vụ", source="members_by_rating:good"),
    _ind("rated_completed", "Đảng viên hoàn thành nhiệm vụ", source="members_by_rating:completed"),
    _ind("rated_not_completed", "Đảng viên không hoàn thành nhiệm vụ", source="members_by_rating:not_completed"),
]
TEMPLATES = [
    ("Báo cáo công tác tổ chức xây dựng Đảng", "quarter", INDICATORS),
    ("Báo cáo sơ kết công tác tổ chức xây dựng Đảng", "half_year", INDICATORS),
    ("Báo cáo công tác tổ chức xây dựng Đảng", "nine_months", INDICATORS),
    ("Báo cáo tổng kết công tác tổ chức xây dựng Đảng", "year", INDICATORS + ANNUAL_EXTRA),
]


@dataclass
class SeedActor:
    """The command acts as an operator of the owner's subtree; the audit log records "seed_documents"."""

    scope: Scope
    pk: None = None
    username: str = "seed_documents"
    is_authenticated: bool = True
    email: str = ""

    def __post_init__(self) -> None:
        self._partyorg_scope = self.scope

    def __str__(self) -> str:
        return self.username


class Command(BaseCommand):
    help = "Register the documents named in the specs (96, 262, 124, 132, 366, 25, 43, 190, 244, 03, 377, 145...) " \
           "with their links, and the default periodic report templates."

    def add_arguments(self, parser):
        parser.add_argument("--owner-code", help="code of the organization whose register holds the documents "
                                                 "(default: the top organization)")
        parser.add_argument("--no-templates", action="store_true", help="do not create the report templates")

    def handle(self, *args, **opts):
        if opts.get("owner_code"):
            owner = Organization.objects.filter(code=opts["owner_code"]).first()
        else:
            tops = list(Organization.objects.filter(depth=1, dissolved_on__isnull=True)[:2])
            owner = tops[0] if len(tops) == 1 else None
        if owner is None:
            raise CommandError("Choose the owner with --owner-code (no single top organization found).")
        actor = SeedActor(Scope(read_paths=(owner.path,), write_paths=(owner.path,), operator=True))
        made = skipped = 0
        ids: dict[str, int] = {}
        for symbol, doc_type, issued_on, body, title in DOCUMENTS:
            data = services.DocumentInput(number_symbol=symbol, issued_on=issued_on, title=title, issuing_body=body,
                                          doc_type=doc_type)
            try:
                doc = services.document_register(actor=actor, owner_id=owner.pk, data=data)
                made += 1
            except ApplicationError as exc:
                if exc.code != "validation_failed" and exc.code != "duplicate":
                    raise CommandError(f"{symbol}: {exc.message_en}")
                doc = Document.objects.filter(number_symbol=symbol, issued_on=issued_on).first()
                if doc is None:
                    raise CommandError(f"{symbol}: {exc.message_en} {[e.as_dict() for e in exc.errors]}")
                skipped += 1
            ids[symbol] = doc.pk
        links = 0
        for source, kind, target in LINKS:
            if DocumentLink.objects.filter(source_id=ids[source], target_id=ids[target], kind=kind).exists():
                continue
            services.document_link_add(actor=actor, source_id=ids[source], target_id=ids[target], kind=kind)
            links += 1
        templates = 0
        if not opts.get("no_templates"):
            for name, kind, indicators in TEMPLATES:
                if ReportTemplate.objects.filter(owner=owner, name=name, period_kind=kind).exists():
                    continue
                services.report_template_create(actor=actor, owner_id=owner.pk, name=name, period_kind=kind,
                                                sections=SECTIONS, indicators=indicators, due_offset_days=5)
                templates += 1
        self.stdout.write(f"documents: {made} registered, {skipped} already there; links: {links}; "
                          f"report templates: {templates}")

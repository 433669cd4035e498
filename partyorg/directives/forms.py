"""Forms of the directives pages: they parse input only; the rules are checked by the services."""
from __future__ import annotations

import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from partyorg.core.i18n import pick
from partyorg.domain import directives as rules
from partyorg.organizations.models import OrgType

from .models import (
    DELIVERABLE_CHOICES,
    LINK_CHOICES,
    MODE_CHOICES,
    PERIOD_CHOICES,
    SYSTEM_CHOICES,
    TYPE_CHOICES,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (PDF or DOCX; checked by the service)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.docx"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def org_choices(orgs) -> list[tuple[int, str]]:
    return [(o.pk, o.name) for o in orgs]


class DocumentFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm theo số, ký hiệu hoặc trích yếu"), required=False,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "124, QĐ/TW, đánh giá..."}))
    doc_type = forms.ChoiceField(label=_("Loại văn bản"), required=False, choices=[("", _("Tất cả")), *TYPE_CHOICES])
    system = forms.ChoiceField(label=_("Hệ thống"), required=False, choices=[("", _("Tất cả")), *SYSTEM_CHOICES])
    year = forms.IntegerField(label=_("Năm ban hành"), required=False, min_value=1930, max_value=2099)


class DocumentForm(forms.Form):
    owner = forms.TypedChoiceField(label=_("Sổ văn bản của"), coerce=int)
    number_symbol = forms.CharField(label=_("Số, ký hiệu"), max_length=80,
                                    help_text=_("Ví dụ: 124-QĐ/TW, 25-HD/BTCTW, 162-KH/TU, 24/2010/NĐ-CP"))
    doc_type = forms.ChoiceField(label=_("Loại văn bản"), required=False,
                                 choices=[("", _("Theo ký hiệu")), *TYPE_CHOICES])
    issued_on = forms.DateField(label=_("Ngày ban hành"), widget=DATE)
    issuing_body = forms.CharField(label=_("Cơ quan ban hành"), max_length=255, required=False,
                                   help_text=_("Để trống: theo ký hiệu (ví dụ TW, BTCTW)"))
    title = forms.CharField(label=_("Trích yếu"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    summary = forms.CharField(label=_("Tóm tắt nội dung"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    effective_on = forms.DateField(label=_("Ngày hiệu lực"), required=False, widget=DATE)
    expires_on = forms.DateField(label=_("Ngày hết hiệu lực"), required=False, widget=DATE)

    def __init__(self, *args, owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = org_choices(owners)

    def document_input(self):
        from .services import DocumentInput

        d = self.cleaned_data
        return DocumentInput(number_symbol=d["number_symbol"], issued_on=d["issued_on"], title=d["title"],
                             issuing_body=d.get("issuing_body") or "", doc_type=d.get("doc_type") or "",
                             summary=d.get("summary") or "", effective_on=d.get("effective_on"),
                             expires_on=d.get("expires_on"))


class LinkForm(forms.Form):
    kind = forms.ChoiceField(label=_("Văn bản này"), choices=LINK_CHOICES)
    target = forms.TypedChoiceField(label=_("văn bản"), coerce=int)

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [(d.pk, f"{d.number_symbol} – {d.title[:80]}") for d in targets]


class UploadForm(forms.Form):
    files = MultipleFileField(label=_("Tệp đính kèm (PDF, DOCX)"))


class ObstacleForm(forms.Form):
    asker = forms.TypedChoiceField(label=_("Tổ chức nêu"), coerce=int)
    requirement = forms.TypedChoiceField(label=_("Theo yêu cầu"), coerce=int, required=False, empty_value=None)
    recipient = forms.TypedChoiceField(label=_("Gửi tới"), coerce=int, required=False, empty_value=None,
                                       help_text=_("Để trống: đơn vị giao yêu cầu, hoặc cấp trên trực tiếp"))
    question = forms.CharField(label=_("Khó khăn, vướng mắc, kiến nghị"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, askers=(), requirements=(), recipients=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["asker"].choices = org_choices(askers)
        self.fields["requirement"].choices = [("", "—"), *[(r.pk, r.title) for r in requirements]]
        self.fields["recipient"].choices = [("", "—"), *org_choices(recipients)]


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Trả lời"), widget=forms.Textarea(attrs={"rows": 4}))
    share = forms.BooleanField(label=_("Chia sẻ câu trả lời cho tất cả tổ chức được giao"), required=False)


BRIDGE_LINE = re.compile(r"^\s*(?P<code>[^:;,]+?)\s*[:;,]\s*(?P<n>\d+)\s*$")


class ConferenceForm(forms.Form):
    host = forms.TypedChoiceField(label=_("Tổ chức chủ trì"), coerce=int)
    title = forms.CharField(label=_("Tên hội nghị"), max_length=300)
    held_at = forms.DateTimeField(label=_("Thời gian"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                                                  format="%Y-%m-%dT%H:%M"))
    mode = forms.ChoiceField(label=_("Hình thức"), choices=MODE_CHOICES)
    location = forms.CharField(label=_("Địa điểm (điểm cầu chính)"), max_length=300, required=False)
    chair = forms.CharField(label=_("Chủ trì hội nghị"), max_length=300)
    documents = forms.TypedMultipleChoiceField(label=_("Văn bản quán triệt, triển khai"), coerce=int,
                                               widget=forms.SelectMultiple(attrs={"size": 6}))
    in_person_participants = forms.IntegerField(label=_("Số người dự tại hội trường"), min_value=0, initial=0)
    follows = forms.TypedChoiceField(label=_("Tiếp nối hội nghị của cấp trên"), coerce=int, required=False,
                                     empty_value=None)
    other_bridge_points = forms.CharField(
        label=_("Điểm cầu khác (mỗi dòng: mã tổ chức: số người dự)"), required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "HN-X01: 120"}))
    notes = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, hosts=(), documents=(), conferences=(), bridge_orgs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host"].choices = org_choices(hosts)
        self.fields["documents"].choices = [(d.pk, f"{d.number_symbol} – {d.title[:90]}") for d in documents]
        self.fields["follows"].choices = [("", "—"), *[(c.pk, f"{c.title} ({c.held_at:%d/%m/%Y})")
                                                       for c in conferences]]
        self.bridge_orgs = list(bridge_orgs)
        for o in self.bridge_orgs:
            self.fields[f"bp_{o.pk}"] = forms.IntegerField(label=o.name, min_value=0, required=False)

    def bridge_fields(self):
        return [self[f"bp_{o.pk}"] for o in self.bridge_orgs]

    def bridge_points(self, org_by_code) -> list[tuple[int, int]]:
        """(organization id, participants): the numbered rows, then the lines "code: number"."""
        d = self.cleaned_data
        out = [(o.pk, d[f"bp_{o.pk}"]) for o in self.bridge_orgs if d.get(f"bp_{o.pk}") is not None]
        for line in (d.get("other_bridge_points") or "").splitlines():
            if not line.strip():
                continue
            m = BRIDGE_LINE.match(line)
            org = org_by_code(m["code"]) if m else None
            if org is None:
                raise forms.ValidationError(gettext("Dòng điểm cầu không hợp lệ hoặc không rõ mã tổ chức: “%(line)s”")
                                            % {"line": line.strip()})
            out.append((org.pk, int(m["n"])))
        return out


LEVEL_CHOICES = [(1, _("Cấp trực thuộc trực tiếp")), (2, _("Cấp thứ hai")), (3, _("Cấp thứ ba")), (4, _("Cấp thứ tư"))]


class RequirementForm(forms.Form):
    issuer = forms.TypedChoiceField(label=_("Đơn vị giao"), coerce=int)
    title = forms.CharField(label=_("Nội dung yêu cầu"), max_length=300)
    documents = forms.TypedMultipleChoiceField(label=_("Văn bản"), coerce=int,
                                               widget=forms.SelectMultiple(attrs={"size": 6}))
    deliverable = forms.ChoiceField(label=_("Sản phẩm phải nộp"), choices=DELIVERABLE_CHOICES)
    issued_on = forms.DateField(label=_("Ngày giao"), widget=DATE)
    deadline = forms.DateField(label=_("Hạn nộp"), widget=DATE)
    description = forms.CharField(label=_("Hướng dẫn chi tiết"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    levels = forms.TypedMultipleChoiceField(label=_("Giao theo cấp"), coerce=int, required=False, choices=LEVEL_CHOICES,
                                            widget=forms.CheckboxSelectMultiple)
    org_types = forms.MultipleChoiceField(label=_("Giao theo loại tổ chức"), required=False, choices=OrgType.choices,
                                          widget=forms.CheckboxSelectMultiple)
    chosen = forms.TypedMultipleChoiceField(label=_("Chọn từng tổ chức trực thuộc"), coerce=int, required=False,
                                            widget=forms.CheckboxSelectMultiple)
    chosen_codes = forms.CharField(label=_("Hoặc nhập mã tổ chức (cách nhau bởi dấu phẩy)"), required=False)

    def __init__(self, *args, issuers=(), documents=(), children=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuer"].choices = org_choices(issuers)
        self.fields["documents"].choices = [(d.pk, f"{d.number_symbol} – {d.title[:90]}") for d in documents]
        self.fields["chosen"].choices = org_choices(children)
        self.fields["issued_on"].initial = timezone.localdate()

    def codes(self) -> list[str]:
        return [c.strip() for c in re.split(r"[,;\s]+", self.cleaned_data.get("chosen_codes") or "") if c.strip()]


class SubmitForm(forms.Form):
    submitted_on = forms.DateField(label=_("Ngày nộp"), widget=DATE)
    document_number = forms.CharField(label=_("Số, ký hiệu văn bản"), max_length=80, required=False,
                                      help_text=_("Ví dụ: 162-KH/TU"))
    document_date = forms.DateField(label=_("Ngày văn bản"), required=False, widget=DATE)
    conference = forms.TypedChoiceField(label=_("Hoặc hội nghị đã tổ chức"), coerce=int, required=False, empty_value=None)
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    files = MultipleFileField(label=_("Tệp đính kèm (PDF, DOCX)"), required=False)

    def __init__(self, *args, conferences=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["conference"].choices = [("", "—"), *[(c.pk, f"{c.title} ({c.held_at:%d/%m/%Y})")
                                                          for c in conferences]]
        self.fields["submitted_on"].initial = timezone.localdate()


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Lý do"), widget=forms.Textarea(attrs={"rows": 2}))


class ReportOpenForm(forms.Form):
    template = forms.TypedChoiceField(label=_("Mẫu báo cáo"), coerce=int)
    org = forms.TypedChoiceField(label=_("Tổ chức báo cáo"), coerce=int)
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
    index = forms.IntegerField(label=_("Kỳ (quý 1–4, 6 tháng 1–2; 9 tháng và năm: 1)"), min_value=1, max_value=4,
                               initial=1)

    def __init__(self, *args, templates=(), orgs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [(t.pk, str(t)) for t in templates]
        self.fields["org"].choices = org_choices(orgs)
        self.fields["year"].initial = timezone.localdate().year


class ReportForm(forms.Form):
    """One integer field per indicator (computed ones are shown, not entered) and one text per section."""

    def __init__(self, *args, template: rules.ReportTemplate, locked: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.template = template
        for ind in template.indicators:
            computed = ind.rule is rules.RollupRule.COMPUTED
            self.fields[f"i_{ind.code}"] = forms.IntegerField(
                label=pick(ind.label_vi, ind.label_en), required=False, min_value=0 if not computed else None,
                disabled=locked or computed)
        for sec in template.sections:
            self.fields[f"s_{sec.code}"] = forms.CharField(label=pick(sec.title_vi, sec.title_en), required=False, disabled=locked,
                                                           widget=forms.Textarea(attrs={"rows": 4}))

    def values(self) -> dict[str, int | None]:
        return {i.code: self.cleaned_data.get(f"i_{i.code}") for i in self.template.indicators
                if i.rule is not rules.RollupRule.COMPUTED}

    def texts(self) -> dict[str, str]:
        return {s.code: self.cleaned_data.get(f"s_{s.code}") or "" for s in self.template.sections}


TERM = re.compile(r"\s*(?P<sign>[+-]?)\s*(?:(?P<coef>\d+)\s*\*\s*)?(?P<code>[A-Za-z][A-Za-z0-9_]*)\s*")


def _terms(part: str, text: str) -> list[list]:
    out, pos = [], 0
    while pos < len(part):
        t = TERM.match(part, pos)
        if t is None or (out and not t["sign"]):
            raise forms.ValidationError(gettext("Công thức không hợp lệ: “%(text)s”") % {"text": text})
        out.append([int(t["coef"] or 1) * (-1 if t["sign"] == "-" else 1), t["code"]])
        pos = t.end()
    return out


def parse_formula(text: str) -> dict | None:
    """``100 * admitted / target``, ``100 * (a + b) / (c + d)`` or ``a + 2 * b - c`` -> the template's formula
    JSON (DI-8). A leading ``N *`` is the scale when a denominator or a parenthesis follows."""
    text = text.strip()
    if not text:
        return None
    num, _, den = text.partition("/")
    scale = 1
    m = re.match(r"^\s*(\d+)\s*\*\s*(.+)$", num)
    if m and (den.strip() or m[2].strip().startswith("(")):
        scale, num = int(m[1]), m[2]
    num, den = num.strip().strip("()"), den.strip().strip("()")
    return {"numerator": _terms(num, text), "denominator": _terms(den, text) if den else [], "scale": scale}


class TemplateForm(forms.Form):
    owner = forms.TypedChoiceField(label=_("Đơn vị ban hành mẫu"), coerce=int)
    name = forms.CharField(label=_("Tên mẫu báo cáo"), max_length=300)
    period_kind = forms.ChoiceField(label=_("Kỳ báo cáo"), choices=PERIOD_CHOICES)
    due_offset_days = forms.IntegerField(label=_("Hạn nộp: số ngày sau khi hết kỳ"), initial=0, required=False)
    reporting_types = forms.MultipleChoiceField(label=_("Loại tổ chức phải báo cáo (để trống: các đảng bộ)"),
                                                required=False, choices=OrgType.choices,
                                                widget=forms.CheckboxSelectMultiple)
    sections = forms.CharField(label=_("Các phần (mỗi dòng: mã | tiêu đề)"), widget=forms.Textarea(attrs={"rows": 5}))
    indicators = forms.CharField(
        label=_("Chỉ tiêu (mỗi dòng: mã | tên | cách tổng hợp sum/computed/not_rolled_up | công thức | nguồn)"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Nguồn: để trống (nhập tay) hoặc members_admitted, organizations_merged, confidence_votes_held, "
                  "members_by_rating:excellent... Công thức: 100 * admitted / target hoặc a + b."))

    def __init__(self, *args, owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = org_choices(owners)

    def clean_sections(self) -> list[dict]:
        out = []
        for line in self.cleaned_data["sections"].splitlines():
            if not line.strip():
                continue
            code, _, title = (p.strip() for p in line.partition("|"))
            if not code or not title:
                raise forms.ValidationError(gettext("Dòng phần không hợp lệ: “%(line)s”") % {"line": line.strip()})
            out.append({"code": code, "title_vi": title, "title_en": ""})
        return out

    def clean_indicators(self) -> list[dict]:
        out = []
        for line in self.cleaned_data["indicators"].splitlines():
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")] + ["", "", "", ""]
            code, label, rule, formula, source = parts[:5]
            if not code or not label:
                raise forms.ValidationError(gettext("Dòng chỉ tiêu không hợp lệ: “%(line)s”") % {"line": line.strip()})
            rule = rule or ("computed" if formula else "sum")
            if rule not in {r.value for r in rules.RollupRule}:
                raise forms.ValidationError(gettext("Cách tổng hợp không hợp lệ: “%(rule)s”") % {"rule": rule})
            out.append({"code": code, "label_vi": label, "label_en": "", "rule": rule,
                        "formula": parse_formula(formula), "source": "system" if source else "manual",
                        "source_key": source or None})
        return out


class DigestForm(forms.Form):
    active = forms.TypedChoiceField(label=_("Bản tin nhắc việc qua e-mail"), coerce=lambda v: v == "on",
                                    choices=[("on", _("Nhận")), ("off", _("Không nhận"))], widget=forms.RadioSelect)
    email = forms.EmailField(label=_("Địa chỉ nhận (để trống: e-mail tài khoản)"), required=False)

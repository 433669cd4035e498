"""English translation of the UI (Vietnamese is the source language, ADR 0001).

- the committed catalogue covers every string in the sources (re-extracted into a temporary copy),
  and the committed .mo matches the .po;
- key strings translate through the compiled catalogue;
- switching the language through the set_language view shows the pages in English; Vietnamese is the default.
"""
from __future__ import annotations

import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

LOCALE = Path(settings.BASE_DIR) / "partyorg" / "locale"
PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"
MO = LOCALE / "en" / "LC_MESSAGES" / "django.mo"
needs_gettext = pytest.mark.skipif(not (shutil.which("xgettext") and shutil.which("msgfmt")),
                                   reason="GNU gettext tools not installed")

KEY_STRINGS = {
    "Đảng viên": "Party members",
    "Tổ chức đảng": "Party organization",
    "Chi bộ": "Party cell",
    "Danh sách đảng viên": "Party member list",
    "Trang chủ": "Home",
    "Đăng nhập": "Sign in",
    "Đăng xuất": "Sign out",
    "Nhập dữ liệu": "Data import",
    "Văn bản, chỉ đạo": "Documents and directives",
    "Lấy phiếu tín nhiệm": "Confidence vote",
    "Đánh giá, xếp loại": "Assessment and rating",
    "Đại hội, bầu cử": "Congresses and elections",
    "Ban kiểm phiếu": "Counting committee",
    "Hoàn thành xuất sắc nhiệm vụ": "Excellent completion of duties",
    "Hoàn thành tốt nhiệm vụ": "Good completion of duties",
    "Hoàn thành nhiệm vụ": "Completed duties",
    "Không hoàn thành nhiệm vụ": "Did not complete duties",
    "Hội nghị quán triệt": "Dissemination conferences",
    "Điểm cầu": "Bridge point",
    "Đưa ra khỏi quy hoạch": "Remove from cadre planning",
    "Biên bản kiểm phiếu": "Counting minutes",
}
VI_NAV = ["Tổ chức đảng", "Văn bản, chỉ đạo", "Đại hội, bầu cử", "Đăng xuất", "Nhập dữ liệu"]
EN_NAV = ["Party organization", "Documents and directives", "Congresses and elections", "Sign out", "Data import"]


def _catalogue(po_text: str) -> dict[str, list[str]]:
    """msgid -> msgstr list (one entry, or the plural forms) of a .po text; the header is left out."""
    entries: dict[str, list[str]] = {}
    for block in po_text.split("\n\n"):
        fields: dict[str, str] = {}
        key = None
        for line in block.splitlines():
            m = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line)
            if m:
                key = m.group(1)
                fields[key] = m.group(2)
            elif line.startswith('"') and key:
                fields[key] += line[1:-1]
        if fields.get("msgid"):
            entries[fields["msgid"]] = [v for k, v in sorted(fields.items()) if k.startswith("msgstr")]
    return entries


def test_key_strings_translate_through_the_compiled_catalogue():
    with translation.override("en"):
        got = {vi: translation.gettext(vi) for vi in KEY_STRINGS}
        plural = translation.ngettext("%(n)s văn bản", "%(n)s văn bản", 3) % {"n": 3}
    assert got == KEY_STRINGS
    assert plural == "3 documents"
    with translation.override("vi"):
        assert translation.gettext("Đảng viên") == "Đảng viên"


def test_committed_po_is_complete_and_without_fuzzy_entries():
    text = PO.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text
    empty = [mid for mid, strs in _catalogue(text).items() if not all(strs)]
    assert empty == []


@needs_gettext
def test_committed_mo_matches_the_po(tmp_path):
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(fresh), str(PO)], check=True)
    with MO.open("rb") as a, fresh.open("rb") as b:
        committed, compiled = gettext.GNUTranslations(a)._catalog, gettext.GNUTranslations(b)._catalog
    committed.pop("", None)
    compiled.pop("", None)
    assert committed == compiled, "run scripts/translations.sh and commit django.mo"


@needs_gettext
def test_every_string_in_the_sources_has_a_translation(tmp_path, monkeypatch):
    """Re-extract into a copy of the catalogue: nothing new, nothing untranslated (scripts/translations.sh)."""
    copy = tmp_path / "locale" / "en" / "LC_MESSAGES" / "django.po"
    copy.parent.mkdir(parents=True)
    shutil.copy(PO, copy)
    monkeypatch.chdir(settings.BASE_DIR)
    with override_settings(LOCALE_PATHS=[str(tmp_path / "locale")]):
        call_command("makemessages", locale=["en"], ignore_patterns=[".venv", "tests", "bench"],
                     no_obsolete=True, verbosity=0)
    text = copy.read_text(encoding="utf-8")
    missing = [mid for mid, strs in _catalogue(text).items() if not all(strs)]
    assert missing == [], f"untranslated strings, run scripts/translations.sh: {missing[:20]}"
    assert "#, fuzzy" not in text


@pytest.mark.django_db
def test_default_language_is_vietnamese(client, world):
    client.force_login(world.users["staff_p1"])
    html = client.get("/").content.decode()
    assert 'lang="vi"' in html
    for label in VI_NAV:
        assert label in html
    assert "Sign out" not in html


@pytest.mark.django_db
def test_switching_to_english_translates_home_and_member_list(client, world):
    client.force_login(world.users["staff_p1"])
    resp = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert resp.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    home = client.get("/")
    assert home.status_code == 200
    html = home.content.decode()
    for label in EN_NAV + ["Home", "Hello", "Scope of management", "Party member list"]:
        assert label in html, label
    for label in VI_NAV + ["Trang chủ", "Xin chào", "Phạm vi quản lý"]:
        assert label not in html, label

    members = client.get(reverse("members:list"))
    assert members.status_code == 200
    html = members.content.decode()
    for label in EN_NAV + ["Party member list", "Filter", "Export to Excel"]:
        assert label in html, label
    for label in VI_NAV + ["Danh sách đảng viên", "Xuất Excel"]:
        assert label not in html, label

    # and back to Vietnamese
    client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    assert "Đăng xuất" in client.get("/").content.decode()


# Vietnamese letters: the ones English never uses, and every letter with a tone mark.
VI_LETTER = re.compile(r"[ăâđêôơưĂÂĐÊÔƠƯàáảãạèéẻẽẹìíỉĩịòóỏõọùúủũụỳýỷỹỵÀÁẢÃẠÈÉẺẼẸÌÍỈĨỊÒÓỎÕỌÙÚỦŨỤỲÝỶỸỴ\u1ea0-\u1ef9]")


def _texts(html: str, tag: str) -> list[str]:
    """The text of every <tag> element (inner tags dropped, whitespace collapsed)."""
    return [" ".join(re.sub(r"<[^>]+>", " ", t).split())
            for t in re.findall(rf"<{tag}\b[^>]*>(.*?)</{tag}>", html, re.S)]


def _english_page(client, url: str, expected: list[str], *, labels_only_english: bool = True) -> str:
    resp = client.get(url)
    assert resp.status_code == 200, url
    html = resp.content.decode()
    for text in expected:
        assert text in html, (url, text)
    if labels_only_english:
        vietnamese = [t for t in _texts(html, "label") + _texts(html, "th") if VI_LETTER.search(t)]
        assert vietnamese == [], (url, vietnamese)
    return html


@pytest.mark.django_db
def test_forms_titles_and_messages_are_translated_in_english(client, world):
    """Form labels, choices, help texts, page titles and flash messages built in Python code (forms, views)
    follow the language: in English no label or table header of these pages keeps a Vietnamese letter."""
    client.force_login(world.users["staff_p1"])
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    m1, cell1, c1 = world.members["m1"], world.cell1, world.c1

    _english_page(client, reverse("members:list"), ["Search (with or without diacritics)", ">All<", "<th>No.</th>"])
    html = _english_page(client, reverse("members:create") + f"?cell={cell1.pk}", [
        "Add party member – " + cell1.name, "Full name", "Date of birth", "Citizen ID number (12 digits)",
        "Political theory"])
    assert "Thêm đảng viên" not in html
    _english_page(client, reverse("members:position", args=[m1.pk]),
                  ["Assign position – " + m1.full_name, "How obtained", "Specific position title"])
    _english_page(client, reverse("organizations:create_child", args=[c1.pk]),
                  ["Add a subordinate organization to " + c1.name, "Organization name", "Organization type"])
    _english_page(client, reverse("imports:home"), ["Data type", "File (.xlsx or .csv)"])
    _english_page(client, reverse("accounts:tokens"), ["Key name (e.g. statistics software)"])
    _english_page(client, reverse("directives:document_new"), [
        "Document register of", "Examples: 124-QĐ/TW", ">Resolution<", ">Joint circular<"])
    _english_page(client, reverse("directives:documents"), ["Search by number, symbol or abstract", ">Decision<"])
    _english_page(client, reverse("elections:congress_new"), [
        "The Party committee has a Standing Committee", "Congress that elected the Party committee"])
    _english_page(client, reverse("confidence:create"), [
        "Party organization holding the vote", "Scope of invalidity (OP-3)", "Only the faulty row is invalid"])

    # a flash message built in a view
    resp = client.post(reverse("members:status", args=[m1.pk]),
                       {"new_status": "exempted", "effective_on": "2026-01-05", "reason": "", "decision_ref": ""},
                       follow=True)
    html = resp.content.decode()
    assert "Recorded." in html and "Đã ghi nhận." not in html

    # Vietnamese stays the source: the same labels in Vietnamese by default
    client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    html = client.get(reverse("members:create") + f"?cell={cell1.pk}").content.decode()
    assert "Thêm đảng viên – " + cell1.name in html and "Số CCCD (12 số)" in html and "Full name" not in html


def test_document_type_labels_are_the_domain_names_in_vietnamese():
    """directives.models.TYPE_CHOICES repeats the domain's names to mark them for translation: keep them equal."""
    from partyorg.directives.models import TYPE_CHOICES
    from partyorg.domain.directives import DOCUMENT_TYPE_NAMES_VI, DocumentType

    with translation.override("vi"):
        assert [(v, str(label)) for v, label in TYPE_CHOICES] == [(t.value, DOCUMENT_TYPE_NAMES_VI[t]) for t in DocumentType]
    with translation.override("en"):
        assert dict(TYPE_CHOICES)[DocumentType.RESOLUTION.value] == "Resolution"
